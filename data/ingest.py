"""Ingest of the external geodata: fetch, validate, repair, write the cache atomically.

Run it with ``python -m data.ingest`` (options: ``--sources``, ``--cache``,
``--force``). For each source of ``data/sources.toml`` the file is taken from
the mirror directory or else downloaded from its official URL, validated
against the manifest, repaired (names, Wi-Fi flags, trailing spaces) and turned
into GeoParquet layers. Everything is built in a temporary directory next to
the cache and swapped in only when every source succeeded, so a failure
leaves the previous cache exactly as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data import geometry, names
from data.config import Settings, load_settings
from data.sources import MANIFEST_PATH, Source, load_sources, source_by_id

__all__ = [
    "INGEST_VERSION",
    "LAYER_FILES",
    "MANIFEST_NAME",
    "IngestError",
    "default_cache_dir",
    "file_sha256",
    "ingest",
    "main",
    "stale_reason",
]

log = logging.getLogger(__name__)

#: Bump whenever the processed layers change, so existing caches are rebuilt.
INGEST_VERSION = "1"
MANIFEST_NAME = "manifest.json"
LAYER_FILES = {
    "localities": "localities.parquet",
    "localities_display": "localities_display.parquet",
    "stations": "stations.parquet",
    "corridors": "corridors.parquet",
}
#: Computed area may differ from the official LocArea by at most this share.
AREA_TOLERANCE = 0.01
DOWNLOAD_TIMEOUT_S = 30.0
_ACCEPTED_CRS = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
}
_WIFI = {"VALOR SI AL CAMPO": True, "SI": True, "VALOR NO AL CAMPO": False, "NO": False}


class IngestError(Exception):
    """A source is missing or invalid; the message says what and how to fix it."""


def default_cache_dir(settings: Settings | None = None) -> Path:
    """Directory of the processed geodata: ``<cache root>/geodata``."""
    settings = settings or load_settings()
    return Path(settings.cache_dir) / "geodata"


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _manifest_sha() -> str:
    return file_sha256(MANIFEST_PATH)


def _number(value: float, decimals: int = 0) -> str:
    """Format a number the es-CO way: 1.234,5."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _fail(source: Source, location: str, expected: str, found: str) -> IngestError:
    return IngestError(
        f"Fuente «{source.title}» ({location}): se esperaba {expected}, "
        f"pero se encontró {found}. Descargue el archivo «{source.file}» de {source.page_url} "
        "y colóquelo en la carpeta de fuentes (variable BOGOTA_TI_SOURCES)."
    )


# --------------------------------------------------------------------------- fetch


