"""The dashboard in real headless Chromium (``dash_duo``): linking, URL state, payloads."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from callbacks import ids
from tests.app.browser import (
    FIGURE,
    WAIT,
    click_locality,
    map_eval,
    settle,
    severe_logs,
    start_page,
    stored_state,
    text_of,
    until,
    url_query,
)

pytestmark = pytest.mark.browser


def test_page_loads_without_console_errors(dash_duo, dashboard):
    start_page(dash_duo, dashboard)
    assert severe_logs(dash_duo) == []
    header = dash_duo.find_element(".app-header").text
    assert "Datos ilustrativos" in header and "Corte:" in header and "Datos v" in header
    assert map_eval(dash_duo.driver, "g.data[0].locations.length") == 20
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
    start_page(dash_duo, dashboard)
    click_locality(dash_duo, "11")
    until(dash_duo, lambda d: stored_state(d).get("localities") == ["11"], "el clic no seleccionó")
    settle(dash_duo)
    assert "Suba" in text_of(dash_duo, ids.SERIES_CARD_TITLE)
    assert "Suba" in text_of(dash_duo, ids.TABLE_TITLE)
    assert url_query(dash_duo.driver)["localidad"] == ["11"]
    assert map_eval(dash_duo.driver, "g.data[0].locations.slice(-1)[0]") == "11"

    click_locality(dash_duo, "08", shift=True)
    until(dash_duo, lambda d: stored_state(d).get("localities") == ["08", "11"],
           "Mayús+clic no añadió la localidad")
    settle(dash_duo)
    assert "Kennedy y Suba" in text_of(dash_duo, ids.TABLE_TITLE)
    assert severe_logs(dash_duo) == []


def test_changing_the_axis_changes_map_values(dash_duo, dashboard):
    start_page(dash_duo, dashboard)
    before = map_eval(dash_duo.driver, "Array.from(g.data[0].z)")
    title_before = text_of(dash_duo, ids.MAP_CARD_TITLE)
    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_AXIS}", index=5)  # Nueva movilidad
    until(dash_duo, lambda d: stored_state(d).get("axes") == ["nueva-movilidad"], "eje sin aplicar")
    settle(dash_duo)
    after = map_eval(dash_duo.driver, "Array.from(g.data[0].z)")
    assert after != before
    assert text_of(dash_duo, ids.MAP_CARD_TITLE) != title_before
    assert url_query(dash_duo.driver)["eje"] == ["nueva-movilidad"]
    assert stored_state(dash_duo.driver)["indicator"].startswith("6.1.")  # an indicator of the axis


def test_a_url_with_filters_restores_them(dash_duo, dashboard):
    query = "eje=nueva-movilidad&localidad=08,11&anio=2024&medida=semaforo&capas=tm-troncales"
    start_page(dash_duo, dashboard, query)
    state = stored_state(dash_duo.driver)
    assert state["axes"] == ["nueva-movilidad"] and state["localities"] == ["08", "11"]
    assert state["year"] == 2024 and state["measure"] == "semaforo"
    assert "Nueva movilidad" in text_of(dash_duo, "filters-collapse")
    assert dash_duo.find_element(f"#{ids.FILTER_MEASURE} input[value='semaforo']").is_selected()
    assert "2024" in text_of(dash_duo, ids.MAP_CARD_TITLE)
    assert "Semáforo" in map_eval(dash_duo.driver, "g.data[0].colorbar.title.text")
    assert map_eval(dash_duo.driver, "g.data[3].visible") is True  # troncales
    assert map_eval(dash_duo.driver, "g.data[2].visible") is False  # estaciones
    drawn = map_eval(dash_duo.driver, "g.querySelectorAll('.geo .scatterlayer .trace').length")
    assert drawn >= 2  # labels and the corridors, drawn above the polygons
    assert urlparse(dash_duo.driver.current_url).query == query  # not rewritten on load
    assert dash_duo.find_element(f"#{ids.NOTICES}").text == ""


def test_a_malformed_url_shows_the_notice(dash_duo, dashboard):
    start_page(dash_duo, dashboard, "anio=3000&eje=nada&color=rojo&localidad=99")
    dash_duo.wait_for_contains_text(f"#{ids.NOTICES}", "No se reconoce el eje «nada»",
                                    timeout=WAIT)
    notice = text_of(dash_duo, ids.NOTICES)
    assert "3000" in notice and "«color»" in notice and "«99»" in notice
    state = stored_state(dash_duo.driver)
    assert state["axes"] == [] and state["localities"] == [] and 2023 <= state["year"] <= 2032
    assert map_eval(dash_duo.driver, "g.data[0].locations.length") == 20
    assert severe_logs(dash_duo) == []


def test_back_button_steps_back_through_states(dash_duo, dashboard):
    start_page(dash_duo, dashboard)
    dash_duo.find_element(f"#{ids.FILTER_MEASURE} input[value='brecha']").click()
    until(dash_duo, lambda d: url_query(d).get("medida") == ["brecha"], "medida sin aplicar")
    settle(dash_duo)
    dash_duo.find_element(f"#{ids.FILTER_MEASURE} input[value='semaforo']").click()
    until(dash_duo, lambda d: url_query(d).get("medida") == ["semaforo"], "medida sin aplicar")
    settle(dash_duo)
    dash_duo.driver.back()
    until(dash_duo, lambda d: stored_state(d).get("measure") == "brecha", "atrás no volvió")
    assert dash_duo.find_element(f"#{ids.FILTER_MEASURE} input[value='brecha']").is_selected()


def test_geometry_reaches_the_browser_once(dash_duo, dashboard):
    _, log = dashboard
    log.clear()
    start_page(dash_duo, dashboard, "producto=P01")
    layouts = log.of("/_dash-layout")
    assert len(layouts) == 1
    assert layouts[0]["body"].count('"coordinates"') == 20  # one per locality, once
    dash_duo.find_element(f"#{ids.FILTER_MEASURE} input[value='valor']").click()
    until(dash_duo, lambda d: stored_state(d).get("measure") == "valor", "medida sin aplicar")
    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_AXIS}", index=5)
    until(dash_duo, lambda d: stored_state(d).get("axes") == ["nueva-movilidad"], "eje sin aplicar")
    click_locality(dash_duo, "11")
    until(dash_duo, lambda d: stored_state(d).get("localities") == ["11"], "clic sin aplicar")
    south = "g._fullLayout.geo.lataxis.range[0]"
    urban = map_eval(dash_duo.driver, south)
    dash_duo.find_element(f"#{ids.MAP_FRAMING} input[value='distrito']").click()
    until(dash_duo, lambda d: map_eval(d, south) < urban - 0.2, "el encuadre no cambió")
    settle(dash_duo)
    assert url_query(dash_duo.driver)["encuadre"] == ["distrito"]
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
    assert map_eval(dash_duo.driver, "g.data[0].geojson.features.length") == 20


def test_clicking_a_year_on_the_series_moves_the_map_year(dash_duo, dashboard):
    start_page(dash_duo, dashboard, "producto=P01&anio=2026")
    x, y = dash_duo.driver.execute_script(
        f"const g = {FIGURE.format(id=ids.SERIES_GRAPH)};"
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
    until(dash_duo, lambda d: stored_state(d).get("year") == 2024, "el clic no movió el año")
    settle(dash_duo)
    assert "2024" in text_of(dash_duo, ids.MAP_CARD_TITLE)
    assert url_query(dash_duo.driver)["anio"] == ["2024"]


def test_play_runs_to_the_cut_and_stops(dash_duo, dashboard):
    start_page(dash_duo, dashboard, "anio=2025")
    dash_duo.find_element(f"#{ids.PLAY_BUTTON}").click()
    until(dash_duo, lambda d: stored_state(d).get("year") == 2026, "la animación no avanzó")
    dash_duo.wait_for_contains_text(f"#{ids.PLAY_BUTTON}", "Reproducir", timeout=WAIT)
    settle(dash_duo)
    assert stored_state(dash_duo.driver)["year"] == 2026  # the cut: the future is not played
    assert "2026-T3" in text_of(dash_duo, ids.MAP_CARD_TITLE)


def test_locality_table_is_the_map_as_a_table(dash_duo, dashboard):
    start_page(dash_duo, dashboard, "producto=P01")
    tab = next(a for a in dash_duo.find_elements("#table-card .nav-link")
               if a.text.startswith("Localidades"))
    tab.click()
    rows = f"#{ids.LOCALITY_GRID} .ag-pinned-left-cols-container .ag-row"

    def texts(driver):
        return driver.execute_script(
            f"return Array.from(document.querySelectorAll(\"{rows}\"))"
            ".map(e => e.innerText.trim());"
        )

    until(dash_duo, lambda d: len(texts(d)) >= 8, "tabla vacía")
    dash_duo.find_element(f"#{ids.TABLE_SEARCH}").send_keys("Suba")  # quick filter
    until(dash_duo, lambda d: texts(d) == ["11 · Suba"], "la búsqueda no filtró la tabla")
    dash_duo.find_element(f"{rows} .ag-cell").click()
    until(dash_duo, lambda d: stored_state(d).get("localities") == ["11"], "la fila no seleccionó")
    settle(dash_duo)
    assert "Suba" in text_of(dash_duo, ids.SERIES_CARD_TITLE)
