"""Press-ready figures of a resolved view: the screen's charts plus a title block.

Each exported chart explains itself: a title stating the selection in words, a
subtitle with measure, unit and year, the legend as on screen, a source line
(dashboard, data version, cut-off date, IDECA for boundaries) and, while the
illustrative catalog is in use, "DATOS ILUSTRATIVOS" in bold at the start of the subtitle.

Map exports add a ranking of the 20 localities (bars in the map's colours,
values in es-CO), so every locality's value is readable even where the map is
too small for a label. The default map puts it below a shorter colour bar; the
1200x630 social card puts the map at full height on the left and the title,
ranking and source line on the right, and labels on the map only the localities
large enough for one (:data:`SOCIAL_LABEL_KM2`). The status chart is the
screen's own :func:`layers.status_figure.build_status_bars`, titled.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from data.catalog import Catalog
from data.schema import STATUS_LABELS, STATUSES
from layers.choropleth import LABELS_TRACE, merc_y
from layers.formatting import format_percent, format_points, format_value, join_names
from layers.geo_map import build_geo_map
from layers.scales import measure_z
from layers.series_figure import build_series
from layers.status_figure import build_status_bars, entity_labels
from layers.theme import (
    INK,
    INK_MUTED,
    STATUS_SYMBOLS,
)
from layers.titles import ILLUSTRATIVE_FLAG, VIEWS, describe_selection, source_line

__all__ = [
    "MAP_MIN_SIZE",
    "RANKING_NAME",
    "SOCIAL_LABEL_KM2",
    "SOCIAL_SIZE",
    "ExportSize",
    "LabelBox",
    "add_ranking",
    "build_export_figure",
    "declutter_labels",
    "export_size",
    "filter_phrases",
    "hide_small_labels",
    "label_boxes",
    "ranking_rows",
    "text_box_size",
    "wrap_text",
]

#: Name of the ranking bar trace the map exports add beside the map.
RANKING_NAME = "Clasificación de localidades"
#: On the social card, localities smaller than this (km², per framing) get no map
#: label (they would overlap); their values are in the ranking.
SOCIAL_LABEL_KM2 = {"urbana": 20.0, "distrito": 60.0}
#: Social-card preset (Open Graph / X), in output pixels.
SOCIAL_SIZE = (1200, 630)
#: Default output size (px) of each view: at least 1600 px wide.
DEFAULT_SIZES = {"mapa": (1600, 2000), "serie": (1600, 1000), "entidades": (1600, 1120)}
#: Layout width (CSS px) each press layout is designed at; larger outputs are scaled.
DESIGN_WIDTHS = {"mapa": 760, "serie": 1000, "entidades": 1000}
SOCIAL_DESIGN_WIDTH = 960
#: Colour of the "Datos ilustrativos" flag (dark orange, 7:1 on white).
FLAG_COLOR = "#8A4B00"
_TITLE_PAD = 14  # px above the title (as in layers.theme.TEMPLATE)
WIDTH_RANGE = (600, 4000)
HEIGHT_RANGE = (400, 4000)
ASPECT_RANGE = (0.35, 2.0)  # height / width
#: Least output size (px) of a map export: below it the map, its colour bar and
#: the 20-row ranking cannot all be legible side by side.
MAP_MIN_SIZE = (800, 500)
#: Least output size (px) of the status bars export: below it the 14 entities'
#: full names cannot each have a row of two lines.
BARS_MIN_SIZE = (800, 700)
#: Least layout height (CSS px) of the status bars export (wider instead).
BARS_MIN_LAYOUT_HEIGHT = 700
#: Least layout height (CSS px) of a map export: a wide, short request is drawn at
#: a wider layout rather than a squashed one.
MAP_MIN_LAYOUT_HEIGHT = 500


@dataclass(frozen=True)
class ExportSize:
    """Layout size in CSS px and the PNG pixel density (output = layout x scale)."""

    width: int
    height: int
    scale: float
    social: bool = False

    @property
    def pixels(self) -> tuple[int, int]:
        """PNG size in px."""
        return round(self.width * self.scale), round(self.height * self.scale)


def _clamp(value: int, bounds: tuple[int, int]) -> int:
    return max(bounds[0], min(bounds[1], int(value)))


def export_size(
    view_name: str, width: int | None = None, height: int | None = None, *, social: bool = False
) -> ExportSize:
    """The export size for requested output pixels, clamped to sane bounds.

    Parameters
    ----------
    view_name : {"mapa", "serie", "entidades"}
    width, height : int, optional
        Requested output pixels (``ancho``/``alto``); defaults per view
        (:data:`DEFAULT_SIZES`). Width is clamped to 600-4000, height to 400-4000
        and to 0.35-2 times the width; a map is at least :data:`MAP_MIN_SIZE`
        and its layout at least :data:`MAP_MIN_LAYOUT_HEIGHT` px high; the status
        bars at least :data:`BARS_MIN_SIZE`.
    social : bool
        The 1200x630 social card (ignores ``width``/``height``).
    """
    if social:
        w, h = SOCIAL_SIZE
        return ExportSize(SOCIAL_DESIGN_WIDTH, round(h * SOCIAL_DESIGN_WIDTH / w),
                          w / SOCIAL_DESIGN_WIDTH, social=True)
    default_w, default_h = DEFAULT_SIZES[view_name]
    least = {"mapa": MAP_MIN_SIZE, "entidades": BARS_MIN_SIZE}.get(view_name)
    w_range = (least[0], WIDTH_RANGE[1]) if least else WIDTH_RANGE
    h_range = (least[1], HEIGHT_RANGE[1]) if least else HEIGHT_RANGE
    w = _clamp(width if width is not None else default_w, w_range)
    if height is None:
        height = round(w * default_h / default_w) if width is not None else default_h
    h = _clamp(height, h_range)
    h = max(round(w * ASPECT_RANGE[0]), h_range[0], min(round(w * ASPECT_RANGE[1]), h))
    scale = max(1.0, w / DESIGN_WIDTHS[view_name])
    least_h = {"mapa": MAP_MIN_LAYOUT_HEIGHT, "entidades": BARS_MIN_LAYOUT_HEIGHT}.get(view_name)
    if least_h:  # never shorter than its least layout height: wider instead
        scale = max(1.0, min(scale, h / least_h))
    layout_w = round(w / scale)
    scale = w / layout_w  # the output width exactly as asked
    return ExportSize(layout_w, round(h / scale), scale)


def filter_phrases(view: Any, catalog: Catalog) -> list[str]:
    """Subtitle phrases for the axis, entity and objective filters in force."""
    state = view.state
    phrases = []
    if state.axes:
        names = catalog.axes.set_index("axis_id")["name"]
        phrases.append("Eje: " + join_names([str(names.get(a, a)) for a in state.axes]))
    if state.entities:
        acronyms = catalog.entities.set_index("entity_id")["acronym"]
        phrases.append("Entidad: " + join_names([str(acronyms.get(e, e)) for e in state.entities]))
    if state.objective is not None:
        phrases.append(f"Objetivo {state.objective}")
    return phrases


def wrap_text(text: str, width_px: float, font_px: float, *, bold: bool = False) -> list[str]:
    """Split ``text`` into lines that fit ``width_px`` at ``font_px`` (sans-serif estimate)."""
    per_char = font_px * (0.56 if bold else 0.5)
    limit = max(12, int(width_px / per_char))
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}".strip()
        if len(candidate) > limit and current:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _fit_titles(fig: go.Figure, width: float, *, flag: str = "") -> tuple[int, int]:
    """Wrap a long title/subtitle to ``width`` px and grow the top margin to match.

    ``flag`` (e.g. "DATOS ILUSTRATIVOS") opens the subtitle in bold dark orange.
    Returns the number of title and subtitle lines.
    """
    title = fig.layout.title.text or ""
    subtitle = fig.layout.title.subtitle.text or ""
    if flag:
        subtitle = f"{flag} · {subtitle}" if subtitle else flag
    usable = width - 40
    title_lines = wrap_text(title, usable, 22, bold=True)
    subtitle_lines = wrap_text(subtitle.replace(" · ", "\u00a0· "), usable, 15)
    subtitle_lines = [line.replace("\u00a0", " ") for line in subtitle_lines]
    if flag and subtitle_lines and subtitle_lines[0].startswith(flag):
        subtitle_lines[0] = (f"<b><span style='color:{FLAG_COLOR}'>{flag}</span></b>"
                             + subtitle_lines[0][len(flag):])
    extra = 28 * (len(title_lines) - 1) + 20 * (len(subtitle_lines) - 1)
    pad = _TITLE_PAD + 27 * (len(title_lines) - 1)
    fig.update_layout(
        title={"text": "<br>".join(title_lines), "pad": {"t": pad},
               "subtitle": {"text": "<br>".join(subtitle_lines)}},
        margin={"t": (fig.layout.margin.t or 0) + extra},
    )
    return len(title_lines), len(subtitle_lines)


def _locality_names(view: Any, ctx: Any) -> list[str]:
    return [ctx.names.get(code, code) for code in view.state.localities]


def _map(view: Any, ctx: Any, size: ExportSize, title: str, subtitle: str,
         source: str) -> go.Figure:
    state = view.state
    framing = state.framing
    fig = build_geo_map(
        ctx.geojson, view.values, ctx.names, measure=state.measure, scale=view.scale,
        framing=framing, bounds=ctx.bounds, selected=state.localities,
        overlays=ctx.overlay_traces(state.layers), unit=view.indicator["unit"],
        label_names=size.height >= 700 and not size.social,
        label_points=ctx.label_points, size=(size.width, size.height),
        title=title, subtitle=subtitle, source=source,
    )
    hide_small_labels(fig, ctx.localities, SOCIAL_LABEL_KM2[framing] if size.social else 0.0)
    if view.map_note:
        _citywide_note(fig, view)
    return fig


def hide_small_labels(fig: go.Figure, localities: pd.DataFrame, min_km2: float) -> list[str]:
    """Blank the map labels of localities smaller than ``min_km2`` (they would overlap).

    Their values stay in the hover text and in the ranking beside the map.
    Returns the codes whose label was blanked.
    """
    if min_km2 <= 0 or len(fig.data) <= LABELS_TRACE:
        return []
    area = localities.assign(code=localities["code"].astype(str)).set_index("code")["area_km2"]
    codes = sorted(area.index)  # the label trace is in code order
    labels = fig.data[LABELS_TRACE]
    text = list(labels.text or [""] * len(codes))
    hidden = [c for c in codes if area[c] < min_km2]
    for code in hidden:
        text[codes.index(code)] = ""
    labels.text = text
    return hidden


def ranking_rows(view: Any, ctx: Any) -> pd.DataFrame:
    """The 20 localities ordered by what the map shows, best first, with bar colour and text.

    Returns
    -------
    DataFrame
        ``code, name, length, text, color`` (``length`` 0 and text "– Sin dato"
        or "○ Futuro" for a locality without a figure; ``color`` as on the map).
    """
    scale, measure = view.scale, view.state.measure
    codes = sorted(str(c) for c in ctx.names)
    rows = view.values.assign(locality_code=view.values["locality_code"].astype(str))
    rows = rows.drop_duplicates("locality_code").set_index("locality_code").reindex(codes)
    rows = rows.rename_axis("locality_code").reset_index()
    rows["status"] = rows["status"].where(rows["status"].isin(STATUSES), "sin_dato")
    z = scale.z_values(rows)
    unit = view.indicator["unit"]
    length = measure_z(rows, "avance" if measure == "semaforo" else measure)
    missing = rows["status"].isin(("sin_dato", "futuro")) | length.isna()
    texts = []
    for row, gone in zip(rows.itertuples(index=False), missing, strict=True):
        if gone:
            status = "futuro" if row.status == "futuro" else "sin_dato"
            texts.append(f"{STATUS_SYMBOLS[status]} {STATUS_LABELS[status]}")
        elif measure == "valor":  # the unit is in the heading, except a "%"
            texts.append(format_value(row.value, "%" if unit.strip() == "%" else ""))
        elif measure == "semaforo":
            texts.append(f"{format_percent(row.pct)} {STATUS_SYMBOLS[row.status]}")
        elif measure == "brecha":
            texts.append(format_points(row.brecha, 1))
        else:
            texts.append(format_percent(row.pct))
    table = pd.DataFrame({
        "code": codes, "name": [ctx.names[c] for c in codes],
        "length": length.where(~missing, 0.0).fillna(0.0).to_numpy(),
        "text": texts, "color": [scale.color_at(v) for v in z], "missing": missing.to_numpy(),
    })
    table = table.sort_values(["missing", "length", "name"], ascending=[True, False, True])
    return table.drop(columns="missing").reset_index(drop=True)


def _ranking_heading(view: Any, width_px: float = math.inf, font_size: int = 12) -> str:
    """The ranking's heading; its explanation goes to a second line when one is too narrow."""
    measure = view.state.measure
    if measure == "valor":
        head, note = "Localidades por avance a la fecha", f"({view.indicator['unit']})"
    elif measure == "semaforo":
        head, note = "Localidades por avance en el periodo", "(color: semáforo)"
    elif measure == "brecha":
        head, note = "Localidades por brecha", "(puntos frente a la trayectoria ideal)"
    else:
        head, note = "Localidades por avance en el periodo", "(% de la meta a la fecha)"
    font = font_size + 1
    one_line = 0.6 * font * len(head) + 0.56 * font * (len(note) + 1)
    return f"<b>{head}</b>{' ' if one_line <= width_px else '<br>'}{note}"


