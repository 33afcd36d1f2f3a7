"""Tests of app/embed.py: one live chart of a view for another site's iframe."""

from __future__ import annotations

import pytest

from app.embed import embed_content


def test_embedded_map_is_the_dashboard_map_of_the_state(app_cache):
    content = embed_content("mapa", "localidad=08&medida=semaforo")
    assert content["message"] == ""
    assert content["title"].startswith("Semáforo de 1.1.1")
    assert content["subtitle"].startswith("DATOS ILUSTRATIVOS")
    figure = content["figure"]
    assert figure["data"][0]["type"] == "choropleth"
    assert figure["layout"]["meta"]["state"]["localities"] == ["08"]
    assert "IDECA" in content["source"] and "corte 2026-T3" in content["source"]


def test_embedded_series_has_no_hint_to_click_the_map(app_cache):
    content = embed_content("serie", "localidad=08")
    assert content["figure"]["data"] and "Pulse" not in content["subtitle"]


@pytest.mark.parametrize(("chart", "query", "words"), [
    ("grafico", "", "no existe"),
    ("mapa", "anio=3000", "Consulta no válida"),
    ("mapa", "eje=nueva-movilidad&entidad=sed", "Ningún indicador"),
])
def test_what_cannot_be_shown_is_said(app_cache, chart, query, words):
    content = embed_content(chart, query)
    assert content["figure"] is None and words in content["message"]


def test_embed_pages_exist_only_for_the_two_charts(dash_app):
    client = dash_app.server.test_client()
    assert client.get("/embed/mapa?localidad=08").status_code == 200
    assert client.get("/embed/serie").status_code == 200
    assert client.get("/embed/entidades").status_code == 404
