"""Tests of app.layout: the page's fragments, ids and the one copy of the geometry."""

from __future__ import annotations

import json
from collections import Counter

import plotly.io as pio

import callbacks.ids as ids
from app.layout import build_layout


def _components(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            yield from _components(child)
    elif children is not None and hasattr(children, "_prop_names"):
        yield from _components(children)
    for prop in ("label",):
        value = getattr(node, prop, None)
        if hasattr(value, "_prop_names"):
            yield from _components(value)


def test_every_id_is_in_the_page_once(dashboard_app):
    layout = build_layout()
    found = Counter(getattr(c, "id", None) for c in _components(layout)
                    if not isinstance(getattr(c, "id", None), dict))  # pattern ids: menus
    for name in ids.__all__:
        assert found[getattr(ids, name)] == 1, name
    kinds = Counter(type(c).__name__ for c in _components(layout))
    assert kinds["Location"] == 1


def test_geometry_is_embedded_once(dashboard_app):
    text = pio.to_json(build_layout())
    assert text.count('"geojson"') == 1
    assert text.count('"coordinates"') == 20


def test_header_shows_version_cutoff_and_illustrative_flag(dashboard_app):
    text = json.dumps(json.loads(pio.to_json(build_layout())), ensure_ascii=False)
    assert "Datos ilustrativos" in text and "Corte: " in text and "Datos v" in text
    assert "Saltar a la tabla" in text


def test_page_index_is_spanish_and_mobile_ready(dashboard_app):
    page = dashboard_app.server.test_client().get("/").get_data(as_text=True)
    assert '<html lang="es-CO">' in page
    assert 'name="viewport"' in page
    assert "00-bootstrap-5.3.6.min.css" in page and "cdn." not in page


def test_base_map_has_the_overlays_where_the_patches_expect_them(dashboard_app):
    from callbacks.map import OVERLAY_TRACES, base_map_figure
    from view import OVERLAY_LABELS

    figure = base_map_figure()
    assert len(figure["data"][0]["geojson"]["features"]) == 20
    for key, index in OVERLAY_TRACES.items():
        assert figure["data"][index]["name"] == OVERLAY_LABELS[key]
