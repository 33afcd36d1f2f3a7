"""Tests of app.serving: compression, cache headers, security headers, one geometry copy."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re

import dash
import pytest
from dash import Input, Output, dcc, html

from app.serving import (
    IMMUTABLE,
    configure_serving,
    content_security_policy,
    embed_frame_ancestors,
    frame_ancestors,
    slim_validation_layout,
)

_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)



@pytest.fixture(autouse=True)
def _keep_dash_globals(keep_dash_globals):
    """Tiny apps here must leave Dash's global callback lists as they were."""

def _tiny_app(env=None, layout_function=False) -> dash.Dash:
    app = dash.Dash(__name__)
    big = {"data": [{"type": "scatter", "y": list(range(3000))}]}

    def layout():
        return html.Div([dcc.Input(id="tiny-in", value="a"), html.Div(id="tiny-out"),
                         dcc.Graph(id="tiny-graph", figure=big)])

    app.layout = layout if layout_function else layout()

    @app.callback(Output("tiny-out", "children"), Input("tiny-in", "value"))
    def echo(value):
        return f"valor {value} " * 100

    configure_serving(app, env=env or {})
    return app


@pytest.fixture(scope="module")
def tiny():
    return _tiny_app().server.test_client()


def _executable_inline_scripts(page: str) -> list[str]:
    scripts = []
    for match in _SCRIPT.finditer(re.sub(r"<!--.*?-->", "", page, flags=re.S)):
        attrs = match.group("attrs")
        if "src=" in attrs:
            continue
        kind = re.search(r'type="([^"]+)"', attrs)
        if kind and kind.group(1) not in ("application/javascript", "text/javascript"):
            continue
        scripts.append(match.group("body"))
    return scripts


