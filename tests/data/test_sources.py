"""Tests for data/sources.py: the manifest of external datasets."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from data.sources import MANIFEST_PATH, Source, SourceManifestError, load_sources, source_by_id


def test_manifest_declares_the_three_datasets():
    sources = load_sources()
    assert [s.id for s in sources] == ["localidades", "tm_estaciones", "tm_troncales"]
    loc = source_by_id(sources, "localidades")
    assert loc.feature_count == 20
    assert "MultiPolygon" in loc.geometry_types
    assert {"LocCodigo", "LocNombre", "LocArea"} <= set(loc.key_fields)
    assert source_by_id(sources, "tm_estaciones").feature_count == 149
    assert source_by_id(sources, "tm_estaciones").geometry_types == ("Point",)
    for source in sources:
        assert source.page_url.startswith("https://datosabiertos.bogota.gov.co/dataset/")
        assert source.download_url.startswith("https://")
        assert source.license and source.attribution and source.publisher


def test_source_is_frozen():
    source = load_sources()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        source.file = "other.geojson"  # type: ignore[misc]
    assert isinstance(source, Source)


def test_sha256_matches_the_mirrored_files(shared_sources: Path):
    import hashlib

    for source in load_sources():
        digest = hashlib.sha256((shared_sources / source.file).read_bytes()).hexdigest()
        assert digest == source.sha256, source.file


def test_unknown_id_raises_key_error():
    with pytest.raises(KeyError):
        source_by_id(load_sources(), "nope")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_field_is_named(tmp_path: Path):
    text = MANIFEST_PATH.read_text(encoding="utf-8").replace("feature_count = 149\n", "", 1)
    with pytest.raises(SourceManifestError, match="feature_count"):
        load_sources(_write(tmp_path, text))


def test_bad_geometry_type_is_rejected(tmp_path: Path):
    text = MANIFEST_PATH.read_text(encoding="utf-8").replace('["Point"]', '["Dot"]')
    with pytest.raises(SourceManifestError, match="geometría"):
        load_sources(_write(tmp_path, text))


def test_duplicate_id_is_rejected(tmp_path: Path):
    text = MANIFEST_PATH.read_text(encoding="utf-8").replace('id = "tm_troncales"',
                                                             'id = "localidades"')
    with pytest.raises(SourceManifestError, match="repetido"):
        load_sources(_write(tmp_path, text))


def test_invalid_toml_names_the_file(tmp_path: Path):
    path = _write(tmp_path, "[[source]\nid = ")
    with pytest.raises(SourceManifestError, match="sources.toml"):
        load_sources(path)
