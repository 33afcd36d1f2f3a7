"""Tests for data/geodata.py: the layers the app loads at start-up."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest
import shapely

from data import geodata
from data.config import load_settings
from data.geodata import (
    CORRIDOR_COLUMNS,
    LOCALITY_COLUMNS,
    STATION_COLUMNS,
    ensure_geodata,
    load_corridors,
    load_display_localities,
    load_localities,
    load_stations,
)
from data.ingest import MANIFEST_NAME, IngestError
from data.names import LOCALITY_NAMES
from data.sources import load_sources

CODES = [f"{n:02d}" for n in range(1, 21)]


def test_localities(geodata_cache: Path):
    loc = load_localities(geodata_cache)
    assert tuple(loc.columns) == LOCALITY_COLUMNS
    assert loc.crs.to_epsg() == 4326
    assert list(loc["code"]) == CODES
    assert list(loc["name"]) == [LOCALITY_NAMES[c] for c in CODES]
    assert "Antonio Nariño" in set(loc["name"]) and "La Candelaria" in set(loc["name"])
    assert not any("Ã" in n or n.isupper() for n in loc["name"])
    assert shapely.is_valid(np.asarray(loc.geometry.values)).all()
    assert (loc.geom_type == "MultiPolygon").all()
    areas = loc.set_index("code")["area_km2"]
    assert areas.idxmax() == "20" and areas["20"] > 10 * areas.median()  # Sumapaz


def test_display_localities(geodata_cache: Path):
    full = load_localities(geodata_cache)
    display = load_display_localities(geodata_cache)
    assert tuple(display.columns) == LOCALITY_COLUMNS
    assert display.crs.to_epsg() == 4326
    assert list(display["code"]) == CODES
    assert list(display["area_km2"]) == list(full["area_km2"])
    geoms = np.asarray(display.geometry.values)
    assert shapely.is_valid(geoms).all() and shapely.coverage_is_valid(geoms)
    assert len(display.to_json(drop_id=True).encode()) <= 200_000
    assert shapely.get_num_coordinates(geoms).sum() < 10_000
    # Simplification moves edges by metres, not by a share of the area.
    rel = np.abs(display.to_crs(3116).area.to_numpy() - full.to_crs(3116).area.to_numpy())
    assert (rel / full.to_crs(3116).area.to_numpy()).max() < 0.01


def test_stations_join(geodata_cache: Path):
    stations = load_stations(geodata_cache)
    localities = load_localities(geodata_cache)
    assert tuple(stations.columns) == STATION_COLUMNS
    assert len(stations) == 149 and stations["station_id"].is_unique
    inside = stations[stations["in_district"]]
    outside = stations[~stations["in_district"]]
    assert len(outside) >= 1
    assert all(code is None for code in outside["locality_code"])
    assert set(outside["trunk"]) == {"Soacha"}
    assert inside["locality_code"].isin(CODES).all()
    polygons = localities.set_index("code").geometry
    for _, row in inside.iterrows():
        assert polygons[row["locality_code"]].intersects(row.geometry), row["name"]
    district = shapely.union_all(np.asarray(localities.geometry.values))
    for point in outside.geometry:
        assert not district.intersects(point)
    assert set(stations["wifi"].map(repr)) <= {"True", "False", "None"}
    assert stations["in_district"].dtype == bool


def test_corridors(geodata_cache: Path):
    corridors = load_corridors(geodata_cache)
    assert tuple(corridors.columns) == CORRIDOR_COLUMNS
    assert len(corridors) == 20 and corridors["corridor_id"].is_unique
    assert set(corridors.geom_type) <= {"LineString", "MultiLineString"}
    assert (corridors["letter"].str.fullmatch(r"[A-Z]")).all()
    assert "Carrera 7" in set(corridors["name"]) and "Américas" in set(corridors["name"])
    assert corridors["phase"].isin(["Fase I", "Fase II", "Fase III"]).all()
    assert corridors["length_km"].sum() == pytest.approx(130, rel=0.1)


def test_loaders_return_copies_and_read_once(geodata_cache: Path):
    geodata._read.cache_clear()
    first = load_localities(geodata_cache)
    first["name"] = "x"
    second = load_localities(geodata_cache)
    assert second["name"].iloc[0] == "Usaquén"
    info = geodata._read.cache_info()
    assert info.misses == 1 and info.hits == 1


def test_missing_cache_is_explained(tmp_path: Path):
    with pytest.raises(IngestError, match="python -m data.ingest"):
        load_stations(tmp_path / "nothing")


def _settings(tmp_path: Path, sources: Path | None):
    base = load_settings({"BOGOTA_TI_CACHE": str(tmp_path / "cache")})
    return dataclasses.replace(base, sources_dir=sources)


def test_ensure_geodata_ingests_then_reuses(tmp_path: Path, shared_sources: Path,
                                            geodata_cache: Path):
    settings = _settings(tmp_path, shared_sources)
    target = tmp_path / "cache" / "geodata"
    shutil.copytree(geodata_cache, target)  # a current cache: nothing to do
    stamp = (target / MANIFEST_NAME).read_bytes()
    assert ensure_geodata(settings) == target
    assert (target / MANIFEST_NAME).read_bytes() == stamp


def test_ensure_geodata_rebuilds_when_stale(tmp_path: Path, shared_sources: Path,
                                            geodata_cache: Path, monkeypatch):
    settings = _settings(tmp_path, shared_sources)
    target = tmp_path / "cache" / "geodata"
    shutil.copytree(geodata_cache, target)
    monkeypatch.setattr("data.ingest.INGEST_VERSION", "test-bump")
    before = (target / MANIFEST_NAME).read_text(encoding="utf-8")
    assert ensure_geodata(settings) == target
    after = (target / MANIFEST_NAME).read_text(encoding="utf-8")
    assert '"test-bump"' in after and after != before
    assert len(load_localities(target)) == 20


def test_ensure_geodata_missing_sources_names_them(tmp_path: Path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    # No internet in tests: every download goes to a closed loopback port.
    closed = tuple(dataclasses.replace(s, download_url="http://127.0.0.1:9/x")
                   for s in load_sources())
    monkeypatch.setattr("data.geodata.load_sources", lambda: closed)
    monkeypatch.setattr("data.ingest.load_sources", lambda: closed)
    with pytest.raises(IngestError) as info:
        ensure_geodata(_settings(tmp_path, empty))
    assert "localidades.geojson" in str(info.value)
    assert "descarga falló" in str(info.value)
    assert not (tmp_path / "cache" / "geodata").exists()
