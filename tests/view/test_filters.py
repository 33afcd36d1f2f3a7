"""Tests of view.filters: the one filter rule and the cascading options."""

from __future__ import annotations

from view.filters import Facets, locality_options
from view.filters import filter_options as _options_of
from view.state import ViewState


def filter_options(catalog, state):
    return _options_of(Facets.from_catalog(catalog), state)


def _values(options):
    return [o["value"] for o in options]


def test_axis_narrows_entities_objectives_and_products(catalog):
    options = filter_options(catalog, ViewState(axes=("nueva-movilidad",)))
    products = catalog.products[catalog.products["axis_id"] == "nueva-movilidad"]
    assert set(_values(options["entities"])) == set(products["entity_id"])
    assert set(_values(options["objectives"])) == set(products["objective_id"])
    assert _values(options["products"]) == list(products["product_id"])
    # the axis list itself is not narrowed by its own choice
    assert set(_values(options["axes"])) == set(catalog.axes["axis_id"])


def test_entity_narrows_axes(catalog):
    options = filter_options(catalog, ViewState(entities=("sda",)))
    expected = catalog.products.loc[catalog.products["entity_id"] == "sda", "axis_id"]
    assert set(_values(options["axes"])) == set(expected)


def test_labels_count_matching_products(catalog):
    options = filter_options(catalog, ViewState())
    by_value = {o["value"]: o["label"] for o in options["axes"]}
    count = int((catalog.products["axis_id"] == "nueva-movilidad").sum())
    assert by_value["nueva-movilidad"] == f"Nueva movilidad ({count})"
    entity = next(o for o in options["entities"] if o["value"] == "sdm")
    assert entity["label"].startswith("SDM (") and "Movilidad" in entity["title"]


def test_impossible_choice_is_kept_and_flagged(catalog):
    state = ViewState(axes=("nueva-movilidad",), entities=("sed",), product="P04")
    options = filter_options(catalog, state)
    sed = [o for o in options["entities"] if o["value"] == "sed"]
    assert len(sed) == 1 and "sin productos" in sed[0]["label"]
    assert _values(options["products"]) == ["P04"]
    assert "sin productos" in options["products"][0]["label"]


def test_long_objective_texts_are_shortened(catalog):
    options = filter_options(catalog, ViewState())
    for option in options["objectives"]:
        text = option["label"].rsplit(" (", 1)[0]
        assert len(text) <= 64
        assert option["title"] in set(catalog.objectives["text"])


def test_locality_options_in_code_order():
    names = {"11": "Suba", "01": "Usaquén", "08": "Kennedy"}
    options = locality_options(names)
    assert [o["value"] for o in options] == ["01", "08", "11"]
    assert options[2]["label"] == "11 · Suba"


def test_counts_follow_the_filtered_products_rule(catalog):
    import random

    from view.model import filtered_products

    rng = random.Random(7)
    axes, entities = list(catalog.axes["axis_id"]), list(catalog.entities["entity_id"])
    objectives = [int(o) for o in catalog.objectives["objective_id"]]
    for _ in range(60):
        state = ViewState(axes=tuple(rng.sample(axes, rng.randint(0, 2))),
                          entities=tuple(rng.sample(entities, rng.randint(0, 2))),
                          objective=rng.choice([None, *objectives]))
        options = filter_options(catalog, state)
        matching = filtered_products(catalog, state)
        assert _values(options["products"]) == list(matching["product_id"])
        others = filtered_products(catalog, ViewState(entities=state.entities,
                                                      objective=state.objective))
        counts = others["axis_id"].value_counts()
        for option in options["axes"]:
            count = int(counts.get(option["value"], 0))
            assert option["label"].endswith(f"({count})") if count else "sin productos" in \
                option["label"]
