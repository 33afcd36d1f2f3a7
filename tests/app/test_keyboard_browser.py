"""The dashboard with the keyboard alone (issue 13), in real headless Chromium.

Keys are real key events (WebDriver actions on the focused element); every wait is on a
condition of the page (focus, ARIA state, the stored state), never on time. Names are
the browser's own accessible names (Chrome DevTools' accessibility tree).
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from callbacks import ids
from callbacks.map import MAP_NAME
from callbacks.table import TABS, panel_id, tab_id
from tests.app.browser import (
    WAIT,
    pending,
    settle,
    start_page,
    stored_state,
    until,
    url_query,
)
from tests.app.conftest import free_port

pytestmark = pytest.mark.browser

#: Tab presses allowed from the top of the page to the table card's tabs.
MAX_TABS = 80


def press(dash_duo, *keys) -> None:
    ActionChains(dash_duo.driver).send_keys(*keys).perform()


def active(driver) -> dict:
    return driver.execute_script(
        "const e = document.activeElement;"
        "return {id: e.id, tag: e.tagName, role: e.getAttribute('role'),"
        "        cls: String(e.className || ''), text: (e.innerText || '').trim(),"
        "        width: e.getBoundingClientRect().width};"
    )


def accessible_name(driver, selector: str) -> str:
    """The name Chromium computes for the first element matching ``selector``."""
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})
    assert node["nodeId"], f"no hay {selector}"
    tree = driver.execute_cdp_cmd("Accessibility.getPartialAXTree",
                                  {"nodeId": node["nodeId"], "fetchRelatives": False})
    return tree["nodes"][0].get("name", {}).get("value", "")


def focus(dash_duo, selector: str) -> None:
    """Put the focus on ``selector`` (a start point; the keys then do the work)."""
    dash_duo.driver.execute_script(f"document.querySelector('{selector}').focus()")
    until(dash_duo, lambda d: d.execute_script(
        f"return document.activeElement === document.querySelector('{selector}')"),
        f"{selector} no tomó el foco")


def tab_until(dash_duo, found) -> list[dict]:
    """Press Tab from the current focus until ``found(active)``; every stop, in order."""
    stops = []
    for _ in range(MAX_TABS):
        press(dash_duo, Keys.TAB)
        stops.append(active(dash_duo.driver))
        if found(stops[-1]):
            return stops
    pytest.fail(f"{MAX_TABS} pulsaciones de Tab sin llegar: {[s['id'] or s['cls'] for s in stops]}")


def test_skip_link_is_the_first_stop_and_jumps_to_the_content(dash_duo, dashboard):
    start_page(dash_duo, dashboard)
    press(dash_duo, Keys.TAB)
    first = active(dash_duo.driver)
    assert (first["tag"], first["text"]) == ("A", "Saltar al contenido")
    assert first["width"] > 20  # shown while focused (visually-hidden-focusable)
    press(dash_duo, Keys.ENTER)
    until(dash_duo, lambda d: active(d)["id"] == "main-content", "el salto no llevó el foco")
    press(dash_duo, Keys.TAB)  # the next stop is inside the main content
    assert dash_duo.driver.execute_script(
        "return document.getElementById('main-content').contains(document.activeElement)")


def test_tab_order_reaches_every_control_once_and_the_grid_is_one_stop(dash_duo, dashboard):
    start_page(dash_duo, dashboard)
    stops = tab_until(dash_duo, lambda s: s["id"] == tab_id(TABS[0][0]))
    reached = [s["id"] for s in stops]
    for control in (ids.FILTER_AXIS, ids.FILTER_PRODUCT, ids.FILTER_LOCALITY,
                    ids.PLAY_BUTTON, ids.YEAR_QUARTER, ids.TABLE_SEARCH):
        assert reached.count(control) == 1, control
    assert sum(s["role"] == "slider" for s in stops) == 1
    assert not any("dash-dropdown-focus-target" in s["cls"] for s in stops)  # no hidden stop
    # only the selected tab is a stop; the grid takes one stop, then Tab leaves it
    assert not any(s["role"] == "tab" for s in stops[:-1])
    press(dash_duo, Keys.TAB)
    in_grid = active(dash_duo.driver)
    assert in_grid["role"] in {"columnheader", "gridcell"}
    press(dash_duo, Keys.TAB)
    after = dash_duo.driver.execute_script(
        f"return document.getElementById('{ids.TABLE_GRID}').contains(document.activeElement)")
    assert not after, "Tab recorrió las celdas de la tabla"


def test_table_tabs_switch_with_the_arrow_keys(dash_duo, dashboard):
    start_page(dash_duo, dashboard)
    focus(dash_duo, f"#{tab_id('indicadores')}")

    def selected(driver) -> list[str]:
        return driver.execute_script(
            "return Array.from(document.querySelectorAll('[role=tab]'))"
            ".filter(t => t.getAttribute('aria-selected') === 'true').map(t => t.id);")

    for key, expected in ((Keys.ARROW_RIGHT, "localidades"), (Keys.END, "ciudad"),
                          (Keys.ARROW_RIGHT, "indicadores"), (Keys.ARROW_LEFT, "ciudad"),
                          (Keys.HOME, "indicadores")):
        press(dash_duo, key)
        until(dash_duo, lambda d, e=expected: selected(d) == [tab_id(e)],
              f"no se eligió {expected}")
        assert active(dash_duo.driver)["id"] == tab_id(expected)
        shown = dash_duo.driver.execute_script(
            "return Array.from(document.querySelectorAll('[role=tabpanel]'))"
            ".filter(p => !p.hidden).map(p => p.id);")
        assert shown == [panel_id(expected)]
    press(dash_duo, Keys.ARROW_RIGHT)
    until(dash_duo, lambda d: selected(d) == [tab_id("localidades")], "no se eligió localidades")
    until(dash_duo, lambda d: d.execute_script(
        f"return document.querySelectorAll('#{ids.LOCALITY_GRID} .ag-center-cols-container "
        ".ag-row').length") >= 8, "la tabla de localidades no se mostró")
    tabs = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('[role=tab]')).map(t => "
        "[t.tabIndex, t.getAttribute('aria-controls'), "
        " document.getElementById(t.getAttribute('aria-controls')).getAttribute("
        "'aria-labelledby') === t.id]);")
    assert tabs == [[-1, panel_id("indicadores"), True], [0, panel_id("localidades"), True],
                    [-1, panel_id("ciudad"), True]]
    assert accessible_name(dash_duo.driver, f"#{tab_id('localidades')}") == \
        "Localidades (datos del mapa)"


def test_slider_moves_the_year_with_the_arrow_keys(dash_duo, dashboard):
    start_page(dash_duo, dashboard, "anio=2025")
    thumb = f"#{ids.YEAR_SLIDER} [role=slider]"
    assert accessible_name(dash_duo.driver, thumb) == "Año de corte"
    focus(dash_duo, thumb)
    press(dash_duo, Keys.ARROW_RIGHT)
    until(dash_duo, lambda d: stored_state(d).get("year") == 2026, "el año no cambió")
    settle(dash_duo)
    press(dash_duo, Keys.ARROW_RIGHT)  # after the cut's year: read as the future
    until(dash_duo, lambda d: stored_state(d).get("year") == 2027, "el año no cambió")
    until(dash_duo, lambda d: d.find_element("css selector", thumb).get_attribute(
        "aria-valuetext") == "2027, futuro: solo metas", "el año futuro no se anuncia")
    settle(dash_duo)
    assert url_query(dash_duo.driver)["anio"] == ["2027"]


@pytest.mark.parametrize("key", [Keys.ENTER, Keys.SPACE, Keys.ARROW_DOWN],
                         ids=["enter", "espacio", "flecha-abajo"])
def test_a_dropdown_opens_with_the_keyboard(dash_duo, dashboard, key):
    start_page(dash_duo, dashboard)
    button = f"#{ids.FILTER_AXIS}"
    assert accessible_name(dash_duo.driver, button).startswith("Eje")
    focus(dash_duo, button)
    press(dash_duo, key)
    until(dash_duo, lambda d: d.find_element("css selector", button).get_attribute(
        "aria-expanded") == "true", "la lista no se abrió")
    until(dash_duo, lambda d: len(d.find_elements("css selector", "[role=option]")) >= 2,
          "la lista no muestra opciones")
    press(dash_duo, Keys.ESCAPE)
    until(dash_duo, lambda d: d.find_element("css selector", button).get_attribute(
        "aria-expanded") == "false", "la lista no se cerró")
    until(dash_duo, lambda d: active(d)["id"] == ids.FILTER_AXIS, "el foco no volvió")


def test_controls_have_spanish_names_tied_to_their_labels(dash_duo, dashboard):
    start_page(dash_duo, dashboard)
    driver = dash_duo.driver
    for control, label in ((ids.FILTER_AXIS, "Eje"), (ids.FILTER_ENTITY, "Entidad responsable"),
                           (ids.FILTER_OBJECTIVE, "Objetivo específico"),
                           (ids.FILTER_PRODUCT, "Indicador de producto"),
                           (ids.FILTER_LOCALITY, "Localidad"), (ids.YEAR_QUARTER, "Trimestre")):
        assert accessible_name(driver, f"#{control}").startswith(label), control
    assert accessible_name(driver, "[role=figure]") == MAP_NAME
    assert accessible_name(driver, "[role=tablist]") == "Tablas"
    assert accessible_name(driver, f"#{ids.HEADLINE_BODY}").startswith("Tabla de avance")


def test_the_upload_file_input_is_reached_by_tab_and_named(dash_duo, dashboard):
    app, _ = dashboard
    dash_duo.start_server(app, navigate=False, port=free_port())
    dash_duo.wait_for_page(dash_duo.server.url.rstrip("/") + "/subir/", timeout=WAIT)
    dash_duo.wait_for_element("#upload-token", timeout=WAIT)
    until(dash_duo, lambda d: pending(d) == 0, "quedaron callbacks pendientes")
    name = "Archivo del reporte (CSV, XLSX o XLSB)"
    until(dash_duo, lambda d: accessible_name(d, "input[type=file]") == name, "sin nombre")
    stops = tab_until(dash_duo, lambda s: s["tag"] == "INPUT" and s["id"] == "" and
                      dash_duo.driver.execute_script(
                          "return document.activeElement.type === 'file'"))
    assert stops[-1]["tag"] == "INPUT"
    outline = dash_duo.driver.execute_script(
        "return getComputedStyle(document.querySelector('.upload-drop')).outlineStyle")
    assert outline == "solid"  # the box shows the focus of its hidden input
