from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from layers.geojson import label_points, to_feature_collection


def _coordinates(geometry):
    parts = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [xy for polygon in parts for ring in polygon for xy in ring]


def test_ids_are_codes_sorted_and_properties_minimal(squares):
    fc = to_feature_collection(squares)
    assert fc["type"] == "FeatureCollection"
    assert [f["id"] for f in fc["features"]] == ["01", "02", "20"]
    assert all(f["properties"] == {} for f in fc["features"])
    with_names = to_feature_collection(squares, properties=["name"])
    assert with_names["features"][0]["properties"] == {"name": "A"}


def test_coordinates_are_rounded_without_repeated_vertices():
    wobbly = shapely.Polygon([(0, 0), (1.0000001, 0), (1, 0), (1, 1.123456789), (0, 1)])
    gdf = gpd.GeoDataFrame({"code": ["01"]}, geometry=[wobbly], crs="EPSG:4326")
    ring = to_feature_collection(gdf, precision=3)["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    assert all(a != b for a, b in zip(ring, ring[1:], strict=False))
    assert [1.0, 1.123] in ring


def test_parts_that_collapse_are_dropped():
    tiny = shapely.box(0, 0, 1e-7, 1e-7)
    multi = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), tiny])
    gdf = gpd.GeoDataFrame({"code": ["01", "02"]}, geometry=[multi, tiny], crs="EPSG:4326")
    fc = to_feature_collection(gdf, precision=5)
    assert [f["id"] for f in fc["features"]] == ["01"]
    assert fc["features"][0]["geometry"]["type"] == "Polygon"


def test_reprojects_to_wgs84(squares):
    projected = squares.to_crs("EPSG:9377")
    fc = to_feature_collection(projected)
    lon, lat = _coordinates(fc["features"][0]["geometry"])[0]
    assert -74.3 < lon < -73.9 and 4.4 < lat < 4.7


def test_bad_input_is_named(squares):
    with pytest.raises(ValueError, match="CRS"):
        to_feature_collection(squares.set_crs(None, allow_override=True))
    with pytest.raises(ValueError, match="'codigo'"):
        to_feature_collection(squares, id_field="codigo")
    with pytest.raises(TypeError, match="GeoDataFrame"):
        to_feature_collection(squares.drop(columns="geometry"))
    lines = gpd.GeoDataFrame({"code": ["01"]}, geometry=[shapely.LineString([(0, 0), (1, 1)])],
                             crs="EPSG:4326")
    with pytest.raises(ValueError, match="polígonos"):
        to_feature_collection(lines)


def test_real_localities_are_compact(display_localities):
    fc = to_feature_collection(display_localities)
    assert [f["id"] for f in fc["features"]] == [f"{i:02d}" for i in range(1, 21)]
    size = len(json.dumps(fc, separators=(",", ":")))
    assert size < 300_000
    for feature in fc["features"]:
        for x, y in _coordinates(feature["geometry"]):
            assert round(x, 5) == x and round(y, 5) == y


def test_label_points_fall_inside_each_locality(display_localities):
    points = label_points(display_localities)
    assert points["code"].tolist() == sorted(display_localities["code"])
    for row, geom in zip(points.itertuples(), display_localities.geometry, strict=True):
        assert geom.contains(shapely.Point(row.lon, row.lat))
    sumapaz = points.set_index("code").loc["20", "area_km2"]
    assert sumapaz > 700  # Sumapaz: 780 of 1,633 km², by far the largest


def test_rings_are_wound_for_d3_geo():
    # shapely builds boxes counter-clockwise (RFC 7946); d3-geo, used by Plotly's geo
    # traces, wants clockwise exteriors, else it paints the whole globe.
    outer = shapely.Polygon(shapely.box(0, 0, 4, 4).exterior.coords,
                            [shapely.box(1, 1, 2, 2).exterior.coords[::-1]])
    gdf = gpd.GeoDataFrame({"code": ["01"]}, geometry=[outer], crs="EPSG:4326")
    exterior, hole = to_feature_collection(gdf)["features"][0]["geometry"]["coordinates"]

    def signed_area(ring):
        pairs = zip(ring, ring[1:], strict=False)
        return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairs) / 2

    assert signed_area(exterior) < 0 < signed_area(hole)
