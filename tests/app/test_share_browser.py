"""Press and locality workflows in real Chromium: download links, share link, embedded chart."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest
import requests

from callbacks.share import SHARE_LINK
from tests.app.browser import WAIT, settle, start_page, stored_state, until
from tests.app.conftest import free_port

pytestmark = pytest.mark.browser

_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
          "social": "image/png", "csv": "text/csv", "punto-y-coma": "text/csv",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "zip": "application/zip", "reporte": "application/pdf", "gif": "image/gif",
          "mp4": "video/mp4"}


def _links(driver) -> list[tuple[str, str, str]]:
    """``(menu, key, href)`` of every visible download link."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('a.download-link'))"
        ".filter(a => !a.hidden).map(a => {const id = JSON.parse(a.id);"
        " return [id.menu, id.key, a.getAttribute('href')];});"
    )


def test_every_download_link_of_every_card_serves_its_file(dash_duo, dashboard):
    start_page(dash_duo, dashboard, "localidad=08&medida=semaforo")
    until(dash_duo, lambda d: any(k == "reporte" for _, k, _ in _links(d))
          and all(h != "#" for _, _, h in _links(d)), "enlaces sin llenar")
    links = _links(dash_duo.driver)
    assert {menu for menu, _, _ in links} == {"mapa", "serie", "entidades", "tabla", "todo"}
    assert ["todo", "reporte", "/reporte/localidad/08.pdf?anio=2026"] in links
    base = dash_duo.server.url.rstrip("/")
    for menu, key, href in links:
        assert "localidad=08" in href or key == "reporte", (menu, key, href)
        response = requests.get(base + href, timeout=120)
        assert response.status_code == 200, (href, response.text[:200])
        kind = _TYPES[key.rsplit(".", 1)[-1]]
        assert response.headers["Content-Type"].startswith(kind), (href, kind)
        assert "attachment" in response.headers["Content-Disposition"]


def test_the_report_link_appears_only_with_one_locality(dash_duo, dashboard):
    start_page(dash_duo, dashboard, "localidad=08,11")
    until(dash_duo, lambda d: any(k == "todo.zip" for _, k, _ in _links(d)), "sin enlaces")
    assert not any(key == "reporte" for _, key, _ in _links(dash_duo.driver))


def test_a_copied_link_restores_the_same_view_framing_included(dash_duo, dashboard):
    start_page(dash_duo, dashboard, "localidad=11&encuadre=distrito&medida=brecha&corte=2025-T2")
    before = stored_state(dash_duo.driver)
    dash_duo.find_element("#share-menu summary").click()
    until(dash_duo, lambda d: "localidad=11" in (d.find_element("id", SHARE_LINK)
                                                  .get_attribute("value") or ""), "sin enlace")
    link = dash_duo.find_element(f"#{SHARE_LINK}").get_attribute("value")
    assert "encuadre=distrito" in link and link.startswith("http")
    dash_duo.driver.get(link)
    until(dash_duo, lambda d: stored_state(d).get("localities") == ["11"], "no se restauró")
    settle(dash_duo)
    assert stored_state(dash_duo.driver) == before


@pytest.fixture
def host_page(tmp_path: Path):
    """A page on another origin (``http://127.0.0.1:<port>``) that frames an embed URL."""
    port = free_port()

    def serve(src: str) -> str:
        (tmp_path / "host.html").write_text(
            f'<!DOCTYPE html><html><body><iframe id="frame" src="{src}" width="800" '
            'height="560"></iframe></body></html>', encoding="utf-8")
        return f"http://127.0.0.1:{port}/host.html"

    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(  # noqa: E731
        *a, directory=str(tmp_path), **k)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield serve, f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(10)


def _framed_chart(driver) -> bool:
    driver.switch_to.frame("frame")
    try:
        return bool(driver.execute_script(
            "const g = document.querySelector('#embed-graph .js-plotly-plot');"
            "return !!(g && g.data && g.data.length);"))
    finally:
        driver.switch_to.default_content()


def test_the_embedded_map_renders_in_an_allowed_site_only(dash_duo, dashboard, host_page,
                                                           monkeypatch):
    serve, origin = host_page
    app, _ = dashboard
    dash_duo.start_server(app, navigate=False, port=free_port())
    embed = dash_duo.server.url.rstrip("/") + "/embed/mapa?localidad=08"
    monkeypatch.setenv("BOGOTA_TI_FRAME_ANCESTORS", origin)
    dash_duo.driver.get(serve(embed))
    until(dash_duo, _framed_chart, "el mapa no se mostró en el sitio autorizado")

    monkeypatch.setenv("BOGOTA_TI_FRAME_ANCESTORS", "https://otro.example")
    dash_duo.driver.get(serve(embed) + "?otra")
    refused = requests.get(embed, timeout=WAIT).headers["Content-Security-Policy"]
    assert origin not in refused
    until(dash_duo, lambda d: any("frame-ancestors" in e.get("message", "")
                                  for e in d.get_log("browser")),
          "el navegador no rechazó el marco")
    assert not _framed_chart(dash_duo.driver)
