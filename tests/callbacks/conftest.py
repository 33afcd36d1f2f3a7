"""Fixtures of the callback tests."""

from __future__ import annotations

import pytest

from data.illustrative import build_illustrative_catalog


@pytest.fixture(scope="session")
def catalog():
    """The illustrative catalog, built once (tests must not mutate it)."""
    return build_illustrative_catalog()
