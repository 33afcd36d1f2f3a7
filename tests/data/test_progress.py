"""Tests of data.progress: the cube lays the catalog out and computes it with data.method."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.method import PERIODS, Period, compute_metrics
from data.progress import PLACES, build_progress_cube, report_statuses, status_counts
from data.schema import CITYWIDE, LOCALITY_CODES, STATUSES, YEARS
from tests.conftest import tiny_catalog


@pytest.fixture(scope="module")
def catalog():
    return tiny_catalog()


@pytest.fixture(scope="module")
def cube(catalog):
    return build_progress_cube(catalog)


def test_places_and_series(cube, catalog):
    assert PLACES == (CITYWIDE, *LOCALITY_CODES)
    assert cube.codes[:4] == tuple(catalog.indicators["code"])
    assert cube.codes[4:] == tuple(catalog.results["code"])
    assert cube.is_result.tolist() == [False] * 4 + [True] * 2
    assert cube.by_locality.tolist() == [True, False, False, False, False, False]
    assert cube.data_cut == Period(2026, 3).index
    with pytest.raises(KeyError, match="no existe"):
        cube.position("9.9.9")


def test_arrays_hold_the_catalog(cube, catalog):
    i = cube.position("1.1.1")
    assert cube.targets[i, PLACES.index("02"), YEARS.index(2024)] == 30.0
    assert cube.baseline[i, PLACES.index("01")] == 0.0 and cube.final[i, 0] == 400.0
    assert cube.reports[i, PLACES.index("01"), Period(2024, 2).index] == 5.0
    assert np.isnan(cube.targets[cube.position("1.1.2"), 0, 0])  # the text target


def test_every_series_is_the_method_applied_to_its_own_data(cube, catalog):
    """Each (series, place) of the cube equals compute_metrics on that series alone."""
    for code in cube.codes:
        i = cube.position(code)
        table = catalog.results if code.count(".") == 1 else catalog.indicators
        spec = table.set_index("code").loc[code]
        for p in range(len(PLACES)):
            m = compute_metrics([spec["annualisation"]], [spec["periodicity"]],
                                [cube.baseline[i, p]], [cube.targets[i, p]], [cube.final[i, p]],
                                [cube.reports[i, p]], range(len(PERIODS)), cube.data_cut)
            for name in ("mp", "ma", "av", "phv", "paf", "tid", "brecha"):
                np.testing.assert_array_equal(getattr(m, name)[0], getattr(cube, name)[i, p])
            assert (m.status[0] == cube.status[i, p]).all()


def test_localities_are_computed_from_their_own_targets_not_split_from_the_city(cube):
    i, t = cube.position("1.1.1"), cube.data_cut
    city = cube.figures("1.1.1", CITYWIDE, t)
    usaquen = cube.figures("1.1.1", "01", t)
    assert city["ma"] == pytest.approx(150.0)  # 40 + 40 + 40 + 40 x 9/12
    assert usaquen["ma"] == pytest.approx(37.5)  # its own 10 a year
    assert usaquen["av"] == 13.0 and city["av"] == 55.0  # the city's own reports
    assert np.isnan(cube.phv[cube.position("1.1.2"), PLACES.index("05"), t])
    assert cube.status[i, PLACES.index("05"), t] == "sin_dato"


def test_future_cuts_are_future_everywhere(cube):
    after = cube.status[:, :, cube.data_cut + 1:]
    assert (after == "futuro").all()
    assert np.isnan(cube.av[:, :, cube.data_cut + 1:]).all()


def test_figures_and_last_report(cube):
    figures = cube.figures("2.1.1", CITYWIDE, cube.data_cut)
    assert figures["semaforo"] == "verde" and figures["phv"] == pytest.approx(0.862068966)
    assert cube.last_report("2.1.1", CITYWIDE, cube.data_cut) == Period(2025, 4).index
    assert cube.last_report("2.1.2", CITYWIDE, cube.data_cut) is None


def test_status_counts_overall_and_by_group():
    counts = status_counts(np.array(["verde", "rojo", "verde", "futuro"], dtype=object))
    assert list(counts.columns) == [*STATUSES, "total"]
    assert counts.iloc[0]["verde"] == 2 and counts.iloc[0]["total"] == 4
    grouped = status_counts(np.array(["verde", "rojo", "verde"], dtype=object),
                            np.array(["b", "a", "b"], dtype=object), by_name="entity_id")
    assert grouped["entity_id"].tolist() == ["a", "b"]
    assert grouped.set_index("entity_id").loc["b", "verde"] == 2


def test_report_statuses_lay_new_rows_over_the_old(catalog):
    rows = pd.DataFrame({
        "code": ["2.1.1", "1.1.1", "9.9.9"], "year": [2026, 2026, 2026],
        "quarter": [3, 3, 3], "locality_code": ["00", "02", "00"],
        "value": [48.0, 1.0, 1.0], "text": ["", "", ""],
        "reported_at": pd.to_datetime(["2026-10-01"] * 3).as_unit("ns"),
    })
    status = report_statuses(catalog, rows)
    assert status[2] == "sin_dato"  # unknown code
    assert status[1] == "rojo"  # Chapinero: 27 + 1 of its 112,5 to date
    assert status[0] == "rojo"  # (48 - 54,5) / (40 - 54,5) = 0,45 of the way

