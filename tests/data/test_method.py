"""Tests of data.method: the worked examples of METHODOLOGY.md and properties of the formulas."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.method import (
    PERIODS,
    Period,
    compute_metrics,
    cut_month,
    cut_of_date,
    effective_baseline,
    notional_baseline,
    rollup,
    status_of,
)
from data.schema import ANNUALISATIONS, PERIODICITIES, YEARS
from tests.method_reference import reference as _reference

NAN = float("nan")
CUT = Period(2026, 3)


def _targets(values: dict[int, float]) -> list[float]:
    return [values.get(year, NAN) for year in YEARS]


def _reports(values: dict[tuple[int, int], float]) -> list[float]:
    out = [NAN] * len(PERIODS)
    for (year, quarter), value in values.items():
        out[Period(year, quarter).index] = value
    return out


#: The five worked examples of METHODOLOGY.md (cut 2026-T3), inputs and expected figures.
EXAMPLES = [
    ("SUMA", "trimestral", 0.0, {2023: 100, 2024: 120, 2025: 150, 2026: 200}, 1000.0,
     {(2023, 1): 20, (2023, 2): 30, (2023, 3): 25, (2023, 4): 30,
      **{(2024, q): 30 for q in (1, 2, 3, 4)},
      (2025, 1): 40, (2025, 2): 40, (2025, 3): 30, (2025, 4): 20,
      (2026, 1): 50, (2026, 2): 40, (2026, 3): 30},
     (150, 520, 475, 0.91346, 0.475, 0.52, -0.045, "verde")),
    ("CRECIENTE", "semestral", 40.0, {2025: 60, 2026: 70}, 90.0,
     {(2025, 4): 58, (2026, 2): 62},
     (65, 65, 62, 0.88, 0.44, 0.5, -0.06, "verde")),
    ("DECRECIENTE", "anual", NAN, {y: 50 - 5 * (y - 2023) for y in YEARS}, 5.0,
     {(2024, 4): 47, (2025, 4): 42},
     (40, 40, 42, 0.86207, 0.25253, 0.29293, -0.0404, "verde")),
    ("CONSTANTE", "trimestral", 0.0, {2025: 0, 2026: 0}, 0.0, {(2026, 3): 0},
     (0, 0, 0, None, None, None, None, "sin_dato")),
    ("SUMA", "anual", 0.0, {y: 50 for y in range(2023, 2027)}, 500.0,
     {(2023, 4): 60, (2024, 4): 70, (2025, 4): 80},
     (0, 150, 210, 1.4, 0.42, 0.3, 0.12, "naranja")),
]


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"ejemplo-{i + 1}" for i in range(5)])
def test_worked_examples_of_the_methodology(example):
    kind, often, baseline, targets, final, reports, expected = example
    m = compute_metrics([kind], [often], [baseline], [_targets(targets)], [final],
                        [_reports(reports)], [CUT.index], CUT.index)
    got = [m.mp[0, 0], m.ma[0, 0], m.av[0, 0], m.phv[0, 0], m.paf[0, 0], m.tid[0, 0],
           m.brecha[0, 0]]
    for value, want in zip(got, expected[:7], strict=True):
        if want is None:
            assert math.isnan(value)
        else:
            assert value == pytest.approx(want, abs=5e-6)
    assert m.status[0, 0] == expected[7]


def test_notional_baseline_of_a_decreasing_indicator():
    assert notional_baseline([50, 45, 40, 35, 30, 25, 20, 15, 10, 5]) == pytest.approx(54.5)
    assert math.isnan(notional_baseline([NAN] * 10))
    lb = effective_baseline(["DECRECIENTE", "SUMA", "CRECIENTE"], [NAN, NAN, 12.0],
                            [[50, 45, 40, 35, 30, 25, 20, 15, 10, 5]] * 3)
    assert lb.tolist() == [54.5, 0.0, 12.0]


@pytest.mark.parametrize(("periodicity", "months"), [
    ("trimestral", [3, 6, 9, 12]), ("semestral", [0, 6, 6, 12]), ("anual", [0, 0, 0, 12])])
def test_cut_month_by_periodicity(periodicity, months):
    assert [int(cut_month(periodicity, q)) for q in (1, 2, 3, 4)] == months


@pytest.mark.parametrize(("phv", "status"), [
    (0.0, "rojo"), (0.5, "rojo"), (0.5001, "amarillo"), (0.75, "amarillo"),
    (0.7501, "verde"), (1.25, "verde"), (1.2501, "naranja"), (NAN, "sin_dato")])
def test_semaforo_thresholds_are_inclusive_upper_bounds(phv, status):
    assert status_of(phv) == status


def test_zero_over_zero_is_no_figure_never_100_percent():
    m = compute_metrics(["SUMA"], ["anual"], [0.0], [_targets({2023: 0.0})], [0.0],
                        [_reports({(2023, 4): 0.0})], [Period(2023, 4).index])
    assert math.isnan(m.phv[0, 0]) and m.status[0, 0] == "sin_dato"


def test_text_or_missing_target_gives_no_figure_and_future_is_not_missing():
    m = compute_metrics(["CRECIENTE"], ["anual"], [10.0], [_targets({2025: 20.0})], [30.0],
                        [_reports({(2024, 4): 12.0})],
                        [Period(2024, 4).index, Period(2027, 4).index], CUT.index)
    assert math.isnan(m.phv[0, 0]) and m.status[0, 0] == "sin_dato"  # no 2024 target
    assert m.status[0, 1] == "futuro" and math.isnan(m.av[0, 1])


def test_reports_after_the_data_cut_are_ignored():
    reports = _reports({(2026, 3): 10.0, (2026, 4): 99.0})
    m = compute_metrics(["SUMA"], ["trimestral"], [0.0], [_targets({2026: 40.0})], [400.0],
                        [reports], [CUT.index], CUT.index)
    assert m.av[0, 0] == 10.0


def test_cut_of_a_date_is_the_last_ended_quarter():
    assert cut_of_date(date(2026, 10, 31)) == Period(2026, 3)
    assert cut_of_date(date(2026, 12, 31)) == Period(2026, 4)
    assert cut_of_date(date(2027, 1, 15)) == Period(2026, 4)
    assert Period.parse(" 2026-t3 ") == Period(2026, 3) == Period.parse("2026Q3")
    for bad in ("2026-T5", "2040-T1", "tres", "2026"):
        with pytest.raises(ValueError):
            Period.parse(bad)
    assert Period(2026, 3).end == date(2026, 9, 30)


def test_rollup_renormalises_over_the_entries_with_a_figure():
    got = rollup([0.5, 1.0, NAN], [1.0, 3.0, 4.0])[None]
    assert got == (pytest.approx(0.875), pytest.approx(0.5))
    groups = rollup([0.2, 0.4, NAN], [1.0, 1.0, 2.0], ["a", "a", "b"])
    assert groups["a"][0] == pytest.approx(0.3) and math.isnan(groups["b"][0])


# ---------------------------------------------------------------- properties


#: Figures a plan can hold: zero, or at least a millionth of its unit (a "zero" denominator
#: is |d| <= 1e-12, so values near it are no real figure), or missing.
_value = (st.just(0.0) | st.floats(min_value=1e-6, max_value=1e6) | st.just(NAN))


@st.composite
def _series(draw):
    kind = draw(st.sampled_from(ANNUALISATIONS))
    often = draw(st.sampled_from(PERIODICITIES))
    baseline = draw(_value)
    targets = draw(st.lists(_value, min_size=10, max_size=10))
    final = draw(_value)
    reports = draw(st.lists(_value, min_size=40, max_size=40))
    cut = draw(st.integers(0, 39))
    data_cut = draw(st.integers(0, 39))
    return kind, often, baseline, targets, final, reports, cut, data_cut


def _close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(series=_series())
def test_vectorised_formulas_equal_the_written_method(series):
    kind, often, baseline, targets, final, reports, cut, data_cut = series
    m = compute_metrics([kind], [often], [baseline], [targets], [final], [reports], [cut],
                        data_cut)
    want = _reference(*series)
    got = (m.mp[0, 0], m.ma[0, 0], m.av[0, 0], m.phv[0, 0], m.paf[0, 0], m.tid[0, 0])
    for name, g, w in zip(("mp", "ma", "av", "phv", "paf", "tid"), got, want, strict=True):
        assert _close(g, w), (name, g, w)
    assert _close(m.brecha[0, 0], got[4] - got[5])


@settings(max_examples=200, deadline=None)
@given(series=_series())
def test_no_infinity_and_one_status_per_figure(series):
    kind, often, baseline, targets, final, reports, cut, data_cut = series
    m = compute_metrics([kind], [often], [baseline], [targets], [final], [reports], [cut],
                        data_cut)
    for name in ("mp", "ma", "av", "phv", "paf", "tid", "brecha"):
        value = getattr(m, name)[0, 0]
        assert math.isnan(value) or math.isfinite(value)
    status = m.status[0, 0]
    if cut > data_cut:
        assert status == "futuro"
    else:
        assert status == status_of(m.phv[0, 0])
        assert (status == "sin_dato") == math.isnan(m.phv[0, 0])


@settings(max_examples=150, deadline=None)
@given(factor=st.floats(min_value=0.01, max_value=1000), series=_series())
def test_suma_progress_does_not_depend_on_the_unit(factor, series):
    _kind, often, _b, targets, final, reports, cut, data_cut = series
    scaled = [[t * factor for t in targets]], [final * factor], [[r * factor for r in reports]]
    a = compute_metrics(["SUMA"], [often], [0.0], [targets], [final], [reports], [cut], data_cut)
    b = compute_metrics(["SUMA"], [often], [0.0], scaled[0], scaled[1], scaled[2], [cut],
                        data_cut)
    assert math.isclose(a.phv[0, 0], b.phv[0, 0], rel_tol=1e-6) or (
        math.isnan(a.phv[0, 0]) and math.isnan(b.phv[0, 0]))


@settings(max_examples=100, deadline=None)
@given(targets=st.lists(st.floats(min_value=1, max_value=1e5), min_size=10, max_size=10),
       baseline=st.floats(min_value=0, max_value=1e5))
def test_a_level_on_its_ideal_path_is_exactly_on_track(targets, baseline):
    """CRECIENTE: reporting the target to date at every quarter gives PHV 1 (verde)."""
    path = compute_metrics(["CRECIENTE"], ["trimestral"], [baseline], [targets], [targets[-1]],
                           [[NAN] * 40], range(40))
    m = compute_metrics(["CRECIENTE"], ["trimestral"], [baseline], [targets], [targets[-1]],
                        [path.ma[0].tolist()], range(40), 39)
    for t in range(40):
        if abs(path.ma[0, t] - baseline) > 1e-6 * max(1.0, abs(baseline)):
            assert m.phv[0, t] == pytest.approx(1.0)
            assert m.status[0, t] == "verde"
