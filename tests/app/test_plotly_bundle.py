"""The partial plotly.js bundle (issue 13): built by ``make plotly-bundle``, served
content-hashed and immutable, loaded by every page with a graph; Dash's
``plotly.min.js`` when it is missing."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
from pathlib import Path

import brotli
import dash
import pytest
from dash import dcc, html

from app import plotly_bundle
from app.plotly_bundle import (
    BUNDLE_ENV,
    DEFAULT_FOLDER,
    ROUTE,
    current_bundle,
    load_bundle,
    use_plotly_bundle,
)
from app.serving import IMMUTABLE
from callbacks import ids

_BUNDLE_SRC = re.compile(r'<script src="(/vendor/plotly/plotly-custom\.[0-9a-f]{12}\.min\.js)"'
                         r' integrity="(sha384-[^"]+)"></script>')
_NOT_BUILT = "no hay paquete de plotly.js en .cache/plotly: ejecute `make plotly-bundle`"


@pytest.fixture(autouse=True)
def _fresh_bundle_state(keep_dash_globals):
    """Each test reads the bundle's manifest anew (and restores what it found)."""
    saved = dict(plotly_bundle._loaded)
    plotly_bundle._loaded.clear()
    yield
    plotly_bundle._loaded.clear()
    plotly_bundle._loaded.update(saved)


@pytest.fixture
def built():
    """The bundle ``make setup`` built; the test fails (not skips) without it."""
    bundle = load_bundle(DEFAULT_FOLDER)
    assert bundle is not None, _NOT_BUILT
    return bundle


def _fake_bundle(folder: Path, code: bytes = b"window.Plotly = {version: 'fake'};") -> Path:
    """A bundle folder as ``vendor/plotly/build.mjs`` writes it, around ``code``."""
    import base64

    folder.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256(code).hexdigest()
    name = f"plotly-custom.{sha[:12]}.min.js"
    (folder / name).write_bytes(code)
    (folder / f"{name}.gz").write_bytes(gzip.compress(code))
    (folder / f"{name}.br").write_bytes(brotli.compress(code))
    sri = "sha384-" + base64.b64encode(hashlib.sha384(code).digest()).decode()
    manifest = {"file": name, "plotlyjs": "4.1.1", "traces": ["scatter", "bar"], "sha256": sha,
                "integrity": sri, "bytes": len(code), "gzip": 1, "brotli": 1}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def _graph_app(**kwargs) -> dash.Dash:
    app = dash.Dash(__name__, **kwargs)
    app.layout = html.Div(dcc.Graph(id="g", figure={"data": [{"type": "bar", "y": [1]}]}))
    return app


def _figure_traces(node) -> set[str]:
    """Trace types of every figure in a layout's JSON (``scatter`` when a trace has none)."""
    found: set[str] = set()
    if isinstance(node, dict):
        figure = node.get("figure")
        if isinstance(figure, dict):
            found |= {t.get("type", "scatter") for t in figure.get("data") or []}
        for value in node.values():
            found |= _figure_traces(value)
    elif isinstance(node, list):
        for value in node:
            found |= _figure_traces(value)
    return found


# --- the real pages, with the bundle make setup built ---------------------------------


def test_the_dashboard_and_the_embed_load_the_hashed_bundle(client, built):
    for path in ("/", "/embed/mapa?localidad=08", "/embed/serie"):
        page = client.get(path).get_data(as_text=True)
        scripts = _BUNDLE_SRC.findall(page)
        assert scripts == [(ROUTE + built.file, built.integrity)], path
        assert "plotly.min.js" not in page, path
        # before the Spanish locale and the component suites that draw the graphs
        assert page.index(built.file) < page.index("plotly_locale_es.js") < \
            page.index("dash_core_components.v"), path


def test_the_bundle_is_served_immutable_compressed_and_intact(client, built):
    url = ROUTE + built.file
    bodies = {}
    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress),
                             ("identity", bytes)):
        response = client.get(url, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.mimetype == "text/javascript"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers.get("Content-Encoding", "identity") == encoding
        bodies[encoding] = decode(response.get_data())
    assert len(set(bodies.values())) == 1
    assert hashlib.sha256(bodies["br"]).hexdigest() == built.sha256
    assert built.file.startswith(f"plotly-custom.{built.sha256[:12]}.")
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match":
                                     client.get(url, headers={"Accept-Encoding": "br"}).
                                     headers["ETag"]})
    assert again.status_code == 304


def test_only_the_current_hash_is_served(client, built):
    assert client.get(ROUTE + "plotly-custom.000000000000.min.js").status_code == 404
    assert client.get(ROUTE + "manifest.json").status_code == 404
    assert client.get(ROUTE + built.file + ".br").status_code == 404


def test_the_bundle_has_every_trace_type_the_pages_draw(client, built):
    """A figure with a trace type the bundle lacks would draw nothing in the browser."""
    drawn = _figure_traces(client.get("/_dash-layout").get_json())
    for query in ("medida=semaforo&localidad=08&capas=tm-troncales,tm-estaciones", ""):
        from app.embed import embed_content

        for chart in ("mapa", "serie"):
            figure = embed_content(chart, query)["figure"] or {}
            drawn |= {t.get("type", "scatter") for t in figure.get("data") or []}
    assert {"choropleth", "scattergeo", "scatter", "bar"} <= drawn
    missing = drawn - set(built.traces)
    assert not missing, f"añada a vendor/plotly/entry.js: {missing}"


