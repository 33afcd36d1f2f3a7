"""Tests of view.payload: the state store's JSON payload."""

from __future__ import annotations

import json

from view.payload import state_payload, stored_state
from view.state import ViewState


def test_payload_is_json_and_round_trips():
    state = ViewState(axes=("medio-ambiente",), indicator="5.1.1", localities=("11", "08"),
                      year=2024, measure="avance", layers=("tm-troncales",))
    payload = json.loads(json.dumps(state_payload(state, ["aviso"], play_done=True)))
    assert stored_state(payload, ViewState()) == state
    assert payload["notices"] == ["aviso"] and payload["play_done"] is True


def test_any_other_json_value_gives_the_default_state():
    default = ViewState(year=2025)
    good = state_payload(ViewState(year=2024), [])["state"]
    hostile = [
        None, 0, 1.5, True, "texto", [], [1, 2], {}, {"state": None}, {"state": "x"},
        {"state": [1]}, {"state": {}}, {"state": {**good, "year": "2024"}},
        {"state": {**good, "year": 1900}}, {"state": {**good, "axes": "eje"}},
        {"state": {**good, "axes": [1]}}, {"state": {**good, "objective": "3"}},
        {"state": {**good, "objective": True}}, {"state": {**good, "indicator": 5}},
        {"state": {**good, "measure": "otra"}}, {"state": {**good, "layers": None}},
    ]
    for value in hostile:
        assert stored_state(value, default) == default, value
    assert stored_state({"state": {**good, "extra": 1}}, default) == ViewState(year=2024)
