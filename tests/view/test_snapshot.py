"""Tests of view.snapshot: one snapshot per catalog (data version), built once."""

from __future__ import annotations

import gc
import weakref

import pytest

from data.illustrative import build_illustrative_catalog
from data.method import Period
from tests.conftest import tiny_catalog
from view.snapshot import Snapshot


def test_snapshot_is_built_once_per_catalog():
    catalog = tiny_catalog()
    snapshot = Snapshot.of(catalog)
    assert Snapshot.of(catalog) is snapshot
    assert Snapshot.of(build_illustrative_catalog()) is not snapshot
    assert snapshot.derived("k", object) is snapshot.derived("k", object)
    assert snapshot.data_cut == Period(2026, 3) == catalog.version.cut
    assert snapshot.default_state.year == 2026
    assert snapshot.facts.loc["1.1.1", "global_weight"] == pytest.approx(0.6 * 1.0 * 0.6)
    cut = snapshot.data_cut.index
    assert snapshot.accounts[snapshot.cube.position("1.1.1"), 0, cut] == \
        "Retraso por contratación."


def test_snapshot_goes_with_its_catalog():
    catalog = tiny_catalog()
    ref = weakref.ref(Snapshot.of(catalog))
    del catalog
    gc.collect()
    assert ref() is None


def test_views_are_memoised_per_snapshot():
    catalog = tiny_catalog()
    snapshot = Snapshot.of(catalog)
    calls = []
    first = snapshot.view(snapshot.default_state, lambda s: calls.append(s) or object())
    again = snapshot.view(snapshot.default_state, lambda s: calls.append(s) or object())
    assert first is again and len(calls) == 1
