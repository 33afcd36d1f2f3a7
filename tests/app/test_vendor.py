"""Tests of app.routes.vendor: Plotly's base topojson served from the cache."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from app.routes.vendor import blueprint


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("BOGOTA_TI_CACHE", str(tmp_path))
    folder = tmp_path / "topojson"
    folder.mkdir()
    (folder / "world_110m.json").write_text(json.dumps({"type": "Topology"}))
    app = Flask(__name__)
    app.register_blueprint(blueprint)
    return app.test_client()


def test_serves_a_cached_topojson(client):
    response = client.get("/vendor/topojson/world_110m.json")
    assert response.status_code == 200
    assert response.get_json() == {"type": "Topology"}
    assert response.mimetype == "application/json"
    assert "max-age=86400" in response.headers["Cache-Control"]


@pytest.mark.parametrize("name", ["missing_50m.json", "..%2Fsecret.json", "mapa.txt", "A.json"])
def test_unknown_or_malformed_names_are_404(client, name):
    assert client.get(f"/vendor/topojson/{name}").status_code == 404


def test_bogota_ti_topojson_points_the_dashboard_and_the_exports_elsewhere(
        tmp_path, monkeypatch):
    from app.exports.render import topojson_url

    other = tmp_path / "mapas-base"
    other.mkdir()
    (other / "world_110m.json").write_text(json.dumps({"type": "Topology", "otra": 1}))
    monkeypatch.setenv("BOGOTA_TI_CACHE", str(tmp_path / "vacia"))
    monkeypatch.setenv("BOGOTA_TI_TOPOJSON", str(other))
    app = Flask(__name__)
    app.register_blueprint(blueprint)
    assert app.test_client().get("/vendor/topojson/world_110m.json").get_json()["otra"] == 1
    assert topojson_url() == other.resolve().as_uri() + "/"
