"""Tests of view.transitions: map clicks, series clicks and play steps."""

from __future__ import annotations

import pytest

from view.state import ViewState
from view.transitions import next_year, reframe, toggle_locality, year_from_click


@pytest.mark.parametrize(
    ("selected", "code", "additive", "expected"),
    [
        ((), "11", False, ("11",)),
        (("08",), "11", False, ("11",)),
        (("11",), "11", False, ()),
        (("08", "11"), "11", False, ("11",)),
        (("08",), "11", True, ("08", "11")),
        (("08", "11"), "11", True, ("08",)),
    ],
)
def test_toggle_locality(selected, code, additive, expected):
    assert toggle_locality(selected, code, additive) == expected


@pytest.mark.parametrize(
    ("click", "year"),
    [
        ({"points": [{"x": 2027, "y": 1}]}, 2027),
        ({"points": [{"x": 2026.2}]}, 2026),
        ({"points": [{"x": "2024"}]}, 2024),
        ({"points": [{"x": 1990}]}, None),
        ({"points": []}, None),
        (None, None),
        ({"points": [{"y": 3}]}, None),
    ],
)
def test_year_from_click(click, year):
    assert year_from_click(click) == year


def test_next_year_wraps_and_flags_the_end():
    assert next_year(2025) == (2026, False)
    assert next_year(2031) == (2032, True)
    assert next_year(2032) == (2023, False)


def test_selecting_a_locality_outside_the_urban_frame_shows_the_district():
    urban = ViewState(localities=("08",))
    assert reframe(ViewState(localities=("08", "20")), urban, {"20"}).framing == "distrito"
    assert reframe(ViewState(localities=("08", "11")), urban, {"20"}).framing == "urbana"
    # choosing the urban frame with Sumapaz already selected is respected
    chosen = ViewState(localities=("20",), framing="urbana")
    assert reframe(chosen, ViewState(localities=("20",), framing="distrito"),
                   {"20"}).framing == "urbana"