def test_real_page_has_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_every_inline_script_of_the_page_is_allowed_by_its_hash(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    scripts = _executable_inline_scripts(response.get_data(as_text=True))
    assert scripts, "la página no tiene scripts en línea: revise el análisis"
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_headers_also_on_errors_and_api(client):
    for path in ("/no-existe-esta-ruta.txt", "/healthz"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors" in response.headers["Content-Security-Policy"]


def test_layout_and_callbacks_are_gzipped(client):
    response = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    layout = json.loads(gzip.decompress(response.get_data()))
    assert "props" in layout
    assert "Accept-Encoding" in response.headers["Vary"]


def test_callback_json_is_compressed(tiny):
    payload = {"output": "tiny-out.children", "outputs": {"id": "tiny-out", "property": "children"},
               "inputs": [{"id": "tiny-in", "property": "value", "value": "b"}],
               "changedPropIds": ["tiny-in.value"], "state": []}
    response = tiny.post("/_dash-update-component", json=payload,
                         headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(response.get_data()))
    assert "valor b" in body["response"]["tiny-out"]["children"]


def test_fingerprinted_bundles_are_cached_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    sources = re.findall(r'src="(/_dash-component-suites/[^"]+)"', page)
    assert sources
    for src in sources[:3]:
        response = client.get(src, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert response.headers["Content-Encoding"] == "gzip"
        again = client.get(src, headers={"Accept-Encoding": "gzip"})
        assert again.get_data() == response.get_data()  # served from the compression cache


def test_fingerprinted_assets_are_immutable_and_plain_ones_are_not(client):
    page = client.get("/").get_data(as_text=True)
    href = re.search(r'href="(/assets/[^"]+\?m=[^"]+)"', page).group(1)
    fingerprinted = client.get(href)
    assert fingerprinted.headers["Cache-Control"] == IMMUTABLE
    plain = client.get(href.split("?")[0])
    assert "immutable" not in plain.headers.get("Cache-Control", "")


def test_page_never_fetches_dash_plotly_js(client):
    """The page loads the partial bundle (tests/app/test_plotly_bundle.py); a preload of
    Dash's plotly.min.js would download 1.3 MB for nothing."""
    page = client.get("/").get_data(as_text=True)
    assert "plotly.min.js" not in page
    assert 'rel="preload"' not in page


def test_page_carries_the_geometry_once(client):
    page = client.get("/").get_data(as_text=True)
    assert '"coordinates"' not in page  # not in the validation layout of the HTML
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert '"coordinates"' in layout  # the geometry travels once, with the layout


def test_scripts_are_registered_before_any_page_is_served():
    app = _tiny_app()
    # a fresh worker whose first request is a bundle must not answer 500
    assert app.registered_paths


def test_frame_ancestors_default_and_configured():
    assert frame_ancestors({}) == "'none'"
    env = {"BOGOTA_TI_FRAME_ANCESTORS": "https://bogota.gov.co, https://x.example:8443 'self'"}
    assert frame_ancestors(env) == "https://bogota.gov.co https://x.example:8443 'self'"


def test_invalid_frame_origins_are_ignored():
    env = {"BOGOTA_TI_FRAME_ANCESTORS": "javascript:alert(1) * https://ok.example x"}
    assert frame_ancestors(env) == "https://ok.example"
    injected = {"BOGOTA_TI_FRAME_ANCESTORS": "https://a.example; script-src *"}
    assert ";" not in frame_ancestors(injected)
    assert frame_ancestors({"BOGOTA_TI_FRAME_ANCESTORS": "*"}) == "'none'"


def test_only_the_embedded_charts_may_be_framed():
    app = _tiny_app(env={"BOGOTA_TI_FRAME_ANCESTORS": "https://portal.example"})
    client = app.server.test_client()
    page = client.get("/")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    embed = client.get("/embed/mapa")
    assert "frame-ancestors 'self' https://portal.example" in \
        embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers


def test_embedded_charts_are_framed_by_the_app_itself_by_default():
    assert embed_frame_ancestors({}) == "'self'"
    env = {"BOGOTA_TI_FRAME_ANCESTORS": "https://portal.example"}
    assert embed_frame_ancestors(env) == "'self' https://portal.example"


def test_policy_lists_hashes_and_blocks_plugins():
    policy = content_security_policy(["'sha256-abc'"], "'none'")
    assert "script-src 'self' 'sha256-abc';" in policy
    assert "unsafe-eval" not in policy
    assert "object-src 'none'" in policy


def test_slim_validation_layout_drops_figures_but_keeps_ids():
    app = _tiny_app(layout_function=True)
    ids = {getattr(c, "id", None) for c in app.validation_layout._traverse()}
    assert {"tiny-in", "tiny-out", "tiny-graph"} <= ids
    graph = next(c for c in app.validation_layout._traverse()
                 if getattr(c, "id", None) == "tiny-graph")
    assert getattr(graph, "figure", None) is None
    fresh = app.layout()  # the real layout still has its figure
    assert fresh.children[2].figure["data"]
    slim_validation_layout(app)  # idempotent


@pytest.mark.browser
def test_headless_chromium_renders_the_map_without_csp_violations(geodata_cache, tmp_path):
    import shutil

    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("falta chromium o chromedriver")
    from bench.browser import first_map
    from bench.servers import start_gunicorn

    env = {"BOGOTA_TI_CACHE": str(geodata_cache.parent), "REDIS_URL": "",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'tablero.sqlite'}"}
    with start_gunicorn("app.server:server", workers=1, env=env, log_dir=tmp_path,
                        ready_path="/healthz", timeout=180) as server:
        result = first_map(server.url + "/", timeout=60)
    assert result["csp_violations"] == []
    assert result["ms"] is not None, result["console_errors"]
    assert result["bytes"]["total"] > 0


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    import runpy
    from pathlib import Path

    conf = Path(__file__).resolve().parents[2] / "app" / "gunicorn.conf.py"
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("PORT", "9123")
    monkeypatch.setenv("HOST", "127.0.0.1")
    settings = runpy.run_path(str(conf))
    assert settings["workers"] == 3
    assert settings["bind"] == "127.0.0.1:9123"
    assert settings["preload_app"] is True
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert runpy.run_path(str(conf))["workers"] == 2


def test_warm_static_compresses_every_bundle_of_the_page(dash_app):
    from app.serving import warm_static

    assert warm_static(dash_app.server) >= 5


def test_a_store_outage_is_a_json_503_not_a_500():
    from data.store import StoreUnavailableError

    app = dash.Dash(__name__)
    app.layout = html.Div("x")

    @app.server.get("/caida")
    def down():
        raise StoreUnavailableError("sin conexión")

    configure_serving(app, env={})
    response = app.server.test_client().get("/caida")
    assert response.status_code == 503 and response.is_json
    assert response.headers["Retry-After"] == "5"
    assert "almacén de datos no responde" in response.get_json()["error"]
