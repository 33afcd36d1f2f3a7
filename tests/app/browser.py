"""Helpers of the browser tests: start the dashboard, wait on its drawn state, read it.

Every wait is on a condition of the page (callbacks idle, the map drawn for the
stored state), never on time.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from selenium.webdriver.support.ui import WebDriverWait

from callbacks import ids
from tests.app.conftest import free_port

WAIT = 20
FIGURE = "document.querySelector('#{id} .js-plotly-plot')"


def start_page(dash_duo, dashboard, query: str = "") -> None:
    """Serve the app and open it once, at ``/?query``."""
    app, log = dashboard
    dash_duo.start_server(app, navigate=False, port=free_port())
    log.clear()
    dash_duo.wait_for_page(f"{dash_duo.server.url.rstrip('/')}/?{query}", timeout=WAIT)
    wait_ready(dash_duo)


def wait_ready(dash_duo) -> None:
    dash_duo.wait_for_element(f"#{ids.MAP_GRAPH} .js-plotly-plot .geo", timeout=WAIT)
    dash_duo.wait_for_element(f"#{ids.TABLE_GRID} .ag-row", timeout=WAIT)
    until(dash_duo, lambda d: store_data(d) is not None, "el estado no llegó")
    settle(dash_duo)


def drawn_matches(driver) -> bool:
    """The map has drawn the stored state (``layout.meta.state``, set by each patch)."""
    state = stored_state(driver)
    drawn = map_eval(driver, "g._fullLayout && g._fullLayout.meta && g._fullLayout.meta.state")
    keys = ("indicator", "year", "quarter", "measure", "localities", "layers", "framing")
    return bool(state) and bool(drawn) and all(drawn.get(k) == state.get(k) for k in keys)


def settle(dash_duo) -> None:
    """No callback in flight and the map drawn for the stored state."""
    until(dash_duo, lambda d: pending(d) == 0, "quedaron callbacks pendientes")
    until(dash_duo, drawn_matches, "el mapa no dibujó el estado")


def until(dash_duo, condition, message: str):
    return WebDriverWait(dash_duo.driver, WAIT, poll_frequency=0.2).until(
        lambda driver: condition(driver), message
    )


def pending(driver) -> int:
    return driver.execute_script(
        "const s = window.store && window.store.getState && window.store.getState();"
        "return s && s.pendingCallbacks ? s.pendingCallbacks.length : 0;"
    )


def store_data(driver) -> dict | None:
    return driver.execute_script(
        "const s = window.store && window.store.getState && window.store.getState();"
        "if (!s || !s.paths || !s.layout) return null;"
        f"const p = s.paths.strs && s.paths.strs['{ids.STATE_STORE}'];"
        "if (!p) return null;"
        "let node = s.layout; for (const k of p) { node = node && node[k]; }"
        "return (node && node.props && node.props.data) || null;"
    )


def stored_state(driver) -> dict:
    return (store_data(driver) or {}).get("state", {})


def map_eval(driver, expression: str):
    figure = FIGURE.format(id=ids.MAP_GRAPH)
    return driver.execute_script(f"const g = {figure}; return {expression};")


def url_query(driver) -> dict:
    return parse_qs(urlparse(driver.current_url).query)


def text_of(dash_duo, element_id: str) -> str:
    return dash_duo.find_element(f"#{element_id}").text


def click_locality(dash_duo, code: str, *, shift: bool = False) -> None:
    """Click the map (native input events) at a point inside locality ``code``."""
    from view.geo import get_geo_context

    point = get_geo_context().label_points.set_index("code").loc[code]
    x, y = dash_duo.driver.execute_script(
        f"const g = {FIGURE.format(id=ids.MAP_GRAPH)};"
        "g.scrollIntoView({block: 'center', behavior: 'instant'});"
        f"const p = g._fullLayout.geo._subplot.projection([{point['lon']}, {point['lat']}]);"
        "const path = g.querySelector('.geo path.choroplethlocation');"
        "const pt = path.ownerSVGElement.createSVGPoint(); pt.x = p[0]; pt.y = p[1];"
        "const q = pt.matrixTransform(path.getScreenCTM()); return [q.x, q.y];"
    )
    send = dash_duo.driver.execute_cdp_cmd
    modifiers = 8 if shift else 0  # CDP: Shift = 8
    send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
    until(dash_duo, lambda d: d.execute_script(
        f"const g = {FIGURE.format(id=ids.MAP_GRAPH)};"
        f"return (g._hoverdata || []).some(p => p.location === '{code}');"), "sin hover")
    for kind in ("mousePressed", "mouseReleased"):
        send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                          "clickCount": 1, "modifiers": modifiers})


def severe_logs(dash_duo) -> list[dict]:
    return [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"]
