"""The front-end figures of ``make bench`` (issue 13): CLS, TBT, Lighthouse, targets."""

from __future__ import annotations

import pytest

from bench.browser import cumulative_layout_shift, total_blocking_time
from bench.lighthouse import summarize
from bench.report import evaluate, format_table


def test_cls_is_the_largest_session_window():
    # two windows: 0.1+0.05 (shifts under 1 s apart), then 0.12 alone after a 2 s gap
    shifts = [[100.0, 0.1], [900.0, 0.05], [2900.0, 0.12]]
    assert cumulative_layout_shift(shifts) == pytest.approx(0.15)
    assert cumulative_layout_shift([]) == 0.0


def test_a_session_window_ends_after_five_seconds():
    shifts = [[t * 900.0, 0.01] for t in range(12)]  # every 0.9 s for 10 s
    assert cumulative_layout_shift(shifts) == pytest.approx(0.06)


def test_tbt_counts_the_part_beyond_50_ms_of_tasks_before_the_end():
    tasks = [[10.0, 120.0], [500.0, 40.0], [900.0, 300.0], [5000.0, 900.0]]
    assert total_blocking_time(tasks, until_ms=2000.0) == pytest.approx(70.0 + 250.0)


def test_lighthouse_summary_keeps_scores_metrics_and_failed_audits():
    report = {
        "lighthouseVersion": "12.2.3",
        "categories": {"performance": {"score": 0.815},
                       "accessibility": {"score": 0.9, "auditRefs": [{"id": "label"},
                                                                      {"id": "list"}]}},
        "audits": {"total-blocking-time": {"numericValue": 310.4},
                   "cumulative-layout-shift": {"numericValue": 0.01234},
                   "label": {"score": 0}, "list": {"score": 1},
                   "network-requests": {"details": {"items": [
                       {"resourceType": "Script", "transferSize": 1000},
                       {"resourceType": "Stylesheet", "transferSize": 50},
                       {"resourceType": "Script", "transferSize": 500}]}}},
    }
    out = summarize(report)
    assert (out["performance"], out["accessibility"]) == (82, 90)
    assert out["tbt_ms"] == 310 and out["cls"] == 0.0123
    assert out["accessibility_failed"] == ["label"] and out["script_bytes"] == 1500


def test_frontend_targets_compare_with_todays_page():
    results = {
        "browser": {"ms_median": 900.0, "script_bytes": 700_000, "cls_median": 0.01,
                    "tbt_ms_median": 100},
        "today": {"browser": {"ms_median": 3600.0, "script_bytes": 1_500_000}},
        "lighthouse": {"mobile": {"performance": 60, "accessibility": 100, "cls": 0.2},
                       "desktop": {"performance": 95, "accessibility": 98}},
        "uploads": {"worst_added_mb": 72.0},
    }
    rows = {r["key"]: r for r in evaluate(results)}
    assert rows["first_map_ms"]["status"] == "PASS"
    assert rows["first_map_speedup_vs_today"]["value"] == 4.0
    assert rows["script_kb"]["status"] == "PASS"
    assert rows["cls_mobile"]["status"] == "MISS"
    assert rows["lighthouse_mobile"]["status"] == "MISS"
    assert rows["lighthouse_accessibility"]["value"] == 98.0  # the worse profile
    assert rows["upload_added_mb"]["status"] == "PASS"
    table = format_table(results)
    assert "hoy" in table and "3600" in table and "60/100" in table
