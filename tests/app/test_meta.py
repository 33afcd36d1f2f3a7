"""Tests of app/meta.py: link previews built from the URL's state."""

from __future__ import annotations

import html
import re

import pytest


@pytest.fixture(scope="module")
def http(dash_app):
    return dash_app.server.test_client()


def _metas(page: str) -> dict[str, str]:
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', page)
    return {key: html.unescape(value) for key, value in found}


def test_a_view_link_previews_its_own_map(http):
    page = http.get("/?localidad=08&medida=semaforo").get_data(as_text=True)
    metas = _metas(page)
    assert metas["og:title"].startswith("Semáforo de ") and "2026-T3" in metas["og:title"]
    assert "Kennedy" in metas["og:description"]
    assert "Datos ilustrativos" in metas["og:description"]
    assert metas["twitter:card"] == "summary_large_image"
    image = metas["og:image"]
    assert image.startswith("http://localhost/export/mapa.png?")
    assert "localidad=08" in image and "medida=semaforo" in image
    assert image.endswith("formato=social")
    assert metas["description"] == metas["og:description"]


def test_the_preview_image_is_a_real_export(http):
    image = _metas(http.get("/?localidad=08").get_data(as_text=True))["og:image"]
    path = image.removeprefix("http://localhost")
    query = path.split("?", 1)[1]
    from app.exports.service import chart_export

    assert chart_export("mapa", "png", query).media_type == "image/png"


def test_a_bad_query_gets_the_general_preview(http):
    page = http.get("/?anio=3000&eje=nada").get_data(as_text=True)
    metas = _metas(page)
    assert metas["og:title"] == "Tablero Bogotá Territorio Inteligente"
    assert "Seguimiento de la política" in metas["og:description"]


def test_embedded_series_previews_the_series(http):
    metas = _metas(http.get("/embed/serie?localidad=11").get_data(as_text=True))
    assert "/export/serie.png?" in metas["og:image"]
