"""Tests of callbacks.year: the play button's states."""

from __future__ import annotations

from callbacks.year import play_toggle


def test_play_toggle_states():
    assert play_toggle(True)[0] is False and "Pausar" in play_toggle(True)[1]
    assert play_toggle(False)[0] is True and "Reproducir" in play_toggle(False)[1]
