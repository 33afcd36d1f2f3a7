"""Press-ready figures of a resolved view: the screen's charts plus a title block.

Each exported chart explains itself: a title stating the selection in words, a
subtitle with measure, unit and year, the legend as on screen, a source line
(dashboard, data version, cut-off date, IDECA for boundaries) and, while the
illustrative catalog is in use, a visible "Datos ilustrativos" badge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from callbacks.context import GeoContext
from callbacks.view_model import View
from data.catalog import Catalog
from data.schema import STATUSES
from layers.formatting import join_names
from layers.map_figure import build_locality_map
from layers.series_figure import build_series
from layers.theme import (
    INK,
    INK_MUTED,
    STATUS_COLORS,
    TEMPLATE,
    add_source_line,
    apply_titles,
    status_legend_label,
    text_color_on,
)
from layers.titles import ILLUSTRATIVE_FLAG, VIEWS, describe_selection, source_line

__all__ = [
    "SOCIAL_SIZE",
    "ExportSize",
    "build_export_figure",
    "export_size",
    "filter_phrases",
    "geo_wound",
    "illustrative_badge",
    "status_bars",
    "wrap_text",
]

#: Social-card preset (Open Graph / X), in output pixels.
SOCIAL_SIZE = (1200, 630)
#: Default output size (px) of each view: at least 1600 px wide.
DEFAULT_SIZES = {"mapa": (1600, 2000), "serie": (1600, 1000), "entidades": (1600, 1100)}
#: Layout width (CSS px) each press layout is designed at; larger outputs are scaled.
DESIGN_WIDTHS = {"mapa": 760, "serie": 1000, "entidades": 1000}
SOCIAL_DESIGN_WIDTH = 800
WIDTH_RANGE = (600, 4000)
HEIGHT_RANGE = (400, 4000)
ASPECT_RANGE = (0.35, 2.0)  # height / width


@dataclass(frozen=True)
class ExportSize:
    """Layout size in CSS px and the PNG pixel density (output = layout x scale)."""

    width: int
    height: int
    scale: float

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
        and to 0.35-2 times the width.
    social : bool
        The 1200x630 social card (ignores ``width``/``height``).
    """
    if social:
        w, h = SOCIAL_SIZE
        return ExportSize(SOCIAL_DESIGN_WIDTH, round(h * SOCIAL_DESIGN_WIDTH / w),
                          w / SOCIAL_DESIGN_WIDTH)
    default_w, default_h = DEFAULT_SIZES[view_name]
    w = _clamp(width if width is not None else default_w, WIDTH_RANGE)
    if height is None:
        height = round(w * default_h / default_w) if width is not None else default_h
    h = _clamp(height, HEIGHT_RANGE)
    h = max(round(w * ASPECT_RANGE[0]), min(round(w * ASPECT_RANGE[1]), h))
    scale = max(1.0, w / DESIGN_WIDTHS[view_name])
    return ExportSize(round(w / scale), round(h / scale), scale)


def filter_phrases(view: View, catalog: Catalog) -> list[str]:
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


def illustrative_badge(fig: go.Figure) -> go.Figure:
    """Add the "Datos ilustrativos" badge at the top right of ``fig``, level with the title."""
    top = fig.layout.margin.t or 0
    fig.add_annotation(
        text=f"<b>{ILLUSTRATIVE_FLAG.upper()}</b>",
        xref="paper", yref="paper", x=1, y=1, xanchor="right", yanchor="middle",
        yshift=top - 30, showarrow=False, font={"size": 12, "color": "#7A4B00"},
        bgcolor="#FFF1D6", bordercolor="#E69F00", borderwidth=1, borderpad=5,
        name="illustrative-flag",
    )
    return fig


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))


def _wind(polygon: list[list[list[float]]]) -> list[list[list[float]]]:
    rings = []
    for i, ring in enumerate(polygon):
        clockwise = _signed_area(ring) < 0
        rings.append(ring if clockwise == (i == 0) else ring[::-1])
    return rings


