"""Tests for data/geometry.py: areas, coverage simplification, spatial join."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from data.geodata import load_localities
from data.geometry import (
    METRIC_CRS,
    WGS84,
    area_km2,
    join_localities,
    length_km,
    round_coordinates,
    simplify_coverage,
    simplify_lines,
)

#: Max GeoJSON size of the 20 display localities (issue #2).
MAX_DISPLAY_BYTES = 200_000


def _zigzag_pair() -> gpd.GeoDataFrame:
    """Two 1 km squares (in EPSG:9377) sharing a jagged edge with 2 m teeth."""
    x0, y0 = 4_880_000.0, 2_070_000.0
    ys = np.linspace(y0, y0 + 1000, 101)
    edge = [(x0 + 1000 + (2.0 if i % 2 else 0.0), y) for i, y in enumerate(ys)]
    left = Polygon([(x0, y0), *edge, (x0, y0 + 1000)])
    right = Polygon([*edge, (x0 + 2000, y0 + 1000), (x0 + 2000, y0)][::-1])
    return gpd.GeoDataFrame({"code": ["01", "02"]}, geometry=[left, right], crs=METRIC_CRS)


def _shared_edge_pairs(geoms) -> set[tuple[int, int]]:
    return {
        (i, j)
        for i, j in itertools.combinations(range(len(geoms)), 2)
        if shapely.intersection(geoms[i].boundary, geoms[j].boundary).length > 0
    }


def test_area_km2_in_magna_sirgas():
    square = gpd.GeoSeries([Polygon([(0, 0), (1000, 0), (1000, 2000), (0, 2000)])],
                           crs=METRIC_CRS).translate(4_880_000, 2_070_000)
    assert area_km2(square.to_crs(WGS84)).iloc[0] == pytest.approx(2.0, rel=1e-6)


def test_length_km():
    line = gpd.GeoSeries([LineString([(4_880_000, 2_070_000), (4_883_000, 2_074_000)])],
                         crs=METRIC_CRS)
    assert length_km(line.to_crs(WGS84)).iloc[0] == pytest.approx(5.0, rel=1e-6)


def test_area_needs_a_crs():
    with pytest.raises(ValueError, match="CRS"):
        area_km2(gpd.GeoSeries([Point(0, 0).buffer(1)]))


def test_simplify_coverage_keeps_the_shared_edge():
    pair = _zigzag_pair()
    out = simplify_coverage(pair, tolerance_m=20)
    assert out.crs.to_epsg() == 4326
    geoms = np.asarray(out.geometry.values)
    assert shapely.is_valid(geoms).all()
    assert shapely.get_num_coordinates(geoms).sum() < shapely.get_num_coordinates(
        np.asarray(pair.geometry.values)).sum() / 5
    assert _shared_edge_pairs(geoms) == {(0, 1)}
    metric = np.asarray(out.to_crs(METRIC_CRS).geometry.values)
    assert shapely.intersection(metric[0], metric[1]).area == pytest.approx(0, abs=1e-3)
    assert shapely.union_all(metric).area == pytest.approx(sum(g.area for g in metric), rel=1e-9)
    assert list(out["code"]) == ["01", "02"]


def test_round_coordinates_keeps_shared_vertices():
    a = Polygon([(0.123456, 0), (1, 0), (1, 1.987654)])
    b = Polygon([(1, 0), (2, 0), (1, 1.987654)])
    ra, rb = round_coordinates(np.array([a, b]), 2)
    assert (1.0, 1.99) in list(ra.exterior.coords) and (1.0, 1.99) in list(rb.exterior.coords)
    assert ra.is_valid and rb.is_valid


def test_simplify_lines_reduces_vertices_and_keeps_crs():
    xs = np.linspace(4_880_000, 4_885_000, 501)
    wiggle = [(x, 2_070_000 + (0.5 if i % 2 else 0)) for i, x in enumerate(xs)]
    lines = gpd.GeoDataFrame({"id": ["a"]}, geometry=[LineString(wiggle)], crs=METRIC_CRS)
    out = simplify_lines(lines, tolerance_m=5)
    assert out.crs.to_epsg() == 4326
    assert shapely.get_num_coordinates(out.geometry.values[0]) < 10
    assert length_km(out).iloc[0] == pytest.approx(5.0, rel=1e-3)


def test_join_localities_flags_points_outside():
    pair = _zigzag_pair().to_crs(WGS84)
    points = gpd.GeoDataFrame(
        {"station_id": ["a", "b", "c"]},
        geometry=gpd.GeoSeries(
            [Point(4_880_500, 2_070_500), Point(4_881_500, 2_070_500),
             Point(4_890_000, 2_070_500)], crs=METRIC_CRS).to_crs(WGS84).values,
        crs=WGS84,
    )
    out = join_localities(points, pair)
    assert list(out["station_id"]) == ["a", "b", "c"]
    assert list(out["locality_code"]) == ["01", "02", None]
    assert list(out["in_district"]) == [True, True, False]


def test_join_localities_boundary_point_gets_lowest_code():
    pair = _zigzag_pair()
    corner = Point(4_881_000, 2_070_000)  # on both squares' boundary
    points = gpd.GeoDataFrame({"id": [1]}, geometry=[corner], crs=METRIC_CRS)
    assert join_localities(points, pair)["locality_code"].tolist() == ["01"]


# --- on the real localities -------------------------------------------------------


@pytest.fixture(scope="module")
def real_display(geodata_cache: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    full = load_localities(geodata_cache)
    return full, simplify_coverage(full)


def test_real_coverage_all_valid_and_small(real_display):
    full, display = real_display
    geoms = np.asarray(display.geometry.values)
    assert shapely.is_valid(geoms).all()
    assert shapely.coverage_is_valid(geoms)
    assert len(display.to_json(drop_id=True).encode()) <= MAX_DISPLAY_BYTES
    assert shapely.get_num_coordinates(geoms).sum() < shapely.get_num_coordinates(
        np.asarray(full.geometry.values)).sum() / 4


def test_real_coverage_no_gaps_no_overlaps(real_display):
    _, display = real_display
    metric = np.asarray(display.to_crs(METRIC_CRS).geometry.values)
    total = sum(g.area for g in metric)
    assert shapely.union_all(metric).area == pytest.approx(total, rel=1e-9)
    for i, j in itertools.combinations(range(len(metric)), 2):
        assert shapely.intersection(metric[i], metric[j]).area < 1.0, (i, j)


def test_real_coverage_keeps_neighbours(real_display):
    full, display = real_display
    metric = np.asarray(full.to_crs(METRIC_CRS).geometry.values)
    # Neighbours in the source: their 1 m buffers overlap over more than 100 m².
    before = {
        (i, j)
        for i, j in itertools.combinations(range(len(metric)), 2)
        if metric[i].buffer(1).intersection(metric[j].buffer(1)).area > 100
    }
    after = _shared_edge_pairs(np.asarray(display.geometry.values))
    assert len(before) > 30
    assert after == before


def test_real_area_agrees_with_loc_area(shared_sources: Path, geodata_cache: Path):
    doc = json.loads((shared_sources / "localidades.geojson").read_text(encoding="utf-8"))
    official = {f["properties"]["LocCodigo"]: f["properties"]["LocArea"] / 1e6
                for f in doc["features"]}
    full = load_localities(geodata_cache)
    computed = dict(zip(full["code"], area_km2(full), strict=True))
    assert set(computed) == set(official)
    for code, value in computed.items():
        assert abs(value - official[code]) / official[code] < 0.01, code
