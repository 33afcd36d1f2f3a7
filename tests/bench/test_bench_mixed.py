"""Cheap checks of the mixed scenario's pieces (issue 12): no servers, no timing asserts."""

from __future__ import annotations

import itertools

from bench.load import ExportLoadResult, uncached_export_paths
from bench.report import evaluate, format_table


def test_export_paths_are_distinct_and_mix_charts_and_reports():
    paths = list(itertools.islice(uncached_export_paths(seed=7), 500))
    assert len(set(paths)) == len(paths)
    assert sum(p.startswith("/reporte/localidad/") for p in paths) == 100
    assert {p.split("?")[0].rsplit(".", 1)[1] for p in paths} == {"png", "svg", "pdf"}
    assert paths == list(itertools.islice(uncached_export_paths(seed=7), 500))


def test_export_summary_counts_files_refusals_and_errors():
    result = ExportLoadResult(users=10, seconds=10.0, files=4, busy=6,
                              file_s=[1.0, 2.0, 3.0, 4.0], retry_after_s=[2, 3, 3])
    summary = result.summary()
    assert summary["files_per_s"] == 0.4 and summary["busy_answers"] == 6
    assert summary["retry_after_median_s"] == 3


def _results(alone_p95: float, mixed_p95: float, errors: int = 0) -> dict:
    interactive = {"request_p50_ms": 1.0, "request_p95_ms": mixed_p95, "errors": errors,
                   "interaction_p95_ms": 9.0, "interactions_per_s": 100.0}
    exports = ExportLoadResult(users=10, seconds=10.0).summary()
    return {"load": {"request_p50_ms": 1.0, "request_p95_ms": alone_p95, "errors": 0,
                     "interactions_per_s": 120.0, "requests_per_s": 700.0,
                     "interaction_p95_ms": 8.0},
            "load_mixed": {"interactive": interactive, "exports": exports,
                           "export_workers": 0}}


def test_mixed_scenario_passes_within_twice_the_interactive_p95():
    rows = {r["key"]: r for r in evaluate(_results(40.0, 79.0))}
    assert rows["mixed_p95_ratio"]["status"] == "PASS"
    assert rows["mixed_errors"]["status"] == "PASS"
    rows = {r["key"]: r for r in evaluate(_results(40.0, 120.0, errors=2))}
    assert rows["mixed_p95_ratio"]["status"] == "MISS"
    assert rows["mixed_errors"]["status"] == "MISS"
    assert "40 interactivos + 10 exportando" in format_table(_results(40.0, 50.0))


def test_without_the_mixed_scenario_its_rows_are_skipped():
    rows = {r["key"]: r for r in evaluate({"load": {"request_p95_ms": 3.0}})}
    assert rows["mixed_p95_ratio"]["status"] == "SKIP"
    assert rows["mixed_errors"]["status"] == "SKIP"
