"""Tests of callbacks.summary: status tiles and bars by entity or axis."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from callbacks.summary import kpi_items, status_bars_figure
from data.schema import STATUSES
from view.model import resolve_view
from view.state import ViewState


def status_bars(counts, group):
    return go.Figure(status_bars_figure(counts, group))


def _counts(**values):
    row = {status: values.get(status, 0) for status in STATUSES}
    return pd.DataFrame([{**row, "total": sum(row.values())}])


def test_kpi_items_are_the_semaforo_legend():
    items = kpi_items(_counts(verde=3, rojo=1))
    assert [i["status"] for i in items] == ["rojo", "amarillo", "verde", "naranja", "sin_dato"]
    verde = items[2]
    assert verde["count"] == 3 and verde["share"] == 0.75
    assert verde["symbol"] == "✓" and verde["label"] == "En meta" and "125" in verde["rule"]
    assert items[3]["label"] == "Sobre-ejecución" and items[3]["symbol"] == "▲"
    future = kpi_items(_counts(futuro=4))
    assert future[-1]["status"] == "futuro" and future[-1]["count"] == 4


def test_kpi_items_of_nothing_have_no_share():
    assert all(i["count"] == 0 and math.isnan(i["share"]) for i in kpi_items(_counts()))


def test_summary_note_states_the_counting_rule(catalog):
    from callbacks.summary import summary_note
    from tests.support import NAMES, view_of

    city = summary_note(view_of("anio=2026", catalog), NAMES)
    assert city.startswith("44 indicadores de producto vigentes") and "2026-T3" in city
    kennedy = summary_note(view_of("localidad=08", catalog), NAMES)
    assert "reportados por localidad" in kennedy and "indicadores de ciudad" in kennedy


def test_bars_by_entity_follow_the_filters(catalog):
    view = resolve_view(ViewState(axes=("nueva-movilidad",), year=2025), catalog)
    fig = status_bars(view.counts_by_entity, "entidad")
    assert len(fig.data) == len(STATUSES)
    labels = {label.replace("<br>", " ") for label in fig.data[0].y}
    counts = view.counts_by_entity
    assert labels == {f"{n} ({a})" for n, a in zip(counts["name"], counts["label"],
                                                    strict=True)}  # full name and acronym
    assert "Secretaría Distrital de Movilidad (SDM)" in labels
    total = sum(sum(trace.x) for trace in fig.data)
    assert total == int(view.counts["total"].iloc[0])


def test_bars_by_axis_use_axis_names(catalog):
    view = resolve_view(ViewState(year=2025), catalog)
    fig = status_bars(view.counts_by_axis, "eje")
    assert "Nueva movilidad" in set(fig.data[0].y)
    assert all(trace.name.split(" ", 1)[0] in "✗!✓▲–○" for trace in fig.data)


def test_no_products_gives_a_message(catalog):
    view = resolve_view(ViewState(axes=("nueva-movilidad",), entities=("sed",)), catalog)
    fig = status_bars(view.counts_by_entity, "entidad")
    assert fig.layout.annotations[0].text.startswith("Ningún indicador")


def test_every_entity_row_has_room_for_its_wrapped_name(catalog):
    """The graph is as tall as its figure (a responsive graph takes its box's height),
    and each row is taller than its label's lines: names never overlap."""
    from callbacks.summary import graph_style

    view = resolve_view(ViewState(year=2026, localities=("20",)), catalog)
    figure = status_bars_figure(view.counts_by_entity, "entidad")
    height = figure["layout"]["height"]
    assert graph_style(figure) == {"height": f"{height}px"}
    rows = len(figure["data"][0]["y"])
    lines = max(str(label).count("<br>") + 1 for label in figure["data"][0]["y"])
    margin = figure["layout"]["margin"]
    per_row = (height - margin["t"] - margin["b"]) / rows
    assert per_row >= 13 * lines + 4  # 11 px text at a line height of about 13 px
