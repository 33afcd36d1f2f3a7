"""Tests of callbacks.ids: kebab-case, unique, exported in order."""

from __future__ import annotations

import re

import callbacks.ids as ids


def test_ids_are_unique_kebab_case_and_exported_sorted():
    assert ids.__all__ == sorted(ids.__all__)
    values = [getattr(ids, name) for name in ids.__all__]
    assert len(values) == len(set(values))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)+", v) for v in values)
    public = {n for n in dir(ids) if n.isupper()}
    assert public == set(ids.__all__)