def add_ranking(fig: go.Figure, view: Any, ctx: Any, *, x: tuple[float, float],
                y: tuple[float, float], plot_width: float, font_size: int = 12,
                columns: int = 1) -> list[go.Bar]:
    """Horizontal bars of the 20 localities beside the map, in the map's colours.

    Parameters
    ----------
    fig : go.Figure
        The map export (its only cartesian axes are the ranking's).
    view, ctx : View, GeoContext
        What the map shows, and the locality names.
    x, y : (float, float)
        Paper domain of the whole panel, names included (heading above ``y[1]``).
    plot_width : float
        Width of the plot area in CSS px (sizes the names column and leaves room
        for the value written after the longest bar).
    font_size : int
        Names and values (CSS px).
    columns : int
        Split the ranking in this many side-by-side columns (rank order runs down
        the first column, then the next).

    Returns
    -------
    list of go.Bar
        One bar trace per column, each named :data:`RANKING_NAME`; selected
        localities are in bold.
    """
    table = ranking_rows(view, ctx)
    chosen = set(view.state.localities)
    gap_measure = view.state.measure == "brecha"  # gaps run both ways from 0
    top = float(table["length"].abs().max()) if len(table) else 0.0
    per_column = math.ceil(len(table) / columns)
    gap = 0.03
    width = (x[1] - x[0] - gap * (columns - 1)) / columns
    name_share = _name_room(font_size) / plot_width
    bar_px = (width - name_share) * plot_width
    # Each value is written after its bar: the axis reaches far enough for all to fit.
    text_px = 0.56 * font_size * table["text"].str.len() + 8
    room = (bar_px - text_px).clip(lower=bar_px / 3)
    reach = max((top or 1) * 1.1, float((table["length"].abs() * bar_px / room).max()))
    span = [0, reach]
    if gap_measure and (table["length"] < 0).any():
        span = _two_sided_span(table["length"], text_px, bar_px)
    bars = []
    for i in range(columns):
        part = table.iloc[i * per_column:(i + 1) * per_column]
        suffix = "" if i == 0 else str(i + 1)
        left = x[0] + i * (width + gap) + name_share
        bar = go.Bar(
            y=part["name"].tolist(), x=part["length"].tolist(), orientation="h",
            marker={"color": part["color"].tolist(), "line": {"color": INK_MUTED, "width": 0.5}},
            text=part["text"].tolist(), textposition="outside", cliponaxis=False,
            constraintext="none", textfont={"size": font_size, "color": INK},
            customdata=part["code"].tolist(), hovertemplate="<b>%{y}</b>: %{text}<extra></extra>",
            name=RANKING_NAME, showlegend=False, xaxis=f"x{suffix}", yaxis=f"y{suffix}",
        )
        fig.add_trace(bar)
        bars.append(bar)
        fig.layout[f"xaxis{suffix}"] = {
            "domain": [left, x[0] + i * (width + gap) + width], "anchor": f"y{suffix}",
            "visible": False, "range": span, "fixedrange": True}
        fig.layout[f"yaxis{suffix}"] = {
            "domain": list(y), "anchor": f"x{suffix}", "autorange": "reversed",
            "showgrid": False, "showline": False, "ticks": "", "ticklabelstandoff": 4,
            "fixedrange": True, "automargin": False, "tickmode": "array",
            "tickvals": part["name"].tolist(),
            "ticktext": [f"<b>{n}</b>" if c in chosen else n
                         for c, n in zip(part["code"], part["name"], strict=True)],
            "tickfont": {"size": font_size, "color": INK}}
        if view.state.measure != "valor" and top:
            line_x = 0 if gap_measure else 100
            fig.add_shape(type="line", x0=line_x, x1=line_x, xref=f"x{suffix}", y0=0, y1=1,
                          yref=f"y{suffix} domain", layer="below",
                          line={"color": _TARGET_LINE, "width": 1.2, "dash": "dot"})
            fig.add_annotation(text="Trayectoria ideal" if gap_measure else "Meta",
                               x=line_x, xref=f"x{suffix}", y=1,
                               yref=f"y{suffix} domain", yanchor="top", xanchor="center",
                               yshift=14, showarrow=False,
                               font={"size": max(10, font_size - 2), "color": INK_MUTED})
    fig.update_layout(bargap=0.22)
    heading = _ranking_heading(view, (x[1] - x[0]) * plot_width, font_size)
    fig.add_annotation(text=heading, xref="paper", yref="paper", x=x[0],
                       y=y[1], yanchor="bottom", yshift=16, xanchor="left", showarrow=False,
                       align="left", font={"size": font_size + 1, "color": INK})
    return bars


