"""Pure geometry helpers for the ingest: areas, display simplification, spatial join.

Metric work happens in MAGNA-SIRGAS Origen-Nacional (EPSG:9377); results come
back in EPSG:4326 (lon/lat), the CRS of every processed layer.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = [
    "DISPLAY_DECIMALS",
    "DISPLAY_TOLERANCE_M",
    "LINE_TOLERANCE_M",
    "METRIC_CRS",
    "WGS84",
    "area_km2",
    "join_localities",
    "length_km",
    "round_coordinates",
    "simplify_coverage",
    "simplify_lines",
]

METRIC_CRS = "EPSG:9377"
WGS84 = "EPSG:4326"
#: Coverage simplification tolerance for the locality display geometry (metres).
DISPLAY_TOLERANCE_M = 20.0
#: Light simplification of the corridor lines for display (metres).
LINE_TOLERANCE_M = 5.0
#: Decimals kept in display coordinates (1e-5 degrees is about 1.1 m in Bogotá).
DISPLAY_DECIMALS = 5


def _require_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries, name: str) -> None:
    if gdf.crs is None:
        raise ValueError(f"{name} no tiene sistema de referencia (CRS)")


def area_km2(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Area of each geometry in km², computed in EPSG:9377."""
    _require_crs(gdf, "area_km2")
    return gdf.geometry.to_crs(METRIC_CRS).area / 1e6


def length_km(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Length of each geometry in km, computed in EPSG:9377."""
    _require_crs(gdf, "length_km")
    return gdf.geometry.to_crs(METRIC_CRS).length / 1e3


def round_coordinates(geoms: np.ndarray, decimals: int = DISPLAY_DECIMALS) -> np.ndarray:
    """Round every coordinate to ``decimals``, keeping shared vertices shared.

    Rounding is applied vertex by vertex, so two neighbours that share a vertex
    still share it. If rounding makes a geometry invalid, that geometry is
    snapped to the same grid with :func:`shapely.set_precision` instead, which
    keeps it valid.
    """
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    bad = ~shapely.is_valid(rounded)
    if bad.any():
        rounded[bad] = shapely.set_precision(geoms[bad], 10.0**-decimals)
    return rounded


def _with_rounded_geometry(
    gdf: gpd.GeoDataFrame, geometry: gpd.GeoSeries, decimals: int
) -> gpd.GeoDataFrame:
    """Copy of ``gdf`` in EPSG:4326 whose geometry is ``geometry`` rounded to ``decimals``."""
    return gdf.to_crs(WGS84).set_geometry(
        gpd.GeoSeries(round_coordinates(np.asarray(geometry.values), decimals),
                      index=gdf.index, crs=WGS84)
    )


def simplify_coverage(
    gdf: gpd.GeoDataFrame,
    tolerance_m: float = DISPLAY_TOLERANCE_M,
    decimals: int = DISPLAY_DECIMALS,
) -> gpd.GeoDataFrame:
    """Topology-preserving simplification of a polygon coverage, for display.

    The whole coverage is simplified at once with :func:`shapely.coverage_simplify`
    in EPSG:9377, so neighbouring polygons keep sharing exactly the same edges
    (no gaps, no overlaps); the result is reprojected to EPSG:4326 and rounded
    to ``decimals``.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons with a CRS (the 20 localities).
    tolerance_m : float
        Simplification tolerance in metres.
    decimals : int
        Decimals kept in the lon/lat coordinates.

    Returns
    -------
    GeoDataFrame
        Same rows and columns, simplified geometry in EPSG:4326, all valid.
    """
    _require_crs(gdf, "simplify_coverage")
    metric = gdf.geometry.to_crs(METRIC_CRS).values
    simplified = shapely.coverage_simplify(np.asarray(metric), tolerance_m)
    back = gpd.GeoSeries(simplified, crs=METRIC_CRS, index=gdf.index).to_crs(WGS84)
    out = _with_rounded_geometry(gdf, back, decimals)
    invalid = ~out.geometry.is_valid
    if invalid.any():
        out.loc[invalid, out.geometry.name] = shapely.make_valid(
            np.asarray(out.geometry[invalid].values)
        )
    return out


def simplify_lines(
    gdf: gpd.GeoDataFrame,
    tolerance_m: float = LINE_TOLERANCE_M,
    decimals: int = DISPLAY_DECIMALS,
) -> gpd.GeoDataFrame:
    """Light Douglas-Peucker simplification of lines in EPSG:9377, back to EPSG:4326."""
    _require_crs(gdf, "simplify_lines")
    metric = gdf.geometry.to_crs(METRIC_CRS)
    simplified = metric.simplify(tolerance_m, preserve_topology=True).to_crs(WGS84)
    return _with_rounded_geometry(gdf, simplified, decimals)


def join_localities(
    points: gpd.GeoDataFrame,
    localities: gpd.GeoDataFrame,
    code_column: str = "code",
) -> gpd.GeoDataFrame:
    """Attach to each point the code of the locality that contains it.

    Points on a shared boundary get the lowest code. Points outside every
    locality are kept, with ``locality_code`` None and ``in_district`` False.

    Parameters
    ----------
    points : GeoDataFrame
        Points with a CRS (the stations).
    localities : GeoDataFrame
        Polygons with a CRS and a ``code_column``.

    Returns
    -------
    GeoDataFrame
        ``points`` with two more columns, ``locality_code`` (str or None) and
        ``in_district`` (bool), same rows in the same order.
    """
    _require_crs(points, "join_localities (puntos)")
    _require_crs(localities, "join_localities (localidades)")
    polys = localities[[code_column, localities.geometry.name]].to_crs(points.crs)
    poly_geoms = np.asarray(polys.geometry.values)
    point_geoms = np.asarray(points.geometry.values)
    tree = shapely.STRtree(poly_geoms)
    point_idx, poly_idx = tree.query(point_geoms, predicate="intersects")
    codes = np.asarray(polys[code_column].astype(str))
    found: dict[int, str] = {}
    for p, q in zip(point_idx.tolist(), poly_idx.tolist(), strict=True):
        code = str(codes[q])
        if p not in found or code < found[p]:
            found[p] = code
    out = points.copy()
    out["locality_code"] = pd.Series(
        [found.get(i) for i in range(len(points))], index=points.index, dtype=object
    )
    out["in_district"] = pd.Series(
        [i in found for i in range(len(points))], index=points.index, dtype=bool
    )
    return out
