"""Tests of app/exports/cache.py."""

from __future__ import annotations

from app.exports.cache import ExportCache, cache_key


def test_key_depends_on_query_options_and_version():
    base = cache_key("chart:mapa", "anio=2026", {"fmt": "png"}, 1)
    assert base == cache_key("chart:mapa", "anio=2026", {"fmt": "png"}, 1)
    assert base != cache_key("chart:mapa", "anio=2025", {"fmt": "png"}, 1)
    assert base != cache_key("chart:mapa", "anio=2026", {"fmt": "svg"}, 1)
    assert base != cache_key("chart:mapa", "anio=2026", {"fmt": "png"}, 2)


def test_get_or_create_builds_once_and_persists(tmp_path):
    calls = []

    def build():
        calls.append(1)
        return b"contenido"

    cache = ExportCache(tmp_path / "exports")
    assert cache.get_or_create("ab" * 32, build) == (b"contenido", False)
    assert cache.get_or_create("ab" * 32, build) == (b"contenido", True)
    assert len(calls) == 1
    fresh = ExportCache(tmp_path / "exports")  # another process: read from disk
    assert fresh.get("ab" * 32) == b"contenido"
    assert not list((tmp_path / "exports").rglob(".tmp-*"))


def test_failed_build_stores_nothing(tmp_path):
    cache = ExportCache(tmp_path)

    def fail():
        raise RuntimeError("falla")

    try:
        cache.get_or_create("cd" * 32, fail)
    except RuntimeError:
        pass
    assert cache.get("cd" * 32) is None