def _two_sided_span(length: pd.Series, text_px: pd.Series, bar_px: float) -> list[float]:
    """Axis range of bars both ways from 0 with each value written beyond its bar's end
    (left of a negative bar, clear of the names)."""
    text_px = text_px.clip(upper=bar_px / 3)
    low = float(-length.min() * 1.1) if (length < 0).any() else 0.0
    high = float(length.max() * 1.1) if (length > 0).any() else 0.0
    for _ in range(8):  # px per unit depends on the span: settle it
        units_per_px = (low + high) / bar_px
        high = max([0.0] + [v + t * units_per_px for v, t in zip(length, text_px,
                                                                     strict=True) if v > 0])
        low = max([0.0] + [-v + t * units_per_px for v, t in zip(length, text_px,
                                                                    strict=True) if v < 0])
    return [-max(low, 1e-9), max(high, 1e-9)]


#: Light enough that a value written across the target line stays readable.
_TARGET_LINE = "#AEB4BD"


def _name_room(font_size: int) -> int:
    """CSS px the longest locality name ("Rafael Uribe Uribe") needs at ``font_size``."""
    return round(font_size * 0.52 * 18) + 8


#: Row height a ranking row needs, per px of its font.
_ROW_PER_FONT = 1.4
#: Least height (CSS px) of the colour bar with its ticks, "Futuro" and "Sin dato".
_COLORBAR_PX = 170
#: Width (CSS px) of the colour-bar column: bar, tick labels and a wrapped title.
_COLORBAR_COLUMN_PX = 128
#: Widest (CSS px) a ranking beside the colour bar gets: longer bars read no better.
_RANKING_MAX_PX = 900
#: Room (CSS px) above the ranking's bars for its heading and the "Meta" label.
_RANKING_HEAD_PX = 40