def geo_wound(geojson: dict[str, Any]) -> dict[str, Any]:
    """A copy of a polygon FeatureCollection with d3-geo ring order.

    Plotly's ``geo`` traces (d3-geo, spherical) read a counter-clockwise exterior
    as "the whole globe except this polygon" and paint everything; RFC 7946
    GeoJSON (and MapLibre) do not care. Exteriors become clockwise, holes
    counter-clockwise (planar orientation is exact at the size of a city).
    """
    features = []
    for feature in geojson["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            geometry = {"type": "Polygon", "coordinates": _wind(geometry["coordinates"])}
        elif geometry["type"] == "MultiPolygon":
            geometry = {"type": "MultiPolygon",
                        "coordinates": [_wind(p) for p in geometry["coordinates"]]}
        features.append({**feature, "geometry": geometry})
    return {**geojson, "features": features}


_WOUND: dict[int, tuple[GeoContext, dict[str, Any]]] = {}


def _geo_geojson(ctx: GeoContext) -> dict[str, Any]:
    """:func:`geo_wound` of the context's GeoJSON, computed once per context."""
    hit = _WOUND.get(id(ctx))
    if hit is None or hit[0] is not ctx:
        hit = (ctx, geo_wound(ctx.geojson))
        _WOUND[id(ctx)] = hit
    return hit[1]


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


def _fit_titles(fig: go.Figure, width: int) -> None:
    """Wrap a long title/subtitle to the figure width and grow the top margin to match."""
    title = fig.layout.title.text or ""
    subtitle = fig.layout.title.subtitle.text or ""
    usable = width - 40
    title_lines = wrap_text(title, usable, 22, bold=True)
    subtitle_lines = wrap_text(subtitle.replace(" · ", "\u00a0· "), usable, 15)
    subtitle_lines = [line.replace("\u00a0", " ") for line in subtitle_lines]
    extra = 28 * (len(title_lines) - 1) + 20 * (len(subtitle_lines) - 1)
    fig.update_layout(
        title={"text": "<br>".join(title_lines),
               "subtitle": {"text": "<br>".join(subtitle_lines)}},
        margin={"t": (fig.layout.margin.t or 0) + extra},
    )


def _locality_names(view: View, ctx: GeoContext) -> list[str]:
    return [ctx.names.get(code, code) for code in view.state.localities]


def _map(view: View, ctx: GeoContext, size: ExportSize, title: str, subtitle: str,
         source: str) -> go.Figure:
    state = view.state
    framing = "distrito" if "20" in state.localities else "urbana"
    fig = build_locality_map(
        _geo_geojson(ctx), view.values, ctx.names, measure=state.measure, scale=view.scale,
        kind="geo", framing=framing, bounds=ctx.bounds, selected=state.localities,
        overlays=ctx.overlay_traces("geo", state.layers), unit=view.product["unit"],
        labels=True, label_points=ctx.label_points, size=(size.width, size.height),
        title=title, subtitle=subtitle, source=source,
    )
    if view.map_note:
        fig.add_annotation(
            text=view.map_note.replace(": ", ":<br>", 1), xref="paper", yref="paper",
            x=0.5, y=0.5, showarrow=False, align="center", font={"size": 15, "color": INK},
            bgcolor="rgba(255,255,255,0.92)", bordercolor=INK_MUTED, borderwidth=1, borderpad=8,
        )
    return fig


def status_bars(counts: pd.DataFrame, *, title: str, subtitle: str, source: str) -> go.Figure:
    """Horizontal stacked bars: products per status for each group (``label`` column).

    Parameters
    ----------
    counts : DataFrame
        :func:`data.progress.status_counts` by a group, with a ``label`` column.
    title, subtitle, source : str
        Title block and source line.
    """
    table = counts.sort_values(["total", "label"], ascending=[True, False])
    labels = table["label"].astype(str).tolist()
    fig = go.Figure()
    for status in STATUSES:
        values = table[status].astype(int).tolist()
        color = STATUS_COLORS[status]
        fig.add_trace(
            go.Bar(
                y=labels, x=values, orientation="h", name=status_legend_label(status),
                marker={"color": color, "line": {"color": "#FFFFFF", "width": 1}},
                text=[str(v) if v else "" for v in values], textposition="inside",
                insidetextanchor="middle", textfont={"color": text_color_on(color), "size": 13},
                hovertemplate="%{y}: %{x} productos<extra>" + status_legend_label(status)
                + "</extra>",
            )
        )
    fig.update_layout(
        template=TEMPLATE, barmode="stack", bargap=0.28,
        xaxis={"dtick": 1, "showgrid": True, "tickformat": "d", "side": "top",
               "showline": False, "ticks": ""},
        yaxis={"showgrid": False, "ticksuffix": "  ", "tickfont": {"size": 13, "color": INK}},
        legend={"orientation": "h", "x": 0, "y": 0, "yanchor": "top", "yref": "paper",
                "traceorder": "normal"},
        margin={"l": 16, "r": 24, "t": 36, "b": 24},
    )
    apply_titles(fig, title, subtitle)
    fig.update_layout(margin={"t": (fig.layout.margin.t or 0) + 24, "b": 64})
    add_source_line(fig, source)
    return fig


def build_export_figure(
    view_name: str,
    view: View,
    ctx: GeoContext,
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
        From :func:`callbacks.view_model.resolve_view` (must not be empty).
    ctx : GeoContext
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
        With title, subtitle, source line and, if applicable, the illustrative badge.
    """
    if view_name not in VIEWS:
        raise ValueError(f"vista desconocida {view_name!r}; use {', '.join(VIEWS)}")
    if view.empty or view.product is None:
        raise ValueError(view.message or "la vista no tiene datos")
    state, product = view.state, view.product
    source = source_line(view.version)
    filters = filter_phrases(view, catalog)
    places = _locality_names(view, ctx)
    title, subtitle = describe_selection(
        view_name, indicator=product["name"] if view_name != "entidades" else None,
        unit=product["unit"], year=state.year, measure=state.measure,
        locality_names=places, filters=filters,
    )
    if view_name == "mapa":
        fig = _map(view, ctx, size, title, subtitle, source)
    elif view_name == "serie":
        subtitle = f"{product['indicator']} · {subtitle}"
        fig = build_series(
            view.series, localities=state.localities, names=ctx.names, year=state.year,
            unit=product["unit"], last_year=last_year, title=title, subtitle=subtitle,
            source=source,
        )
    else:
        fig = status_bars(view.counts_by_entity, title=title, subtitle=subtitle, source=source)
    _fit_titles(fig, size.width - (140 if view.version.illustrative else 0))
    if view.version.illustrative:
        illustrative_badge(fig)
    fig.update_layout(width=size.width, height=size.height)
    return fig
