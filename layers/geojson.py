"""Display geometry as compact GeoJSON for Plotly, and label anchor points.

Both functions run once at start-up (or once per export), never in a callback:
the resulting dict is embedded once in the map figure and later updates only
send values (see :mod:`layers.choropleth`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import mapping
from shapely.ops import polylabel

__all__ = ["label_points", "to_feature_collection"]

_WGS84 = "EPSG:4326"


def _to_wgs84(gdf: gpd.GeoDataFrame, id_field: str) -> gpd.GeoDataFrame:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"se esperaba un GeoDataFrame, no {type(gdf).__name__}")
    if id_field not in gdf.columns:
        raise ValueError(f"falta la columna {id_field!r} con el identificador de cada elemento")
    if gdf.crs is None:
        raise ValueError("la capa no tiene sistema de referencia (CRS); asigne EPSG:4326")
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if not gdf.crs.equals(_WGS84):
        gdf = gdf.to_crs(_WGS84)
    return gdf


def _round_ring(ring: Any, precision: int) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y, *_ in ring:
        point = [round(float(x), precision), round(float(y), precision)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def _oriented(ring: list[list[float]], clockwise: bool) -> list[list[float]]:
    return ring[::-1] if (_signed_area(ring) < 0) != clockwise else ring


def _compact(geometry: dict[str, Any], precision: int) -> dict[str, Any] | None:
    kind = geometry["type"]
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"geometría {kind!r} no admitida; se esperaban polígonos")
    parts = []
    for polygon in polygons:
        rings = [_round_ring(ring, precision) for ring in polygon]
        if len(rings[0]) < 4:  # the exterior collapsed at this precision
            continue
        exterior, *holes = (ring for ring in rings if len(ring) >= 4)
        parts.append([_oriented(exterior, True), *(_oriented(h, False) for h in holes)])
    if not parts:
        return None
    if len(parts) == 1:
        return {"type": "Polygon", "coordinates": parts[0]}
    return {"type": "MultiPolygon", "coordinates": parts}


def to_feature_collection(
    gdf: gpd.GeoDataFrame,
    id_field: str = "code",
    precision: int = 5,
    properties: Iterable[str] = (),
) -> dict[str, Any]:
    """Compact GeoJSON FeatureCollection whose feature ids are ``gdf[id_field]``.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons with a CRS (reprojected to EPSG:4326 if needed); null or
        empty geometries are dropped.
    id_field : str
        Column whose (string) values become each feature's ``id``, which is what
        Plotly's ``featureidkey="id"`` (the default) matches ``locations`` with.
    precision : int
        Decimals kept in coordinates (5 is about 1.1 m in Bogotá); consecutive
        duplicate vertices produced by rounding are removed.
        Exterior rings are written clockwise and holes counter-clockwise, the
        winding Plotly's ``geo`` traces (d3-geo) need; MapLibre accepts either.
    properties : iterable of str
        Columns copied into each feature's ``properties`` (default none: the
        figure carries names and values in ``customdata`` instead).

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...]}``, features sorted by id.

    Examples
    --------
    >>> fc = to_feature_collection(localities)  # doctest: +SKIP
    >>> [f["id"] for f in fc["features"]][:2]  # doctest: +SKIP
    ['01', '02']
    """
    gdf = _to_wgs84(gdf, id_field)
    keep = list(properties)
    missing = [c for c in keep if c not in gdf.columns]
    if missing:
        raise ValueError(f"faltan las columnas {missing} pedidas como propiedades")
    features = []
    for row in gdf.sort_values(id_field).itertuples(index=False):
        record = row._asdict()
        geometry = _compact(mapping(record[gdf.geometry.name]), precision)
        if geometry is None:
            continue
        props = {c: _jsonable(record[c]) for c in keep}
        features.append(
            {"type": "Feature", "id": str(record[id_field]), "properties": props,
             "geometry": geometry}
        )
    return {"type": "FeatureCollection", "features": features}


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def label_points(
    gdf: gpd.GeoDataFrame, id_field: str = "code", precision: int = 5
) -> pd.DataFrame:
    """A point well inside each polygon, where a text label can sit.

    Uses the pole of inaccessibility of each geometry's largest part (the point
    farthest from its edges), computed in metres (EPSG:9377).

    Returns
    -------
    DataFrame
        Columns ``code`` (``gdf[id_field]`` as str), ``lon``, ``lat`` and
        ``area_km2`` (of the whole geometry, to size labels), sorted by code.
    """
    gdf = _to_wgs84(gdf, id_field)
    metric = gdf.to_crs("EPSG:9377")
    points = []
    for geom in metric.geometry:
        parts = list(getattr(geom, "geoms", [geom]))
        largest = max(parts, key=lambda g: g.area)
        points.append(polylabel(largest, tolerance=10.0))
    lonlat = gpd.GeoSeries(points, crs="EPSG:9377").to_crs(_WGS84)
    table = pd.DataFrame(
        {
            "code": gdf[id_field].astype(str).to_numpy(),
            "lon": lonlat.x.round(precision).to_numpy(),
            "lat": lonlat.y.round(precision).to_numpy(),
            "area_km2": (metric.area / 1e6).round(3).to_numpy(),
        }
    )
    return table.sort_values("code", ignore_index=True)