def _plot_size(fig: go.Figure, size: ExportSize) -> tuple[float, float]:
    margin = fig.layout.margin
    return (size.width - (margin.l or 0) - (margin.r or 0),
            size.height - (margin.t or 0) - (margin.b or 0))


def _has_overlays(fig: go.Figure) -> bool:
    return any(t.type == "scattergeo" and t.name != "etiquetas" for t in fig.data)


def _wrap_colorbar_title(fig: go.Figure, width_px: float) -> None:
    """Wrap the colour bar's (bold) title to its column, so it never runs into the next
    one; the invisible spacer line after it stays."""
    for trace in fig.data:
        if trace.type == "choropleth" and trace.colorbar.title.text:
            head, *rest = trace.colorbar.title.text.split("<br>")
            lines = wrap_text(re.sub(r"<[^>]+>", "", head), width_px, 13, bold=True)
            trace.colorbar.title.text = "<br>".join([f"<b>{line}</b>" for line in lines]
                                                    + rest)


def _ranking_font(column_px: float, rows: int, row_room_px: float) -> int | None:
    """Largest font (12 down to 10 px) whose names, bars and values fit a ranking column."""
    for font in (12, 11, 10):
        if row_room_px / rows >= font * _ROW_PER_FONT and \
                column_px >= _name_room(font) + 5.2 * font + 48:
            return font
    return None


