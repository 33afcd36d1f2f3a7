"""Tests for data/ingest.py: validation, repair and the atomic cache."""

from __future__ import annotations

import dataclasses
import functools
import http.server
import json
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest

from data import ingest as ingest_module
from data.ingest import MANIFEST_NAME, IngestError, ingest, main, stale_reason
from data.sources import load_sources, source_by_id

LOCALITIES = "localidades.geojson"
STATIONS = "transmilenio_estaciones.geojson"
PAGE = "https://datosabiertos.bogota.gov.co/dataset/localidad-bogota-d-c"


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def mirror(tmp_path: Path, shared_sources: Path) -> Path:
    """A writable copy of the real source files."""
    target = tmp_path / "mirror"
    target.mkdir()
    for source in load_sources():
        shutil.copyfile(shared_sources / source.file, target / source.file)
    return target


@pytest.fixture
def previous(tmp_path: Path, geodata_cache: Path) -> Path:
    """A copy of a good processed cache, standing for the one a failed ingest must keep."""
    target = tmp_path / "root" / "geodata"
    shutil.copytree(geodata_cache, target)
    return target


def _edit(path: Path, change) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def _assert_fails_and_keeps(mirror: Path, previous: Path, *fragments: str) -> str:
    before = _snapshot(previous)
    with pytest.raises(IngestError) as info:
        ingest(mirror, previous, force=True, download=False)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    assert _snapshot(previous) == before
    leftovers = [p.name for p in previous.parent.iterdir() if p.name.startswith(".geodata.")]
    assert leftovers in ([], [".geodata.lock"])
    return message


