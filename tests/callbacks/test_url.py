"""Tests of callbacks.url: state transitions and the URL they write."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from callbacks import ids
from callbacks.shell import notice_alert
from callbacks.url import (
    CONTROL_IDS,
    cached_filter_options,
    control_values,
    next_state,
    page_search,
    state_from_controls,
)
from view.filters import Facets, filter_options
from view.model import default_state, parse_view, resolve_view
from view.state import ViewState
from view.transitions import next_year


@pytest.fixture
def current(catalog):
    return resolve_view(default_state(catalog), catalog).state


def _controls(state: ViewState) -> dict:
    return dict(zip(CONTROL_IDS, control_values(state), strict=True))


def test_first_load_parses_the_url_with_notices(catalog, current):
    state, notices, done = next_state(current, None, catalog,
                                      search="?anio=1999&localidad=11&color=rojo")
    assert state.localities == ("11",)
    assert state.year == default_state(catalog).year
    assert len(notices) == 2 and not done
    assert any("1999" in n for n in notices) and any("color" in n for n in notices)


def test_back_button_url_change_restores_that_state(catalog, current):
    state, notices, _ = next_state(current, ids.URL, catalog,
                                   search="?eje=nueva-movilidad&medida=semaforo")
    assert state.axes == ("nueva-movilidad",) and state.measure == "semaforo"
    assert notices == []


def test_axis_change_drops_a_product_outside_the_axis(catalog, current):
    controls = _controls(replace(current, indicator="1.1.1", axes=("nueva-movilidad",)))
    state, _, _ = next_state(current, ids.FILTER_AXIS, catalog, controls=controls)
    assert state.indicator is None and state.axes == ("nueva-movilidad",)
    shown = resolve_view(state, catalog)
    assert shown.notices == ()
    assert shown.indicator["axis_id"] == "nueva-movilidad" and shown.indicator["by_locality"]


def test_product_choice_keeps_the_other_filters(catalog, current):
    chosen = replace(current, axes=("nueva-movilidad",), indicator="6.1.4", localities=("11",))
    state, _, _ = next_state(current, ids.FILTER_PRODUCT, catalog, controls=_controls(chosen))
    assert state == chosen


def test_controls_round_trip(current):
    state = replace(current, axes=("medio-ambiente",), objective=5, localities=("08", "11"),
                    year=2024, quarter=2, measure="brecha", layers=("tm-troncales",),
                    framing="distrito")
    assert state_from_controls(_controls(state), current) == state


def test_map_click_selects_toggles_and_adds(catalog, current):
    click = {"code": "11", "additive": False}
    one, _, _ = next_state(current, ids.MAP_CLICK_STORE, catalog, map_click=click)
    assert one.localities == ("11",)
    added, _, _ = next_state(one, ids.MAP_CLICK_STORE, catalog,
                             map_click={"code": "08", "additive": True})
    assert added.localities == ("08", "11")
    cleared, _, _ = next_state(one, ids.MAP_CLICK_STORE, catalog, map_click=click)
    assert cleared.localities == ()


def test_selecting_sumapaz_frames_the_whole_district(catalog, current):
    sumapaz = {"code": "20", "additive": True}
    state, _, _ = next_state(current, ids.MAP_CLICK_STORE, catalog, map_click=sumapaz,
                             outside_urban=frozenset({"20"}))
    assert state.localities == ("20",) and state.framing == "distrito"
    linked, notices, _ = next_state(current, ids.URL, catalog, search="?localidad=20",
                                    outside_urban=frozenset({"20"}))
    assert linked.framing == "distrito" and notices == []
    kept, _, _ = next_state(current, ids.MAP_CLICK_STORE, catalog,
                            map_click={"code": "11", "additive": False},
                            outside_urban=frozenset({"20"}))
    assert kept.framing == "urbana"


def test_series_click_moves_the_year(catalog, current):
    state, _, _ = next_state(current, ids.SERIES_GRAPH, catalog,
                             series_click={"points": [{"x": 2024, "y": 3}]})
    assert state.year == 2024
    same, _, _ = next_state(current, ids.SERIES_GRAPH, catalog, series_click={"points": []})
    assert same == current


def test_table_click_selects_the_indicator(catalog, current):
    state, _, _ = next_state(current, ids.TABLE_GRID, catalog,
                             table_click={"rowId": "5.1.1|08", "colId": "indicator"})
    assert state.indicator == "5.1.1"


def test_clear_keeps_year_measure_and_layers(catalog, current):
    busy = replace(current, axes=("medio-ambiente",), localities=("11",), year=2024,
                   measure="semaforo", layers=("tm-estaciones",))
    state, _, _ = next_state(busy, ids.CLEAR_BUTTON, catalog)
    assert (state.axes, state.localities, state.indicator) == ((), (), None)
    assert (state.year, state.measure, state.layers) == (2024, "semaforo", ("tm-estaciones",))
    only_map, _, _ = next_state(busy, ids.MAP_CLEAR, catalog)
    assert only_map == replace(busy, localities=())


def test_play_steps_years_and_stops_at_the_cut(catalog, current):
    assert next_year(2025, last=2026) == (2026, True)
    assert next_year(2026, last=2026) == (2023, False)
    state, _, done = next_state(replace(current, year=2025, quarter=2), ids.PLAY_INTERVAL,
                                catalog)
    assert (state.year, state.quarter) == (2026, None) and done  # the data's cut year


@pytest.mark.parametrize(
    "query",
    ["", "eje=nueva-movilidad", "localidad=08,11&anio=2024&medida=semaforo",
     "entidad=sda&objetivo=5&indicador=5.1.1&capas=tm-estaciones,tm-troncales",
     "localidad=20&corte=2025-T2&medida=brecha"],
)
def test_page_search_round_trips(catalog, query):
    state, notices = parse_view(query, catalog)
    assert notices == []
    search = page_search(state, catalog)
    assert search == (f"?{query}" if query else "")
    assert parse_view(search, catalog) == (state, [])


def test_notice_alert_lists_each_notice():
    assert notice_alert([]) is None
    alert = notice_alert(["No se reconoce el eje «x»; se ignoró."])
    text = json.dumps(alert.to_plotly_json(), default=lambda o: o.to_plotly_json(),
                      ensure_ascii=False)
    assert "No se reconoce el eje «x»" in text and "Se corrigió" in text


def test_locality_row_click_adds_or_removes(catalog, current):
    one = replace(current, localities=("08",))
    state, _, _ = next_state(one, ids.LOCALITY_GRID, catalog, locality_click={"rowId": "11"})
    assert state.localities == ("08", "11")
    back, _, _ = next_state(state, ids.LOCALITY_GRID, catalog, locality_click={"rowId": "08"})
    assert back.localities == ("11",)


def test_cached_options_and_digest_follow_the_filters(catalog):
    first, digest = cached_filter_options(catalog, ViewState(axes=("nueva-movilidad",)))
    again, same = cached_filter_options(catalog, ViewState(axes=("nueva-movilidad",), year=2024))
    other, different = cached_filter_options(catalog, ViewState())
    assert first == _options(catalog, ViewState(axes=("nueva-movilidad",)))
    assert again is first and same == digest and different != digest
    assert other == _options(catalog, ViewState())


def _options(catalog, state):
    return filter_options(Facets.from_catalog(catalog), state)
