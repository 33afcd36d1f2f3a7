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


def test_citywide_by_default_with_value_and_target(series, names):
    fig = build_series(series, names=names, year=2026, unit="zonas")
    lines = _lines(fig)
    assert [t.name for t in lines] == ["Meta", "Valor reportado"]
    for trace in lines:
        assert list(trace.x) == list(YEARS)  # each point's x is its year (click -> year)
    city = series[series["locality_code"] == "00"].sort_values("year")
    assert list(lines[1].y[:4]) == city["value"].tolist()[:4]
    assert lines[1].customdata[0][0] == "Bogotá D.C."


def test_one_line_per_selected_locality(series, names):
    fig = build_series(series, localities=["08", "11"], names=names, year=2025, unit="zonas")
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert "Kennedy" in legend and "Suba" in legend and "Meta (discontinua)" in legend
    assert len(_lines(fig)) == 4


def test_selected_year_is_marked(series, names):
    fig = build_series(series, names=names, year=2025)
    assert fig.layout.shapes[0].x0 == fig.layout.shapes[0].x1 == 2025
    assert "2025" in fig.layout.annotations[0].text


def test_missing_reports_are_visible_but_future_is_not_missing(names):
    series = make_series(last_year=2026)
    gap = (series["year"] == 2024) & (series["locality_code"] == "08")
    series.loc[gap, ["value", "pct"]] = np.nan
    series.loc[gap, "status"] = "no_report"
    fig = build_series(series, localities=["08"], names=names, year=2026, last_year=2026)
    missing = [t for t in fig.data if t.name == "Sin reporte"]
    assert len(missing) == 1 and list(missing[0].x) == [2024]
    assert "Sin reporte" in missing[0].text[0]
    future = [a for a in fig.layout.annotations if a.text == "Metas futuras"]
    assert future


def test_numbers_are_es_co(names):
    series = make_series(scale=100.0)
    fig = build_series(series, names=names, year=2026, unit="zonas")
    assert fig.layout.separators == ",." or fig.layout.template.layout.separators == ",."
    value_text = _lines(fig)[1].customdata[0][2]
    assert "." in value_text and value_text.endswith("zonas")


def test_titles_and_source(series, names):
    fig = build_series(series, names=names, year=2026, title="T", subtitle="S",
                       source="Fuente: X")
    assert fig.layout.title.text == "T"
    assert any(a.text == "Fuente: X" for a in fig.layout.annotations)


def test_missing_reports_sit_on_each_locality_target_in_its_colour(names):
    # Added by H8 (exports): a ✗ says which locality lacks the report.
    series = make_series(last_year=2026)
    gaps = {"08": 2024, "11": 2025}
    for code, year in gaps.items():
        gap = (series["year"] == year) & (series["locality_code"] == code)
        series.loc[gap, ["value", "pct"]] = np.nan
        series.loc[gap, "status"] = "no_report"
    fig = build_series(series, localities=list(gaps), names=names, year=2026, last_year=2026)
    for code, year in gaps.items():
        value_line = next(t for t in fig.data if t.name == names[code])
        marks = [t for t in fig.data if t.name == "Sin reporte" and t.legendgroup == code]
        assert len(marks) == 1 and list(marks[0].x) == [year]
        target = series[(series["locality_code"] == code) & (series["year"] == year)]["target"]
        assert marks[0].y[0] == target.iloc[0] != 0
        assert marks[0].marker.color == value_line.line.color
        assert names[code] in marks[0].text[0] and marks[0].showlegend is False
    legend = [t for t in fig.data if t.name and t.name.startswith("Sin reporte (")]
    assert len(legend) == 1 and legend[0].showlegend is not False
