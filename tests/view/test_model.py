"""Tests of view.model: one resolution shared by the page, the exports and the report."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from data.method import Period
from data.schema import CITYWIDE, LOCALITY_CODES
from tests.conftest import tiny_catalog
from view.model import (
    EMPTY_MESSAGE,
    cached_view,
    counted_rows,
    default_state,
    filtered_indicators,
    parse_view,
    resolve_view,
    with_facts,
)
from view.snapshot import Snapshot
from view.state import ViewState


@pytest.fixture(scope="module")
def tiny():
    return tiny_catalog()


def test_default_state_is_the_data_cut(tiny):
    state = default_state(tiny)
    assert state.year == 2026 and state.quarter is None
    view = resolve_view(state, tiny)
    assert view.cut == Period(2026, 3) == view.data_cut and not view.future


def test_city_view_counts_every_indicator_in_force_at_the_city(tiny):
    view = resolve_view(default_state(tiny), tiny)
    assert view.rows["code"].tolist() == ["1.1.1", "1.1.2", "2.1.1"]  # 2.1.2 not in force
    assert set(view.rows["locality_code"]) == {CITYWIDE}
    assert view.city_rows.empty
    assert int(view.counts["total"].iloc[0]) == 3


def test_locality_view_counts_only_indicators_reported_by_locality(tiny):
    view = resolve_view(replace(default_state(tiny), localities=("01", "02")), tiny)
    assert view.rows[["code", "locality_code"]].values.tolist() == [
        ["1.1.1", "01"], ["1.1.1", "02"]]
    assert view.city_rows["code"].tolist() == ["1.1.2", "2.1.1"]
    assert set(view.city_rows["locality_code"]) == {CITYWIDE}
    assert int(view.counts["total"].iloc[0]) == 2  # the citywide ones are never counted here


def test_counted_rows_is_the_one_rule(tiny):
    snapshot = Snapshot.of(tiny)
    rows, apart = counted_rows(snapshot, ["1.1.1", "1.1.2"], ["05"], Period(2026, 3))
    assert rows["code"].tolist() == ["1.1.1"] and apart["code"].tolist() == ["1.1.2"]
    rows, apart = counted_rows(snapshot, ["1.1.1", "1.1.2"], [], Period(2026, 3))
    assert rows["code"].tolist() == ["1.1.1", "1.1.2"] and apart.empty


def test_no_view_ever_shows_100_percent_for_a_zero_over_zero(tiny):
    view = resolve_view(replace(default_state(tiny), year=2023), tiny)
    figures = view.rows.set_index("code")
    assert math.isnan(figures.loc["1.1.2", "phv"])  # 2023 target is text
    assert figures.loc["1.1.2", "status"] == "sin_dato"
    for row in view.rows.itertuples(index=False):
        assert not (math.isclose(row.phv, 1.0) and row.ma == 0)


def test_future_years_are_future_never_missing(tiny):
    view = resolve_view(replace(default_state(tiny), year=2029), tiny)
    assert view.future and view.cut == Period(2029, 4)
    assert set(view.rows["status"]) == {"futuro"}
    assert int(view.counts["sin_dato"].iloc[0]) == 0
    assert int(view.counts["futuro"].iloc[0]) == 3
    assert "posterior al corte" in view.map_note
    assert not np.isnan(view.rows["ma"]).all()  # the targets to date are still shown


def test_series_points_are_year_ends_and_the_cut(tiny):
    view = resolve_view(replace(default_state(tiny), indicator="1.1.1",
                                localities=("01",)), tiny)
    city = view.series[view.series["locality_code"] == CITYWIDE]
    assert city["period"].tolist()[:4] == ["2023-T4", "2024-T4", "2025-T4", "2026-T3"]
    assert city["future"].tolist() == [False] * 4 + [True] * 6
    assert set(view.series["locality_code"]) == {CITYWIDE, "01"}


def test_values_are_the_twenty_localities_at_the_cut(tiny):
    view = resolve_view(replace(default_state(tiny), indicator="1.1.1"), tiny)
    assert view.values["locality_code"].tolist() == list(LOCALITY_CODES)
    kennedy = view.values.set_index("locality_code").loc["01"]
    assert kennedy["target"] == pytest.approx(37.5) and kennedy["value"] == 13.0


def test_citywide_indicator_has_no_map_values_and_says_so(tiny):
    view = resolve_view(replace(default_state(tiny), indicator="1.1.2"), tiny)
    assert view.values.empty and "solo para toda la ciudad" in view.map_note


def test_indicator_choice_follows_the_filters(tiny):
    state, notices = parse_view("eje=nueva-movilidad&producto=P01", tiny)
    view = resolve_view(state, tiny)
    assert notices == [] and view.state.indicator == "2.1.1"
    assert any("no corresponde" in n for n in view.notices)


def test_empty_selection_explains_itself(tiny):
    view = resolve_view(ViewState(axes=("nueva-movilidad",), entities=("sdh",)), tiny)
    assert view.empty and view.message == EMPTY_MESSAGE and view.indicator is None


def test_sheet_has_the_facts_targets_figures_and_latest_account(tiny):
    view = resolve_view(replace(default_state(tiny), indicator="1.1.1"), tiny)
    sheet = view.indicator
    assert sheet["annualisation"] == "SUMA" and sheet["periodicity"] == "trimestral"
    assert sheet["entity_name"].startswith("Alta Consejería") and sheet["co_entity_id"] == "sdm"
    assert sheet["targets"][2024] == 40.0
    assert sheet["city"]["status"] == "rojo" and sheet["city"]["ma"] == pytest.approx(150.0)
    assert sheet["text"] == "Retraso por contratación." and sheet["text_period"] == "2024-T2"
    text_target = resolve_view(replace(default_state(tiny), indicator="1.1.2"), tiny)
    assert text_target.indicator["targets"][2023] == "Levantamiento línea base"


def test_headline_rolls_up_by_the_plan_weights(tiny):
    view = resolve_view(default_state(tiny), tiny)
    policy = view.headline[view.headline["level"] == "politica"].iloc[0]
    rows = view.rows.dropna(subset=["phv"])
    weights = rows["global_weight"]
    assert policy["phv"] == pytest.approx((rows["phv"] * weights).sum() / weights.sum())
    assert 0 < policy["coverage"] <= 1
    objectives = view.headline[view.headline["level"] == "objetivo"]
    assert objectives["key"].tolist() == [1, 2]


def test_entity_counts_carry_full_names(tiny):
    view = resolve_view(default_state(tiny), tiny)
    row = view.counts_by_entity.set_index("entity_id").loc["sdh"]
    assert row["label"] == "SDH" and row["name"] == "Secretaría Distrital de Hacienda"


def test_facts_join_and_filtered_indicators(tiny):
    view = resolve_view(default_state(tiny), tiny)
    joined = with_facts(view.rows, Snapshot.of(tiny))
    assert joined["name"].tolist()[0] == "Zonas WiFi instaladas"
    assert filtered_indicators(tiny, ViewState(entities=("sdm",)))["code"].tolist() == [
        "2.1.1"]


def test_views_are_memoised_per_version(tiny):
    state = default_state(tiny)
    assert cached_view(state, tiny) is cached_view(state, tiny)
    assert cached_view(state, tiny_catalog()) is not cached_view(state, tiny)
