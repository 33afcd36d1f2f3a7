"""The state store's payload: the effective view state and its notices, as JSON."""

from __future__ import annotations

from dataclasses import asdict

from callbacks.url_state import ViewState
from callbacks.view_model import default_state
from data.repository import get_catalog

__all__ = ["state_payload", "stored_state"]


def state_payload(state: ViewState, notices: list[str], *, play_done: bool = False) -> dict:
    """The JSON kept in the state store (``ids.STATE_STORE``).

    ``state`` is the effective state (product filled in); ``notices`` are the
    Spanish notices to show; ``play_done`` tells the play button to stop.
    """
    return {"state": asdict(state), "notices": list(notices), "play_done": play_done}


def stored_state(stored: dict | None) -> ViewState:
    """The :class:`ViewState` of a state-store payload (the default state when empty)."""
    if not stored or "state" not in stored:
        return default_state(get_catalog())
    return ViewState(**stored["state"])
