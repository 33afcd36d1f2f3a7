"""Small pure steps from one state to the next: a map click, a series click, a play tick,
the map's framing following the selection."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from data.schema import FIRST_YEAR, LAST_YEAR, RURAL_CODES
from view.state import ViewState

__all__ = ["next_year", "reframe", "toggle_locality", "year_from_click"]


def reframe(state: ViewState, previous: ViewState,
            outside_urban: Iterable[str] = RURAL_CODES) -> ViewState:
    """``state`` with the whole district framed when a newly selected locality lies
    outside the urban framing (Sumapaz, :data:`data.schema.RURAL_CODES`): a
    selection is never off the map."""
    added = set(state.localities) - set(previous.localities)
    if state.framing == "urbana" and added & set(outside_urban):
        return replace(state, framing="distrito")
    return state


def toggle_locality(selected: Iterable[str], code: str, additive: bool) -> tuple[str, ...]:
    """The selection after a click on ``code``.

    A plain click selects only ``code`` (or clears the selection when ``code``
    was the only one selected); an additive click (Shift/Ctrl or the "añadir"
    switch) adds ``code`` or removes it if it was selected.
    """
    chosen = tuple(sorted(set(selected)))
    if additive:
        return tuple(sorted(set(chosen) ^ {code}))
    return () if chosen == (code,) else (code,)


def year_from_click(click_data: dict | None) -> int | None:
    """The year of a click on the series (its point's ``x``), or None if not a valid year."""
    try:
        x = click_data["points"][0]["x"]  # type: ignore[index]
        year = int(round(float(x)))
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def next_year(year: int, last: int = LAST_YEAR) -> tuple[int, bool]:
    """One play-button step: ``(next year, reached the end)``.

    Playback runs to ``last`` (the data's cut year: the future is not played)
    and wraps from there (or from any later year) to 2023.
    """
    following = FIRST_YEAR if year >= last else year + 1
    return following, following >= last
