from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.schema import LOCALITY_CODES, YEARS
from view.state import (
    DEFAULT_STATE,
    FRAMINGS,
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
    indicators=frozenset({"1.1.1", "1.1.2", "4.1.1", "7.1.5"}),
    products={"P01": "1.1.1", "P07": "4.1.1", "P36": "7.1.5"},
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
    indicator=st.none() | st.sampled_from(sorted(KNOWN.indicators)),
    localities=_subset(LOCALITY_CODES),
    year=st.sampled_from(YEARS),
    quarter=st.none() | st.sampled_from((1, 2, 3, 4)),
    measure=st.sampled_from(MEASURES),
    layers=_subset(KNOWN.layers),
    framing=st.sampled_from(FRAMINGS),
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
    state = replace(DEFAULT, measure="semaforo", localities=("11", "08"),
                    axes=("nueva-movilidad",), year=2025, indicator="1.1.2")
    assert build_query(state, default=DEFAULT) == (
        "eje=nueva-movilidad&indicador=1.1.2&localidad=08,11&anio=2025&medida=semaforo"
    )
    assert build_query(replace(state, quarter=2), default=DEFAULT).endswith(
        "localidad=08,11&corte=2025-T2&medida=semaforo")


def test_empty_query_gives_defaults_without_notices():
    for query in ("", "?", None, "   "):
        assert parse_query(query, known=KNOWN, default=DEFAULT) == (DEFAULT, [])


def test_tolerant_reading():
    query = (" ?EJE=Nueva-Movilidad&localidad=11, 8&localidad=1&entidad=SDM"
             "&entidad=sdh&medida= Semáforo &producto=p07&capas=TM-Troncales"
             "&encuadre=Distrito")
    state, notices = parse_query(query, known=KNOWN, default=DEFAULT)
    assert notices == []
    assert state.axes == ("nueva-movilidad",)
    assert state.localities == ("01", "08", "11")
    assert state.entities == ("sdh", "sdm")
    assert state.measure == "semaforo" and state.indicator == "4.1.1"
    assert state.layers == ("tm-troncales",) and state.framing == "distrito"


@pytest.mark.parametrize(
    ("query", "field", "fragment"),
    [
        ("anio=2040", "year", "2040"),
        ("anio=dos-mil", "year", "dos-mil"),
        ("anio=2024&anio=2025", None, "más de un año"),
        ("medida=color", "measure", "color"),
        ("objetivo=9", "objective", "objetivo"),
        ("objetivo=tres", "objective", "tres"),
        ("producto=P99", "indicator", "P99"),
        ("indicador=9.9.9", "indicator", "9.9.9"),
        ("corte=2026-T5", "quarter", "2026-T5"),
        ("corte=1999-T1", "year", "1999"),
        ("anio=%C2%B2", "year", "²"),
        ("eje=marte", "axes", "marte"),
        ("entidad=nasa", "entities", "nasa"),
        ("localidad=21", "localities", "21"),
        ("capas=metro", "layers", "metro"),
        ("encuadre=mundo", "framing", "mundo"),
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


def test_product_ids_stand_for_their_first_indicator_and_corte_sets_the_quarter():
    state, notices = parse_query("producto=P01&corte=2026-t2", known=KNOWN, default=DEFAULT)
    assert notices == [] and state.indicator == "1.1.1"
    assert (state.year, state.quarter) == (2026, 2)
    again, _ = parse_query("producto=P07&indicador=1.1.2", known=KNOWN, default=DEFAULT)
    assert again.indicator == "1.1.2"  # indicador wins over producto


def test_the_cut_of_a_state():
    from data.method import Period

    cut = Period(2026, 3)
    assert ViewState(year=2026).cut(cut) == cut
    assert ViewState(year=2025).cut(cut) == Period(2025, 4)
    assert ViewState(year=2029).cut(cut) == Period(2029, 4)
    assert ViewState(year=2026, quarter=1).cut(cut) == Period(2026, 1)


def test_view_state_is_canonical():
    assert ViewState(localities=("11", "08", "11")).localities == ("08", "11")
    assert ViewState(axes=("b", "a")) == ViewState(axes=("a", "b"))


def test_known_ids_from_catalog():
    import pandas as pd

    class Catalog:
        axes = pd.DataFrame({"axis_id": ["nueva-movilidad"]})
        entities = pd.DataFrame({"entity_id": ["sdm"]})
        objectives = pd.DataFrame({"objective_id": [1, 2]})
        indicators = pd.DataFrame({"code": ["1.1.1", "1.1.2", "1.1.3"],
                                   "product_id": ["P01", "P01", "P02"],
                                   "in_force": [True, True, False],
                                   "layer": ["zonas-wifi", "", ""]})

    known = KnownIds.from_catalog(Catalog())
    assert known.indicators == {"1.1.1", "1.1.2"} and known.objectives == {1, 2}
    assert known.products == {"P01": "1.1.1"}  # P02 has nothing in force
    assert {"tm-estaciones", "tm-troncales", "zonas-wifi"} == known.layers
