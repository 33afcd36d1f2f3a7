"""Tests of the plain-pandas progress oracle (and of data.progress's achievement and status)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from data.catalog import Catalog, DataVersion
from data.config import STATUS_THRESHOLDS
from data.illustrative import build_illustrative_catalog
from data.progress import achievement, status_array, status_of
from data.schema import CITYWIDE, LOCALITY_CODES, STATUSES, YEARS
from tests.data.progress_oracle import indicator_frame, product_status, status_counts


def test_achievement_up():
    assert achievement(45, 50, 0, "up") == pytest.approx(0.9)
    assert achievement(60, 50, 10, "up") == pytest.approx(1.2)


def test_achievement_down():
    assert achievement(15.0, 12.0, 18.0, "down") == pytest.approx(0.5)
    assert achievement(12.0, 12.0, 18.0, "down") == pytest.approx(1.0)
    assert achievement(20.0, 12.0, 18.0, "down") == 0.0  # worse than baseline: clipped


def test_achievement_guards():
    assert achievement(0, 0, 0, "up") == 1.0
    assert np.isnan(achievement(np.nan, 10, 0, "up"))
    assert np.isnan(achievement(5, np.nan, 0, "up"))
    assert np.isnan(achievement(np.nan, 10, 20, "down"))
    assert achievement(9, 10, 10, "down") == 1.0  # target equal to baseline: hold it
    assert achievement(20, 10, 10, "down") == pytest.approx(0.5)


def test_achievement_vectorised():
    pct = achievement(np.array([5.0, 15.0]), np.array([10.0, 12.0]),
                      np.array([0.0, 18.0]), np.array(["up", "down"]))
    np.testing.assert_allclose(pct, [0.5, 0.5])


@pytest.mark.parametrize("pct, status", [
    (STATUS_THRESHOLDS["on_track"], "on_track"),
    (STATUS_THRESHOLDS["on_track"] - 0.001, "at_risk"),
    (STATUS_THRESHOLDS["at_risk"], "at_risk"),
    (STATUS_THRESHOLDS["at_risk"] - 0.001, "behind"),
    (1.5, "on_track"),
    (0.0, "behind"),
    (None, "no_report"),
    (float("nan"), "no_report"),
])
def test_status_thresholds(pct, status):
    assert status_of(pct) == status


def test_threshold_reached_by_division():
    assert status_of(achievement(63, 70, 0, "up")) == "on_track"  # 63/70 == 0.9
    assert list(status_array([0.95, np.nan])) == ["on_track", "no_report"]


def _tiny_catalog(aggregation: str, direction: str = "up") -> Catalog:
    products = pd.DataFrame([{
        "product_id": "P01", "name": "Zonas", "objective_id": 1, "axis_id": "a",
        "entity_id": "e", "indicator": "Zonas WiFi", "unit": "zonas", "direction": direction,
        "baseline": 0.0, "scope": "localidad", "aggregation": aggregation, "layer": "",
    }, {
        "product_id": "P02", "name": "Datos", "objective_id": 1, "axis_id": "b",
        "entity_id": "e", "indicator": "Datos", "unit": "conjuntos", "direction": "up",
        "baseline": 0.0, "scope": "ciudad", "aggregation": "sum", "layer": "",
    }])
    targets = pd.DataFrame(
        [("P01", y, c, 10.0) for y in YEARS for c in ("00", "01", "02")]
        + [("P02", y, "00", 100.0) for y in YEARS],
        columns=["product_id", "year", "locality_code", "target"])
    observations = pd.DataFrame([
        ("P01", 2024, "01", 9.0), ("P01", 2024, "02", 3.0), ("P01", 2025, "02", 8.0),
        ("P02", 2024, "00", 50.0),
    ], columns=["product_id", "year", "locality_code", "value"]).assign(
        reported_at=pd.Timestamp(2025, 1, 31))
    return Catalog(
        axes=pd.DataFrame({"axis_id": ["a", "b"], "name": ["A", "B"]}),
        objectives=pd.DataFrame({"objective_id": [1], "text": ["t"], "result_text": ["r"]}),
        entities=pd.DataFrame({"entity_id": ["e"], "acronym": ["E"], "name": ["Ent"]}),
        products=products, targets=targets, observations=observations,
        version=DataVersion(1, pd.Timestamp(2025, 1, 31).date(), True),
    )


def test_indicator_frame_shape_and_citywide_sum():
    frame = indicator_frame(_tiny_catalog("sum"), "P01")
    assert list(frame.columns) == ["year", "locality_code", "value", "target", "pct", "status"]
    assert len(frame) == len(YEARS) * (1 + len(LOCALITY_CODES))
    row = frame[(frame["year"] == 2024) & (frame["locality_code"] == CITYWIDE)].iloc[0]
    assert row["value"] == 12.0  # 9 + 3
    assert row["pct"] == pytest.approx(1.2)
    assert frame.loc[frame["year"] == 2030, "status"].eq("no_report").all()


def test_indicator_frame_citywide_mean():
    frame = indicator_frame(_tiny_catalog("mean"), "P01")
    row = frame[(frame["year"] == 2024) & (frame["locality_code"] == CITYWIDE)].iloc[0]
    assert row["value"] == 6.0
    assert row["status"] == "behind"


def test_indicator_frame_citywide_product_and_unknown():
    catalog = _tiny_catalog("sum")
    frame = indicator_frame(catalog, "P02")
    assert set(frame["locality_code"]) == {CITYWIDE}
    assert frame.loc[frame["year"] == 2024, "pct"].iloc[0] == pytest.approx(0.5)
    with pytest.raises(KeyError):
        indicator_frame(catalog, "P99")


def test_direct_citywide_value_wins():
    catalog = _tiny_catalog("sum")
    obs = pd.concat([catalog.observations, pd.DataFrame([{
        "product_id": "P01", "year": 2024, "locality_code": "00", "value": 10.0,
        "reported_at": pd.Timestamp(2025, 1, 31)}])], ignore_index=True)
    catalog = replace(catalog, observations=obs)
    city = product_status(catalog, 2024).set_index("product_id")
    assert city.loc["P01", "value"] == 10.0
    frame = indicator_frame(catalog, "P01")
    assert frame[(frame["year"] == 2024) & (frame["locality_code"] == "00")]["value"].item() == 10


def test_product_status_city_and_selection():
    catalog = _tiny_catalog("sum")
    city = product_status(catalog, 2024).set_index("product_id")
    assert city.loc["P01", "value"] == 12.0 and city.loc["P01", "target"] == 10.0
    assert city.loc["P01", "status"] == "on_track"
    assert city.loc["P02", "status"] == "behind"
    one = product_status(catalog, 2024, locality_codes=["02"]).set_index("product_id")
    assert one.loc["P01", "value"] == 3.0 and one.loc["P01", "status"] == "behind"
    assert one.loc["P02", "value"] == 50.0  # citywide product keeps its city value
    both = product_status(catalog, 2025, locality_codes=["01", "02"]).set_index("product_id")
    assert both.loc["P01", "value"] == 8.0 and both.loc["P01", "target"] == 20.0
    none = product_status(catalog, 2026, product_ids=["P01"])
    assert list(none["status"]) == ["no_report"]


def test_product_status_selection_mean():
    catalog = _tiny_catalog("mean")
    both = product_status(catalog, 2024, locality_codes=["01", "02"]).set_index("product_id")
    assert both.loc["P01", "value"] == 6.0 and both.loc["P01", "target"] == 10.0


def test_product_status_columns():
    frame = product_status(_tiny_catalog("sum"), 2024)
    assert list(frame.columns[:12]) == [
        "product_id", "name", "indicator", "unit", "entity_id", "axis_id", "objective_id",
        "year", "value", "target", "pct", "status"]


def test_status_counts_all_columns():
    frame = product_status(_tiny_catalog("sum"), 2024)
    counts = status_counts(frame)
    assert list(counts.columns) == [*STATUSES, "total"]
    assert counts.iloc[0].to_dict() == {"on_track": 1, "at_risk": 0, "behind": 1,
                                        "no_report": 0, "total": 2}
    by_axis = status_counts(frame, by="axis_id").set_index("axis_id")
    assert by_axis.loc["a", "on_track"] == 1 and by_axis.loc["b", "behind"] == 1
    assert by_axis.loc["a", "no_report"] == 0


def test_status_counts_illustrative_total():
    catalog = build_illustrative_catalog()
    frame = product_status(catalog, 2025)
    by_entity = status_counts(frame, by="entity_id")
    assert by_entity["total"].sum() == 36
    assert len(by_entity) == 14
    # selection by two localities keeps every product
    local = product_status(catalog, 2025, locality_codes=["11", "08"])
    assert len(local) == 36
