"""Tests of view.filters: the one filter rule and the cascading options."""

from __future__ import annotations

import random

from view.filters import Facets, filter_options, locality_options
from view.model import filtered_indicators
from view.state import ViewState


def _values(options):
    return [o["value"] for o in options]


def _options(catalog, state):
    return filter_options(Facets.from_catalog(catalog), state)


def _active(catalog):
    return catalog.indicators[catalog.indicators["in_force"]]


def test_facets_are_the_indicators_in_force(catalog):
    facets = Facets.from_catalog(catalog)
    assert list(facets.codes) == list(_active(catalog)["code"])
    assert len(facets.codes) == 44 and "5.1.8" not in set(facets.codes)
    assert facets.objective_ids[list(facets.codes).index("6.1.4")] == 6


def test_axis_narrows_entities_objectives_and_indicators(catalog):
    options = _options(catalog, ViewState(axes=("nueva-movilidad",)))
    chosen = _active(catalog)[_active(catalog)["axis_id"] == "nueva-movilidad"]
    assert set(_values(options["entities"])) == set(chosen["entity_id"])
    assert set(_values(options["objectives"])) == {6}
    assert _values(options["indicators"]) == list(chosen["code"])
    assert set(_values(options["axes"])) == set(catalog.axes["axis_id"])


def test_labels_count_matching_indicators_and_name_entities_in_full(catalog):
    options = _options(catalog, ViewState())
    by_value = {o["value"]: o["label"] for o in options["axes"]}
    count = int((_active(catalog)["axis_id"] == "nueva-movilidad").sum())
    assert by_value["nueva-movilidad"] == f"Nueva movilidad · {count}"
    entity = next(o for o in options["entities"] if o["value"] == "sdm")
    assert entity["label"].startswith("Secretaría Distrital de Movilidad (SDM) · ")


def test_impossible_choice_is_kept_and_flagged(catalog):
    state = ViewState(axes=("nueva-movilidad",), entities=("sed",), indicator="1.1.4")
    options = _options(catalog, state)
    sed = [o for o in options["entities"] if o["value"] == "sed"]
    assert len(sed) == 1 and "sin indicadores" in sed[0]["label"]
    assert _values(options["indicators"]) == ["1.1.4"]
    assert "sin indicadores" in options["indicators"][0]["label"]


def test_long_objective_texts_are_shortened(catalog):
    for option in _options(catalog, ViewState())["objectives"]:
        assert len(option["label"].rsplit(" · ", 1)[0]) <= 64
        assert option["title"] in set(catalog.objectives["text"])


def test_locality_options_in_code_order():
    options = locality_options({"11": "Suba", "01": "Usaquén", "08": "Kennedy"})
    assert [o["value"] for o in options] == ["01", "08", "11"]
    assert options[2]["label"] == "11 · Suba"


def test_counts_follow_the_one_filter_rule(catalog):
    rng = random.Random(7)
    axes, entities = list(catalog.axes["axis_id"]), list(catalog.entities["entity_id"])
    objectives = [int(o) for o in catalog.objectives["objective_id"]]
    for _ in range(60):
        state = ViewState(axes=tuple(rng.sample(axes, rng.randint(0, 2))),
                          entities=tuple(rng.sample(entities, rng.randint(0, 2))),
                          objective=rng.choice([None, *objectives]))
        options = _options(catalog, state)
        matching = filtered_indicators(catalog, state)
        assert _values(options["indicators"]) == list(matching["code"])
        others = filtered_indicators(catalog, ViewState(entities=state.entities,
                                                        objective=state.objective))
        counts = others["axis_id"].value_counts()
        for option in options["axes"]:
            count = int(counts.get(option["value"], 0))
            if count:
                assert option["label"].endswith(f" · {count}")
            else:
                assert "sin indicadores" in option["label"]
