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


def test_kpi_items_count_and_share():
    counts = pd.DataFrame([{"on_track": 3, "at_risk": 1, "behind": 0, "no_report": 0,
                            "total": 4}])
    items = kpi_items(counts)
    assert [i["status"] for i in items] == list(STATUSES)
    assert items[0]["count"] == 3 and items[0]["share"] == 0.75
    assert items[0]["symbol"] == "✓" and items[0]["label"] == "En meta"


def test_kpi_items_of_nothing_have_no_share():
    counts = pd.DataFrame([{"on_track": 0, "at_risk": 0, "behind": 0, "no_report": 0,
                            "total": 0}])
    assert all(i["count"] == 0 and math.isnan(i["share"]) for i in kpi_items(counts))


def test_bars_by_entity_follow_the_filters(catalog):
    view = resolve_view(ViewState(axes=("nueva-movilidad",), year=2025), catalog)
    fig = status_bars(view.counts_by_entity, "entidad")
    assert len(fig.data) == len(STATUSES)
    acronyms = set(fig.data[0].y)
    assert acronyms == set(view.counts_by_entity["label"])
    total = sum(sum(trace.x) for trace in fig.data)
    assert total == int(view.counts["total"].iloc[0])


def test_bars_by_axis_use_axis_names(catalog):
    view = resolve_view(ViewState(year=2025), catalog)
    fig = status_bars(view.counts_by_axis, "eje")
    assert "Nueva movilidad" in set(fig.data[0].y)
    assert all(trace.name.split(" ", 1)[0] in "✓!✗–" for trace in fig.data)


def test_no_products_gives_a_message(catalog):
    view = resolve_view(ViewState(axes=("nueva-movilidad",), entities=("sed",)), catalog)
    fig = status_bars(view.counts_by_entity, "entidad")
    assert fig.layout.annotations[0].text.startswith("Ningún producto")