def test_the_upload_page_draws_no_graph_and_loads_no_plotly(client):
    """The upload page gets no plotly.js at all; a graph there needs
    ``use_plotly_bundle(upload)`` in ``app/factory.py``."""
    layout = client.get("/subir/_dash-layout").get_data(as_text=True)
    assert '"type": "Graph"' not in layout and '"type":"Graph"' not in layout
    page = client.get("/subir/").get_data(as_text=True)
    assert "/vendor/plotly/" not in page and "plotly.min.js" not in page


# --- the hook and the fallback, on tiny apps ------------------------------------------


def test_a_missing_bundle_falls_back_to_plotly_min_js_and_says_so_once(
        tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(BUNDLE_ENV, str(tmp_path / "nada"))
    caplog.set_level(logging.INFO, logger="app.plotly_bundle")
    apps = [_graph_app(), _graph_app()]
    assert [use_plotly_bundle(app) for app in apps] == [None, None]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "make plotly-bundle" in warnings[0].getMessage()
    assert "plotly.min.js" in warnings[0].getMessage()
    page = apps[0].server.test_client().get("/").get_data(as_text=True)
    assert "/vendor/plotly/" not in page
    assert apps[0].config.external_scripts == []


def test_a_half_written_bundle_is_not_used(tmp_path):
    folder = _fake_bundle(tmp_path / "plotly")
    next(folder.glob("*.br")).unlink()
    assert load_bundle(folder) is None
    (folder / "manifest.json").write_text("{")
    assert load_bundle(folder) is None


def test_the_bundle_can_be_turned_off_for_the_baseline(monkeypatch, caplog):
    monkeypatch.setenv(BUNDLE_ENV, "0")
    caplog.set_level(logging.INFO, logger="app.plotly_bundle")
    assert current_bundle() is None
    assert use_plotly_bundle(_graph_app()) is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_the_hook_adds_the_bundle_under_the_server_root(tmp_path, monkeypatch):
    monkeypatch.setenv(BUNDLE_ENV, str(_fake_bundle(tmp_path / "plotly")))
    bundle = current_bundle()
    cases = [({}, "/"), ({"url_base_pathname": "/subir/"}, "/"),
             ({"requests_pathname_prefix": "/tablero/", "routes_pathname_prefix": "/"},
              "/tablero/"),
             ({"requests_pathname_prefix": "/tablero/embed/",
               "routes_pathname_prefix": "/embed/"}, "/tablero/")]
    for kwargs, root in cases:
        app = _graph_app(**kwargs)
        assert use_plotly_bundle(app) is bundle
        use_plotly_bundle(app)  # again: still one script
        assert app.config.external_scripts == [
            {"src": f"{root}vendor/plotly/{bundle.file}", "integrity": bundle.integrity}]


def test_a_tiny_app_with_the_hook_serves_its_bundle(tmp_path, monkeypatch):
    from app.routes.vendor import blueprint

    monkeypatch.setenv(BUNDLE_ENV, str(_fake_bundle(tmp_path / "plotly")))
    app = _graph_app()
    bundle = use_plotly_bundle(app)
    app.server.register_blueprint(blueprint)
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert f'<script src="/vendor/plotly/{bundle.file}"' in page
    response = client.get(ROUTE + bundle.file, headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.get_data()).startswith(b"window.Plotly")
    assert response.headers["Cache-Control"] == IMMUTABLE


# --- in Chromium ------------------------------------------------------------------------


@pytest.mark.browser
def test_the_page_draws_with_the_partial_bundle(dash_duo, dashboard, built):
    """Map, series and status bars drawn by the bundle; no console error; no
    ``plotly.min.js``; and ``Plotly`` lacks the trace types the page does not use."""
    from tests.app.browser import severe_logs, start_page, until

    start_page(dash_duo, dashboard, "localidad=08&medida=semaforo&capas=tm-troncales")
    driver = dash_duo.driver

    def count(selector: str) -> int:
        return driver.execute_script(f"return document.querySelectorAll({selector!r}).length;")

    until(dash_duo, lambda d: count(f"#{ids.SERIES_GRAPH} .scatterlayer .trace path.js-line")
          > 0, "la serie no se dibujó")
    until(dash_duo, lambda d: count(f"#{ids.SUMMARY_GRAPH} .barlayer .point path") > 0,
          "las barras del semáforo no se dibujaron")
    assert count(f"#{ids.MAP_GRAPH} .choroplethlayer path.choroplethlocation") >= 19
    assert count(f"#{ids.MAP_GRAPH} .geo .scatterlayer .trace") >= 2  # labels, corridors
    info = driver.execute_script(
        "return {version: Plotly.version,"
        " traces: Object.keys(Plotly.PlotSchema.get().traces).sort(),"
        " scripts: performance.getEntriesByType('resource').map(e => e.name)"
        "   .filter(u => /plotly/.test(u)).map(u => new URL(u).pathname)};")
    assert info["traces"] == sorted(built.traces)  # no pie, heatmap, choroplethmap, ...
    assert info["version"] == built.plotlyjs
    assert info["scripts"][0] == ROUTE + built.file
    assert not [u for u in info["scripts"] if u.endswith("plotly.min.js")]
    titles = driver.execute_script(
        f"return Array.from(document.querySelectorAll('#{ids.MAP_GRAPH} .modebar-btn'))"
        ".map(b => b.getAttribute('data-title'));")
    assert "Descargar gráfico como PNG" in titles  # the project's es-CO locale
    assert severe_logs(dash_duo) == []
