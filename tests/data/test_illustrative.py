"""Tests for data.illustrative: structure, determinism, plausible trajectories."""

from __future__ import annotations

import pandas as pd
import pytest

from data.illustrative import CUTOFF_DATE, build_illustrative_catalog, main
from data.matrix import load_matrix
from data.schema import (
    CITYWIDE,
    COLUMNS,
    EXPECTED_COUNTS,
    LOCALITY_CODES,
    STATUSES,
    YEARS,
)
from data.validation import validate_catalog
from tests.data.progress_oracle import product_status, status_counts

REAL_AXES = {"Calidad de vida", "Ciudadanía digital", "Economía inteligente",
             "Gobernanza inteligente", "Medio ambiente", "Nueva movilidad"}


@pytest.fixture(scope="module")
def catalog():
    return build_illustrative_catalog()


def test_declared_counts(catalog):
    counts = catalog.counts()
    for table in ("axes", "objectives", "products", "entities"):
        assert counts[table] == EXPECTED_COUNTS[table]


def test_real_axes_and_ids(catalog):
    assert set(catalog.axes["name"]) == REAL_AXES
    assert "nueva-movilidad" in set(catalog.axes["axis_id"])
    assert list(catalog.products["product_id"]) == [f"P{n:02d}" for n in range(1, 37)]
    assert {"sg-actic", "sdm", "tmsa", "uaecd"} <= set(catalog.entities["entity_id"])
    assert catalog.objectives["result_text"].str.len().gt(20).all()


def test_every_axis_entity_and_objective_has_products(catalog):
    p = catalog.products
    assert set(p["axis_id"]) == set(catalog.axes["axis_id"])
    assert set(p["entity_id"]) == set(catalog.entities["entity_id"])
    assert set(p["objective_id"]) == set(catalog.objectives["objective_id"])


def test_flagged_illustrative(catalog):
    assert catalog.version.illustrative is True
    assert catalog.version.version_id == 1
    assert catalog.version.cutoff_date == CUTOFF_DATE
    assert "ilustrativos" in catalog.version.label


def test_valid_by_the_catalog_rules(catalog):
    validate_catalog(catalog)


def test_scopes_directions_and_layer(catalog):
    p = catalog.products
    assert (p["scope"] == "localidad").sum() >= 18
    assert (p["direction"] == "down").sum() >= 2
    assert "tm-estaciones" in set(p["layer"])


def test_targets_cover_years_and_localities(catalog):
    t = catalog.targets
    city = t[t["locality_code"] == CITYWIDE]
    assert len(city) == 36 * len(YEARS)
    local_products = catalog.products.loc[catalog.products["scope"] == "localidad",
                                          "product_id"]
    local = t[t["product_id"].isin(local_products)]
    assert len(local) == len(local_products) * len(YEARS) * (len(LOCALITY_CODES) + 1)


def test_sum_targets_add_up_to_the_city(catalog):
    t = catalog.targets.merge(catalog.products[["product_id", "aggregation", "scope"]])
    t = t[(t["scope"] == "localidad") & (t["aggregation"] == "sum")]
    city = t[t["locality_code"] == CITYWIDE].set_index(["product_id", "year"])["target"]
    parts = t[t["locality_code"] != CITYWIDE].groupby(["product_id", "year"])["target"].sum()
    pd.testing.assert_series_equal(city.sort_index(), parts.sort_index(), check_names=False)


def test_observations_only_up_to_cutoff_and_some_missing(catalog):
    o = catalog.observations
    assert o["year"].max() == CUTOFF_DATE.year
    assert (o["reported_at"].dt.date <= CUTOFF_DATE).all()
    reported = set(o["product_id"])
    assert len(reported) < 36  # at least one product never reported


def test_deterministic():
    a, b = build_illustrative_catalog(), build_illustrative_catalog()
    assert a.version == b.version
    for table in COLUMNS:
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))


def test_mix_of_statuses(catalog):
    counts = status_counts(product_status(catalog, 2025)).iloc[0]
    for status in STATUSES:
        assert counts[status] >= 1, status


def test_cli_writes_loadable_matrix(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "m"), "--format", "csv"]) == 0
    assert "escrito" in capsys.readouterr().out
    loaded = load_matrix(tmp_path / "m")
    assert loaded.version.illustrative is True
    assert loaded.counts() == build_illustrative_catalog().counts()
