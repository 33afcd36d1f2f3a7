"""The one-page A4 locality report, composed as one Plotly figure and printed to PDF.

Why Plotly + kaleido rather than a PDF library: the report reuses the exports'
renderer, fonts, colours and vector map (one path per locality), so it looks
like the dashboard and adds no dependency. The page is 794 x 1123 CSS px, which
Chromium prints as A4 (595 x 842 pt), one page.

Blocks, top to bottom: title band; locator map beside key facts (area, products,
status counts, median progress against the city's); the table of the products
reported by locality with value, target, progress, the median of the 20
localities and status; three key series of progress against the target beside
the median of the localities; source line with data version and cut-off date.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data.schema import FIRST_YEAR, LAST_YEAR, STATUS_LABELS, STATUSES
from layers.formatting import format_number, format_percent, format_value, shorten
from layers.theme import (
    FONT_FAMILY,
    GRID_COLOR,
    INK,
    INK_MUTED,
    STATUS_COLORS,
    STATUS_SYMBOLS,
    text_color_on,
)
from layers.titles import DASHBOARD_NAME, ILLUSTRATIVE_FLAG, source_line

__all__ = ["REPORT_SIZE", "build_report_figure"]

#: A4 in CSS px (Chromium prints 0.75 pt per px: 595.5 x 842.25 pt).
REPORT_SIZE = (794, 1123)
BLUE = "#0072B2"
_MEDIAN_COLOR = "#6B7280"


def _two_lines(text: str, width: int) -> str:
    """``text`` in bold on at most two lines of about ``width`` characters (then "…")."""
    first, words = "", text.split()
    while words and (not first or len(first) + len(words[0]) < width):
        first = f"{first} {words.pop(0)}".strip()
    lines = [first, shorten(" ".join(words), width)] if words else [first]
    return "<br>".join(f"<b>{line}</b>" for line in lines)


def _locator(fig: go.Figure, code: str, ctx: Any, geojson: dict, domain: dict) -> None:
    codes = sorted(ctx.names)
    fig.add_trace(go.Choropleth(
        geojson=geojson, locations=codes, z=[1 if c == code else 0 for c in codes],
        colorscale=[[0, "#E5E7EB"], [1, BLUE]], zmin=0, zmax=1, showscale=False,
        marker={"line": {"color": "#FFFFFF", "width": 0.6}}, hoverinfo="skip", geo="geo",
    ))
    point = ctx.label_points.assign(code=ctx.label_points["code"].astype(str)).set_index("code")
    area = ctx.localities.set_index("code")["area_km2"].get(code, math.inf)
    if code in point.index and area < 10:  # too small to see: ring it
        fig.add_trace(go.Scattergeo(
            lon=[point.loc[code, "lon"]], lat=[point.loc[code, "lat"]], mode="markers",
            marker={"size": 22, "color": "rgba(0,0,0,0)", "line": {"color": BLUE, "width": 2}},
            hoverinfo="skip", showlegend=False, geo="geo",
        ))
    geo = {"visible": False, "projection": {"type": "mercator"}, "domain": domain,
           "bgcolor": "rgba(0,0,0,0)"}
    bounds = ctx.bounds["distrito" if code == "20" else "urbana"].padded(0.03)
    geo.update(fitbounds=False, lonaxis={"range": [bounds.west, bounds.east]},
               lataxis={"range": [bounds.south, bounds.north]},
               center=bounds.center)
    fig.update_layout(geo=geo)
    if code != "20":
        fig.add_annotation(text="Sumapaz ↓", xref="paper", yref="paper", x=domain["x"][0] + 0.02,
                           y=domain["y"][0], xanchor="left", yanchor="bottom", showarrow=False,
                           font={"size": 9, "color": INK_MUTED})


def _facts(report: Any, ctx: Any) -> list[str]:
    area = ctx.localities.set_index("code")["area_km2"].get(report.code, math.nan)
    counts = report.counts.iloc[0]
    mine, city = report.weighted, report.median_weighted
    lines = [
        f"<b>Área</b>: {format_number(area, 1)} km²",
        f"<b>Indicadores reportados por localidad</b>: {int(counts['total'])}",
        f"<i>{report.city_count} indicadores de ciudad se informan aparte</i>",
        "",
        f"<b>Semáforo, corte {report.cut.label}</b>",
    ]
    for status in STATUSES:
        n = int(counts.get(status, 0))
        if status == "futuro" and not n:
            continue
        lines.append(f"{STATUS_SYMBOLS[status]} {STATUS_LABELS[status]}: <b>{n}</b>")
    lines += [
        "",
        f"<b>Avance ponderado de la localidad</b>: {format_percent(mine)}",
        f"<b>Mediana de las 20 localidades</b>: {format_percent(city)}",
    ]
    if not math.isnan(mine) and not math.isnan(city):
        gap = (mine - city) * 100
        word = "por encima de" if gap > 0.5 else "por debajo de" if gap < -0.5 else "igual a"
        points = format_number(abs(gap), 0)
        noun = "punto" if points == "1" else "puntos"
        lines.append(f"<i>{points} {noun} {word} la mediana</i>"
                     if word != "igual a" else "<i>En la mediana de las localidades</i>")
    return lines


def _table(fig: go.Figure, summary: pd.DataFrame, domain: dict) -> None:
    status = summary["status"].where(summary["status"].isin(STATUSES), "sin_dato")
    fills = [STATUS_COLORS[s] for s in status]
    names = [f"{c} · {shorten(n, 44)}" for c, n in zip(summary["code"], summary["name"],
                                                       strict=True)]
    units = summary["unit"].tolist()
    cells = [
        names,
        summary["entity"].fillna("").tolist(),
        [format_value(v, _short_unit(u)) for v, u in zip(summary["av"], units, strict=True)],
        [format_value(v, _short_unit(u)) for v, u in zip(summary["ma"], units, strict=True)],
        [format_percent(v) for v in summary["phv"]],
        [format_percent(v) for v in summary["median_pct"]],
        [f"{STATUS_SYMBOLS[s]} {STATUS_LABELS[s]}" for s in status],
    ]
    zebra = ["#F6F7F9" if i % 2 else "#FFFFFF" for i in range(len(summary))]
    align = ["left", "left", "right", "right", "right", "right", "left"]
    fig.add_trace(go.Table(
        domain=domain,
        columnwidth=[250, 48, 78, 78, 52, 58, 92],
        header={"values": ["<b>Indicador</b>", "<b>Entidad</b>", "<b>Avance a la fecha</b>",
                           "<b>Meta a la fecha</b>", "<b>Avance</b>", "<b>Mediana loc.</b>",
                           "<b>Semáforo</b>"],
                "align": align, "fill": {"color": "#EEF1F4"},
                "line": {"color": GRID_COLOR, "width": 0.5},
                "font": {"size": 9, "color": INK, "family": FONT_FAMILY}, "height": 20},
        cells={"values": cells, "align": align,
               "fill": {"color": [zebra] * 6 + [fills]},
               "line": {"color": GRID_COLOR, "width": 0.5},
               "font": {"size": 9, "family": FONT_FAMILY,
                        "color": [[INK] * len(summary)] * 6
                        + [[text_color_on(f) for f in fills]]},
               "height": 18},
    ))


def _short_unit(unit: str) -> str:
    """Only symbols (``%``) beside the figures: the indicator's name says what is counted."""
    return unit if len(unit) <= 3 else ""


