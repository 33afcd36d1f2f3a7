"""The state store's payload: the effective view state and its notices, as JSON."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from data.schema import FIRST_YEAR, LAST_YEAR
from view.state import FRAMINGS, MEASURES, ViewState

__all__ = ["state_payload", "stored_notices", "stored_options_digest", "stored_state"]

_LIST_FIELDS = ("axes", "entities", "localities", "layers")


def state_payload(
    state: ViewState, notices: list[str], *, play_done: bool = False,
    options_digest: str | None = None, links: dict[str, str] | None = None,
) -> dict:
    """The JSON kept in the state store (``ids.STATE_STORE``).

    ``state`` is the effective state (product filled in); ``notices`` are the
    Spanish notices to show; ``play_done`` tells the play button to stop;
    ``options_digest`` (key ``"options"``, only when given) identifies the
    filter options sent with this state, so the next response can leave
    unchanged options out. ``links`` (key ``"links"``) are the state's download,
    share and embed links (:mod:`view.links`), which the page's menus show.
    """
    payload = {"state": asdict(state), "notices": list(notices), "play_done": play_done}
    if options_digest is not None:
        payload["options"] = options_digest
    if links is not None:
        payload["links"] = dict(links)
    return payload


def stored_options_digest(stored: Any) -> str | None:
    """The ``options_digest`` of a state-store payload (None when absent or not a string)."""
    digest = stored.get("options") if isinstance(stored, dict) else None
    return digest if isinstance(digest, str) else None


def stored_notices(stored: Any) -> list[str]:
    """The notices of a state-store payload (only its strings; ``[]`` for anything else)."""
    notices = stored.get("notices") if isinstance(stored, dict) else None
    if not isinstance(notices, list):
        return []
    return [n for n in notices if isinstance(n, str)]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _valid_fields(raw: Any) -> dict[str, Any] | None:
    """The ``ViewState`` fields of ``raw`` when every one has the right type, else None."""
    if not isinstance(raw, dict):
        return None
    fields: dict[str, Any] = {}
    for name in _LIST_FIELDS:
        items = raw.get(name, [])
        if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
            return None
        fields[name] = tuple(items)
    objective, indicator = raw.get("objective"), raw.get("indicator")
    if not (objective is None or _is_int(objective)):
        return None
    if not (indicator is None or isinstance(indicator, str)):
        return None
    year, quarter, measure = raw.get("year"), raw.get("quarter"), raw.get("measure")
    if not (_is_int(year) and FIRST_YEAR <= year <= LAST_YEAR) or measure not in MEASURES:
        return None
    if not (quarter is None or (_is_int(quarter) and 1 <= quarter <= 4)):
        return None
    framing = raw.get("framing", "urbana")
    if framing not in FRAMINGS:
        return None
    return {**fields, "objective": objective, "indicator": indicator, "year": year,
            "quarter": quarter, "measure": measure, "framing": framing}


def stored_state(stored: Any, default: ViewState) -> ViewState:
    """The :class:`ViewState` of a state-store payload.

    Any other JSON value (``None``, a list, a number, a payload whose state
    has missing or wrongly typed fields) gives ``default`` instead of an
    error: the store is browser data and may be tampered with.
    """
    fields = _valid_fields(stored.get("state")) if isinstance(stored, dict) else None
    if fields is None:
        return default
    return ViewState(**fields)
