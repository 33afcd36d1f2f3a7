"""The dashboard's one Plotly look: fonts, colours, title and source-line helpers.

Colours are colour-blind safe: the status palette is derived from Okabe & Ito
(bluish green, orange, vermillion, grey) and statuses always carry a text label
or symbol as well (``STATUS_SYMBOLS``); the sequential scale is single-hue blue
and the progress scale diverges orange-to-blue around the target (100 %).
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from data.schema import STATUS_LABELS, STATUSES

__all__ = [
    "BORDER_COLOR",
    "FONT_FAMILY",
    "GAP_SCALE",
    "GRID_COLOR",
    "INK",
    "INK_MUTED",
    "MARGIN",
    "PROGRESS_SCALE",
    "QUALITATIVE",
    "SELECTED_COLOR",
    "SEQUENTIAL_SCALE",
    "STATUS_COLORS",
    "STATUS_SYMBOLS",
    "TEMPLATE",
    "add_source_line",
    "apply_titles",
    "contrast_ratio",
    "dress",
    "luminance",
    "status_legend_label",
    "template_json",
    "text_color_on",
]

#: Sans-serif stack: Arial/Helvetica on readers' machines, Liberation Sans (Arial
#: metrics) or DejaVu Sans on Debian servers where kaleido renders exports.
FONT_FAMILY = "Liberation Sans, Arial, Helvetica, DejaVu Sans, sans-serif"
INK = "#1F2328"
INK_MUTED = "#5A6270"
GRID_COLOR = "#E3E6EA"
BORDER_COLOR = "#FFFFFF"
SELECTED_COLOR = "#111111"

#: The district's semáforo colours (rojo, amarillo, verde, naranja), taken from
#: Okabe & Ito's colour-blind-safe set and ordered by lightness; "sin dato" grey;
#: "futuro" a pale blue that reads as "not yet", never as missing.
STATUS_COLORS = {
    "rojo": "#C0392B",
    "amarillo": "#F0E442",
    "verde": "#009E73",
    "naranja": "#E69F00",
    "sin_dato": "#BDBDBD",
    "futuro": "#DCE6F2",
}
#: Symbol drawn beside or instead of a status colour (never colour alone).
STATUS_SYMBOLS = {"rojo": "✗", "amarillo": "!", "verde": "✓", "naranja": "▲",
                  "sin_dato": "–", "futuro": "○"}

#: Sequential single-hue blue (ColorBrewer Blues 2-9), for reported values.
SEQUENTIAL_SCALE = (
    (0.0, "#DEEBF7"),
    (0.25, "#9ECAE1"),
    (0.5, "#6BAED6"),
    (0.75, "#2171B5"),
    (1.0, "#08306B"),
)
#: Diverging brown -> white -> teal for the gap to the ideal path (brecha),
#: symmetric around 0 (behind: brown, ahead: teal).
GAP_SCALE = (
    (0.0, "#8C510A"),
    (0.25, "#D8B365"),
    (0.5, "#F5F5F5"),
    (0.75, "#5AB4AC"),
    (1.0, "#01665E"),
)
#: Diverging orange -> light -> blue, stops as shares of 0-150 % of the target.
PROGRESS_SCALE = (
    (0.0, "#B35806"),
    (0.3333, "#F1A340"),
    (0.6, "#FEE0B6"),
    (0.6667, "#EFEDF5"),
    (0.8, "#9ECAE1"),
    (1.0, "#08519C"),
)
#: Okabe-Ito order for lines of several localities (black last).
QUALITATIVE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
)

#: Margins (px) with room for a title block and a source line.
MARGIN = {"l": 16, "r": 16, "t": 24, "b": 24}
_TITLE_TOP = 96


def status_legend_label(status: str) -> str:
    """``"✓ En meta"``: the symbol and the Spanish label of a status code."""
    if status not in STATUSES:
        raise ValueError(f"estado desconocido {status!r}; use uno de {', '.join(STATUSES)}")
    return f"{STATUS_SYMBOLS[status]} {STATUS_LABELS[status]}"


def luminance(color: str) -> float:
    """WCAG relative luminance of a ``#RRGGBB`` colour."""
    color = color.lstrip("#")
    red, green, blue = (int(color[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def _linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_color_on(fill: str) -> str:
    """Dark ink or white text, whichever contrasts more with the ``#RRGGBB`` ``fill``."""
    return INK if contrast_ratio(INK, fill) >= contrast_ratio("#FFFFFF", fill) else "#FFFFFF"


def _template() -> go.layout.Template:
    axis = {
        "showgrid": True,
        "gridcolor": GRID_COLOR,
        "gridwidth": 1,
        "zeroline": False,
        "showline": False,
        "ticks": "",
        "tickfont": {"size": 13, "color": INK_MUTED},
        "title": {"font": {"size": 13, "color": INK_MUTED}, "standoff": 8},
        "automargin": True,
    }
    return go.layout.Template(
        layout={
            "font": {"family": FONT_FAMILY, "size": 14, "color": INK},
            "separators": ",.",
            "paper_bgcolor": "#FFFFFF",
            "plot_bgcolor": "#FFFFFF",
            "colorway": list(QUALITATIVE),
            "margin": dict(MARGIN),
            "title": {
                "x": 0,
                "xref": "container",
                "xanchor": "left",
                "y": 1,
                "yref": "container",
                "yanchor": "top",
                "pad": {"t": 14, "l": 16},
                "font": {"size": 22, "color": INK, "weight": "bold"},
                "subtitle": {"font": {"size": 15, "color": INK_MUTED}},
            },
            "xaxis": {**axis, "showgrid": False, "showline": True, "linecolor": "#9AA1AA",
                      "ticks": "outside", "tickcolor": "#9AA1AA", "ticklen": 4},
            "yaxis": axis,
            "legend": {
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 1.0,
                "yanchor": "bottom",
                "font": {"size": 13},
                "bgcolor": "rgba(255,255,255,0)",
                "title": {"text": ""},
            },
            "hoverlabel": {
                "font": {"family": FONT_FAMILY, "size": 13, "color": INK},
                "bgcolor": "#FFFFFF",
                "bordercolor": "#9AA1AA",
                "align": "left",
            },
            "hovermode": "closest",
        }
    )


#: The template every figure of the project uses.
TEMPLATE = _template()


_TEMPLATE_JSON: dict | None = None


def template_json() -> dict:
    """:data:`TEMPLATE` as a plain dict (computed once; for figures built as dicts).

    Shared between figures: callers must not modify it.
    """
    global _TEMPLATE_JSON
    if _TEMPLATE_JSON is None:
        _TEMPLATE_JSON = TEMPLATE.to_plotly_json()
    return _TEMPLATE_JSON


def apply_titles(
    figure: dict[str, Any],
    title: str | None,
    subtitle: str | None = None,
    *,
    max_chars: int | None = None,
) -> dict[str, Any]:
    """Set a left-aligned bold title and a muted subtitle on a figure dict.

    Reserves the top margin they need. With ``max_chars``, the subtitle is
    wrapped at its `` · `` separators into lines of at most that many characters
    (default: one line; callers that know the pixel width may wrap it
    themselves). Returns the same dict (modified in place).
    """
    if not title:
        return figure
    if not subtitle:
        lines = []
    elif max_chars:
        lines = _wrap(subtitle, max_chars)
    else:
        lines = [subtitle]
    layout = figure.setdefault("layout", {})
    old = layout.get("title") or {}
    layout["title"] = {**old, "text": title,
                       "subtitle": {**(old.get("subtitle") or {}), "text": "<br>".join(lines)}}
    layout["margin"] = {**(layout.get("margin") or {}), "t": _TITLE_TOP - 24 + 22 * len(lines)}
    return figure


def _wrap(text: str, max_chars: int) -> list[str]:
    lines: list[str] = []
    for part in text.split(" · "):
        if lines and len(lines[-1]) + 3 + len(part) <= max_chars:
            lines[-1] += " · " + part
        else:
            lines.append(part)
    return lines


def add_source_line(
    figure: dict[str, Any], text: str | None, *, max_chars: int = 90, axis_room: int = 34
) -> dict[str, Any]:
    """Write ``text`` (e.g. from :func:`layers.titles.source_line`) at the bottom left.

    The text is wrapped at its `` · `` separators into lines of at most
    ``max_chars``, placed ``axis_room`` px below the plot area (clear of the
    x tick labels) in a bottom margin that grows to hold it, flush with the
    title (16 px from the left edge, assuming the figure's explicit left margin
    was not enlarged by axis ``automargin``). Returns the same dict.
    """
    if not text:
        return figure
    lines = _wrap(text, max_chars)
    layout = figure.setdefault("layout", {})
    margin = dict(layout.get("margin") or {})
    margin["b"] = max(margin.get("b") or 0, axis_room + 16 * len(lines) + 10)
    layout["margin"] = margin
    layout["annotations"] = [*(layout.get("annotations") or []), {
        "text": "<br>".join(lines), "xref": "paper", "yref": "paper", "x": 0, "y": 0,
        "xanchor": "left", "yanchor": "top", "yshift": -axis_room,
        "xshift": 16 - (margin.get("l") or 0), "showarrow": False, "align": "left",
        "font": {"size": 12, "color": INK_MUTED}, "name": "source-line",
    }]
    return figure


def dress(
    figure: dict[str, Any],
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    *,
    axis_room: int = 34,
) -> dict[str, Any]:
    """Title block and source line of a chart: the one helper every figure builder uses.

    Returns the same figure dict, for ``go.Figure(dress(...))``.
    """
    apply_titles(figure, title, subtitle)
    return add_source_line(figure, source, axis_room=axis_room)
