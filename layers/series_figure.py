"""An indicator's path 2023-2032: progress to date against the target to date.

One point per year (its last quarter; the data's cut in the cut's year), so a
click tells the map which year to show. For the city: the value to date (AV)
and the target to date (MA), in the indicator's unit. With localities
selected, places are compared by their progress within the term (PHV, % of
the target to date): one line per locality and Bogotá D.C. as a grey
reference line, with the target (100 %) dotted.

Years up to the cut without a figure are drawn apart from the reported values:
hollow grey circles in a "Sin reporte" strip under the chart (its own y axis,
one row per place with a gap, under the same years), explained in the legend;
never a mark on a value or target line. Years after the cut are shaded "Metas
futuras" (the future is never missing). The selected year's marker is
``layout.shapes[0]`` and ``layout.annotations[0]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from data.schema import CITYWIDE, FIRST_YEAR, LAST_YEAR, STATUS_LABELS, STATUSES
from layers.formatting import format_percent, format_value
from layers.theme import (
    INK,
    INK_MUTED,
    QUALITATIVE,
    STATUS_COLORS,
    STATUS_SYMBOLS,
    dress,
    template_json,
)

__all__ = ["CITY_NAME", "MISSING_NAME", "build_series"]

CITY_NAME = "Bogotá D.C."
_VALUE_COLOR = "#0072B2"
_CITY_REFERENCE = "#6B7280"
_HOVER = (
    "<b>%{customdata[0]}</b> · %{customdata[1]}<br>"
    "Avance a la fecha: %{customdata[2]}<br>"
    "Meta a la fecha: %{customdata[3]}<br>"
    "Avance en el periodo: %{customdata[4]}<br>"
    "%{customdata[5]}"
    "<extra></extra>"
)


def _status_text(status: Any) -> str:
    status = status if status in STATUSES else "sin_dato"
    return f"{STATUS_SYMBOLS[status]} {STATUS_LABELS[status]}"


def _customdata(rows: pd.DataFrame, place: str, unit: str) -> list:
    return [[place, r.period, format_value(r.value, unit), format_value(r.target, unit),
             format_percent(r.pct), _status_text(r.status)]
            for r in rows.itertuples(index=False)]


def _scatter(**props: Any) -> dict[str, Any]:
    """A scatter trace as a plain dict (what ``go.Scatter(**props)`` serialises to)."""
    return {"type": "scatter", **props}


def _band(x0: float, x1: float, color: str, opacity: float) -> dict[str, Any]:
    """A full-height band behind the lines."""
    return {"type": "rect", "x0": x0, "x1": x1, "xref": "x", "y0": 0, "y1": 1,
            "yref": "y domain", "fillcolor": color, "opacity": opacity,
            "line": {"width": 0}, "layer": "below"}


def _prepare(series_df: pd.DataFrame, code: str) -> pd.DataFrame:
    rows = series_df[series_df["locality_code"].astype(str) == code]
    rows = rows.drop_duplicates("year").set_index("year").reindex(range(FIRST_YEAR,
                                                                          LAST_YEAR + 1))
    for column in ("value", "target", "pct"):
        if column not in rows:
            rows[column] = float("nan")
        rows[column] = pd.to_numeric(rows[column], errors="coerce").astype(float)
    rows["status"] = rows["status"].astype(object).where(rows["status"].isin(STATUSES),
                                                          "sin_dato") \
        if "status" in rows else "sin_dato"
    rows["period"] = rows["period"].fillna("") if "period" in rows else ""
    if "future" not in rows:
        rows["future"] = False
    rows["future"] = rows["future"].fillna(False).astype(bool)
    return rows.rename_axis("year").reset_index()


#: Legend entry of the years without a figure.
MISSING_NAME = "Sin reporte (o sin meta numérica)"


def _missing_trace(missing: Mapping[int, list[str]]) -> dict[str, Any]:
    """Hollow grey circles, one per place and year without a figure, on the strip axis."""
    x, y, text = [], [], []
    for year in sorted(missing):
        for place in missing[year]:
            x.append(year)
            y.append(place)
            text.append(f"<b>{year}</b>: sin reporte de {place}")
    return _scatter(
        x=x, y=y, mode="markers", name=MISSING_NAME, xaxis="x", yaxis="y2",
        marker={"symbol": "circle-open", "size": 10, "color": INK_MUTED,
                "line": {"width": 2, "color": INK_MUTED}},
        text=text, hovertemplate="%{text}<extra></extra>", cliponaxis=False,
        legendgroup="sin-reporte", showlegend=True,
    )


def _strip_axes(layout: dict[str, Any], places: list[str]) -> None:
    """Put the "Sin reporte" strip (``yaxis2``, one row per place) under the chart."""
    strip = min(0.24, 0.05 + 0.045 * len(places))
    layout["yaxis"]["domain"] = [strip + 0.04, 1]
    layout["yaxis2"] = {
        "domain": [0, strip], "type": "category", "categoryorder": "array",
        "categoryarray": places[::-1], "range": [-0.6, len(places) - 0.4],
        "showgrid": False, "zeroline": False, "showline": False, "fixedrange": True,
        "ticks": "", "tickfont": {"size": 11, "color": INK_MUTED},
    }
    layout["xaxis"]["anchor"] = "y2"
    layout["annotations"].append({
        "x": 0, "y": strip, "xref": "paper", "yref": "paper", "xanchor": "left",
        "yanchor": "bottom", "showarrow": False, "text": "Años sin reporte",
        "font": {"size": 11, "color": INK_MUTED}})


def build_series(
    series_df: pd.DataFrame,
    *,
    localities: Sequence[str] = (),
    names: Mapping[str, str],
    year: int,
    unit: str = "",
    last_year: int | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """The indicator's path as a figure dict (see the module docstring).

    A plain dict costs about a millisecond to build; the same figure as
    ``go.Figure`` objects costs tens of milliseconds of plotly validation.

    Parameters
    ----------
    series_df : DataFrame
        ``[year, locality_code, period, value, target, pct, status, future]`` of
        one indicator (``view.model`` builds it); ``"00"`` rows are the city.
    localities : sequence of str
        Codes to compare by progress; empty draws the city's values.
    names : mapping
        Code -> Spanish name (the city is "Bogotá D.C.").
    year : int
        Selected year, marked by a vertical line.
    unit : str
        Indicator unit (axis title and hover).
    last_year : int, optional
        Year of the data's cut; later years are the future. Default: read from
        the frame's ``future`` column.
    title, subtitle, source : str, optional
        Title block and source line (exports), see :func:`layers.theme.dress`.

    Returns
    -------
    dict
        ``clickData["points"][0]["x"]`` is the clicked year.
    """
    unit = (unit or "").strip()
    codes = [str(c) for c in localities]
    compare = bool(codes)
    city = _prepare(series_df, CITYWIDE)
    if last_year is None:
        present = city.loc[~city["future"], "year"]
        last_year = int(present.max()) if len(present) else FIRST_YEAR - 1
    data: list[dict[str, Any]] = []
    missing: dict[int, list[str]] = {}
    gap_places: list[str] = []
    places = codes if compare else [CITYWIDE]
    for i, code in enumerate(places):
        rows = _prepare(series_df, code)
        place = names.get(code, CITY_NAME if code == CITYWIDE else code)
        color = _VALUE_COLOR if not compare else QUALITATIVE[i % len(QUALITATIVE)]
        custom = _customdata(rows, place, unit)
        if compare:
            data.append(_scatter(
                x=rows["year"].tolist(), y=(rows["pct"] * 100).tolist(),
                mode="lines+markers", name=place, legendgroup=code,
                line={"color": color, "width": 2.6}, marker={"size": 8},
                customdata=custom, hovertemplate=_HOVER, connectgaps=False))
        else:
            data.append(_scatter(
                x=rows["year"].tolist(), y=rows["target"].tolist(), mode="lines+markers",
                name="Meta a la fecha", legendgroup="meta",
                line={"color": INK_MUTED, "width": 1.6, "dash": "dash"},
                marker={"size": 6, "symbol": "circle-open"}, customdata=custom,
                hovertemplate=_HOVER))
            data.append(_scatter(
                x=rows["year"].tolist(), y=rows["value"].tolist(), mode="lines+markers",
                name="Avance a la fecha", legendgroup="avance",
                line={"color": color, "width": 2.6}, marker={"size": 8},
                customdata=custom, hovertemplate=_HOVER, connectgaps=False))
        measured = rows["pct"] if compare else rows["value"]
        gaps = rows[(rows["year"] <= last_year) & measured.isna() & ~rows["future"]]
        for gap_year in gaps["year"]:
            missing.setdefault(int(gap_year), []).append(place)
        if len(gaps):
            gap_places.append(place)
    if compare:
        data.append(_scatter(
            x=city["year"].tolist(), y=(city["pct"] * 100).tolist(), mode="lines",
            name=f"{CITY_NAME} (referencia)", legendgroup=CITYWIDE,
            line={"color": _CITY_REFERENCE, "width": 2, "dash": "dashdot"},
            customdata=_customdata(city, CITY_NAME, unit), hovertemplate=_HOVER,
            connectgaps=False))
    if missing:
        data.append(_missing_trace(missing))
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    if compare:
        shapes.append({"type": "line", "x0": FIRST_YEAR - 0.6, "x1": LAST_YEAR + 0.6,
                       "xref": "x", "y0": 100, "y1": 100, "yref": "y",
                       "line": {"color": INK_MUTED, "width": 1.2, "dash": "dot"},
                       "layer": "below"})
        annotations.append({"x": FIRST_YEAR - 0.5, "y": 100, "xref": "x", "yref": "y",
                            "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                            "text": "Meta a la fecha (100 %)",
                            "font": {"size": 11, "color": INK_MUTED}})
    if last_year < LAST_YEAR:
        shapes.append(_band(max(last_year, FIRST_YEAR - 1) + 0.5, LAST_YEAR + 0.5,
                            STATUS_COLORS["futuro"], 0.55))
        annotations.append({"x": LAST_YEAR + 0.5, "y": 1, "xref": "x", "yref": "paper",
                            "xanchor": "right", "yanchor": "top", "showarrow": False,
                            "text": f"{STATUS_SYMBOLS['futuro']} Metas futuras",
                            "font": {"size": 12, "color": INK_MUTED}})
    # The selected-year marker goes first so its paths stay shapes[0]/annotations[0].
    marker = {"type": "line", "x0": year, "x1": year, "xref": "x", "y0": 0, "y1": 1,
              "yref": "paper", "line": {"color": INK, "width": 1.5, "dash": "dot"}}
    label = {"x": year, "y": 1, "xref": "x", "yref": "paper", "yanchor": "top",
             "text": f"<b>{year}</b>", "showarrow": False, "bgcolor": "#FFFFFF",
             "font": {"size": 13, "color": INK}}
    y_title = "% de la meta a la fecha" if compare else (unit or "Valor")
    layout = {
        "template": template_json(),
        "shapes": [marker, *shapes],
        "annotations": [label, *annotations],
        "xaxis": {"tickmode": "linear", "dtick": 1,
                  "range": [FIRST_YEAR - 0.6, LAST_YEAR + 0.6], "fixedrange": True},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero",
                  "tickformat": ",.2~f", "ticksuffix": " %" if compare else ""},
        "legend": {"y": 1, "yanchor": "top", "x": 1.01, "xanchor": "left",
                   "orientation": "v", "traceorder": "normal"},
        "margin": {"l": 84, "r": 16, "t": 36, "b": 24},
        "hovermode": "closest",
        "clickmode": "event",
    }
    if missing:
        _strip_axes(layout, gap_places)
    return dress({"data": data, "layout": layout}, title, subtitle, source)
