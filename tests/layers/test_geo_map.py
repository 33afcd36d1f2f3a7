"""Tests of layers.geo_map: one vector map for screen and print, framing by payload."""

from __future__ import annotations

import copy
import json

import pytest

from layers.choropleth import apply_patch_payload, framing_bounds
from layers.geo_map import (
    FRAMING_PATHS,
    PRINT_LABEL_AREAS,
    SCREEN_LABEL_AREAS,
    build_geo_map,
    framing_payload,
)
from layers.geojson import label_points, to_feature_collection
from layers.scales import value_scale

from .conftest import make_series, make_values


@pytest.fixture(scope="module")
def real(request):
    gdf = request.getfixturevalue("display_localities")
    return {"gdf": gdf, "fc": to_feature_collection(gdf), "points": label_points(gdf),
            "bounds": framing_bounds(gdf)}


def _map(real, names, framing="urbana", **kwargs):
    scale = value_scale(make_series(), "avance", unit="zonas")
    return build_geo_map(real["fc"], make_values(2026), names, measure="avance", scale=scale,
                         label_points=real["points"], bounds=real["bounds"], unit="zonas",
                         framing=framing, **kwargs).to_plotly_json()


def test_the_framing_payload_turns_one_framing_into_the_other(real, names):
    urban, district = _map(real, names, "urbana"), _map(real, names, "distrito")
    payload = framing_payload(district)
    assert set(payload) == set(FRAMING_PATHS)
    patched = apply_patch_payload(copy.deepcopy(urban), payload)
    assert patched["layout"]["geo"] == district["layout"]["geo"]
    assert patched["data"][1]["lon"] == district["data"][1]["lon"]
    assert patched["layout"]["meta"] == district["layout"]["meta"]
    text = json.dumps({"/".join(map(str, k)): v for k, v in payload.items()}, default=str)
    assert "coordinates" not in text and len(text) < 6_000  # no geometry travels


def test_the_whole_district_shows_sumapaz_and_names_fewer_places(real, names):
    urban, district = _map(real, names, "urbana"), _map(real, names, "distrito")
    lat = district["layout"]["geo"]["lataxis"]["range"]
    sumapaz = real["gdf"].loc[real["gdf"]["code"] == "20"].total_bounds
    assert lat[0] <= sumapaz[1] and urban["layout"]["geo"]["lataxis"]["range"][0] > sumapaz[1]
    assert len(district["layout"]["meta"]["label_headings"]) < \
        len(urban["layout"]["meta"]["label_headings"])


def test_the_screen_labels_only_what_fits(real, names):
    printed = _map(real, names, label_areas=PRINT_LABEL_AREAS)
    screen = _map(real, names, label_areas=SCREEN_LABEL_AREAS)
    area = real["points"].set_index("code")["area_km2"]
    small = [i for i, code in enumerate(sorted(names)) if area[code] < SCREEN_LABEL_AREAS[
        "urbana"][1]]
    assert small  # La Candelaria, Antonio Nariño...
    assert not any(_blank(printed["data"][1]["lat"][i]) for i in small)
    assert all(_blank(screen["data"][1]["lat"][i]) for i in small)  # hover only


def _blank(value) -> bool:
    return value is None or value != value