def _download(source: Source, timeout: float) -> bytes:
    request = urllib.request.Request(
        source.download_url, headers={"User-Agent": "tablero-bogota-ti/ingest"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def _fetch(
    source: Source, sources_dir: Path | None, *, download: bool, timeout: float
) -> tuple[bytes, str]:
    """Return the raw bytes of a source and where they came from."""
    if sources_dir is not None:
        path = Path(sources_dir) / source.file
        if path.is_file():
            try:
                return path.read_bytes(), str(path)
            except OSError as exc:
                raise _fail(source, str(path), "un archivo legible", f"un error de lectura: "
                            f"{exc}") from exc
    where = str(Path(sources_dir) / source.file) if sources_dir else source.file
    if not download:
        raise _fail(source, where, f"el archivo {source.file}", "que el archivo no existe")
    try:
        return _download(source, timeout), source.download_url
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise _fail(
            source,
            where,
            f"el archivo {source.file} (no está en la carpeta de fuentes y se intentó "
            f"descargarlo de {source.download_url})",
            f"que la descarga falló: {getattr(exc, 'reason', exc)}",
        ) from exc


# ------------------------------------------------------------------------ validate


def _parse(source: Source, raw: bytes, origin: str) -> gpd.GeoDataFrame:
    """Parse and validate a GeoJSON FeatureCollection against its manifest entry."""
    expected_doc = "un GeoJSON FeatureCollection completo"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(source, origin, "texto UTF-8", f"bytes no válidos en la posición "
                    f"{exc.start}") from exc
    if not text.strip():
        raise _fail(source, origin, expected_doc, "un archivo vacío")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        truncated = exc.pos >= len(text.rstrip()) - 1
        what = "un JSON truncado (el archivo termina antes de tiempo)" if truncated else (
            "JSON no válido")
        raise _fail(source, origin, expected_doc,
                    f"{what} en la línea {exc.lineno}, columna {exc.colno} de "
                    f"{_number(len(raw))} bytes (detalle: {exc.msg})") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        found = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise _fail(source, origin, expected_doc, f"un objeto de tipo {found!r}")
    features = doc.get("features")
    if not isinstance(features, list):
        raise _fail(source, origin, expected_doc, "que falta la lista «features»")
    crs = ((doc.get("crs") or {}).get("properties") or {}).get("name")
    if crs is not None and crs not in _ACCEPTED_CRS:
        raise _fail(source, origin, "coordenadas en EPSG:4326 (lon/lat)", f"el CRS {crs!r}")
    if len(features) != source.feature_count:
        raise _fail(source, origin, f"{source.feature_count} elementos",
                    f"{len(features)} elementos")
    for i, feature in enumerate(features, start=1):
        geom = (feature or {}).get("geometry") or {}
        gtype = geom.get("type")
        if gtype not in source.geometry_types:
            raise _fail(source, origin,
                        f"geometrías de tipo {' o '.join(source.geometry_types)}",
                        f"{gtype or 'una geometría vacía'} en el elemento {i}")
        props = (feature or {}).get("properties") or {}
        missing = [f for f in source.key_fields if f not in props]
        if missing:
            raise _fail(source, origin,
                        f"los campos {', '.join(source.key_fields)}",
                        f"que al elemento {i} le falta el campo «{missing[0]}»")
    try:
        gdf = gpd.GeoDataFrame.from_features(features, crs=geometry.WGS84)
    except Exception as exc:  # shapely/geopandas raise several types on bad coordinates
        raise _fail(source, origin, "geometrías GeoJSON bien formadas",
                    f"un error al leerlas: {exc}") from exc
    if gdf.geometry.is_empty.any():
        first = int(np.flatnonzero(gdf.geometry.is_empty.to_numpy())[0]) + 1
        raise _fail(source, origin, "geometrías no vacías", f"una vacía en el elemento {first}")
    minx, miny, maxx, maxy = gdf.total_bounds
    bx0, by0, bx1, by1 = source.bbox
    if minx < bx0 or miny < by0 or maxx > bx1 or maxy > by1:
        raise _fail(source, origin, f"coordenadas lon/lat dentro de {list(source.bbox)}",
                    f"la extensión {[round(v, 4) for v in (minx, miny, maxx, maxy)]}")
    return gdf


# -------------------------------------------------------------------------- repair


def _clean(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _localities(source: Source, raw: gpd.GeoDataFrame, origin: str) -> gpd.GeoDataFrame:
    codes = [_clean(c).zfill(2) for c in raw["LocCodigo"]]
    expected = [f"{n:02d}" for n in range(1, 21)]
    if sorted(codes) != expected:
        raise _fail(source, origin, "los códigos de localidad 01 a 20, una vez cada uno",
                    f"los códigos {', '.join(sorted(codes))}")
    try:
        labels = [names.locality_name(c, _clean(n)) for c, n in zip(codes, raw["LocNombre"],
                                                                     strict=True)]
    except ValueError as exc:
        raise _fail(source, origin, "nombres de localidad coherentes con su código",
                    str(exc)) from exc
    geoms = np.asarray(raw.geometry.values)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    geoms = np.array([g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon(
        [p for p in getattr(g, "geoms", [g]) if p.geom_type == "Polygon"]) for g in geoms])
    out = gpd.GeoDataFrame({"code": codes, "name": labels}, geometry=geoms, crs=geometry.WGS84)
    out["area_km2"] = geometry.area_km2(out)
    official = pd.to_numeric(raw["LocArea"], errors="coerce").to_numpy() / 1e6
    error = np.abs(out["area_km2"].to_numpy() - official) / official
    if not np.all(error <= AREA_TOLERANCE):
        worst = int(np.nanargmax(np.where(np.isnan(error), np.inf, error)))
        raise _fail(source, origin,
                    f"áreas que coincidan con LocArea dentro del {AREA_TOLERANCE:.0%}",
                    f"{out['name'][worst]}: {_number(out['area_km2'][worst], 3)} km² "
                    f"calculados frente a {_number(official[worst], 3)} km² oficiales")
    out = out[["code", "name", "area_km2", "geometry"]]
    return out.sort_values("code").reset_index(drop=True)


def _phase(value: object) -> str:
    """"FASE III" -> "Fase III" (roman numerals stay upper case)."""
    words = _clean(value).split(" ")
    return " ".join([words[0].capitalize(), *(w.upper() for w in words[1:])]).strip()


def _wifi(value: object) -> bool | None:
    return _WIFI.get(names.fold(str(value))) if value is not None else None


def _stations(source: Source, raw: gpd.GeoDataFrame, origin: str,
              localities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    ids = [_clean(v) for v in raw["numero_estacion"]]
    if len(set(ids)) != len(ids) or "" in ids:
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise _fail(source, origin, "un número de estación único y no vacío por estación",
                    f"números repetidos o vacíos {dupes or ['(vacío)']}")
    wagons = pd.to_numeric(raw["numero_vagones_estacion"], errors="coerce")
    out = gpd.GeoDataFrame(
        {
            "station_id": ids,
            "name": [names.repair_mojibake(_clean(v)) for v in raw["nombre_estacion"]],
            "trunk": [names.repair_mojibake(_clean(v)) for v in raw["troncal_estacion"]],
            "wagons": wagons.astype("Int64"),
            "wifi": pd.Series([_wifi(v) for v in raw["componente_wifi"]], dtype=object),
            "corridor_id": [_clean(v) or None for v in raw["id_trazado_troncal"]],
        },
        geometry=np.asarray(raw.geometry.values),
        crs=geometry.WGS84,
    )
    joined = geometry.join_localities(out, localities)
    columns = ["station_id", "name", "trunk", "wagons", "wifi", "locality_code",
               "in_district", "corridor_id", "geometry"]
    return joined[columns].sort_values("station_id").reset_index(drop=True)


def _corridors(source: Source, raw: gpd.GeoDataFrame, origin: str) -> gpd.GeoDataFrame:
    ids = [_clean(v) for v in raw["id_trazado_troncal"]]
    if len(set(ids)) != len(ids) or "" in ids:
        raise _fail(source, origin, "un identificador de trazado único por troncal",
                    "identificadores repetidos o vacíos")
    out = gpd.GeoDataFrame(
        {
            "corridor_id": ids,
            "name": [names.corridor_name(_clean(v)) for v in raw["nombre_trazado_troncal"]],
            "letter": [_clean(v).upper() for v in raw["letra_trazado_troncal"]],
            "trunk": [names.corridor_name(_clean(v)) for v in raw["troncal"]],
            "phase": [_phase(v) for v in raw["fase_trazado_troncal"]],
        },
        geometry=np.asarray(raw.geometry.values),
        crs=geometry.WGS84,
    )
    out["length_km"] = geometry.length_km(out)
    out = geometry.simplify_lines(out)
    columns = ["corridor_id", "name", "letter", "trunk", "phase", "length_km", "geometry"]
    return out[columns].sort_values("corridor_id").reset_index(drop=True)


def _build_layers(parsed: dict[str, tuple[gpd.GeoDataFrame, str]],
                  sources: tuple[Source, ...]) -> dict[str, gpd.GeoDataFrame]:
    loc_src = source_by_id(sources, "localidades")
    localities = _localities(loc_src, *parsed["localidades"])
    display = geometry.simplify_coverage(localities)
    return {
        "localities": localities,
        "localities_display": display,
        "stations": _stations(source_by_id(sources, "tm_estaciones"),
                              *parsed["tm_estaciones"], localities),
        "corridors": _corridors(source_by_id(sources, "tm_troncales"), *parsed["tm_troncales"]),
    }


# --------------------------------------------------------------------------- cache


def _read_manifest(cache_dir: Path) -> dict | None:
    try:
        return json.loads((cache_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def stale_reason(cache_dir: Path, sources_dir: Path | None,
                 sources: tuple[Source, ...] | None = None) -> str | None:
    """Why the cache must be rebuilt, or None when it is current.

    Stale means: no manifest or layer file, another ingest version, another
    manifest of sources, or a mirrored input whose hash changed. A source that
    is not mirrored (``sources_dir`` None or file absent) keeps its cached layer.
    """
    sources = sources if sources is not None else load_sources()
    cache_dir = Path(cache_dir)
    manifest = _read_manifest(cache_dir)
    if manifest is None:
        return "no hay caché procesada"
    if manifest.get("ingest_version") != INGEST_VERSION:
        return "cambió la versión de la ingesta"
    if manifest.get("sources_manifest_sha256") != _manifest_sha():
        return "cambió el manifiesto de fuentes"
    missing = [name for name in LAYER_FILES.values() if not (cache_dir / name).is_file()]
    if missing:
        return f"faltan capas: {', '.join(missing)}"
    recorded = manifest.get("sources", {})
    for source in sources:
        if sources_dir is None:
            continue
        path = Path(sources_dir) / source.file
        if path.is_file() and recorded.get(source.id, {}).get("sha256") != file_sha256(path):
            return f"cambió el archivo {source.file}"
    return None


@contextlib.contextmanager
def _lock(cache_dir: Path) -> Iterator[None]:
    """Serialise ingests of the same cache (several gunicorn workers at start-up)."""
    lock_path = cache_dir.parent / f".{cache_dir.name}.lock"
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _swap_in(tmp: Path, cache_dir: Path) -> None:
    """Replace ``cache_dir`` by ``tmp``; the previous cache survives any failure."""
    old = None
    if cache_dir.exists():
        old = cache_dir.parent / f".{cache_dir.name}.old-{uuid.uuid4().hex}"
        os.replace(cache_dir, old)
    try:
        os.replace(tmp, cache_dir)
    except OSError:
        if old is not None:
            os.replace(old, cache_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def ingest(
    sources_dir: Path | str | None,
    cache_dir: Path | str,
    *,
    force: bool = False,
    sources: tuple[Source, ...] | None = None,
    download: bool = True,
    timeout: float = DOWNLOAD_TIMEOUT_S,
) -> Path:
    """Build the processed geodata cache.

    Parameters
    ----------
    sources_dir : path-like or None
        Mirror directory holding the source files; None to download them all.
    cache_dir : path-like
        Directory of the processed layers (e.g. ``.cache/geodata``); its parent
        also holds the temporary build directory and the lock.
    force : bool
        Rebuild even when the cache is current.
    sources : tuple of Source, optional
        Manifest entries; default ``data/sources.toml``.
    download : bool
        Whether a file missing from ``sources_dir`` may be downloaded.
    timeout : float
        Download timeout in seconds.

    Returns
    -------
    Path
        ``cache_dir``, holding one GeoParquet file per layer and ``manifest.json``.

    Raises
    ------
    IngestError
        When a source is missing, unreadable or does not match the manifest. The
        previous cache is then left untouched.
    """
    sources = sources if sources is not None else load_sources()
    sources_dir = Path(sources_dir) if sources_dir is not None else None
    cache_dir = Path(cache_dir)
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    with _lock(cache_dir):
        if not force and stale_reason(cache_dir, sources_dir, sources) is None:
            return cache_dir
        record: dict[str, dict] = {}
        parsed: dict[str, tuple[gpd.GeoDataFrame, str]] = {}
        for source in sources:
            raw, origin = _fetch(source, sources_dir, download=download, timeout=timeout)
            sha = hashlib.sha256(raw).hexdigest()
            if source.sha256 and sha != source.sha256:
                log.warning("Aviso: %s difiere de la versión registrada en el manifiesto "
                            "(sha256 %s); se valida igual.", origin, sha[:12])
            parsed[source.id] = (_parse(source, raw, origin), origin)
            record[source.id] = {"file": source.file, "origin": origin, "sha256": sha,
                                 "features": source.feature_count}
        layers = _build_layers(parsed, sources)
        tmp = Path(tempfile.mkdtemp(prefix=f".{cache_dir.name}.tmp-", dir=cache_dir.parent))
        try:
            tmp.chmod(0o755)
            for name, frame in layers.items():
                frame.to_parquet(tmp / LAYER_FILES[name], index=False)
            manifest = {
                "ingest_version": INGEST_VERSION,
                "sources_manifest_sha256": _manifest_sha(),
                "processed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "sources": record,
                "layers": {name: {"file": LAYER_FILES[name], "rows": len(frame)}
                           for name, frame in layers.items()},
            }
            (tmp / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                             encoding="utf-8")
            _swap_in(tmp, cache_dir)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return cache_dir


# ----------------------------------------------------------------------------- CLI


def _parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m data.ingest",
        description="Valida las fuentes geográficas y genera las capas procesadas (GeoParquet).",
    )
    parser.add_argument("--sources", type=Path, default=settings.sources_dir,
                        help="carpeta espejo con los archivos fuente "
                             "(por defecto BOGOTA_TI_SOURCES o ../shared/data)")
    parser.add_argument("--cache", type=Path, default=default_cache_dir(settings),
                        help="carpeta de las capas procesadas (por defecto .cache/geodata)")
    parser.add_argument("--force", action="store_true",
                        help="reconstruir aunque la caché esté al día")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = _parser(load_settings()).parse_args(argv)
    try:
        path = ingest(args.sources, args.cache, force=args.force)
    except IngestError as exc:
        print(f"Error de ingesta: {exc}", file=sys.stderr)
        return 1
    manifest = _read_manifest(path) or {}
    rows = ", ".join(f"{k}={v['rows']}" for k, v in manifest.get("layers", {}).items())
    print(f"Capas geográficas listas en {path} ({rows}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
