"""Production hardening of the Flask server under Dash: compression, caching, security.

:func:`configure_serving` is applied once by :func:`app.factory.create_app`:

* **Compression** (Flask-Compress): br/gzip for HTML, JS, CSS and the JSON of
  ``/_dash-update-component``. Fingerprinted bundles are compressed once per
  process and kept in memory (they never change under the same URL).
* **Long cache on fingerprinted files**: ``_dash-component-suites`` URLs with a
  fingerprint and ``/assets/...?m=<mtime>`` get
  ``Cache-Control: public, max-age=31536000, immutable``.
* **Shared cache**: :func:`app.cache.init_cache` (Redis when ``REDIS_URL`` is set)
  and the callback response cache (:func:`app.cache.install_callback_cache`).
* **No 500 on bad callback requests**: a malformed ``/_dash-update-component``
  request gets a 400 with a Spanish message; the trace goes to the log only.
* **Script registry before the first request**: the page is rendered once at
  start-up (in gunicorn's preloaded master), so no worker answers 500 to a
  bundle request that arrives before it ever served the page.
* **One copy of the geometry**: :func:`slim_validation_layout`.
* **plotly.js**: the pages load the partial bundle of :mod:`app.plotly_bundle`
  (a ``<script>`` of the page, content-hashed, served immutable by
  :mod:`app.routes.vendor`), so no preload hint is needed.
* **Security headers** on every response: a Content-Security-Policy the app
  passes (Dash's inline scripts allowed by their hashes, no ``unsafe-inline``
  scripts), ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``, and a frame
  policy: ``frame-ancestors 'none'`` everywhere except the embeddable charts
  (``/embed/...``), which the app itself and the origins listed in
  ``BOGOTA_TI_FRAME_ANCESTORS`` (space or comma separated) may frame.
"""

from __future__ import annotations

import copy
import os
import re
import threading
from collections import OrderedDict

import dash
from dash.development.base_component import Component
from dash.fingerprint import check_fingerprint
from flask import Flask, Response, jsonify, request
from flask_compress import Compress
from werkzeug.exceptions import HTTPException

from app.cache import init_cache, install_callback_cache
from data.repository import current_version
from data.store import is_unavailable

__all__ = [
    "EMBED_PREFIX",
    "FRAME_ANCESTORS_ENV",
    "IMMUTABLE",
    "configure_serving",
    "content_security_policy",
    "embed_frame_ancestors",
    "frame_ancestors",
    "slim_validation_layout",
    "warm_static",
]

#: Environment variable with the origins allowed to embed the dashboard in a frame.
FRAME_ANCESTORS_ENV = "BOGOTA_TI_FRAME_ANCESTORS"
#: Path prefix of the embeddable charts, the only pages other sites may frame.
EMBED_PREFIX = "/embed/"
#: Cache-Control of files whose URL changes when their content does.
IMMUTABLE = "public, max-age=31536000, immutable"
_ORIGIN = re.compile(r"^(https?://[\w.-]+(:\d+)?|'self'|'none')$")
_COMPRESSED_ITEMS = 256


def frame_ancestors(env: dict[str, str] | None = None) -> str:
    """The CSP ``frame-ancestors`` sources: ``'none'`` or the configured origins.

    Invalid entries (not ``http(s)://host[:port]``, ``'self'`` or ``'none'``)
    are ignored, so a typo can never open the policy wider than intended.
    """
    raw = (os.environ if env is None else env).get(FRAME_ANCESTORS_ENV, "")
    origins = [item for item in re.split(r"[\s,]+", raw.strip()) if _ORIGIN.match(item)]
    origins = [o for o in origins if o != "'none'"]
    return " ".join(origins) if origins else "'none'"


def embed_frame_ancestors(env: dict[str, str] | None = None) -> str:
    """``frame-ancestors`` of the embeddable charts: the app itself plus the configured
    origins (:func:`frame_ancestors`)."""
    configured = frame_ancestors(env)
    return "'self'" if configured == "'none'" else f"'self' {configured}"


