"""Tests of layers.series_figure: the path of one indicator 2023-2032."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from data.schema import YEARS
from layers.series_figure import build_series as _build_series

from .conftest import make_series


def build_series(*args, **kwargs) -> go.Figure:
    return go.Figure(_build_series(*args, **kwargs))


def _lines(fig):
    return [t for t in fig.data if t.x and t.x[0] is not None and t.mode == "lines+markers"]


def test_city_shows_value_and_target_to_date(series, names):
    fig = build_series(series, names=names, year=2026, unit="zonas")
    lines = _lines(fig)
    assert [t.name for t in lines] == ["Meta a la fecha", "Avance a la fecha"]
    for trace in lines:
        assert list(trace.x) == list(YEARS)  # each point's x is its year (click -> year)
    city = series[series["locality_code"] == "00"].sort_values("year")
    assert list(lines[1].y[:4]) == city["value"].tolist()[:4]
    assert lines[1].customdata[0][0] == "Bogotá D.C."
    assert fig.layout.yaxis.title.text == "zonas"


def test_localities_are_compared_by_progress_beside_the_city(series, names):
    fig = build_series(series, localities=["08", "11"], names=names, year=2025, unit="zonas")
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert {"Kennedy", "Suba", "Bogotá D.C. (referencia)"} <= set(legend)
    kennedy = next(t for t in fig.data if t.name == "Kennedy")
    rows = series[(series["locality_code"] == "08")].sort_values("year")
    assert list(kennedy.y[:3]) == list(rows["pct"].iloc[:3] * 100)
    assert fig.layout.yaxis.ticksuffix == " %"
    assert any(a.text.startswith("Meta a la fecha (100") for a in fig.layout.annotations)


def test_missing_figures_are_marked_apart_and_the_future_is_not_missing(names):
    series = make_series(last_year=2026)
    gap = (series["year"] == 2024) & (series["locality_code"] == "08")
    series.loc[gap, ["value", "pct"]] = np.nan
    series.loc[gap, "status"] = "sin_dato"
    fig = build_series(series, localities=["08"], names=names, year=2026, last_year=2026)
    missing = [t for t in fig.data if t.name and t.name.startswith("Sin reporte")]
    assert len(missing) == 1 and list(missing[0].x) == [2024]
    # in a strip of its own under the chart, never on a value or target line
    assert missing[0].yaxis == "y2" and list(missing[0].y) == ["Kennedy"]
    assert fig.layout.yaxis2.domain[1] < fig.layout.yaxis.domain[0]
    assert list(fig.layout.yaxis2.categoryarray) == ["Kennedy"]
    assert missing[0].marker.symbol == "circle-open" and missing[0].showlegend
    assert "Kennedy" in missing[0].text[0]
    assert missing[0].marker.color != next(t for t in fig.data if t.name == "Kennedy").line.color
    assert any("Metas futuras" in a.text for a in fig.layout.annotations)
    future_years = [y for y in range(2027, 2033)]
    assert not set(future_years) & set(missing[0].x)


def test_without_gaps_there_is_no_strip(names):
    fig = build_series(make_series(last_year=2026), localities=["02"], names=names, year=2026,
                       last_year=2026)
    assert not any(t.name and t.name.startswith("Sin reporte") for t in fig.data)
    assert "yaxis2" not in fig.to_plotly_json()["layout"]


def test_numbers_are_es_co(names):
    series = make_series(scale=100.0)
    fig = build_series(series, names=names, year=2026, unit="zonas")
    assert fig.layout.separators == ",." or fig.layout.template.layout.separators == ",."
    value_text = _lines(fig)[1].customdata[0][2]
    assert "." in value_text and value_text.endswith("zonas")


def test_selected_year_is_marked(series, names):
    fig = build_series(series, names=names, year=2025)
    assert fig.layout.shapes[0].x0 == fig.layout.shapes[0].x1 == 2025
    assert "2025" in fig.layout.annotations[0].text


def test_titles_and_source(series, names):
    fig = build_series(series, names=names, year=2026, title="T", subtitle="S",
                       source="Fuente: X")
    assert fig.layout.title.text == "T"
    assert any(a.text == "Fuente: X" for a in fig.layout.annotations)