def _series(fig: go.Figure, lines: Mapping[str, pd.DataFrame], titles: Mapping[str, str],
            name: str, product_ids: Sequence[str], year: int, top: float,
            bottom: float) -> None:
    n = len(product_ids)
    gap = 0.05
    width = (1 - gap * (n - 1)) / max(n, 1)
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    for i, product_id in enumerate(product_ids):
        mine = lines[product_id]["mine"].reindex(years)
        median = lines[product_id]["median"].reindex(years)
        mine = mine.where(pd.Index(years) <= year) * 100
        median = median.where(pd.Index(years) <= year) * 100
        axis = "" if i == 0 else str(i + 1)
        x0 = i * (width + gap)
        fig.add_trace(go.Scatter(x=years, y=[100] * len(years), mode="lines",
                                 line={"color": INK_MUTED, "width": 1, "dash": "dot"},
                                 name="Meta a la fecha (100 %)", showlegend=i == 0,
                                 hoverinfo="skip",
                                 xaxis=f"x{axis}", yaxis=f"y{axis}"))
        fig.add_trace(go.Scatter(x=years, y=median.tolist(), mode="lines",
                                 line={"color": _MEDIAN_COLOR, "width": 1.6, "dash": "dash"},
                                 name="Mediana de las 20 localidades", showlegend=i == 0,
                                 xaxis=f"x{axis}", yaxis=f"y{axis}"))
        fig.add_trace(go.Scatter(x=years, y=mine.tolist(), mode="lines+markers",
                                 line={"color": BLUE, "width": 2.4}, marker={"size": 5},
                                 name=name, showlegend=i == 0, connectgaps=False,
                                 xaxis=f"x{axis}", yaxis=f"y{axis}"))
        if mine.notna().sum() == 0:
            fig.add_annotation(text="Sin dato de la localidad", xref=f"x{axis} domain",
                               yref=f"y{axis} domain", x=0.5, y=0.5, showarrow=False,
                               font={"size": 10, "color": INK_MUTED})
        fig.add_annotation(text=_two_lines(f"{product_id} · {titles[product_id]}", 36),
                           xref="paper", yref="paper", x=x0, y=top, xanchor="left",
                           yanchor="bottom", align="left", showarrow=False,
                           font={"size": 10, "color": INK}, yshift=2)
        if year < LAST_YEAR:
            fig.add_shape(type="rect", xref=f"x{axis}", yref=f"y{axis} domain",
                          x0=year + 0.5, x1=LAST_YEAR + 0.4, y0=0, y1=1, layer="below",
                          fillcolor="#F3F4F6", line={"width": 0})
            fig.add_annotation(text="Futuro", xref=f"x{axis}", yref=f"y{axis} domain",
                               x=(year + 0.5 + LAST_YEAR + 0.4) / 2, y=0.02,
                               yanchor="bottom", showarrow=False,
                               font={"size": 9, "color": INK_MUTED})
        hi = np.nanmax([mine.max(), median.max(), 100.0])
        hi = 150.0 if not np.isfinite(hi) else max(120.0, math.ceil(hi / 25) * 25)
        fig.layout[f"xaxis{axis}"] = {
            "domain": [x0, x0 + width], "anchor": f"y{axis}", "range": [FIRST_YEAR - 0.4,
                                                                      LAST_YEAR + 0.4],
            "tickvals": [2023, 2026, 2029, 2032], "tickfont": {"size": 9, "color": INK_MUTED},
            "showgrid": False, "showline": True, "linecolor": "#9AA1AA", "ticks": "outside",
            "ticklen": 3, "tickcolor": "#9AA1AA", "fixedrange": True,
        }
        fig.layout[f"yaxis{axis}"] = {
            "domain": [bottom, top], "anchor": f"x{axis}", "range": [0, hi],
            "ticksuffix": " %", "tickfont": {"size": 9, "color": INK_MUTED}, "dtick": 50,
            "gridcolor": GRID_COLOR, "zeroline": False, "fixedrange": True,
        }


