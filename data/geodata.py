"""Processed geodata for the app: make sure the cache is current, then read its layers.

All layers are GeoDataFrames in EPSG:4326. Each file is read once per process
(cached by path and modification time) and every call returns a copy, so
callers may modify what they get.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import pandas as pd

from data.config import Settings, load_settings
from data.ingest import (
    LAYER_FILES,
    MANIFEST_NAME,
    IngestError,
    default_cache_dir,
    ingest,
    stale_reason,
)
from data.sources import load_sources

__all__ = [
    "CORRIDOR_COLUMNS",
    "LOCALITY_COLUMNS",
    "STATION_COLUMNS",
    "ensure_geodata",
    "load_corridors",
    "load_display_localities",
    "load_localities",
    "load_stations",
]

LOCALITY_COLUMNS = ("code", "name", "area_km2", "geometry")
STATION_COLUMNS = (
    "station_id", "name", "trunk", "wagons", "wifi", "locality_code", "in_district",
    "corridor_id", "geometry",
)
CORRIDOR_COLUMNS = ("corridor_id", "name", "letter", "trunk", "phase", "length_km", "geometry")


def ensure_geodata(settings: Settings | None = None) -> Path:
    """Return the processed geodata directory, running the ingest if needed.

    The ingest runs when the cache is missing or stale: another ingest version,
    another manifest of sources, or a mirrored input file whose hash changed.

    Parameters
    ----------
    settings : Settings, optional
        Default: :func:`data.config.load_settings`.

    Returns
    -------
    Path
        ``<cache root>/geodata``.

    Raises
    ------
    IngestError
        When the cache must be rebuilt and a source is missing or invalid.
    """
    settings = settings or load_settings()
    cache_dir = default_cache_dir(settings)
    if stale_reason(cache_dir, settings.sources_dir, load_sources()) is None:
        return cache_dir
    return ingest(settings.sources_dir, cache_dir)


@functools.lru_cache(maxsize=32)
def _read(path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    return gpd.read_parquet(path)


def _layer(name: str, cache_dir: Path | str | None, columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    path = directory / LAYER_FILES[name]
    try:
        stamp = (directory / MANIFEST_NAME).stat().st_mtime_ns
        frame = _read(str(path), stamp)
    except (OSError, ValueError) as exc:
        raise IngestError(
            f"No se encontró la capa procesada {path}. Ejecute «python -m data.ingest» "
            "(o «make ingest») para generarla a partir de las fuentes."
        ) from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise IngestError(
            f"La capa {path} no tiene las columnas {', '.join(missing)}; "
            "regenérela con «python -m data.ingest --force»."
        )
    return frame.copy()


def _none_for_missing(series: pd.Series) -> pd.Series:
    values = series.astype(object)
    return values.where(values.notna(), None)


def load_localities(cache_dir: Path | str | None = None) -> gpd.GeoDataFrame:
    """The 20 localities at full resolution: code, name, area_km2, geometry (sorted by code)."""
    return _layer("localities", cache_dir, LOCALITY_COLUMNS)


def load_display_localities(cache_dir: Path | str | None = None) -> gpd.GeoDataFrame:
    """The 20 localities simplified for maps (shared edges kept), same columns."""
    return _layer("localities_display", cache_dir, LOCALITY_COLUMNS)


def load_stations(cache_dir: Path | str | None = None) -> gpd.GeoDataFrame:
    """TransMilenio trunk stations with their locality.

    Columns: station_id, name, trunk, wagons, wifi (True/False/None), locality_code
    (None outside the district), in_district, corridor_id, geometry.
    """
    frame = _layer("stations", cache_dir, STATION_COLUMNS)
    for column in ("wifi", "locality_code", "corridor_id"):
        frame[column] = _none_for_missing(frame[column])
    frame["in_district"] = frame["in_district"].astype(bool)
    return frame


def load_corridors(cache_dir: Path | str | None = None) -> gpd.GeoDataFrame:
    """TransMilenio trunk corridors, lightly simplified for display.

    Columns: corridor_id, name, letter, trunk, phase, length_km (of the
    full-resolution line), geometry.
    """
    return _layer("corridors", cache_dir, CORRIDOR_COLUMNS)