def _side_ranking(fig: go.Figure, view: Any, ctx: Any, size: ExportSize) -> None:
    """The ranking right of the map: below the colour bar when the layout is tall enough,
    else beside it, in one or two columns."""
    plot_w, plot_h = _plot_size(fig, size)
    share = min(0.6, plot_h * _geo_aspect(fig.layout.geo) / plot_w)
    fig.update_layout(geo={"domain": {"x": [0, share], "y": [0, 1]}})
    _wrap_colorbar_title(fig, _COLORBAR_COLUMN_PX - 12)
    rows = len(ctx.names)
    x0 = min(share + 0.03, 0.6)
    stacked_font = _ranking_font((0.96 - x0) * plot_w, rows, 0.47 * plot_h)
    if stacked_font and 0.42 * plot_h >= _COLORBAR_PX + 20:
        # tall: a shorter colour bar (and the legend beside it) above the ranking
        fig.update_traces(colorbar={"x": share + 0.02, "len": 0.42, "y": 1, "yanchor": "top"},
                          selector={"type": "choropleth"})
        fig.update_layout(legend={"x": share + (_COLORBAR_COLUMN_PX + 24) / plot_w, "y": 0.98,
                                  "yanchor": "top"})
        add_ranking(fig, view, ctx, x=(x0, 0.96), y=(0.0, 0.47), plot_width=plot_w,
                    font_size=stacked_font)
        return
    # short: colour bar in its own column, the ranking beside it at full height
    column = share + (_COLORBAR_COLUMN_PX + 12) / plot_w
    legend_px = 44 if _has_overlays(fig) else 0
    width = min((0.98 - column) * plot_w, _RANKING_MAX_PX)
    head_px = _RANKING_HEAD_PX + 16 * _ranking_heading(view, width).count("<br>")
    room = plot_h - head_px - legend_px
    fig.update_traces(colorbar={"x": share + 0.01, "len": 1.0, "y": 1, "yanchor": "top"},
                      selector={"type": "choropleth"})
    fig.update_layout(legend={"x": column, "y": 0, "yanchor": "bottom", "orientation": "h",
                              "font": {"size": 11}})
    half = (width - 0.03 * plot_w) / 2
    font, columns = _ranking_font(width, rows, room), 1
    if font is None or (half >= _RANKING_MAX_PX / 3 and
                        _ranking_font(half, math.ceil(rows / 2), room) == 12):
        font, columns = _ranking_font(half, math.ceil(rows / 2), room), 2
    add_ranking(fig, view, ctx, x=(column, column + width / plot_w),
                y=(legend_px / plot_h, 1 - head_px / plot_h),
                plot_width=plot_w, font_size=font or 10, columns=columns)


#: Least row height (CSS px) of a one-column ranking on the social card.
_SOCIAL_ROW_PX = 16


