"""The manifest of external datasets (``data/sources.toml``), loaded and validated."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MANIFEST_PATH", "Source", "SourceManifestError", "load_sources", "source_by_id"]

MANIFEST_PATH = Path(__file__).resolve().parent / "sources.toml"

_GEOMETRY_TYPES = {
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
}
_REQUIRED = (
    "id", "title", "publisher", "page_url", "download_url", "license", "attribution",
    "file", "geometry_types", "feature_count", "key_fields", "bbox",
)


class SourceManifestError(ValueError):
    """The manifest of sources is malformed."""


@dataclass(frozen=True)
class Source:
    """One external dataset, as declared in the manifest.

    Attributes
    ----------
    id : str
        Short identifier (``localidades``).
    title, publisher, license, attribution : str
        Human-readable provenance; ``attribution`` goes on every map and export.
    page_url : str
        Official dataset page (where a person gets the file).
    download_url : str
        Direct download used by the ingest when the file is not mirrored.
    file : str
        Local file name in the mirror directory.
    geometry_types : tuple of str
        Accepted GeoJSON geometry types.
    feature_count : int
        Exact number of features expected.
    key_fields : tuple of str
        Properties every feature must have.
    bbox : tuple of float
        ``(min_lon, min_lat, max_lon, max_lat)`` every coordinate must fall in.
    sha256 : str or None
        Hash of the mirrored snapshot; a mismatch only warns.
    """

    id: str
    title: str
    publisher: str
    page_url: str
    download_url: str
    license: str
    attribution: str
    file: str
    geometry_types: tuple[str, ...]
    feature_count: int
    key_fields: tuple[str, ...]
    bbox: tuple[float, float, float, float]
    sha256: str | None = None


def _build(entry: dict, where: str) -> Source:
    missing = [key for key in _REQUIRED if key not in entry]
    if missing:
        raise SourceManifestError(f"{where}: faltan los campos {', '.join(missing)}.")
    unknown = sorted(set(entry) - set(_REQUIRED) - {"sha256"})
    if unknown:
        raise SourceManifestError(f"{where}: campos desconocidos {', '.join(unknown)}.")
    types = tuple(entry["geometry_types"])
    bad = [t for t in types if t not in _GEOMETRY_TYPES]
    if not types or bad:
        raise SourceManifestError(f"{where}: tipos de geometría no válidos {bad or types}.")
    count = entry["feature_count"]
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        raise SourceManifestError(f"{where}: feature_count debe ser un entero positivo.")
    bbox = tuple(float(v) for v in entry["bbox"])
    if len(bbox) != 4 or bbox[0] >= bbox[2] or bbox[1] >= bbox[3]:
        raise SourceManifestError(f"{where}: bbox debe ser [lon_min, lat_min, lon_max, lat_max].")
    sha = entry.get("sha256")
    if sha is not None and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)):
        raise SourceManifestError(f"{where}: sha256 debe tener 64 dígitos hexadecimales.")
    for key in ("page_url", "download_url"):
        if not str(entry[key]).startswith(("https://", "http://")):
            raise SourceManifestError(f"{where}: {key} debe ser una URL http(s).")
    return Source(
        id=str(entry["id"]),
        title=str(entry["title"]),
        publisher=str(entry["publisher"]),
        page_url=str(entry["page_url"]),
        download_url=str(entry["download_url"]),
        license=str(entry["license"]),
        attribution=str(entry["attribution"]),
        file=str(entry["file"]),
        geometry_types=types,
        feature_count=count,
        key_fields=tuple(str(f) for f in entry["key_fields"]),
        bbox=bbox,  # type: ignore[arg-type]
        sha256=sha,
    )


def load_sources(path: Path | str | None = None) -> tuple[Source, ...]:
    """Read and validate the manifest of sources.

    Parameters
    ----------
    path : path-like, optional
        Manifest file; defaults to ``data/sources.toml``.

    Returns
    -------
    tuple of Source
        In manifest order, with unique ids and file names.

    Raises
    ------
    SourceManifestError
        When the file is not valid TOML or an entry is incomplete or inconsistent.
    """
    path = Path(path) if path is not None else MANIFEST_PATH
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SourceManifestError(
            f"No se pudo leer el manifiesto de fuentes {path}: {exc}"
        ) from exc
    entries = raw.get("source")
    if not isinstance(entries, list) or not entries:
        raise SourceManifestError(f"{path}: no declara ninguna fuente ([[source]]).")
    sources = tuple(_build(e, f"{path} (fuente {i + 1})") for i, e in enumerate(entries))
    for attr in ("id", "file"):
        values = [getattr(s, attr) for s in sources]
        dupes = sorted({v for v in values if values.count(v) > 1})
        if dupes:
            raise SourceManifestError(f"{path}: {attr} repetido: {', '.join(dupes)}.")
    return sources


def source_by_id(sources: tuple[Source, ...], source_id: str) -> Source:
    """Return the source with ``source_id``; ``KeyError`` when it is not declared."""
    for source in sources:
        if source.id == source_id:
            return source
    raise KeyError(source_id)
