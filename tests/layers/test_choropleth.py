from __future__ import annotations

import copy
import json

import geopandas as gpd
import plotly.graph_objects as go
import pytest
import shapely

from data.schema import STATUS_LABELS
from layers.choropleth import (
    PATCH_PATHS,
    Bounds,
    apply_patch_payload,
    corridor_trace,
    framing_bounds,
    map_values_patch_payload,
    station_trace,
)
from layers.geo_map import build_geo_map
from layers.geojson import label_points, to_feature_collection
from layers.scales import value_scale
from layers.theme import SELECTED_COLOR, STATUS_SYMBOLS

from .conftest import make_series, make_values


@pytest.fixture(scope="module")
def real(request):
    gdf = request.getfixturevalue("display_localities")
    points = label_points(gdf)
    return {"gdf": gdf, "fc": to_feature_collection(gdf), "points": points,
            "bounds": framing_bounds(gdf)}


def _build(real, names, *, measure="valor", year=2026, **kwargs):
    scale = value_scale(make_series(), measure, unit="zonas")
    return build_geo_map(
        real["fc"], make_values(year), names, measure=measure, scale=scale,
        bounds=real["bounds"], label_points=real["points"], unit="zonas", **kwargs,
    )


def test_every_locality_is_drawn_once_as_vector_shapes(real, names):
    fig = _build(real, names)
    trace = fig.data[0]
    assert trace.type == "choropleth" and fig.layout.geo.visible is False
    feature_ids = [f["id"] for f in trace.geojson["features"]]
    assert sorted(trace.locations) == sorted(feature_ids) == sorted(names)
    assert len(trace.z) == len(trace.locations) == len(trace.customdata)
    assert list(trace.colorbar.ticktext)[0].endswith("Sin dato")
    assert fig.data[1].type == "scattergeo" and fig.data[1].mode == "text"


def test_hover_is_spanish_with_es_co_numbers(real, names):
    values = make_values(2026)
    values.loc[values["locality_code"] == "08", ["value", "target"]] = [1234.5, 2000.0]
    scale = value_scale(make_series(), "valor")
    fig = build_geo_map(real["fc"], values, names, measure="valor", scale=scale,
                        bounds=real["bounds"], unit="zonas", label_points=real["points"])
    trace = fig.data[0]
    row = list(trace.customdata[list(trace.locations).index("08")])
    assert row[:3] == ["Kennedy", "1.234,5 zonas", "2.000 zonas"]
    assert "Meta a la fecha" in trace.hovertemplate and "Semáforo" in trace.hovertemplate
    missing = list(trace.customdata[list(trace.locations).index("03")])
    assert missing[1] == "—" and missing[4].endswith(STATUS_LABELS["sin_dato"])


def test_semaforo_never_relies_on_colour_alone(real, names):
    fig = _build(real, names, measure="semaforo")
    ticktext = " ".join(fig.data[0].colorbar.ticktext)
    for label in STATUS_LABELS.values():
        assert label in ticktext
    statuses = {row[4] for row in fig.data[0].customdata}
    assert statuses <= {f"{STATUS_SYMBOLS[s]} {label}" for s, label in STATUS_LABELS.items()}
    texts = " ".join(fig.data[1].text)
    assert any(symbol in texts for symbol in STATUS_SYMBOLS.values())


def test_selected_localities_get_a_thick_outline_drawn_last(real, names):
    fig = _build(real, names, selected=["11", "08", "99"])
    trace = fig.data[0]
    assert list(trace.locations[-2:]) == ["08", "11"]
    widths = dict(zip(trace.locations, trace.marker.line.width, strict=True))
    colors = dict(zip(trace.locations, trace.marker.line.color, strict=True))
    assert widths["08"] > widths["01"] and colors["11"] == SELECTED_COLOR


def test_patch_payload_is_small_and_geometry_free(real, names):
    scale = value_scale(make_series(), "avance")
    payload = map_values_patch_payload(make_values(2027), names, "avance", scale, "zonas",
                                       selected=["08"], labels=True)
    assert set(payload) <= set(PATCH_PATHS)
    text = json.dumps({"/".join(map(str, k)): v for k, v in payload.items()})
    assert "coordinates" not in text and "geojson" not in text
    assert len(text) < 8_000


