"""WCAG 2.1 A/AA with axe-core (issue 13): the dashboard, a filtered view, the upload
page and an embedded map, each drawn and idle, in real headless Chromium.

A failure lists every violation (rule, impact, each element's selector and HTML).
"""

from __future__ import annotations

import pytest

from callbacks import ids
from tests.app.axe import axe_source, format_violations, run_axe
from tests.app.browser import WAIT, pending, settle, until, wait_ready
from tests.app.conftest import free_port

pytestmark = pytest.mark.browser


def _dashboard(dash_duo) -> None:
    wait_ready(dash_duo)


def _upload(dash_duo) -> None:
    dash_duo.wait_for_element("#upload-token", timeout=WAIT)
    until(dash_duo, lambda d: pending(d) == 0, "quedaron callbacks pendientes")


def _embed(dash_duo) -> None:
    dash_duo.wait_for_element(".embed-graph .js-plotly-plot .geo", timeout=WAIT)
    until(dash_duo, lambda d: d.find_element("css selector", ".embed-title").text != "",
          "el título del mapa no llegó")
    until(dash_duo, lambda d: pending(d) == 0, "quedaron callbacks pendientes")


PAGES = [
    pytest.param("/", _dashboard, id="tablero"),
    pytest.param("/?localidad=08&anio=2026&medida=semaforo", _dashboard, id="kennedy-semaforo"),
    pytest.param("/subir/", _upload, id="subir"),
    pytest.param("/embed/mapa?localidad=08", _embed, id="embed-mapa"),
]


@pytest.fixture(scope="module")
def axe():
    return axe_source()


@pytest.mark.parametrize(("path", "ready"), PAGES)
def test_page_has_no_wcag_violations(dash_duo, dashboard, axe, path, ready):
    app, _ = dashboard
    dash_duo.start_server(app, navigate=False, port=free_port())
    dash_duo.wait_for_page(dash_duo.server.url.rstrip("/") + path, timeout=WAIT)
    ready(dash_duo)
    if ready is _dashboard:
        settle(dash_duo)
        assert dash_duo.find_element(f"#{ids.MAP_GRAPH} .js-plotly-plot")
    result = run_axe(dash_duo.driver, axe)
    assert result["version"] == "4.14.1"
    if result["violations"]:
        pytest.fail(format_violations(path, result["violations"]), pytrace=False)