def content_security_policy(script_hashes: list[str], ancestors: str = "'none'") -> str:
    """The Content-Security-Policy header value.

    Parameters
    ----------
    script_hashes : list of str
        ``'sha256-...'`` sources of the page's inline scripts (``Dash.csp_hashes()``).
    ancestors : str
        ``frame-ancestors`` sources (see :func:`frame_ancestors`).

    Notes
    -----
    Scripts: only the app's own files and the hashed inline scripts; no
    ``'unsafe-eval'`` (checked in headless Chromium with the map, overlays,
    hover and clicks: no violation). No workers (the map is SVG, no MapLibre);
    Plotly and React write inline styles, so styles allow ``'unsafe-inline'``;
    images may be ``data:``/``blob:`` (the chart's own PNG download).
    """
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'none'"],
        "child-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": [ancestors],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def _is_fingerprinted() -> bool:
    path = request.path
    if path.startswith("/_dash-component-suites/"):
        return check_fingerprint(path)[1]
    return path.startswith("/assets/") and "m" in request.args


class _StaticCompressionCache:
    """Flask-Compress cache that keeps only fingerprinted GET responses (bounded)."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _cacheable(key: str) -> bool:
        return ";GET " in key

    def get(self, key: str) -> bytes | None:
        if not self._cacheable(key):
            return None
        with self._lock:
            return self._items.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not self._cacheable(key):
            return
        with self._lock:
            self._items[key] = value
            while len(self._items) > _COMPRESSED_ITEMS:
                self._items.popitem(last=False)


def _compression_key(req) -> str:
    """Key of a response for the compression cache (``"-"``: do not cache).

    Component-suite files come from the installed packages, constant while the
    process lives (fingerprinted or not, e.g. ``plotly.min.js``); assets only
    when fingerprinted.
    """
    if req.method != "GET":
        return "-"
    if req.path.startswith("/_dash-component-suites/") or (
        req.path.startswith("/assets/") and _is_fingerprinted()
    ):
        return f"GET {req.full_path}"
    return "-"


#: Props whose values the callback validation never needs (only ids and prop names).
_HEAVY_PROPS = ("figure", "rowData", "data")


def slim_validation_layout(app: dash.Dash) -> None:
    """Drop heavy values (figures, table rows) from Dash's validation layout.

    With a layout function, Dash embeds a full copy of the layout in every
    page's HTML only so the browser can check callback ids; with the map's
    figure that copy would send the geometry twice. The slim copy keeps every
    component, id and prop name.
    """
    layout = app.validation_layout
    if layout is None or not isinstance(layout, Component):
        return
    slim = copy.deepcopy(layout)
    for component in [slim, *slim._traverse()]:
        if not isinstance(component, Component):
            continue
        for prop in _HEAVY_PROPS:
            if prop in component._prop_names and getattr(component, prop, None) is not None:
                setattr(component, prop, None)
    app.validation_layout = slim


def configure_serving(app: dash.Dash, env: dict[str, str] | None = None) -> None:
    """Apply compression, cache headers and security headers to ``app``'s server.

    Call once, after the layout, the callbacks and the blueprints are set: it
    renders the page once, which fixes the CSP hashes of Dash's inline scripts.

    Parameters
    ----------
    app : dash.Dash
    env : dict, optional
        Environment to read (default ``os.environ``): ``BOGOTA_TI_FRAME_ANCESTORS``,
        ``REDIS_URL``, ``BOGOTA_TI_CALLBACK_CACHE``.
    """
    server: Flask = app.server
    slim_validation_layout(app)
    cache = _StaticCompressionCache()
    server.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_ALGORITHM_STREAMING=["br"],
        COMPRESS_LEVEL=6,
        COMPRESS_BR_LEVEL=5,
        COMPRESS_MIN_SIZE=500,
        COMPRESS_CACHE_BACKEND=lambda: cache,
        COMPRESS_CACHE_KEY=_compression_key,
    )
    policy: dict[str, str] = {}
    policy_lock = threading.Lock()

    def _policy(embed: bool) -> str:
        # the embeddable charts' origins are read per request (from ``env`` when
        # given), so a changed BOGOTA_TI_FRAME_ANCESTORS applies without a restart
        ancestors = embed_frame_ancestors(env) if embed else "'none'"
        with policy_lock:
            if ancestors not in policy:
                policy[ancestors] = content_security_policy(list(app.csp_hashes()), ancestors)
            return policy[ancestors]

    Compress(server)
    # Registered after Compress, so these run before it (Flask runs after_request
    # hooks in reverse order): static files are buffered and callback responses
    # cached before compression.
    @server.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        if response.status_code == 200 and _is_fingerprinted():
            headers["Cache-Control"] = IMMUTABLE
            if response.is_streamed:  # static files: buffer them so gzip applies too
                response.direct_passthrough = False
                response.make_sequence()
        embed = request.path.startswith(EMBED_PREFIX)
        headers.setdefault("Content-Security-Policy", _policy(embed))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if not embed:
            headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
            headers.setdefault("X-Frame-Options", "DENY")
        return response

    init_cache(server, env)
    install_callback_cache(server, current_version, env)
    _reject_bad_callback_requests(server)
    _render_index_once(app)


#: Answer while the data store does not answer and no data was loaded yet.
STORE_DOWN_MESSAGE = ("El almacén de datos no responde en este momento; intente de nuevo en "
                      "unos segundos.")
#: Answer to a callback request Dash cannot process (malformed or impossible input).
BAD_CALLBACK_MESSAGE = (
    "La petición de actualización no es válida (datos incompletos o de otro tipo). "
    "Recargue la página; si el problema sigue, abra el tablero desde su dirección inicial."
)


def _reject_bad_callback_requests(server: Flask) -> None:
    """Malformed callback requests get a 400 in Spanish, never a 500 with a trace.

    The browser's renderer only sends well-formed requests with values its own
    components produced; anything else (hand-made or corrupted requests, values
    of the wrong type) is a client error. The traceback is logged, not sent.
    """

    @server.errorhandler(Exception)
    def _callback_error(error: Exception):
        if isinstance(error, HTTPException):
            return error
        if is_unavailable(error):  # no catalog loaded yet and the store does not answer
            server.logger.warning("store unavailable during %s: %r", request.path, error)
            response = jsonify(error=STORE_DOWN_MESSAGE)
            response.status_code = 503
            response.headers["Retry-After"] = "5"
            return response
        if not request.path.endswith("/_dash-update-component"):
            raise error
        server.logger.warning("callback request rejected: %r", error, exc_info=error)
        return jsonify(error=BAD_CALLBACK_MESSAGE), 400


def warm_static(server: Flask) -> int:
    """Compress every script and stylesheet of the page once, now (br and gzip).

    Called by gunicorn's ``when_ready`` hook in the preloaded master, so the
    forked workers inherit the compressed bundles instead of the first visitors
    paying for them. The partial plotly.js bundle comes precompressed; without it
    (:mod:`app.plotly_bundle`), Dash's ``plotly.min.js``, which the graphs fetch
    themselves (about half a second to compress), is warmed too. Returns the
    number of files warmed.
    """
    client = server.test_client()
    page = client.get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    urls = set(re.findall(r'(?:src|href)="(/(?:_dash-component-suites|assets)/[^"]+)"', page))
    if "/vendor/plotly/" not in page:
        urls.add("/_dash-component-suites/plotly/package_data/plotly.min.js")
    for url in sorted(urls):
        for encoding in ("br", "gzip"):
            client.get(url, headers={"Accept-Encoding": encoding})
    return len(urls)


def _render_index_once(app: dash.Dash) -> None:
    """Render the page once in this process (before gunicorn forks its workers).

    Dash registers the script paths it may serve only while rendering the
    index; a worker (or host) whose first request is a script would answer 500
    ("not a registered library"). Rendering it here, in the preloaded master,
    gives every worker the registry.
    """
    response = app.server.test_client().get("/", headers={"Accept-Encoding": "identity"})
    if response.status_code != 200:
        app.logger.warning("the start page answered %s at start-up", response.status_code)
