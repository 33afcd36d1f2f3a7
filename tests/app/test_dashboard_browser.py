"""The dashboard in real headless Chromium (``dash_duo``): linking, URL state, payloads."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from callbacks import ids
from tests.app.conftest import free_port

pytestmark = pytest.mark.browser

WAIT = 20
_FIGURE = "document.querySelector('#{id} .js-plotly-plot')"


def _start(dash_duo, dashboard, query: str = "") -> None:
    """Serve the app and open it once, at ``/?query``."""
    app, log = dashboard
    dash_duo.start_server(app, navigate=False, port=free_port())
    log.clear()
    dash_duo.wait_for_page(f"{dash_duo.server.url.rstrip('/')}/?{query}", timeout=WAIT)
    _wait_ready(dash_duo)


def _wait_ready(dash_duo) -> None:
    dash_duo.wait_for_element(f"#{ids.MAP_GRAPH} .js-plotly-plot[data-framed]", timeout=WAIT)
    dash_duo.wait_for_element(f"#{ids.TABLE_GRID} .ag-row", timeout=WAIT)
    _until(dash_duo, lambda d: _store(d) is not None, "el estado no llegó")
    _settle(dash_duo)


def _drawn_matches(driver) -> bool:
    """The map has drawn the stored state (``layout.meta.state``, set by each patch)."""
    state = _state(driver)
    drawn = _map(driver, "g._fullLayout && g._fullLayout.meta && g._fullLayout.meta.state")
    keys = ("indicator", "year", "quarter", "measure", "localities", "layers")
    return bool(state) and bool(drawn) and all(drawn.get(k) == state.get(k) for k in keys)


def _settle(dash_duo) -> None:
    """No callback in flight and the map drawn for the stored state."""
    _until(dash_duo, lambda d: _pending(d) == 0, "quedaron callbacks pendientes")
    _until(dash_duo, _drawn_matches, "el mapa no dibujó el estado")


def _until(dash_duo, condition, message: str):
    return WebDriverWait(dash_duo.driver, WAIT, poll_frequency=0.2).until(
        lambda driver: condition(driver), message
    )


def _pending(driver) -> int:
    return driver.execute_script(
        "const s = window.store && window.store.getState && window.store.getState();"
        "return s && s.pendingCallbacks ? s.pendingCallbacks.length : 0;"
    )


def _store(driver) -> dict | None:
    return driver.execute_script(
        "const s = window.store && window.store.getState && window.store.getState();"
        "if (!s || !s.paths || !s.layout) return null;"
        f"const p = s.paths.strs['{ids.STATE_STORE}'];"
        "let node = s.layout; for (const k of p) { node = node[k]; }"
        "return node.props.data || null;"
    )


def _state(driver) -> dict:
    return (_store(driver) or {}).get("state", {})


def _map(driver, expression: str):
    figure = _FIGURE.format(id=ids.MAP_GRAPH)
    return driver.execute_script(f"const g = {figure}; return {expression};")


def _query(driver) -> dict:
    return parse_qs(urlparse(driver.current_url).query)


def _text(dash_duo, element_id: str) -> str:
    return dash_duo.find_element(f"#{element_id}").text


def _click_locality(dash_duo, code: str, *, shift: bool = False) -> None:
    """Click the map (native input events) at a point inside locality ``code``."""
    from view.geo import get_geo_context

    point = get_geo_context().label_points.set_index("code").loc[code]
    x, y = dash_duo.driver.execute_script(
        f"const g = {_FIGURE.format(id=ids.MAP_GRAPH)};"
        "g.scrollIntoView({block: 'center', behavior: 'instant'});"
        "const m = g._fullLayout.map._subplot.map;"
        f"const p = m.project([{point['lon']}, {point['lat']}]);"
        "const box = m.getCanvas().getBoundingClientRect();"
        "return [p.x + box.left, p.y + box.top];"
    )
    send = dash_duo.driver.execute_cdp_cmd
    modifiers = 8 if shift else 0  # CDP: Shift = 8
    send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
    _until(dash_duo, lambda d: d.execute_script(
        f"const g = {_FIGURE.format(id=ids.MAP_GRAPH)};"
        f"return (g._hoverdata || []).some(p => p.location === '{code}');"), "sin hover")
    for kind in ("mousePressed", "mouseReleased"):
        send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                          "clickCount": 1, "modifiers": modifiers})


def _severe(dash_duo) -> list[dict]:
    return [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"]


def test_page_loads_without_console_errors(dash_duo, dashboard):
    _start(dash_duo, dashboard)
    assert _severe(dash_duo) == []
    header = dash_duo.find_element(".app-header").text
    assert "Datos ilustrativos" in header and "Corte:" in header and "Datos v" in header
    assert _map(dash_duo.driver, "g.data[0].locations.length") == 20
    assert len(dash_duo.find_elements(f"#{ids.TABLE_GRID} .ag-row")) > 0
    assert dash_duo.find_element(f"#{ids.NOTICES}").text == ""
    outside = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(u => !u.startsWith(location.origin) && !u.startsWith('data:'));"
    )
    assert outside == []  # no CDN, no tiles, no fonts from the internet
    titles = dash_duo.driver.execute_script(
        f"return Array.from(document.querySelectorAll('#{ids.MAP_GRAPH} .modebar-btn'))"
        ".map(b => b.getAttribute('data-title'));"
    )
    assert "Descargar gráfico como PNG" in titles  # Spanish Plotly locale


def test_clicking_a_locality_filters_series_and_table(dash_duo, dashboard):
    _start(dash_duo, dashboard)
    _click_locality(dash_duo, "11")
    _until(dash_duo, lambda d: _state(d).get("localities") == ["11"], "el clic no seleccionó")
    _settle(dash_duo)
    assert "Suba" in _text(dash_duo, ids.SERIES_CARD_TITLE)
    assert "Suba" in _text(dash_duo, ids.TABLE_TITLE)
    assert _query(dash_duo.driver)["localidad"] == ["11"]
    assert _map(dash_duo.driver, "g.data[0].locations.slice(-1)[0]") == "11"

    _click_locality(dash_duo, "08", shift=True)
    _until(dash_duo, lambda d: _state(d).get("localities") == ["08", "11"],
           "Mayús+clic no añadió la localidad")
    _settle(dash_duo)
    assert "Kennedy y Suba" in _text(dash_duo, ids.TABLE_TITLE)
    assert _severe(dash_duo) == []


def test_changing_the_axis_changes_map_values(dash_duo, dashboard):
    _start(dash_duo, dashboard)
    before = _map(dash_duo.driver, "Array.from(g.data[0].z)")
    title_before = _text(dash_duo, ids.MAP_CARD_TITLE)
    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_AXIS}", index=5)  # Nueva movilidad
    _until(dash_duo, lambda d: _state(d).get("axes") == ["nueva-movilidad"], "eje sin aplicar")
    _settle(dash_duo)
    after = _map(dash_duo.driver, "Array.from(g.data[0].z)")
    assert after != before
    assert _text(dash_duo, ids.MAP_CARD_TITLE) != title_before
    assert _query(dash_duo.driver)["eje"] == ["nueva-movilidad"]
    assert _state(dash_duo.driver)["indicator"].startswith("6.1.")  # an indicator of the axis


def test_a_url_with_filters_restores_them(dash_duo, dashboard):
    query = "eje=nueva-movilidad&localidad=08,11&anio=2024&medida=semaforo&capas=tm-troncales"
    _start(dash_duo, dashboard, query)
    state = _state(dash_duo.driver)
    assert state["axes"] == ["nueva-movilidad"] and state["localities"] == ["08", "11"]
    assert state["year"] == 2024 and state["measure"] == "semaforo"
    assert "Nueva movilidad" in _text(dash_duo, "filters-collapse")
    assert dash_duo.find_element(f"#{ids.FILTER_MEASURE} input[value='semaforo']").is_selected()
    assert "2024" in _text(dash_duo, ids.MAP_CARD_TITLE)
    assert "Semáforo" in _map(dash_duo.driver, "g.data[0].colorbar.title.text")
    assert _map(dash_duo.driver, "g.data[2].visible") is True
    layers = _map(dash_duo.driver,
                  "g._fullLayout.map._subplot.map.getStyle().layers.map(l => l.id)")
    polygons = layers.index("plotly-trace-layer-localidades-fill")
    assert polygons < layers.index("plotly-trace-layer-tm-troncales-line")  # overlay on top
    assert urlparse(dash_duo.driver.current_url).query == query  # not rewritten on load
    assert dash_duo.find_element(f"#{ids.NOTICES}").text == ""


def test_a_malformed_url_shows_the_notice(dash_duo, dashboard):
    _start(dash_duo, dashboard, "anio=3000&eje=nada&color=rojo&localidad=99")
    dash_duo.wait_for_contains_text(f"#{ids.NOTICES}", "No se reconoce el eje «nada»",
                                    timeout=WAIT)
    notice = _text(dash_duo, ids.NOTICES)
    assert "3000" in notice and "«color»" in notice and "«99»" in notice
    state = _state(dash_duo.driver)
    assert state["axes"] == [] and state["localities"] == [] and 2023 <= state["year"] <= 2032
    assert _map(dash_duo.driver, "g.data[0].locations.length") == 20
    assert _severe(dash_duo) == []


def test_back_button_steps_back_through_states(dash_duo, dashboard):
    _start(dash_duo, dashboard)
    dash_duo.find_element(f"#{ids.FILTER_MEASURE} input[value='brecha']").click()
    _until(dash_duo, lambda d: _query(d).get("medida") == ["brecha"], "medida sin aplicar")
    _settle(dash_duo)
    dash_duo.find_element(f"#{ids.FILTER_MEASURE} input[value='semaforo']").click()
    _until(dash_duo, lambda d: _query(d).get("medida") == ["semaforo"], "medida sin aplicar")
    _settle(dash_duo)
    dash_duo.driver.back()
    _until(dash_duo, lambda d: _state(d).get("measure") == "brecha", "atrás no volvió")
    assert dash_duo.find_element(f"#{ids.FILTER_MEASURE} input[value='brecha']").is_selected()


def test_geometry_reaches_the_browser_once(dash_duo, dashboard):
    _, log = dashboard
    log.clear()
    _start(dash_duo, dashboard, "producto=P01")
    layouts = log.of("/_dash-layout")
    assert len(layouts) == 1
    assert layouts[0]["body"].count('"coordinates"') == 20  # one per locality, once
    dash_duo.find_element(f"#{ids.FILTER_MEASURE} input[value='valor']").click()
    _until(dash_duo, lambda d: _state(d).get("measure") == "valor", "medida sin aplicar")
    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_AXIS}", index=5)
    _until(dash_duo, lambda d: _state(d).get("axes") == ["nueva-movilidad"], "eje sin aplicar")
    _click_locality(dash_duo, "11")
    _until(dash_duo, lambda d: _state(d).get("localities") == ["11"], "clic sin aplicar")
    zoom = "g._fullLayout.map._subplot.map.getZoom()"
    urban = _map(dash_duo.driver, zoom)
    dash_duo.find_element(f"#{ids.MAP_FRAMING} input[value='distrito']").click()
    _until(dash_duo, lambda d: _map(d, zoom) < urban - 0.3, "el encuadre no cambió")
    _settle(dash_duo)
    updates = log.of("/_dash-update-component")
    map_updates = [r for r in updates if f"{ids.MAP_GRAPH}.figure" in r["output"]]
    assert len(map_updates) >= 4
    for record in updates:
        assert '"coordinates"' not in record["body"], record["output"]
        assert '"geojson"' not in record["body"], record["output"]
    for record in map_updates:
        assert record["size"] < 40_000
        assert "__dash_patch_update" in record["body"]
    assert len(log.of("/_dash-layout")) == 1
    assert _map(dash_duo.driver, "g.data[0].geojson.features.length") == 20


def test_clicking_a_year_on_the_series_moves_the_map_year(dash_duo, dashboard):
    _start(dash_duo, dashboard, "producto=P01&anio=2026")
    x, y = dash_duo.driver.execute_script(
        f"const g = {_FIGURE.format(id=ids.SERIES_GRAPH)};"
        "g.scrollIntoView({block: 'center', behavior: 'instant'});"
        "const xa = g._fullLayout.xaxis, ya = g._fullLayout.yaxis;"
        "const i = g.data[0].x.indexOf(2024), box = g.getBoundingClientRect();"
        "return [box.left + xa._offset + xa.l2p(2024),"
        "        box.top + ya._offset + ya.l2p(g.data[0].y[i])];"
    )
    send = dash_duo.driver.execute_cdp_cmd
    send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
    for kind in ("mousePressed", "mouseReleased"):
        send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                          "clickCount": 1})
    _until(dash_duo, lambda d: _state(d).get("year") == 2024, "el clic no movió el año")
    _settle(dash_duo)
    assert "2024" in _text(dash_duo, ids.MAP_CARD_TITLE)
    assert _query(dash_duo.driver)["anio"] == ["2024"]


def test_play_runs_to_the_cut_and_stops(dash_duo, dashboard):
    _start(dash_duo, dashboard, "anio=2025")
    dash_duo.find_element(f"#{ids.PLAY_BUTTON}").click()
    _until(dash_duo, lambda d: _state(d).get("year") == 2026, "la animación no avanzó")
    dash_duo.wait_for_contains_text(f"#{ids.PLAY_BUTTON}", "Reproducir", timeout=WAIT)
    _settle(dash_duo)
    assert _state(dash_duo.driver)["year"] == 2026  # the cut: the future is not played
    assert "2026-T3" in _text(dash_duo, ids.MAP_CARD_TITLE)


def test_locality_table_is_the_map_as_a_table(dash_duo, dashboard):
    _start(dash_duo, dashboard, "producto=P01")
    tab = next(a for a in dash_duo.find_elements("#table-card .nav-link")
               if a.text.startswith("Localidades"))
    tab.click()
    rows = f"#{ids.LOCALITY_GRID} .ag-pinned-left-cols-container .ag-row"

    def texts(driver):
        return driver.execute_script(
            f"return Array.from(document.querySelectorAll(\"{rows}\"))"
            ".map(e => e.innerText.trim());"
        )

    _until(dash_duo, lambda d: len(texts(d)) >= 8, "tabla vacía")
    dash_duo.find_element(f"#{ids.TABLE_SEARCH}").send_keys("Suba")  # quick filter
    _until(dash_duo, lambda d: texts(d) == ["11 · Suba"], "la búsqueda no filtró la tabla")
    dash_duo.find_element(f"{rows} .ag-cell").click()
    _until(dash_duo, lambda d: _state(d).get("localities") == ["11"], "la fila no seleccionó")
    _settle(dash_duo)
    assert "Suba" in _text(dash_duo, ids.SERIES_CARD_TITLE)
