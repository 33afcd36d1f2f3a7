"""Cheap checks of the benchmark harness on tiny inputs (no servers, no timing asserts)."""

from __future__ import annotations

import math

from bench.dash_client import CallbackCall, Exchange, callback_payload, layout_values
from bench.harness import critical_path_ms, geometry_gzip_bytes
from bench.load import percentile
from bench.report import TARGETS, evaluate, format_table


def test_percentile_interpolates_and_handles_empty():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5
    assert math.isnan(percentile([], 50))


def test_layout_values_reads_string_ids_only():
    layout = {"type": "Div", "namespace": "dash_html_components", "props": {"children": [
        {"type": "Slider", "namespace": "x", "props": {"id": "year", "value": 2026}},
        {"type": "Input", "namespace": "x", "props": {"id": {"type": "p"}, "value": 1}},
    ]}}
    values = layout_values(layout)
    assert values[("year", "value")] == 2026
    assert all(isinstance(k[0], str) for k in values)


def test_callback_payload_matches_the_renderer_shape():
    dep = {"output": "..a.x...b.y..", "inputs": [{"id": "s", "property": "value"}],
           "state": [{"id": "t", "property": "data"}]}
    payload = callback_payload(dep, {("s", "value"): 3}, [("s", "value")])
    assert payload["outputs"] == [{"id": "a", "property": "x"}, {"id": "b", "property": "y"}]
    assert payload["inputs"] == [{"id": "s", "property": "value", "value": 3}]
    assert payload["state"] == [{"id": "t", "property": "data"}]  # absent value: no key
    single = callback_payload({"output": "a.x", "inputs": [], "state": []}, {}, [])
    assert single["outputs"] == {"id": "a", "property": "x"}


def _call(seconds: float) -> CallbackCall:
    return CallbackCall("o", {}, Exchange("POST", "/", 200, 10, 10, seconds))


def test_critical_path_is_first_plus_slowest_follower():
    calls = [_call(0.010), _call(0.005), _call(0.020)]
    assert round(critical_path_ms(calls), 6) == 30.0
    assert critical_path_ms([]) == 0.0


def test_geometry_is_found_and_measured():
    geo = {"type": "FeatureCollection", "features": []}
    size, count = geometry_gzip_bytes({"props": {"figure": {"data": [{"geojson": geo}]}}})
    assert count == 1 and size > 0


def test_evaluate_marks_pass_miss_and_skip():
    results = {
        "interactions": {"all": {"critical_path_p95_ms": 50.0, "with_geometry": 0},
                         "anio": {"bytes_mean": 5000}},
        "naive_interactions": {"all": {"critical_path_p95_ms": 2000.0, "bytes_mean": 1_000_000}},
        "initial": {"geometry_gzip_bytes": 40_000, "responses_with_geometry": 1},
        "load": {"interactions_per_s": 250.0, "errors": 0},
    }
    rows = {r["key"]: r for r in evaluate(results)}
    assert set(rows) == {t[0] for t in TARGETS}
    assert rows["interaction_p95_ms"]["status"] == "MISS"
    assert "2.0x" in rows["interaction_p95_ms"]["gap"]
    assert rows["speedup_vs_naive"]["status"] == "PASS"
    assert rows["bytes_ratio_vs_naive"]["value"] == 200.0
    assert rows["first_map_ms"]["status"] == "SKIP"
    assert "MISS" in format_table(results)
