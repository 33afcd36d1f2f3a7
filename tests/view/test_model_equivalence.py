"""view.model.resolve_view (cube-backed) equals a resolution from the plain-pandas oracle.

The reference below is the plain-pandas resolution (``product_status``,
``indicator_frame``, ``status_counts``); the fast one must give the same tables
for many states.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pandas as pd
from pandas.testing import assert_frame_equal

from data.schema import CITYWIDE, LOCALITY_CODES, YEARS
from layers.scales import value_scale
from tests.data.progress_oracle import indicator_frame, product_status, status_counts
from view.model import (
    CITYWIDE_NOTE,
    EMPTY_MESSAGE,
    cached_view,
    filtered_products,
    resolve_view,
)
from view.state import MEASURES, ViewState


def _reference(state: ViewState, catalog) -> dict:
    """What the view must contain, computed with data.progress only."""
    acronym = catalog.entities.set_index("entity_id")["acronym"]
    entity_name = catalog.entities.set_index("entity_id")["name"]
    axis_name = catalog.axes.set_index("axis_id")["name"]
    matching = filtered_products(catalog, state)
    if matching.empty:
        return {"empty": True}
    ids = list(matching["product_id"])
    local = list(matching[matching["scope"] == "localidad"]["product_id"])
    product_id = state.product if state.product in ids else (local[0] if local else ids[0])
    table = product_status(catalog, state.year, product_ids=ids,
                           locality_codes=state.localities)
    table = table.assign(entity=table["entity_id"].map(acronym),
                         entity_name=table["entity_id"].map(entity_name),
                         axis=table["axis_id"].map(axis_name))
    series = indicator_frame(catalog, product_id)
    at_year = series[(series["year"] == state.year) & (series["locality_code"] != CITYWIDE)]

    def labelled(by, labels):
        counts = status_counts(table, by=by)
        return counts.assign(label=counts[by].map(labels).fillna(counts[by]))

    unit = str(catalog.products.set_index("product_id").loc[product_id, "unit"])
    return {
        "empty": False,
        "product_id": product_id,
        "products": table,
        "series": series,
        "values": at_year.drop(columns="year").reset_index(drop=True),
        "counts": status_counts(table),
        "counts_by_entity": labelled("entity_id", acronym),
        "counts_by_axis": labelled("axis_id", axis_name),
        "scale": value_scale(series, state.measure, unit=unit),
    }


def _random_states(catalog, n: int, seed: int = 7):
    rng = random.Random(seed)
    axes = list(catalog.axes["axis_id"])
    entities = list(catalog.entities["entity_id"])
    objectives = [int(o) for o in catalog.objectives["objective_id"]]
    products = list(catalog.products["product_id"])
    for _ in range(n):
        yield ViewState(
            axes=tuple(rng.sample(axes, rng.choice([0, 0, 1, 2]))),
            entities=tuple(rng.sample(entities, rng.choice([0, 0, 0, 1, 3]))),
            objective=rng.choice([None, None, None, *objectives]),
            product=rng.choice([None, *products]),
            localities=tuple(rng.sample(LOCALITY_CODES, rng.choice([0, 0, 1, 2, 5]))),
            year=rng.choice(YEARS),
            measure=rng.choice(MEASURES),
        )


def test_resolve_view_matches_plain_pandas_resolution(catalog):
    checked = 0
    for state in _random_states(catalog, 50):
        view = resolve_view(state, catalog)
        expected = _reference(state, catalog)
        assert view.empty == expected["empty"]
        if view.empty:
            assert view.message == EMPTY_MESSAGE and view.products.empty
            continue
        checked += 1
        assert view.product["product_id"] == expected["product_id"] == view.state.product
        for name in ("products", "series", "values", "counts", "counts_by_entity",
                     "counts_by_axis"):
            assert_frame_equal(getattr(view, name), expected[name], obj=name)
        assert view.scale == expected["scale"]
        assert (view.map_note == CITYWIDE_NOTE) == (view.product["scope"] != "localidad")
    assert checked > 20


def test_product_dict_and_notice(catalog):
    products = catalog.products
    city_only = products[products["scope"] == "ciudad"].iloc[0]
    other_axis = products[products["axis_id"] != city_only["axis_id"]]["axis_id"].iloc[0]
    state = ViewState(axes=(other_axis,), product=str(city_only["product_id"]), year=2025)
    view = resolve_view(state, catalog)
    assert len(view.notices) == 1 and str(city_only["product_id"]) in view.notices[0]
    row = products.set_index("product_id").loc[view.product["product_id"]]
    assert view.product["indicator"] == row["indicator"]
    assert view.product["unit"] == row["unit"]


def test_cached_view_returns_the_same_view_for_equal_states(catalog):
    state = ViewState(year=2026, localities=("03",))
    assert cached_view(state, catalog) is cached_view(replace(state), catalog)
    assert isinstance(cached_view(state, catalog).products, pd.DataFrame)
