"""Actual vs target, 2023-2032, for the city or for each selected locality.

Every point's ``x`` is its year, so a click on the series tells the map which
year to show. Years up to ``last_year`` without a report are marked
"Sin reporte" with a ✗ on the place's target line, in the place's colour
(one trace per place); later years only show the target.

The selected-year marker is ``layout.shapes[0]`` and ``layout.annotations[0]``.
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
    dress,
    template_json,
)

__all__ = ["CITY_NAME", "build_series"]

CITY_NAME = "Bogotá D.C."
#: Legend entry of the ✗ marks when several localities are drawn (each in its colour).
_MISSING_LEGEND = "Sin reporte (✗ sobre su meta)"
_HOVER = (
    "<b>%{customdata[0]}</b> · %{x}<br>"
    "%{customdata[1]}: %{customdata[2]}<br>"
    "Avance: %{customdata[3]} · %{customdata[4]}"
    "<extra></extra>"
)


def _status_text(status: Any) -> str:
    return STATUS_LABELS[status] if status in STATUSES else STATUS_LABELS["no_report"]


def _customdata(rows: pd.DataFrame, place: str, what: str, column: str, unit: str) -> list:
    return [
        [place, what, format_value(getattr(r, column), unit), format_percent(r.pct),
         _status_text(r.status)]
        for r in rows.itertuples(index=False)
    ]


def _missing_marker(color: str) -> dict[str, Any]:
    return {"symbol": "x-thin-open", "size": 12, "color": color,
            "line": {"width": 2.4, "color": color}}


def _scatter(**props: Any) -> dict[str, Any]:
    """A scatter trace as a plain dict (what ``go.Scatter(**props)`` serialises to)."""
    return {"type": "scatter", **props}


def _missing_trace(gaps: pd.DataFrame, place: str, code: str, unit: str, color: str,
                   single: bool) -> dict[str, Any]:
    """✗ marks of the years ``place`` did not report, on its target line, in its colour."""
    targets = gaps["target"]
    return _scatter(
        x=gaps["year"].tolist(),
        y=targets.fillna(0).tolist(),
        mode="markers",
        name="Sin reporte",
        legendgroup=code,
        showlegend=single,
        marker=_missing_marker(color),
        text=[f"<b>{place}</b> · {y}<br>Sin reporte (meta: {format_value(t, unit)})"
              for y, t in zip(gaps["year"], targets, strict=True)],
        hovertemplate="%{text}<extra></extra>",
        cliponaxis=False,
    )


def _band(x0: float, x1: float, color: str, opacity: float) -> dict[str, Any]:
    """A full-height band behind the lines (what ``fig.add_vrect`` would add)."""
    return {"type": "rect", "x0": x0, "x1": x1, "xref": "x", "y0": 0, "y1": 1,
            "yref": "y domain", "fillcolor": color, "opacity": opacity,
            "line": {"width": 0}, "layer": "below"}


def _prepare(series_df: pd.DataFrame, code: str) -> pd.DataFrame:
    rows = series_df[series_df["locality_code"].astype(str) == code]
    rows = rows.drop_duplicates("year").set_index("year").reindex(range(FIRST_YEAR, LAST_YEAR + 1))
    for column in ("value", "target", "pct"):
        if column not in rows:
            rows[column] = float("nan")
        rows[column] = pd.to_numeric(rows[column], errors="coerce").astype(float)
    if "status" not in rows:
        rows["status"] = "no_report"
    rows["status"] = rows["status"].astype(object).where(rows["status"].isin(STATUSES),
                                                          "no_report")
    return rows.rename_axis("year").reset_index()


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
    """Line chart of actual values (solid) and targets (dashed) per year, as a figure dict.

    A plain dict costs about a millisecond to build; the same figure as
    ``go.Figure`` objects costs tens of milliseconds of plotly validation.

    Parameters
    ----------
    series_df : DataFrame
        ``[year, locality_code, value, target, pct, status]`` of one indicator;
        ``"00"`` rows are the city.
    localities : sequence of str
        Codes to draw, one colour each; empty draws the city (``"00"``).
    names : mapping
        Code -> Spanish name (the city is "Bogotá D.C." unless ``names["00"]``).
    year : int
        Selected year, marked by a vertical line.
    unit : str
        Indicator unit (axis title and hover).
    last_year : int, optional
        Last year with reports (cut-off); years after it are the future and are
        not flagged as missing. Default: the last year with any value.
    title, subtitle, source : str, optional
        Title block and source line (exports), see :func:`layers.theme.dress`.

    Returns
    -------
    dict
        ``clickData["points"][0]["x"]`` is the clicked year.
    """
    codes = [str(c) for c in localities] or [CITYWIDE]
    if last_year is None:
        reported = series_df.loc[pd.to_numeric(series_df["value"], errors="coerce").notna(),
                                 "year"]
        last_year = int(reported.max()) if len(reported) else FIRST_YEAR - 1
    unit = (unit or "").strip()
    data: list[dict[str, Any]] = []
    missing_x: list[int] = []
    for i, code in enumerate(codes):
        rows = _prepare(series_df, code)
        place = names.get(code, CITY_NAME if code == CITYWIDE else code)
        color = INK if len(codes) == 1 else QUALITATIVE[i % len(QUALITATIVE)]
        single = len(codes) == 1
        data.append(
            _scatter(
                x=rows["year"].tolist(),
                y=rows["target"].tolist(),
                mode="lines+markers",
                name="Meta" if single else f"Meta · {place}",
                legendgroup=code,
                showlegend=single,
                line={"color": INK_MUTED if single else color, "width": 1.6, "dash": "dash"},
                opacity=1 if single else 0.75,
                marker={"size": 6, "symbol": "circle-open"},
                customdata=_customdata(rows, place, "Meta", "target", unit),
                hovertemplate=_HOVER,
            )
        )
        data.append(
            _scatter(
                x=rows["year"].tolist(),
                y=rows["value"].tolist(),
                mode="lines+markers",
                name="Valor reportado" if single else place,
                legendgroup=code,
                line={"color": "#0072B2" if single else color, "width": 2.6},
                marker={"size": 8},
                customdata=_customdata(rows, place, "Valor", "value", unit),
                hovertemplate=_HOVER,
                connectgaps=False,
            )
        )
        gaps = rows[(rows["year"] <= last_year) & rows["value"].isna()]
        missing_x += gaps["year"].tolist()
        if len(gaps):
            data.append(_missing_trace(gaps, place, code, unit,
                                         "#0072B2" if single else color, single))
    if len(codes) > 1:
        data.append(
            _scatter(x=[None], y=[None], mode="lines", name="Meta (discontinua)",
                       line={"color": INK_MUTED, "width": 1.6, "dash": "dash"},
                       hoverinfo="skip")
        )
    if missing_x and len(codes) > 1:
        data.append(
            _scatter(x=[None], y=[None], mode="markers", name=_MISSING_LEGEND,
                       marker=_missing_marker(INK), hoverinfo="skip")
        )
    # Shapes as plain dicts, assigned once below: ``fig.add_vrect`` costs about
    # 10 ms a call (it re-validates every shape), most of a callback's time.
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    if missing_x and len(codes) == 1:
        for y in sorted(set(missing_x)):
            shapes.append(_band(y - 0.45, y + 0.45, STATUS_COLORS["no_report"], 0.18))
    if last_year < LAST_YEAR:
        shapes.append(_band(max(last_year, FIRST_YEAR - 1) + 0.5, LAST_YEAR + 0.5,
                            "#F3F4F6", 1))
        annotations.append({"x": LAST_YEAR + 0.5, "y": 1, "xref": "x", "yref": "paper",
                            "xanchor": "right", "yanchor": "top", "showarrow": False,
                            "text": "Metas futuras",
                            "font": {"size": 12, "color": INK_MUTED}})
    # The selected-year marker goes first so its paths stay shapes[0]/annotations[0].
    marker = {"type": "line", "x0": year, "x1": year, "xref": "x", "y0": 0, "y1": 1,
              "yref": "paper", "line": {"color": INK, "width": 1.5, "dash": "dot"}}
    label = {"x": year, "y": 1, "xref": "x", "yref": "paper", "yanchor": "top",
             "text": f"<b>{year}</b>", "showarrow": False, "bgcolor": "#FFFFFF",
             "font": {"size": 13, "color": INK}}
    y_title = unit or "Valor"
    layout = {
        "template": template_json(),
        "shapes": [marker, *shapes],
        "annotations": [label, *annotations],
        "xaxis": {"tickmode": "linear", "dtick": 1,
                  "range": [FIRST_YEAR - 0.6, LAST_YEAR + 0.6], "fixedrange": True},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero",
                  "tickformat": ",.2~f"},
        "legend": {"y": 1, "yanchor": "top", "x": 1.01, "xanchor": "left",
                   "orientation": "v", "traceorder": "normal"},
        "margin": {"l": 84, "r": 16, "t": 36, "b": 24},
        "hovermode": "closest",
        "clickmode": "event",
    }
    return dress({"data": data, "layout": layout}, title, subtitle, source)

