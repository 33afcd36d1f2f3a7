"""Time to first rendered map in headless Chromium (cold), and what the page downloads.

Each run starts a fresh Chromium (new empty profile, cache disabled), opens the
page and polls until the map graph holds a rendered Plotly map: its MapLibre
canvas with the choropleth drawn (map ``loaded()``), or the SVG paths of a
geo/choropleth trace. The time is ``performance.now()`` at that moment
(milliseconds since navigation start). Console messages are collected, so the
same run reports Content-Security-Policy violations; the Chromium performance
log gives the bytes on the wire of every response. A ``PerformanceObserver``
installed before the page's own scripts records layout shifts (CLS, session
windows as Chromium defines them) and long tasks (total blocking time: the part
of each task beyond 50 ms, up to one second after the map is drawn).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time

__all__ = ["BROWSER_FLAGS", "cumulative_layout_shift", "first_map", "open_driver",
           "total_blocking_time"]

BROWSER_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1366,900", "--use-gl=swiftshader",
    "--enable-unsafe-swiftshader", "--disk-cache-size=1",
)

_READY_JS = """
const gd = document.querySelector(arguments[0]);
if (!gd || !gd._fullLayout) { return null; }
const sub = gd._fullLayout.map && gd._fullLayout.map._subplot;
if (sub && sub.map) {
  const canvas = gd.querySelector('canvas.maplibregl-canvas');
  if (canvas && sub.map.loaded() && gd.calcdata && gd.calcdata.length) {
    return {kind: 'map', t: performance.now()};
  }
  return null;
}
const paths = gd.querySelectorAll('.choroplethlayer path, .geo path, .mapboxgl-canvas');
return paths.length ? {kind: 'svg', t: performance.now(), n: paths.length} : null;
"""


#: Installed before any script of the page (CDP ``Page.addScriptToEvaluateOnNewDocument``).
_OBSERVER_JS = """
window.__bench = {shifts: [], tasks: []};
try {
  new PerformanceObserver(l => l.getEntries().forEach(e => {
    if (!e.hadRecentInput) window.__bench.shifts.push([e.startTime, e.value]);
  })).observe({type: 'layout-shift', buffered: true});
  new PerformanceObserver(l => l.getEntries().forEach(e => {
    window.__bench.tasks.push([e.startTime, e.duration]);
  })).observe({type: 'longtask', buffered: true});
} catch (e) {}
"""


def cumulative_layout_shift(shifts: list[list[float]]) -> float:
    """CLS from ``[start_ms, value]`` shifts: the largest session window (shifts less
    than 1 s apart, a window at most 5 s long), as Chromium and Lighthouse compute it."""
    best = current = 0.0
    window_start = last = None
    for start, value in sorted(shifts):
        if last is None or start - last >= 1000 or start - window_start >= 5000:
            current, window_start = 0.0, start
        current += value
        last = start
        best = max(best, current)
    return best


def total_blocking_time(tasks: list[list[float]], until_ms: float) -> float:
    """Sum of the time beyond 50 ms of every long task that starts before ``until_ms``."""
    return sum(max(0.0, duration - 50.0) for start, duration in tasks if start <= until_ms)


def open_driver():
    """A headless Chromium through chromedriver, with console and network logs on.

    Raises
    ------
    RuntimeError
        If chromium or chromedriver is missing.
    """
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and chromedriver):
        raise RuntimeError("falta chromium o chromedriver (make system-deps)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in BROWSER_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver._bench_profile = profile  # removed by first_map
    return driver


def _network_bytes(entries: list[dict]) -> dict[str, int]:
    """Bytes on the wire per resource type (http/https only), from the performance log."""
    types: dict[str, str] = {}
    total: dict[str, int] = {}
    for entry in entries:
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.responseReceived":
            if params.get("response", {}).get("url", "").startswith(("http://", "https://")):
                types[params["requestId"]] = params.get("type", "Other")
        elif message["method"] == "Network.loadingFinished":
            kind = types.get(params["requestId"])
            if kind is None:  # browser-internal pages (chrome://), data: URLs
                continue
            total[kind] = total.get(kind, 0) + int(params.get("encodedDataLength", 0))
    total["total"] = sum(total.values())
    return total


def first_map(url: str, selector: str = "#map-graph .js-plotly-plot", *,
              timeout: float = 30.0) -> dict:
    """Open ``url`` cold and time the first rendered map.

    Returns
    -------
    dict
        ``ms`` (time to first rendered map, None if it never rendered), ``kind``,
        ``bytes`` (per resource type and total), ``csp_violations`` and
        ``console_errors`` (messages).
    """
    driver = open_driver()
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _OBSERVER_JS})
        driver.get(url)
        found = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and found is None:
            found = driver.execute_script(_READY_JS, selector)
            if found is None:
                time.sleep(0.02)
        time.sleep(1.0)  # let late requests, console messages and layout shifts arrive
        observed = driver.execute_script("return window.__bench || {shifts: [], tasks: []}")
        console = driver.get_log("browser")
        network = _network_bytes(driver.get_log("performance"))
    finally:
        profile = getattr(driver, "_bench_profile", None)
        driver.quit()
        if profile:
            shutil.rmtree(profile, ignore_errors=True)
    messages = [entry.get("message", "") for entry in console]
    csp = [m for m in messages if "Content Security Policy" in m or "Content-Security-Policy" in m]
    errors = [m for m in messages if m not in csp and console
              and any(e.get("message") == m and e.get("level") == "SEVERE" for e in console)]
    return {
        "ms": round(found["t"], 1) if found else None,
        "kind": found["kind"] if found else None,
        "bytes": network,
        "cls": round(cumulative_layout_shift(observed["shifts"]), 4),
        "tbt_ms": round(total_blocking_time(observed["tasks"],
                                            (found["t"] if found else 0) + 1000)),
        "csp_violations": csp,
        "console_errors": errors,
    }
