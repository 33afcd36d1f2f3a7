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
    "RANKING_NAME",
    "SOCIAL_LABEL_KM2",
    "SOCIAL_SIZE",
    "ExportSize",
    "add_ranking",
    "build_export_figure",
    "export_size",
    "filter_phrases",
    "hide_small_labels",
    "ranking_rows",
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
DEFAULT_SIZES = {"mapa": (1600, 2000), "serie": (1600, 1000), "entidades": (1600, 1100)}
#: Layout width (CSS px) each press layout is designed at; larger outputs are scaled.
DESIGN_WIDTHS = {"mapa": 760, "serie": 1000, "entidades": 1000}
SOCIAL_DESIGN_WIDTH = 960
#: Colour of the "Datos ilustrativos" flag (dark orange, 7:1 on white).
FLAG_COLOR = "#8A4B00"
_TITLE_PAD = 14  # px above the title (as in layers.theme.TEMPLATE)
WIDTH_RANGE = (600, 4000)
HEIGHT_RANGE = (400, 4000)
ASPECT_RANGE = (0.35, 2.0)  # height / width


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
        and to 0.35-2 times the width.
    social : bool
        The 1200x630 social card (ignores ``width``/``height``).
    """
    if social:
        w, h = SOCIAL_SIZE
        return ExportSize(SOCIAL_DESIGN_WIDTH, round(h * SOCIAL_DESIGN_WIDTH / w),
                          w / SOCIAL_DESIGN_WIDTH, social=True)
    default_w, default_h = DEFAULT_SIZES[view_name]
    w = _clamp(width if width is not None else default_w, WIDTH_RANGE)
    if height is None:
        height = round(w * default_h / default_w) if width is not None else default_h
    h = _clamp(height, HEIGHT_RANGE)
    h = max(round(w * ASPECT_RANGE[0]), min(round(w * ASPECT_RANGE[1]), h))
    scale = max(1.0, w / DESIGN_WIDTHS[view_name])
    return ExportSize(round(w / scale), round(h / scale), scale)


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


def _ranking_heading(view: Any) -> str:
    measure = view.state.measure
    if measure == "valor":
        return f"<b>Localidades por avance a la fecha</b> ({view.indicator['unit']})"
    if measure == "semaforo":
        return "<b>Localidades por avance en el periodo</b> (color: semáforo)"
    if measure == "brecha":
        return "<b>Localidades por brecha</b> (puntos frente a la trayectoria ideal)"
    return "<b>Localidades por avance en el periodo</b> (% de la meta a la fecha)"


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
    span = [-reach, reach] if gap_measure and (table["length"] < 0).any() else [0, reach]
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
                               font={"size": font_size - 2, "color": INK_MUTED})
    fig.update_layout(bargap=0.22)
    fig.add_annotation(text=_ranking_heading(view), xref="paper", yref="paper", x=x[0],
                       y=y[1], yanchor="bottom", yshift=16, xanchor="left", showarrow=False,
                       align="left", font={"size": font_size + 1, "color": INK})
    return bars


#: Light enough that a value written across the target line stays readable.
_TARGET_LINE = "#AEB4BD"


def _name_room(font_size: int) -> int:
    """CSS px the longest locality name ("Rafael Uribe Uribe") needs at ``font_size``."""
    return round(font_size * 0.52 * 18) + 8


def _side_ranking(fig: go.Figure, view: Any, ctx: Any, size: ExportSize) -> None:
    """Default map: a shorter colour bar, and the ranking below it, right of the map."""
    share = fig.layout.geo.domain.x[1]
    plot_w = size.width - (fig.layout.margin.l or 0) - (fig.layout.margin.r or 0)
    x0 = min(share + 0.03, 0.6)
    fig.update_traces(colorbar={"len": 0.42}, selector={"type": "choropleth"})
    fig.update_layout(legend={"x": min(share + 0.22, 0.8), "y": 0.98, "yanchor": "top"})
    add_ranking(fig, view, ctx, x=(x0, 0.96), y=(0.0, 0.47), plot_width=plot_w)


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


def _geo_aspect(geo: go.layout.Geo) -> float:
    """Width / height of the geo frame in Mercator (from its lon/lat ranges)."""
    (west, east), (south, north) = geo.lonaxis.range, geo.lataxis.range
    return math.radians(east - west) / (merc_y(north) - merc_y(south))


def _status_bars(counts: pd.DataFrame, *, title: str, subtitle: str,
                 source: str) -> go.Figure:
    """The screen's status bars (:func:`layers.status_figure.build_status_bars`), titled."""
    return go.Figure(build_status_bars(entity_labels(counts), "entity_id",
                                       by_label="Entidad", title=title,
                                       subtitle=subtitle, source=source))


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
        fig = _status_bars(view.counts_by_entity, title=title, subtitle=subtitle, source=source)
    flag = ILLUSTRATIVE_FLAG.upper() if view.version.illustrative else ""
    ranked = view_name == "mapa" and not view.map_note
    if view_name == "mapa" and size.social:
        _social_card(fig, view, ctx, size, flag)
    else:
        _fit_titles(fig, size.width, flag=flag)
        if ranked:
            _side_ranking(fig, view, ctx, size)
    fig.update_layout(width=size.width, height=size.height)
    return fig
