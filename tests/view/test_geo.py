"""Tests of view.geo: geometry-derived objects built once."""

from __future__ import annotations

import json

from data.schema import LOCALITY_CODES
from view.geo import OVERLAY_LABELS, build_geo_context


def test_context_from_real_geodata(geodata_cache):
    context = build_geo_context(geodata_cache)
    ids = sorted(f["id"] for f in context.geojson["features"])
    assert ids == list(LOCALITY_CODES)
    assert context.names["11"] == "Suba" and context.names["15"] == "Antonio Nariño"
    assert len(json.dumps(context.geojson, separators=(",", ":"))) <= 200_000
    urban, district = context.bounds["urbana"], context.bounds["distrito"]
    assert district.south < urban.south  # Sumapaz reaches far south of the city
    assert set(context.overlays) == set(OVERLAY_LABELS)
    assert [t.type for t in context.overlay_traces(("tm-troncales",))] == ["scattergeo"]
    stations = context.stations
    assert (stations["outside_district"] == ~stations["in_district"]).all()


def _signed_area(ring):
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))


def test_context_geojson_is_wound_for_vector_exports(geodata_cache):
    # Exports draw ctx.geojson with Plotly's geo traces (d3-geo), which paint the whole
    # globe for a counter-clockwise exterior: every exterior clockwise, holes not.
    context = build_geo_context(geodata_cache)
    polygons = [polygon for feature in context.geojson["features"]
                for polygon in ([feature["geometry"]["coordinates"]]
                                if feature["geometry"]["type"] == "Polygon"
                                else feature["geometry"]["coordinates"])]
    assert len(polygons) >= 20
    for exterior, *holes in polygons:
        assert _signed_area(exterior) < 0
        assert all(_signed_area(hole) > 0 for hole in holes)
