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
