"""Tests of callbacks.map: selection clicks and value-only patches (no geometry)."""

from __future__ import annotations

import json

import dash
import pytest

from callbacks.map import (
    OVERLAY_TRACES,
    base_map_figure,
    framing_payloads,
    layer_options,
    map_patch_payload,
    map_title,
)
from layers.choropleth import LABELS_TRACE, apply_patch_payload
from tests.support import NAMES
from tests.support import view_of as _view
from view.model import resolve_view
from view.state import ViewState


@pytest.fixture(scope="module")
def geo(app_cache):
    from view.geo import get_geo_context

    return get_geo_context()


def test_patch_payload_carries_values_never_geometry(catalog, geo):
    payload = map_patch_payload(_view("localidad=11&capas=tm-troncales", catalog), geo)
    for path in payload:
        assert "geojson" not in path and path[0] in ("data", "layout")
    text = json.dumps(list(payload.values()), ensure_ascii=False)
    assert "coordinates" not in text and "Polygon" not in text
    assert len(text) < 20_000
    assert payload[("data", 0, "locations")][-1] == "11"  # selected drawn last
    assert payload[("data", OVERLAY_TRACES["tm-troncales"], "visible")] is True
    assert payload[("data", OVERLAY_TRACES["tm-estaciones"], "visible")] is False


def test_dash_patch_of_the_payload_has_no_geometry(catalog, geo):
    patch = apply_patch_payload(dash.Patch(), map_patch_payload(_view("", catalog), geo))
    operations = json.dumps(patch.to_plotly_json(), ensure_ascii=False)
    assert "geojson" not in operations and "coordinates" not in operations


def test_measure_changes_the_patched_values(catalog, geo):
    value = map_patch_payload(_view("producto=P01&anio=2025&medida=valor", catalog), geo)
    status = map_patch_payload(_view("producto=P01&anio=2025&medida=semaforo", catalog), geo)
    assert value[("data", 0, "z")] != status[("data", 0, "z")]
    assert set(status[("data", 0, "z")]) <= {0.0, 1.0, 2.0, 3.0, 4.0, 5.0}


def test_colour_range_is_fixed_across_years(catalog, geo):
    early = map_patch_payload(_view("producto=P01&anio=2023", catalog), geo)
    late = map_patch_payload(_view("producto=P01&anio=2026", catalog), geo)
    for key in (("data", 0, "zmin"), ("data", 0, "zmax"), ("data", 0, "colorbar", "tickvals")):
        assert early[key] == late[key]
    assert early[("data", 0, "z")] != late[("data", 0, "z")]


def test_empty_selection_paints_every_locality_without_report(catalog, geo):
    view = resolve_view(ViewState(axes=("nueva-movilidad",), entities=("sed",)), catalog)
    assert view.empty
    payload = map_patch_payload(view, geo)
    z = payload[("data", 0, "z")]
    assert len(z) == 20 and len(set(z)) == 1
    assert payload[("data", 0, "showscale")] is False
    assert map_title(view, NAMES) == ("Mapa por localidad", "")


def test_the_framing_travels_in_the_patch_and_resets_the_zoom(catalog, geo):
    urban = map_patch_payload(_view("", catalog), geo)
    district = map_patch_payload(_view("encuadre=distrito", catalog), geo)
    assert urban[("layout", "uirevision")] == "urbana"
    assert district[("layout", "uirevision")] == "distrito"
    south = {k: p[("layout", "geo")]["lataxis"]["range"][0]
             for k, p in (("urbana", urban), ("distrito", district))}
    assert south["distrito"] < south["urbana"]
    assert district[("layout", "meta", "state")]["framing"] == "distrito"
    # the labels are written with the framing's names
    assert urban[("data", LABELS_TRACE, "text")] != district[("data", LABELS_TRACE, "text")]


def test_base_figure_is_the_geo_map_with_labels_and_overlays(geo):
    figure = base_map_figure()
    assert [t["type"] for t in figure["data"]] == ["choropleth", "scattergeo", "scattergeo",
                                                    "scattergeo"]
    assert len(figure["data"][0]["geojson"]["features"]) == 20
    assert figure["layout"]["geo"]["visible"] is False
    assert framing_payloads(geo)["urbana"][("layout", "geo")] == figure["layout"]["geo"]


def test_title_names_the_indicator_year_and_selection(catalog):
    title, subtitle = map_title(_view("producto=P01&anio=2025&localidad=11", catalog), NAMES)
    assert "2025" in title and "Zonas WiFi" in title
    assert "Localidad 11" in subtitle


def test_layer_options_flag_the_products_own_layer():
    options = layer_options("tm-estaciones")
    labels = {o["value"]: o["label"] for o in options}
    assert "activos del indicador" in labels["tm-estaciones"]
    assert "activos" not in labels["tm-troncales"]
