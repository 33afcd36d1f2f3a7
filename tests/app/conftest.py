"""Browser-test setup (H5): Debian chromium for ``dash_duo``, and the dashboard app.

``pytest_setup_options`` is the hook ``dash[testing]`` calls for the webdriver
options: headless Debian chromium with the flags this project's machines need.
"""

from __future__ import annotations

import io
import json
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1366,900",
)


def pytest_setup_options():
    """Webdriver options for ``dash_duo``: Debian chromium, headless."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = CHROMIUM
    for flag in HEADLESS_FLAGS:
        options.add_argument(flag)
    return options


def browser_available() -> bool:
    """True when chromium and chromedriver are installed."""
    return Path(CHROMIUM).exists() and shutil.which("chromedriver") is not None


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ResponseLog:
    """Bodies of the Dash responses the test server sent (uncompressed)."""

    records: list[dict] = field(default_factory=list)

    def clear(self) -> None:
        self.records.clear()

    def of(self, path: str) -> list[dict]:
        return [r for r in self.records if r["path"] == path]


class _Recorder:
    """WSGI middleware keeping the bodies of Dash's layout and callback responses.

    It asks for uncompressed responses on those paths so bodies can be read.
    """

    PATHS = ("/_dash-layout", "/_dash-update-component")

    def __init__(self, wsgi_app, log: ResponseLog) -> None:
        self.wsgi_app = wsgi_app
        self.log = log

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path not in self.PATHS:
            return self.wsgi_app(environ, start_response)
        environ["HTTP_ACCEPT_ENCODING"] = "identity"
        request_body = b""
        if path == "/_dash-update-component":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            request_body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(request_body)
        chunks = list(self.wsgi_app(environ, start_response))
        body = b"".join(chunks).decode("utf-8", errors="replace")
        output = json.loads(request_body).get("output", "") if request_body else ""
        self.log.records.append({"path": path, "output": output, "body": body,
                                 "size": len(body)})
        return chunks


@pytest.fixture(scope="module")
def dashboard_app(geodata_cache: Path):
    """The dashboard app on a temporary cache root (never the real ``.cache``).

    The root holds the session's temporary geodata ingest; the catalog and
    geometry caches are cleared before and after.
    """
    from app.factory import create_app
    from data import repository
    from view.geo import get_geo_context

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("BOGOTA_TI_CACHE", str(geodata_cache.parent))
    monkeypatch.delenv("BOGOTA_TI_MATRIX", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    caches = (repository.clear_cache, get_geo_context.cache_clear)
    for clear in caches:
        clear()
    yield create_app()
    monkeypatch.undo()
    for clear in caches:
        clear()


@pytest.fixture(scope="module")
def dashboard(dashboard_app):
    """``(app, log)`` for browser tests: ``log`` records every ``/_dash-layout`` and
    ``/_dash-update-component`` response body."""
    if not browser_available():
        pytest.skip("faltan chromium y chromedriver (make system-deps)")
    log = ResponseLog()
    dashboard_app.server.wsgi_app = _Recorder(dashboard_app.server.wsgi_app, log)
    yield dashboard_app, log
    dashboard_app.server.wsgi_app = dashboard_app.server.wsgi_app.wsgi_app


@pytest.fixture
def keep_dash_globals():
    """Restore Dash's global callback lists after a test that builds tiny apps.

    Callbacks declared with ``dash.callback`` are taken by the first app that serves
    a request; a throwaway app must not consume them.
    """
    from dash import _callback

    saved = (list(_callback.GLOBAL_CALLBACK_LIST), dict(_callback.GLOBAL_CALLBACK_MAP),
             list(_callback.GLOBAL_INLINE_SCRIPTS))
    yield
    _callback.GLOBAL_CALLBACK_LIST[:] = saved[0]
    _callback.GLOBAL_CALLBACK_MAP.clear()
    _callback.GLOBAL_CALLBACK_MAP.update(saved[1])
    _callback.GLOBAL_INLINE_SCRIPTS[:] = saved[2]


@pytest.fixture(autouse=True)
def _no_background_prerender(monkeypatch):
    """A test that publishes a version does not start pre-rendering its exports in the
    background (``app.exports.prerender``); the pre-render tests turn it back on."""
    monkeypatch.setenv("BOGOTA_TI_PRERENDER", "0")


# --- exports without Chromium (issue 12) ----------------------------------------------

_MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-1.4\n", "svg": b"<svg xmlns='x'>"}


class FakeRenderer:
    """Stands for ``render_figure``: records who called it, waits for ``release``."""

    def __init__(self) -> None:
        import threading

        self.release = threading.Event()
        self.release.set()
        self.calls: list[tuple[str, str, int]] = []

    def __call__(self, fig, fmt, *, width, height, scale=1.0) -> bytes:
        import threading

        self.calls.append((threading.current_thread().name, fmt, int(width)))
        if not self.release.wait(60):
            raise RuntimeError("the test never released the fake renderer")
        return _MAGIC[fmt] + b"0" * 128


@dataclass
class FakeExports:
    cache: object
    fake: FakeRenderer
    gate: object


@pytest.fixture
def fake_exports(monkeypatch, tmp_path):
    """Exports drawn by :class:`FakeRenderer` into a temporary export cache, through a
    fresh render gate (1 slot, 2 request threads waiting, 4 queued, 30 s), no Redis."""
    from app.exports import cache, dispatch, gate, jobs, service

    monkeypatch.delenv("REDIS_URL", raising=False)
    store = cache.ExportCache(tmp_path / "exports")
    for module in (cache, dispatch, service):
        monkeypatch.setattr(module, "get_export_cache", lambda folder=None: store)
    fake = FakeRenderer()
    monkeypatch.setattr(service, "render_figure", fake)
    fresh = gate.RenderGate(gate.GateSettings(slots=1, max_waiting=2, max_queued=4,
                                              wait_s=30.0))
    previous = gate.set_gate(fresh)
    jobs._remotes.clear()
    yield FakeExports(store, fake, fresh)
    fake.release.set()
    current = gate.get_gate()
    current.close()
    fresh.close()
    gate.set_gate(previous)
    jobs._remotes.clear()


def wait_until(condition, timeout: float = 30.0, message: str = "") -> None:
    """Poll ``condition()`` until it is true; fail after ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout:.0f} s {message}")
        time.sleep(0.01)
