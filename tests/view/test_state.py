from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.schema import LOCALITY_CODES, YEARS
from view.state import (
    DEFAULT_STATE,
    MEASURES,
    KnownIds,
    ViewState,
    build_query,
    parse_query,
)

KNOWN = KnownIds(
    axes=frozenset({"nueva-movilidad", "calidad-de-vida", "medio-ambiente"}),
    entities=frozenset({"sdm", "sdh", "atic"}),
    objectives=frozenset({1, 2, 3, 7}),
    products=frozenset({"P01", "P07", "P36"}),
    layers=frozenset({"tm-estaciones", "tm-troncales", "zonas-wifi"}),
)
DEFAULT = replace(DEFAULT_STATE, year=2026)


def _subset(items):
    return st.lists(st.sampled_from(sorted(items)), unique=True).map(tuple)


states = st.builds(
    ViewState,
    axes=_subset(KNOWN.axes),
    entities=_subset(KNOWN.entities),
    objective=st.none() | st.sampled_from(sorted(KNOWN.objectives)),
    product=st.none() | st.sampled_from(sorted(KNOWN.products)),
    localities=_subset(LOCALITY_CODES),
    year=st.sampled_from(YEARS),
    measure=st.sampled_from(MEASURES),
    layers=_subset(KNOWN.layers),
)
defaults = st.builds(
    ViewState,
    objective=st.none() | st.just(3),
    year=st.sampled_from(YEARS),
    measure=st.sampled_from(MEASURES),
    layers=_subset(KNOWN.layers),
)


@given(state=states, default=defaults)
def test_round_trip(state, default):
    query = build_query(state, default=default)
    assert parse_query(query, known=KNOWN, default=default) == (state, [])
    assert parse_query("?" + query, known=KNOWN, default=default) == (state, [])


@given(state=states)
def test_canonical_query_is_stable(state):
    query = build_query(state, default=DEFAULT)
    again, _ = parse_query(query, known=KNOWN, default=DEFAULT)
    assert build_query(again, default=DEFAULT) == query


def test_defaults_are_omitted_and_order_is_fixed():
    assert build_query(DEFAULT, default=DEFAULT) == ""
    state = replace(DEFAULT, measure="avance", localities=("11", "08"),
                    axes=("nueva-movilidad",), year=2025)
    assert build_query(state, default=DEFAULT) == (
        "eje=nueva-movilidad&localidad=08,11&anio=2025&medida=avance"
    )


def test_empty_query_gives_defaults_without_notices():
    for query in ("", "?", None, "   "):
        assert parse_query(query, known=KNOWN, default=DEFAULT) == (DEFAULT, [])


def test_tolerant_reading():
    query = (" ?EJE=Nueva-Movilidad&localidad=11, 8&localidad=1&entidad=SDM"
             "&entidad=sdh&medida= Semáforo &producto=p07&capas=TM-Troncales")
    state, notices = parse_query(query, known=KNOWN, default=DEFAULT)
    assert notices == []
    assert state.axes == ("nueva-movilidad",)
    assert state.localities == ("01", "08", "11")
    assert state.entities == ("sdh", "sdm")
    assert state.measure == "semaforo" and state.product == "P07"
    assert state.layers == ("tm-troncales",)


@pytest.mark.parametrize(
    ("query", "field", "fragment"),
    [
        ("anio=2040", "year", "2040"),
        ("anio=dos-mil", "year", "dos-mil"),
        ("anio=2024&anio=2025", None, "más de un año"),
        ("medida=color", "measure", "color"),
        ("objetivo=9", "objective", "objetivo"),
        ("objetivo=tres", "objective", "tres"),
        ("producto=P99", "product", "P99"),
        ("eje=marte", "axes", "marte"),
        ("entidad=nasa", "entities", "nasa"),
        ("localidad=21", "localities", "21"),
        ("capas=metro", "layers", "metro"),
        ("foo=1", None, "foo"),
        ("%zz=%%", None, "%zz"),
    ],
)
def test_malformed_values_fall_back_with_a_notice(query, field, fragment):
    state, notices = parse_query(query, known=KNOWN, default=DEFAULT)
    assert len(notices) == 1 and fragment in notices[0]
    if field is not None:
        assert getattr(state, field) == getattr(DEFAULT, field)


def test_good_values_survive_next_to_bad_ones():
    state, notices = parse_query("localidad=08,99&anio=2099&medida=avance", known=KNOWN,
                                 default=DEFAULT)
    assert state.localities == ("08",) and state.measure == "avance"
    assert state.year == DEFAULT.year
    assert len(notices) == 2 and all(n.endswith(".") for n in notices)


def test_ignored_parameters_give_no_notice():
    state, notices = parse_query("ancho=1200&alto=630&anio=2024", known=KNOWN,
                                 default=DEFAULT, ignore=("ancho", "alto"))
    assert notices == [] and state.year == 2024


def test_empty_value_clears_a_non_empty_default():
    default = replace(DEFAULT, layers=("tm-troncales",), objective=3)
    state = replace(default, layers=(), objective=None)
    query = build_query(state, default=default)
    assert query == "objetivo=&capas="
    assert parse_query(query, known=KNOWN, default=default) == (state, [])


def test_view_state_is_canonical():
    assert ViewState(localities=("11", "08", "11")).localities == ("08", "11")
    assert ViewState(axes=("b", "a")) == ViewState(axes=("a", "b"))


def test_known_ids_from_catalog():
    import pandas as pd

    class Catalog:
        axes = pd.DataFrame({"axis_id": ["nueva-movilidad"]})
        entities = pd.DataFrame({"entity_id": ["sdm"]})
        objectives = pd.DataFrame({"objective_id": [1, 2]})
        products = pd.DataFrame({"product_id": ["P01", "P02"], "layer": ["zonas-wifi", None]})

    known = KnownIds.from_catalog(Catalog())
    assert known.products == {"P01", "P02"} and known.objectives == {1, 2}
    assert {"tm-estaciones", "tm-troncales", "zonas-wifi"} == known.layers
