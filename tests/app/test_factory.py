"""Tests of app.factory: the dashboard and the upload page share one server."""

from __future__ import annotations

import json

from callbacks.upload import UPLOAD_TOKEN


def _dependency_outputs(client, prefix: str) -> str:
    response = client.get(f"{prefix}_dash-dependencies")
    assert response.status_code == 200
    return json.dumps(response.get_json())


def test_upload_page_is_served_at_subir(client):
    assert client.get("/subir").status_code in (301, 302, 308)
    page = client.get("/subir/")
    assert page.status_code == 200
    assert "Cargar reporte" in page.get_data(as_text=True)
    layout = client.get("/subir/_dash-layout").get_data(as_text=True)
    assert UPLOAD_TOKEN in layout


def test_each_app_gets_only_its_own_callbacks(client):
    upload = _dependency_outputs(client, "/subir/")
    dashboard = _dependency_outputs(client, "/")
    assert UPLOAD_TOKEN in upload
    assert UPLOAD_TOKEN not in dashboard
    assert "map-graph" in dashboard and "map-graph" not in upload


def test_dashboard_header_links_to_the_upload_page(client):
    layout = json.dumps(client.get("/_dash-layout").get_json())
    assert '"href": "/subir/"' in layout