def build_report_figure(report: Any, ctx: Any) -> go.Figure:
    """The A4 report of one locality as one figure (render it to PDF).

    Parameters
    ----------
    report : view.report.LocalityReport
        The locality's numbers: the dashboard's own view of it at the cut.
    ctx : view.geo.GeoContext
        Display geometry and names.

    Returns
    -------
    go.Figure
        Sized :data:`REPORT_SIZE`.
    """
    code, summary, cut = report.code, report.summary, report.cut
    name = ctx.names[code]
    fig = go.Figure()
    fig.update_layout(meta={"document": {  # the PDF's properties (app.exports.render)
        "title": f"Reporte de la localidad {code} {name} · Bogotá Territorio Inteligente, "
                 f"corte {cut.label}",
        "subject": f"Avance de los indicadores de producto reportados por localidad en {name}, "
                   "con la mediana de las 20 localidades",
        "version": str(report.version.version_id), "keywords": [name, f"corte {cut.label}"]}})
    # Vertical layout in paper fractions (paper = page minus margins).
    _locator(fig, code, ctx, ctx.geojson, {"x": [0.0, 0.36], "y": [0.745, 0.985]})
    fig.add_annotation(text="<br>".join(_facts(report, ctx)), xref="paper", yref="paper",
                       x=0.41, y=0.985, xanchor="left", yanchor="top", align="left",
                       showarrow=False, font={"size": 11.5, "color": INK})
    fig.add_annotation(text=f"<b>Indicadores reportados por localidad, corte {cut.label}</b>",
                       xref="paper", yref="paper", x=0, y=0.712, xanchor="left",
                       yanchor="bottom", showarrow=False, font={"size": 13, "color": INK})
    _table(fig, summary, {"x": [0, 1], "y": [0.285, 0.708]})
    fig.add_annotation(text="<b>Avance en el periodo: la localidad y la mediana de las 20 "
                            "localidades</b>", xref="paper", yref="paper", x=0, y=0.262,
                       xanchor="left", yanchor="bottom", showarrow=False,
                       font={"size": 13, "color": INK})
    titles = dict(zip(summary["code"], summary["name"], strict=True))
    _series(fig, report.lines, titles, name, list(report.lines), cut.year, top=0.175,
            bottom=0.03)
    fig.add_annotation(
        text=source_line(report.version) + "<br>Avance = avance a la fecha frente a la meta "
        "programada a la fecha (método de la SDP). Mediana: valor central de las 20 "
        "localidades en el mismo corte.",
        xref="paper", yref="paper", x=0, y=-0.035, xanchor="left", yanchor="top",
        showarrow=False, align="left", font={"size": 8.5, "color": INK_MUTED},
    )
    title = f"<b>{name}</b>"
    subtitle = (f"Localidad {code} de Bogotá D.C. · Seguimiento de la política Bogotá "
                f"Territorio Inteligente, corte {cut.label}")
    version = report.version
    fig.update_layout(
        width=REPORT_SIZE[0], height=REPORT_SIZE[1],
        font={"family": FONT_FAMILY, "size": 11, "color": INK},
        paper_bgcolor="#FFFFFF", plot_bgcolor="#FFFFFF", separators=",.",
        margin={"l": 40, "r": 40, "t": 92, "b": 62},
        title={"text": title, "x": 0.05, "xanchor": "left", "y": 0.985, "yanchor": "top",
               "font": {"size": 26, "color": INK},
               "subtitle": {"text": subtitle, "font": {"size": 12, "color": INK_MUTED}}},
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 0.26, "yanchor": "top", "yref": "paper",
                "font": {"size": 9.5}, "bgcolor": "rgba(255,255,255,0)"},
    )
    fig.add_annotation(text=f"<b>{DASHBOARD_NAME}</b>", xref="paper", yref="paper", x=1, y=1,
                       xanchor="right", yanchor="bottom", yshift=52, showarrow=False,
                       font={"size": 10, "color": INK_MUTED})
    if version.illustrative:
        fig.add_annotation(text=f"<b>{ILLUSTRATIVE_FLAG.upper()}</b>", xref="paper",
                           yref="paper", x=1, y=1, xanchor="right", yanchor="bottom", yshift=20,
                           showarrow=False, font={"size": 10, "color": "#7A4B00"},
                           bgcolor="#FFF1D6", bordercolor="#E69F00", borderwidth=1, borderpad=4)
    return fig
