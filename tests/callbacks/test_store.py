"""Tests of callbacks.store: the state store's JSON payload."""

from __future__ import annotations

import json

from callbacks.store import state_payload, stored_state
from callbacks.url_state import ViewState


def test_payload_is_json_and_round_trips():
    state = ViewState(axes=("medio-ambiente",), product="P20", localities=("11", "08"),
                      year=2024, measure="avance", layers=("tm-troncales",))
    payload = json.loads(json.dumps(state_payload(state, ["aviso"], play_done=True)))
    assert stored_state(payload) == state
    assert payload["notices"] == ["aviso"] and payload["play_done"] is True


def test_any_other_json_value_gives_the_default_state(monkeypatch):
    import callbacks.store as store

    default = ViewState(year=2025)
    monkeypatch.setattr(store, "get_catalog", lambda: None)
    monkeypatch.setattr(store, "default_state", lambda catalog: default)
    good = state_payload(ViewState(year=2024), [])["state"]
    hostile = [
        None, 0, 1.5, True, "texto", [], [1, 2], {}, {"state": None}, {"state": "x"},
        {"state": [1]}, {"state": {}}, {"state": {**good, "year": "2024"}},
        {"state": {**good, "year": 1900}}, {"state": {**good, "axes": "eje"}},
        {"state": {**good, "axes": [1]}}, {"state": {**good, "objective": "3"}},
        {"state": {**good, "objective": True}}, {"state": {**good, "product": 5}},
        {"state": {**good, "measure": "otra"}}, {"state": {**good, "layers": None}},
    ]
    for value in hostile:
        assert stored_state(value) == default, value
    assert stored_state({"state": {**good, "extra": 1}}) == ViewState(year=2024)