def _social_card(fig: go.Figure, view: Any, ctx: Any, size: ExportSize,
                 flag: str) -> None:
    """1200x630: the map at full height on the left, title and ranking on the right."""
    margin = {"l": 16, "r": 16, "t": 8, "b": 8}
    plot_w = size.width - margin["l"] - margin["r"]
    plot_h = size.height - margin["t"] - margin["b"]
    geo = fig.layout.geo
    share = min(0.42, plot_h * _geo_aspect(geo) / plot_w)
    column = share + 118 / plot_w + 0.02  # after the colour bar column
    overlays = any(t.type == "scattergeo" and t.name != "etiquetas" for t in fig.data)
    bottom = 0.17 if overlays else 0.11
    fig.update_traces(colorbar={"x": share + 0.01, "len": 0.55, "y": 0.96},
                      selector={"type": "choropleth"})
    fig.update_layout(geo={"domain": {"x": [0, share], "y": [0, 1]}}, margin=margin,
                      legend={"x": column, "y": bottom - 0.015, "yanchor": "top",
                              "orientation": "h", "font": {"size": 11}})
    _wrap_colorbar_title(fig, 118 - 12)
    title_lines, subtitle_lines = _fit_titles(fig, plot_w * (1 - column) - 8, flag=flag)
    fig.update_layout(margin=margin,
                      title={"x": (margin["l"] + plot_w * column) / size.width,
                             "xanchor": "left", "xref": "container", "pad": {"l": 0}})
    for note in fig.layout.annotations:
        if note.name == "source-line":
            note.update(x=column, xshift=0, y=0, yanchor="bottom", yshift=0)
    title_px = 14 + 28 * title_lines + 20 * subtitle_lines + 26
    top = 1 - (title_px + 34) / plot_h
    if view.map_note:  # no ranking: the city's figure in words, in the right column
        fig.update_annotations(x=column, y=top, xanchor="left", yanchor="top",
                               selector={"name": _NOTE_NAME})
        return
    rows = len(ctx.names)
    columns = 1 if (top - bottom) * plot_h / rows >= _SOCIAL_ROW_PX else 2
    add_ranking(fig, view, ctx, x=(column, 0.97 if columns > 1 else 0.9), y=(bottom, top),
                plot_width=plot_w, columns=columns)


@dataclass(frozen=True)
class LabelBox:
    """Where a map label is drawn, in CSS px from the figure's top left."""

    index: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: LabelBox, pad: float = 0.5) -> bool:
        """True when the two boxes, grown by ``pad``, intersect."""
        return (self.x0 - pad < other.x1 and other.x0 - pad < self.x1
                and self.y0 - pad < other.y1 and other.y0 - pad < self.y1)


def _text_lines(text: str) -> list[tuple[str, bool]]:
    """Lines of a label without markup, each with whether it is bold."""
    lines = []
    for line in str(text).split("<br>"):
        bold = "<b>" in line
        plain = re.sub(r"<[^>]+>", "", line)
        if plain:
            lines.append((plain, bold))
    return lines


#: Advance widths (em) of Liberation Sans / Arial for the characters labels use most.
_NARROW = dict.fromkeys("il.,:;'|!ijlI\u00a0 ", 0.278) | dict.fromkeys("ft()[]-r", 0.333)
_WIDE = dict.fromkeys("%mwMW", 0.889) | dict.fromkeys("ABCDEHKNPRSUVXY", 0.667) \
    | dict.fromkeys("GOQ", 0.778) | {"↓": 0.6, "−": 0.584, "+": 0.584}


def _text_width_em(line: str, bold: bool) -> float:
    width = sum(_NARROW.get(c, _WIDE.get(c, 0.556)) for c in line)
    return width * (1.05 if bold else 1.0)


def text_box_size(text: str, font_px: float) -> tuple[float, float]:
    """Estimated width and height (CSS px) of a label in Liberation Sans/Arial.

    From the font's advance widths (:data:`_NARROW`, :data:`_WIDE`, 0.556 em
    otherwise, 5 % more in bold) plus 3 px, and 1.15 em per line: slightly
    generous, so a label kept is a label that fits.
    """
    lines = _text_lines(text)
    if not lines:
        return 0.0, 0.0
    width = max(_text_width_em(line, bold) for line, bold in lines) * font_px
    return width + 3, len(lines) * font_px * 1.15


def _geo_projector(fig: go.Figure, size: ExportSize) -> tuple[Any, tuple[float, ...]]:
    """``(lon, lat) -> (x, y)`` in CSS px for the figure's Mercator geo, and its frame box."""
    geo = fig.layout.geo
    margin = fig.layout.margin
    plot_w, plot_h = _plot_size(fig, size)
    (dx0, dx1), (dy0, dy1) = (geo.domain.x or (0, 1)), (geo.domain.y or (0, 1))
    left, right = (margin.l or 0) + dx0 * plot_w, (margin.l or 0) + dx1 * plot_w
    top, bottom = (margin.t or 0) + (1 - dy1) * plot_h, (margin.t or 0) + (1 - dy0) * plot_h
    (west, east), (south, north) = geo.lonaxis.range, geo.lataxis.range
    frame_w, frame_h = math.radians(east - west), merc_y(north) - merc_y(south)
    k = min((right - left) / frame_w, (bottom - top) / frame_h)
    cx, cy = (left + right) / 2, (top + bottom) / 2
    lon0, lat0 = (west + east) / 2, merc_y(north) - frame_h / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return cx + math.radians(lon - lon0) * k, cy - (merc_y(lat) - lat0) * k

    half_w, half_h = frame_w * k / 2, frame_h * k / 2
    return project, (cx - half_w, cy - half_h, cx + half_w, cy + half_h)