def test_ingest_writes_layers_and_manifest(geodata_cache: Path):
    manifest = json.loads((geodata_cache / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["ingest_version"] == ingest_module.INGEST_VERSION
    for source in load_sources():
        assert manifest["sources"][source.id]["sha256"] == source.sha256
    for name, file in ingest_module.LAYER_FILES.items():
        frame = gpd.read_parquet(geodata_cache / file)
        assert frame.crs.to_epsg() == 4326
        assert manifest["layers"][name]["rows"] == len(frame)


def test_missing_file(mirror: Path, previous: Path):
    (mirror / LOCALITIES).unlink()
    message = _assert_fails_and_keeps(mirror, previous, LOCALITIES, "no existe", PAGE)
    assert "Localidades de Bogotá" in message


def test_truncated_geojson(mirror: Path, previous: Path):
    raw = (mirror / LOCALITIES).read_bytes()
    (mirror / LOCALITIES).write_bytes(raw[: len(raw) // 2])
    _assert_fails_and_keeps(mirror, previous, LOCALITIES, "truncado", "FeatureCollection", PAGE)


def test_empty_file(mirror: Path, previous: Path):
    (mirror / STATIONS).write_bytes(b"")
    _assert_fails_and_keeps(mirror, previous, STATIONS, "vacío")


def test_wrong_feature_count(mirror: Path, previous: Path):
    _edit(mirror / LOCALITIES, lambda d: d["features"].pop())
    _assert_fails_and_keeps(mirror, previous, LOCALITIES, "20 elementos", "19 elementos", PAGE)


def test_wrong_geometry_type(mirror: Path, previous: Path):
    def to_point(doc):
        doc["features"][3]["geometry"] = {"type": "Point", "coordinates": [-74.1, 4.6]}

    _edit(mirror / LOCALITIES, to_point)
    _assert_fails_and_keeps(mirror, previous, LOCALITIES, "MultiPolygon", "Point",
                            "elemento 4")


def test_missing_field(mirror: Path, previous: Path):
    _edit(mirror / LOCALITIES, lambda d: d["features"][0]["properties"].pop("LocCodigo"))
    _assert_fails_and_keeps(mirror, previous, LOCALITIES, "LocCodigo", "elemento 1")


def test_missing_field_in_stations(mirror: Path, previous: Path):
    _edit(mirror / STATIONS, lambda d: d["features"][10]["properties"].pop("componente_wifi"))
    _assert_fails_and_keeps(mirror, previous, STATIONS, "componente_wifi", "elemento 11",
                            "estaciones-troncales-de-transmilenio")


def test_name_that_does_not_match_the_code(mirror: Path, previous: Path):
    def swap(doc):
        first, second = doc["features"][0]["properties"], doc["features"][1]["properties"]
        first["LocNombre"], second["LocNombre"] = second["LocNombre"], first["LocNombre"]

    _edit(mirror / LOCALITIES, swap)
    _assert_fails_and_keeps(mirror, previous, LOCALITIES, "TUNJUELITO", "Antonio Nariño")


def test_duplicate_locality_code(mirror: Path, previous: Path):
    _edit(mirror / LOCALITIES, lambda d: d["features"][0]["properties"].update(LocCodigo="06"))
    _assert_fails_and_keeps(mirror, previous, LOCALITIES, "01 a 20")


def test_projected_coordinates_are_rejected(mirror: Path, previous: Path):
    def to_metres(doc):
        doc["features"][0]["geometry"] = {"type": "Point", "coordinates": [1000326.9, 1007756.3]}

    _edit(mirror / STATIONS, to_metres)
    _assert_fails_and_keeps(mirror, previous, STATIONS, "lon/lat", "1000326")


def test_failure_without_previous_cache_leaves_nothing(mirror: Path, tmp_path: Path):
    (mirror / STATIONS).unlink()
    cache = tmp_path / "fresh" / "geodata"
    with pytest.raises(IngestError):
        ingest(mirror, cache, download=False)
    assert not cache.exists()
    assert [p.name for p in cache.parent.iterdir()] == [".geodata.lock"]


def test_failure_while_writing_keeps_previous(mirror: Path, previous: Path, monkeypatch):
    before = _snapshot(previous)
    calls = []
    original = gpd.GeoDataFrame.to_parquet

    def flaky(self, path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disco lleno")
        return original(self, path, *args, **kwargs)

    monkeypatch.setattr(gpd.GeoDataFrame, "to_parquet", flaky)
    with pytest.raises(OSError, match="disco lleno"):
        ingest(mirror, previous, force=True, download=False)
    assert _snapshot(previous) == before
    assert [p.name for p in previous.parent.iterdir() if p.name != "geodata"] == [".geodata.lock"]


def test_changed_content_only_warns_on_sha(mirror: Path, tmp_path: Path, caplog):
    _edit(mirror / STATIONS,
          lambda d: d["features"][0]["properties"].update(nombre_estacion="AV. Chile "))
    with caplog.at_level("WARNING", logger="data.ingest"):
        cache = ingest(mirror, tmp_path / "c" / "geodata", download=False)
    assert "sha256" in caplog.text and STATIONS in caplog.text
    stations = gpd.read_parquet(cache / "stations.parquet")
    assert "AV. Chile" in set(stations["name"])


def test_stale_reason(mirror: Path, tmp_path: Path, monkeypatch):
    cache = ingest(mirror, tmp_path / "c" / "geodata", download=False)
    assert stale_reason(cache, mirror) is None
    assert stale_reason(cache, None) is None
    stamp = (cache / MANIFEST_NAME).read_bytes()
    assert ingest(mirror, cache, download=False) == cache  # current: nothing rewritten
    assert (cache / MANIFEST_NAME).read_bytes() == stamp

    _edit(mirror / STATIONS,
          lambda d: d["features"][0]["properties"].update(ubicacion_estacion="Kr 30"))
    assert STATIONS in stale_reason(cache, mirror)

    monkeypatch.setattr(ingest_module, "INGEST_VERSION", "999")
    assert "versión" in stale_reason(cache, None)
    assert "no hay" in stale_reason(tmp_path / "nothing", mirror)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def file_server(shared_sources: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(shared_sources))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _local_sources(base: str):
    return tuple(dataclasses.replace(s, download_url=f"{base}/{s.file}") for s in load_sources())


def test_downloads_what_is_not_mirrored(mirror: Path, tmp_path: Path, file_server: str):
    (mirror / LOCALITIES).unlink()
    cache = ingest(mirror, tmp_path / "c" / "geodata", sources=_local_sources(file_server))
    manifest = json.loads((cache / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["sources"]["localidades"]["origin"] == f"{file_server}/{LOCALITIES}"
    assert manifest["sources"]["tm_estaciones"]["origin"] == str(mirror / STATIONS)


def test_failed_download_is_explained(mirror: Path, previous: Path):
    (mirror / LOCALITIES).unlink()
    sources = _local_sources(f"http://127.0.0.1:{_free_port()}")
    before = _snapshot(previous)
    with pytest.raises(IngestError) as info:
        ingest(mirror, previous, force=True, sources=sources, timeout=5)
    message = str(info.value)
    assert "descarga falló" in message and LOCALITIES in message and PAGE in message
    assert _snapshot(previous) == before


def test_cli_success_and_failure(mirror: Path, tmp_path: Path, capsys):
    cache = tmp_path / "cli" / "geodata"
    assert main(["--sources", str(mirror), "--cache", str(cache)]) == 0
    assert "localities=20" in capsys.readouterr().out
    before = _snapshot(cache)
    raw = (mirror / LOCALITIES).read_bytes()
    (mirror / LOCALITIES).write_bytes(raw[:1000])
    assert main(["--sources", str(mirror), "--cache", str(cache), "--force"]) != 0
    err = capsys.readouterr().err
    assert "Error de ingesta" in err and LOCALITIES in err and "truncado" in err
    assert _snapshot(cache) == before


def test_manifest_geometry_types_are_enforced(mirror: Path, previous: Path):
    sources = tuple(
        dataclasses.replace(s, geometry_types=("Polygon",)) if s.id == "localidades" else s
        for s in load_sources()
    )
    before = _snapshot(previous)
    with pytest.raises(IngestError, match="MultiPolygon"):
        ingest(mirror, previous, force=True, sources=sources, download=False)
    assert _snapshot(previous) == before
    assert source_by_id(sources, "localidades").geometry_types == ("Polygon",)
