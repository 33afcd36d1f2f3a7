"""Tests of callbacks.series: year clicks and the series figure for a view."""

from __future__ import annotations

import plotly.graph_objects as go

from callbacks.series import empty_figure as _empty_figure
from callbacks.series import series_figure as _series_figure
from callbacks.series import series_title
from tests.support import NAMES
from view.model import parse_view, resolve_view
from view.state import ViewState


def series_figure(*args, **kwargs) -> go.Figure:
    return go.Figure(_series_figure(*args, **kwargs))


def empty_figure(*args, **kwargs) -> go.Figure:
    return go.Figure(_empty_figure(*args, **kwargs))


def test_one_line_per_selected_locality(catalog):
    state, _ = parse_view("producto=P01&localidad=08,11", catalog)
    fig = series_figure(resolve_view(state, catalog), NAMES, last_year=2026)
    names = {trace.name for trace in fig.data}
    assert {"Localidad 08", "Localidad 11"} <= names


def test_citywide_product_draws_the_city_even_with_localities(catalog):
    state, _ = parse_view("producto=P07&localidad=11", catalog)
    view = resolve_view(state, catalog)
    fig = series_figure(view, NAMES, last_year=2026)
    assert "Avance a la fecha" in {trace.name for trace in fig.data}
    title, _ = series_title(view, NAMES)
    assert "Bogotá D.C." in title


def test_impossible_filters_show_the_message(catalog):
    view = resolve_view(ViewState(axes=("nueva-movilidad",), entities=("sed",)), catalog)
    fig = series_figure(view, NAMES, last_year=2026)
    assert fig.data == ()
    assert fig.layout.annotations[0].text.replace("<br>", " ") == view.message


def test_empty_figure_states_its_message():
    fig = empty_figure("Nada que mostrar")
    assert fig.layout.annotations[0].text == "Nada que mostrar"
    assert fig.layout.xaxis.visible is False