def label_boxes(fig: go.Figure, size: ExportSize) -> list[LabelBox]:
    """The estimated box of every written map label (:data:`LABELS_TRACE`)."""
    if len(fig.data) <= LABELS_TRACE:
        return []
    labels = fig.data[LABELS_TRACE]
    project, _ = _geo_projector(fig, size)
    fonts = _font_sizes(labels)
    boxes = []
    for i, (text, lon, lat) in enumerate(zip(labels.text or (), labels.lon, labels.lat,
                                             strict=False)):
        if not text or _missing(lon) or _missing(lat):
            continue
        w, h = text_box_size(text, fonts[i])
        x, y = project(lon, lat)
        boxes.append(LabelBox(i, text, x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    return boxes


def _inverse_merc(y: float) -> float:
    return math.degrees(math.atan(math.sinh(y)))


def _attempts(text: str) -> list[tuple[str, float]]:
    """What to try for a label, in order: (text, vertical nudge in label heights); the
    whole label in place, then nudged up or down by under half its height, then the
    value alone likewise."""
    tries = [(t, nudge) for t in (text, _value_only(text)) if t
             for nudge in (0.0, -0.4, 0.4)]
    return tries


def _missing(number: Any) -> bool:
    return number is None or (isinstance(number, float) and math.isnan(number))


def _value_only(text: str) -> str:
    """A label without its heading line (the locality name): the value alone."""
    parts = str(text).split("<br>")
    return parts[-1] if len(parts) > 1 else ""


def _font_sizes(labels: Any) -> list[float]:
    sizes = labels.textfont.size
    count = len(labels.text or ())
    return list(sizes) if isinstance(sizes, (list, tuple)) else [sizes or 12] * count


def declutter_labels(fig: go.Figure, size: ExportSize, codes: list[str],
                     priority: list[str] = ()) -> list[str]:
    """Keep only map labels that fit: inside the map's frame and clear of each other.

    Labels are placed in ``priority`` order (locality codes first, then the rest
    in trace order). One that would leave the frame sideways is moved in (the
    "Sumapaz ↓" label at the frame's edge); one that collides with a label
    already placed keeps only its value line, or is blanked: its value stays in
    the ranking and the hover text. Boxes are :func:`text_box_size` estimates.

    Parameters
    ----------
    fig : go.Figure
        A map export, laid out (margins and geo domain final).
    size : ExportSize
        Its layout size.
    codes : list of str
        The locality code of each label, in trace order.
    priority : sequence of str
        Codes placed first (selected, then larger localities).

    Returns
    -------
    list of str
        Codes whose label was blanked.
    """
    if len(fig.data) <= LABELS_TRACE:
        return []
    labels = fig.data[LABELS_TRACE]
    text, fonts = list(labels.text or ()), _font_sizes(labels)
    lons, lats = list(labels.lon), list(labels.lat)
    project, (fx0, fy0, fx1, fy1) = _geo_projector(fig, size)
    per_radian = project(math.degrees(1.0), 0.0)[0] - project(0.0, 0.0)[0]
    rank = {code: r for r, code in enumerate(priority)}
    order = sorted((i for i, b in enumerate(text)
                    if b and not _missing(lons[i]) and not _missing(lats[i])),
                   key=lambda i: (rank.get(codes[i], len(rank)), i))
    kept: list[LabelBox] = []
    hidden = [codes[i] for i, t in enumerate(text) if t and i not in order]
    for i in order:
        x0, y0 = project(lons[i], lats[i])
        for attempt, nudge in _attempts(text[i]):
            w, h = text_box_size(attempt, fonts[i])
            x, y = x0, y0 + nudge * h
            # moved into the frame (never more than its own size: an edge label)
            dx = max(0.0, fx0 + 2 - (x - w / 2)) - max(0.0, (x + w / 2) - (fx1 - 2))
            dy = max(0.0, fy0 - (y - h / 2)) - max(0.0, (y + h / 2) - fy1)
            box = LabelBox(i, attempt, x + dx - w / 2, y + dy - h / 2, x + dx + w / 2,
                           y + dy + h / 2)
            fits = abs(dx) <= w and abs(dy) <= h and box.x0 >= fx0 and box.x1 <= fx1
            if fits and not any(box.overlaps(k) for k in kept):
                kept.append(box)
                text[i] = attempt
                lons[i] = lons[i] + math.degrees(dx / per_radian)
                if y + dy != y0:
                    lats[i] = _inverse_merc(merc_y(lats[i]) - (y + dy - y0) / per_radian)
                break
        else:
            text[i] = ""
            hidden.append(codes[i])
    labels.update(text=text, lon=lons, lat=lats)
    return hidden


def _geo_aspect(geo: go.layout.Geo) -> float:
    """Width / height of the geo frame in Mercator (from its lon/lat ranges)."""
    (west, east), (south, north) = geo.lonaxis.range, geo.lataxis.range
    return math.radians(east - west) / (merc_y(north) - merc_y(south))


#: Line height (CSS px) of a wrapped entity name in the status bars export.
_BAR_LINE_PX = 15
#: Room (CSS px) of the bars export outside its rows: titles, legend, axis, source.
_BAR_FRAME_PX = 280


def _status_bars(counts: pd.DataFrame, *, title: str, subtitle: str, source: str,
                 size: ExportSize) -> go.Figure:
    """The screen's status bars (:func:`layers.status_figure.build_status_bars`), titled,
    with the entities' names wrapped as wide as needed for each row to hold its name."""
    row_px = (size.height - _BAR_FRAME_PX) / max(1, len(counts))
    for width in (30, 38, 46, 60):
        labelled = entity_labels(counts, width)
        lines = max((str(label).count("<br>") + 1 for label in labelled.get("label", [])),
                    default=1)
        if lines * _BAR_LINE_PX <= row_px:
            break
    return go.Figure(build_status_bars(labelled, "entity_id", by_label="Entidad",
                                       title=title, subtitle=subtitle, source=source))


_NOTE_NAME = "citywide-note"


def _citywide_note(fig: go.Figure, view: Any) -> None:
    """For an indicator reported only citywide: no colour bar, the city's figure in words."""
    fig.update_traces(showscale=False, selector={"type": "choropleth"})
    unit, city = view.indicator["unit"], view.indicator["city"]
    status = city["status"] if city["status"] in STATUSES else "sin_dato"
    lines = ["<b>Indicador de toda la ciudad</b>", f"Bogotá D.C., corte {view.cut.label}:",
             f"<b>{format_value(city['av'], unit)}</b> (avance a la fecha)",
             f"Meta a la fecha: {format_value(city['ma'], unit)}",
             f"Avance en el periodo: {format_percent(city['phv'])}",
             f"{STATUS_SYMBOLS[status]} {STATUS_LABELS[status]}",
             "", "No se reporta por localidad:", "el mapa queda en gris.",
             "Vea la serie y la tabla."]
    left = fig.layout.geo.domain.x[1] if fig.layout.geo.domain.x else 0.6
    fig.add_annotation(
        text="<br>".join(lines), xref="paper", yref="paper", x=min(left + 0.04, 0.7), y=0.97,
        xanchor="left", yanchor="top", align="left", showarrow=False,
        font={"size": 14, "color": INK}, bordercolor=INK_MUTED, borderwidth=1, borderpad=10,
        bgcolor="#FFFFFF", name=_NOTE_NAME,
    )


def build_export_figure(
    view_name: str,
    view: Any,
    ctx: Any,
    catalog: Catalog,
    size: ExportSize,
    *,
    last_year: int | None = None,
) -> go.Figure:
    """The press version of one chart of ``view``.

    Parameters
    ----------
    view_name : {"mapa", "serie", "entidades"}
    view : View
        A :class:`view.model.View` (must not be empty).
    ctx : view.geo.GeoContext
        Display geometry and names.
    catalog : Catalog
        For filter names.
    size : ExportSize
        Layout size (the map picks its geo domain from it).
    last_year : int, optional
        Last year with reports (series cut-off).

    Returns
    -------
    go.Figure
        With title, subtitle and source line; while the data are illustrative the
        subtitle opens with "DATOS ILUSTRATIVOS".
    """
    if view_name not in VIEWS:
        raise ValueError(f"vista desconocida {view_name!r}; use {', '.join(VIEWS)}")
    if view.empty or view.indicator is None:
        raise ValueError(view.message or "la vista no tiene datos")
    state, product = view.state, view.indicator
    source = source_line(view.version)
    filters = filter_phrases(view, catalog)
    places = _locality_names(view, ctx)
    title, subtitle = describe_selection(
        view_name, indicator=f"{product['code']} {product['name']}"
        if view_name != "entidades" else None,
        unit=product["unit"], year=view.cut.label, measure=state.measure,
        locality_names=places, filters=filters,
    )
    if view_name == "mapa":
        fig = _map(view, ctx, size, title, subtitle, source)
    elif view_name == "serie":
        subtitle = f"{product['product_id']} · {product['product']} · {subtitle}"
        fig = go.Figure(build_series(
            view.series, localities=state.localities if product["by_locality"] else (),
            names=ctx.names, year=state.year,
            unit=product["unit"], last_year=last_year, title=title, subtitle=subtitle,
            source=source,
        ))
    else:
        fig = _status_bars(view.counts_by_entity, title=title, subtitle=subtitle, source=source,
                           size=size)
    flag = ILLUSTRATIVE_FLAG.upper() if view.version.illustrative else ""
    ranked = view_name == "mapa" and not view.map_note
    if view_name == "mapa" and size.social:
        _social_card(fig, view, ctx, size, flag)
    else:
        _fit_titles(fig, size.width, flag=flag)
        if ranked:
            _side_ranking(fig, view, ctx, size)
    if view_name == "mapa":
        codes = sorted(str(c) for c in ctx.names)
        area = ctx.localities.assign(code=ctx.localities["code"].astype(str)) \
            .set_index("code")["area_km2"]
        larger_first = sorted(codes, key=lambda c: -float(area.get(c, 0.0)))
        declutter_labels(fig, size, codes, [*state.localities, *larger_first])
    fig.update_layout(width=size.width, height=size.height,
                      meta={**(fig.layout.meta or {}), "document": {
                          "title": title, "subject": f"{flag} · {subtitle}" if flag else subtitle,
                          "version": view.version.version_id,
                          "keywords": [f"corte {view.cut.label}", product["code"],
                                       *(["datos ilustrativos"] if flag else [])]}})
    return fig
