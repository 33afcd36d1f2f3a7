"""data.progress (the cube) gives the same tables as the plain-pandas oracle, by indexing."""

from __future__ import annotations

import random

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from data.illustrative import build_illustrative_catalog
from data.progress import PLACES, build_progress_cube
from data.progress import status_counts as status_counts_fast
from data.schema import CITYWIDE, LOCALITY_CODES, YEARS
from tests.conftest import tiny_catalog
from tests.data.progress_oracle import indicator_frame, product_status, status_counts


@pytest.fixture(scope="module", params=["illustrative", "tiny"])
def catalog(request):
    return build_illustrative_catalog() if request.param == "illustrative" else tiny_catalog()


def test_places_are_citywide_then_localities():
    assert PLACES == (CITYWIDE, *LOCALITY_CODES)


def test_indicator_frame_matches_for_every_product(catalog):
    cube = build_progress_cube(catalog)
    for product_id in catalog.products["product_id"]:
        assert_frame_equal(cube.indicator_frame(product_id), indicator_frame(catalog, product_id))


def test_unknown_product_raises_key_error(catalog):
    with pytest.raises(KeyError, match="no existe"):
        build_progress_cube(catalog).indicator_frame("P999")


def test_product_status_and_counts_match_for_many_selections(catalog):
    cube = build_progress_cube(catalog)
    rng = random.Random(3)
    ids = list(catalog.products["product_id"])
    places = [CITYWIDE, *LOCALITY_CODES, "99"]
    for _ in range(40):
        year = rng.choice(YEARS)
        chosen = rng.sample(ids, rng.randint(0, len(ids))) if rng.random() < 0.7 else None
        codes = rng.sample(places, rng.choice([0, 1, 2, 4]))
        got = cube.product_status(year, product_ids=chosen, locality_codes=codes)
        expected = product_status(catalog, year, product_ids=chosen, locality_codes=codes)
        assert_frame_equal(got, expected)
        assert_frame_equal(status_counts_fast(got["status"]), status_counts(expected))
        for by in ("entity_id", "axis_id"):
            assert_frame_equal(status_counts_fast(got["status"], got[by], by_name=by),
                               status_counts(expected, by=by))


def test_single_string_arguments_are_one_item(catalog):
    cube = build_progress_cube(catalog)
    first = str(catalog.products["product_id"].iloc[0])
    got = cube.product_status(2023, product_ids=first, locality_codes="01")
    assert_frame_equal(got, product_status(catalog, 2023, product_ids=[first],
                                           locality_codes=["01"]))


def test_locality_values_are_the_series_rows_at_the_year(catalog):
    cube = build_progress_cube(catalog)
    for product_id in catalog.products["product_id"]:
        series = indicator_frame(catalog, product_id)
        for year in (YEARS[0], YEARS[-1]):
            rows = series[(series["year"] == year) & (series["locality_code"] != CITYWIDE)]
            expected = rows.drop(columns="year").reset_index(drop=True)
            assert_frame_equal(cube.locality_values(product_id, year), expected)


def test_arrays_hold_raw_reports_and_targets(catalog):
    cube = build_progress_cube(catalog)
    row = catalog.targets.iloc[0]
    i = cube.product_ids.index(row["product_id"])
    assert cube.target[i, YEARS.index(int(row["year"])),
                       PLACES.index(row["locality_code"])] == row["target"]
    assert np.isnan(cube.value).any()