def test_patching_a_figure_equals_building_it(real, names):
    """Year + measure + selection change by payload gives the freshly built figure."""
    before = _build(real, names, measure="valor", year=2024)
    after = _build(real, names, measure="semaforo", year=2026, selected=["05"])
    patched = copy.deepcopy(before.to_dict())
    scale = value_scale(make_series(), "semaforo", unit="zonas")
    payload = map_values_patch_payload(
        make_values(2026), names, "semaforo", scale, "zonas", selected=["05"],
        labels=True, label_headings=before.layout.meta["label_headings"],
    )
    apply_patch_payload(patched, payload)
    assert go.Figure(patched).to_dict()["data"] == after.to_dict()["data"]


def test_framing_urbana_excludes_sumapaz(real):
    gdf = real["gdf"]
    urban, district = real["bounds"]["urbana"], real["bounds"]["distrito"]
    sumapaz = gdf.loc[gdf["code"] == "20"].total_bounds
    others = gdf.loc[gdf["code"] != "20"].total_bounds
    assert district.south == pytest.approx(sumapaz[1])
    assert urban.south == pytest.approx(others[1]) and urban.south > sumapaz[1]
    from_geojson = framing_bounds(real["fc"])["urbana"]
    assert from_geojson.south == pytest.approx(urban.south, abs=1e-5)
    assert from_geojson.north == pytest.approx(urban.north, abs=1e-5)


@pytest.mark.parametrize("framing", ["urbana", "distrito"])
def test_framing_sets_the_view(real, names, framing):
    box = real["bounds"][framing]
    geo = _build(real, names, framing=framing).layout.geo
    assert geo.lataxis.range[0] < box.south < box.north < geo.lataxis.range[1]
    assert geo.lonaxis.range[0] < box.west < box.east < geo.lonaxis.range[1]


def test_sumapaz_label_stays_in_the_urban_frame(real, names):
    fig = _build(real, names, framing="urbana")
    labels = fig.data[1]
    index = sorted(names).index("20")
    assert fig.layout.geo.lataxis.range[0] <= labels.lat[index]
    assert labels.text[index].startswith("Sumapaz ↓")


def test_bounds_helpers():
    box = Bounds(-74.2, 4.5, -74.0, 4.8)
    assert box.padded(0.5).west == pytest.approx(-74.3)
    assert 4.5 < box.center["lat"] < 4.8


def test_overlays_are_geo_traces_with_spanish_hover(real, names):
    stations = gpd.GeoDataFrame(
        {"name": ["Portal", "Soacha"], "outside_district": [False, True]},
        geometry=[shapely.Point(-74.1, 4.6), shapely.Point(-74.22, 4.58)], crs="EPSG:4326")
    corridors = gpd.GeoDataFrame(
        {"name": ["Troncal"]},
        geometry=[shapely.MultiLineString([[(-74.1, 4.6), (-74.0, 4.7)],
                                           [(-74.0, 4.7), (-74.0, 4.8)]])],
        crs="EPSG:4326")
    overlays = [corridor_trace(corridors), station_trace(stations)]
    fig = _build(real, names, overlays=overlays)
    assert [t.type for t in fig.data[-2:]] == ["scattergeo", "scattergeo"]
    line = fig.data[-2]
    assert list(line.lon).count(None) == 2 and line.mode == "lines"
    assert "Soacha (fuera del Distrito)" in fig.data[-1].text


def test_bad_calls_are_named(real, names):
    scale = value_scale(make_series(), "valor")
    values = make_values(2026)
    with pytest.raises(ValueError, match="encuadre"):
        build_geo_map(real["fc"], values, names, measure="valor", scale=scale,
                      framing="lejos", label_points=real["points"])
    with pytest.raises(ValueError, match="faltan nombres"):
        build_geo_map(real["fc"], values, {"01": "Usaquén"}, measure="valor", scale=scale,
                      label_points=real["points"])
    with pytest.raises(ValueError, match="escala"):
        map_values_patch_payload(values, names, "avance", scale)
