"""Tests of view.model: one resolution shared by the page and exports."""

from __future__ import annotations

from dataclasses import replace

import pytest

from data.schema import CITYWIDE, LOCALITY_CODES
from tests.data.progress_oracle import product_status
from view.model import (
    EMPTY_MESSAGE,
    cached_view,
    default_state,
    filtered_products,
    parse_view,
    resolve_view,
)
from view.state import ViewState


def test_default_state_uses_last_year_with_reports(catalog):
    assert default_state(catalog).year == int(catalog.observations["year"].max())


def test_axis_filter_narrows_products_and_picks_a_locality_product(catalog):
    state, notices = parse_view("eje=nueva-movilidad", catalog)
    view = resolve_view(state, catalog)
    assert notices == []
    axis_products = catalog.products[catalog.products["axis_id"] == "nueva-movilidad"]
    assert set(view.products["product_id"]) == set(axis_products["product_id"])
    assert view.product["product_id"] in set(axis_products["product_id"])
    assert view.product["scope"] == "localidad"
    assert view.state.product == view.product["product_id"]


def test_values_are_the_twenty_localities_at_the_year(catalog):
    state = replace(default_state(catalog), product="P01", year=2024)
    view = resolve_view(state, catalog)
    assert sorted(view.values["locality_code"]) == list(LOCALITY_CODES)
    series_2024 = view.series[(view.series["year"] == 2024)
                              & (view.series["locality_code"] != CITYWIDE)]
    expected = series_2024["value"].tolist()
    assert view.values["value"].tolist() == pytest.approx(expected, nan_ok=True)


def test_scale_is_fixed_across_years(catalog):
    base = replace(default_state(catalog), product="P01")
    scales = {resolve_view(replace(base, year=y), catalog).scale for y in (2023, 2025, 2030)}
    assert len(scales) == 1


def test_table_matches_progress_for_selected_localities(catalog):
    state = ViewState(axes=("ciudadania-digital",), localities=("11", "08"), year=2025)
    view = resolve_view(state, catalog)
    expected = product_status(catalog, 2025, product_ids=view.products["product_id"],
                              locality_codes=("08", "11"))
    assert view.products["value"].tolist() == pytest.approx(
        expected["value"].tolist(), nan_ok=True)
    assert view.products["status"].tolist() == expected["status"].tolist()
    assert int(view.counts["total"].iloc[0]) == len(view.products)
    assert view.counts_by_entity["total"].sum() == len(view.products)
    assert set(view.counts_by_axis["label"]) == {"Ciudadanía digital"}


def test_impossible_combination_says_so(catalog):
    products = catalog.products
    axis = products["axis_id"].iloc[0]
    other_entity = next(e for e in catalog.entities["entity_id"]
                        if products[(products["axis_id"] == axis)
                                    & (products["entity_id"] == e)].empty)
    view = resolve_view(ViewState(axes=(axis,), entities=(other_entity,)), catalog)
    assert view.empty
    assert view.message == EMPTY_MESSAGE
    assert view.products.empty
    assert int(view.counts["total"].iloc[0]) == 0


def test_product_outside_filters_is_replaced_with_notice(catalog):
    other = catalog.products[catalog.products["axis_id"] != "medio-ambiente"]["product_id"]
    state = ViewState(axes=("medio-ambiente",), product=str(other.iloc[0]))
    view = resolve_view(state, catalog)
    assert view.product["product_id"] in set(
        filtered_products(catalog, ViewState(axes=("medio-ambiente",)))["product_id"])
    assert len(view.notices) == 1 and str(other.iloc[0]) in view.notices[0]


def test_citywide_product_gets_a_map_note(catalog):
    citywide = catalog.products[catalog.products["scope"] == "ciudad"]["product_id"].iloc[0]
    view = resolve_view(ViewState(product=str(citywide)), catalog)
    assert view.map_note
    assert view.values.empty or view.values["value"].isna().all()


def test_cached_view_returns_the_same_object_for_the_same_state(catalog):
    state = ViewState(year=2024)
    assert cached_view(state, catalog) is cached_view(state, catalog)
    assert cached_view(state, catalog) is not cached_view(replace(state, year=2025), catalog)
