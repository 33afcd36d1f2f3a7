from __future__ import annotations

import math
from datetime import date

import pytest

from layers.formatting import (
    MISSING,
    format_date,
    format_number,
    format_percent,
    format_value,
    is_missing,
    join_names,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, 1, "1.234,5"),
        (1234567, 0, "1.234.567"),
        (-1234.56, 2, "-1.234,56"),
        (0.5, 1, "0,5"),
        (999.96, 1, "1.000,0"),
        (-0.01, 0, "0"),
        (12, None, "12"),
        (12.25, None, "12,2"),
    ],
)
def test_format_number_es_co(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize("value", [None, math.nan, float("inf"), "12", True])
def test_missing_values(value):
    assert is_missing(value)
    assert format_number(value) == MISSING
    assert format_percent(value) == MISSING
    assert format_value(value, "zonas", missing="s. d.") == "s. d."


def test_percent_from_share_and_from_percentage():
    assert format_percent(0.875, 1) == "87,5\u00a0%"
    assert format_percent(87.5, 1, is_share=False) == "87,5\u00a0%"
    assert format_percent(12.345) == "1.234\u00a0%"


def test_value_with_unit():
    assert format_value(1234, "zonas") == "1.234 zonas"
    assert format_value(1234.5, " km ") == "1.234,5 km"
    assert format_value(45, "%") == "45\u00a0%"
    assert format_value(7, "") == "7"


def test_date_in_words():
    assert format_date(date(2026, 10, 31)) == "31 de octubre de 2026"
    assert format_date(date(2023, 1, 1)) == "1 de enero de 2023"


def test_join_names():
    assert join_names([]) == ""
    assert join_names(["Kennedy"]) == "Kennedy"
    assert join_names(["Kennedy", "Bosa"]) == "Kennedy y Bosa"
    assert join_names(["A", "B", "C"]) == "A, B y C"
    assert join_names(["A", "B", "C", "D", "E"]) == "A, B y 3 más"
