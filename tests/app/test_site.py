"""Tests of app/routes/site.py: robots.txt, favicon and a Spanish 404 for unknown pages."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def http(dash_app):
    return dash_app.server.test_client()


def test_robots_lets_crawlers_read_views_and_previews_not_the_api(http):
    response = http.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "Disallow: /api/" in lines and "Disallow: /subir/" in lines
    assert not any(line.startswith("Disallow: /export") for line in lines)


def test_favicon_is_an_icon(http):
    response = http.get("/favicon.ico")
    assert response.status_code == 200
    assert response.data[:4] == b"\x00\x00\x01\x00"  # ICO header


@pytest.mark.parametrize("path", ["/nada", "/subir/otra", "/embed/entidades", "/a/b/c",
                                  "/%3Cscript%3E"])
def test_unknown_pages_are_a_spanish_404_with_a_link_home(http, path):
    response = http.get(path)
    assert response.status_code == 404 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "Página no encontrada" in body and 'href="/"' in body
    assert "<script>" not in body


@pytest.mark.parametrize("path", ["/", "/subir/", "/embed/mapa", "/embed/serie"])
def test_real_pages_are_served(http, path):
    assert http.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/api/versiones/-1", "/api/versiones/%C2%B2", "/api/nada"])
def test_unknown_api_paths_are_a_json_404(http, path):
    response = http.get(path)
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert "No existe la ruta" in response.get_json()["error"]


@pytest.mark.parametrize("version", ["99999999999999999999999", "2147483648"])
def test_out_of_range_version_ids_are_a_json_404(http, version):
    for response in (http.get(f"/api/versiones/{version}"),
                     http.post(f"/api/versiones/{version}/restaurar")):
        assert response.status_code in (401, 404), response.status_code
        assert response.is_json
