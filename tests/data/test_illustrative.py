"""Tests of data.illustrative: the plan's real structure, determinism, plausible reports."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from data.illustrative import CUTOFF_DATE, build_illustrative_catalog, main
from data.matrix import load_matrix
from data.method import Period
from data.progress import build_progress_cube
from data.schema import (
    ANNUALISATIONS,
    CITYWIDE,
    COLUMNS,
    EXPECTED_COUNTS,
    LOCALITY_CODES,
    PERIODICITIES,
    YEARS,
)
from data.validation import validate_catalog

REAL_AXES = {"Calidad de vida", "Ciudadanía digital", "Economía inteligente",
             "Gobernanza inteligente", "Medio ambiente", "Nueva movilidad"}


@pytest.fixture(scope="module")
def catalog():
    return build_illustrative_catalog()


def test_declared_counts(catalog):
    counts = catalog.counts()
    for table in ("axes", "objectives", "products", "entities"):
        assert counts[table] == EXPECTED_COUNTS[table]
    assert counts["result_indicators"] == EXPECTED_COUNTS["results"]
    assert counts["product_indicators"] == 46 and counts["result_indicators"] == 7


def test_codes_and_counts_per_objective_are_the_2026_revision(catalog):
    per_objective = Counter(int(c.split(".")[0]) for c in catalog.indicators["code"])
    assert [per_objective[n] for n in range(1, 8)] == [5, 4, 3, 6, 8, 13, 7]
    assert list(catalog.results["code"]) == [f"{n}.1" for n in range(1, 8)]
    for objective, count in per_objective.items():
        codes = [c for c in catalog.indicators["code"] if c.startswith(f"{objective}.1.")]
        assert codes == [f"{objective}.1.{k}" for k in range(1, count + 1)]
    assert list(catalog.products["product_id"]) == [f"P{n:02d}" for n in range(1, 37)]


def test_weights_add_up(catalog):
    assert catalog.objectives["weight"].sum() == pytest.approx(100)
    active = catalog.indicators[catalog.indicators["in_force"]]
    result = active["code"].str.rsplit(".", n=1).str[0]
    assert (active.groupby(result)["weight"].sum() == 100).all()


def test_the_method_s_variety_is_present(catalog):
    ind = catalog.indicators
    assert set(ind["annualisation"]) == set(ANNUALISATIONS)
    assert set(ind["periodicity"]) == set(PERIODICITIES)
    assert (~ind["in_force"]).sum() >= 2
    assert ind["by_locality"].sum() >= 15
    assert ind["baseline"].isna().any()  # a decreasing one with a notional baseline
    assert (catalog.targets["target_text"] != "").any()  # a non-numeric target
    zero = catalog.targets[(catalog.targets["target"] == 0) & (catalog.targets["year"] == 2023)]
    assert len(zero)  # a target of 0 in a year
    assert "tm-estaciones" in set(ind["layer"])


def test_real_axes_entities_and_names(catalog):
    assert set(catalog.axes["name"]) == REAL_AXES
    assert set(catalog.indicators["axis_id"]) == set(catalog.axes["axis_id"])
    assert set(catalog.indicators["entity_id"]) == set(catalog.entities["entity_id"])
    assert catalog.entities["name"].str.len().gt(10).all()  # full names, not acronyms
    assert catalog.indicators["co_entity_id"].ne("").sum() >= 5


def test_flagged_illustrative(catalog):
    assert catalog.version.illustrative is True and catalog.version.version_id == 1
    assert catalog.version.cutoff_date == CUTOFF_DATE
    assert catalog.version.cut == Period(2026, 3)
    assert "ilustrativos" in catalog.version.label


def test_valid_by_the_catalog_rules(catalog):
    validate_catalog(catalog)


def test_locality_targets_cover_every_year_and_locality(catalog):
    t = catalog.targets
    local = catalog.indicators.loc[catalog.indicators["by_locality"], "code"]
    rows = t[t["code"].isin(local) & (t["locality_code"] != CITYWIDE)]
    assert len(rows) == len(local) * len(YEARS) * len(LOCALITY_CODES)
    bases = catalog.locality_baselines
    assert set(bases["code"]) == set(local)


def test_reports_are_quarterly_up_to_the_cut_with_accounts(catalog):
    r = catalog.reports
    periods = [Period(int(y), int(q)) for y, q in zip(r["year"], r["quarter"], strict=True)]
    assert max(periods) == Period(2026, 3)
    assert set(r["quarter"]) == {1, 2, 3, 4}
    city = r[r["locality_code"] == CITYWIDE]
    assert (city["text"] != "").all()
    annual = catalog.indicators.loc[catalog.indicators["periodicity"] == "anual", "code"]
    assert set(r.loc[r["code"].isin(annual), "quarter"]) == {4}
    assert not r["code"].isin(catalog.indicators.loc[~catalog.indicators["in_force"],
                                                       "code"]).any()


def test_deterministic():
    a, b = build_illustrative_catalog(), build_illustrative_catalog()
    assert a.version == b.version
    for table in COLUMNS:
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))


def test_every_semaforo_class_occurs_at_the_cut(catalog):
    cube = build_progress_cube(catalog)
    active = [cube.position(c) for c in catalog.indicators.loc[catalog.indicators["in_force"],
                                                               "code"]]
    statuses = Counter(cube.status[active, 0, cube.data_cut])
    for status in ("rojo", "amarillo", "verde", "naranja", "sin_dato"):
        assert statuses[status] >= 1, status
    red_or_amber = cube.status[active, 0, cube.data_cut]
    assert "futuro" not in set(red_or_amber)


def test_cli_writes_loadable_matrix(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "m"), "--format", "csv"]) == 0
    assert "escrito" in capsys.readouterr().out
    loaded = load_matrix(tmp_path / "m")
    assert loaded.version.illustrative is True
    assert loaded.counts() == build_illustrative_catalog().counts()
