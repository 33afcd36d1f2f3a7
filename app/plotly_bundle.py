"""The page's plotly.js: a partial bundle with only the trace types the page draws.

``make plotly-bundle`` (part of ``make setup``) installs plotly.js and esbuild from
the npm registry at the versions of ``vendor/plotly/package-lock.json`` and bundles
``vendor/plotly/entry.js`` (plotly.js core with ``scatter``, plus ``bar``,
``choropleth`` and ``scattergeo``) into ``.cache/plotly/``: a content-hashed
``plotly-custom.<sha256:12>.min.js``, its ``.br`` and ``.gz`` twins and
``manifest.json``. :func:`use_plotly_bundle` makes a Dash app load that file
(served by :mod:`app.routes.vendor` with ``Cache-Control: immutable``) instead of
Dash's ``plotly.min.js``; the Spanish locale stays ``assets/plotly_locale_es.js``.

How the swap works: Dash's graphs draw with ``window.Plotly`` when it exists and
only otherwise fetch ``plotly.min.js`` (a dynamic resource, never a ``<script>`` of
the page). The bundle is added to the app's ``external_scripts``, which Dash writes
right after React and before the component suites, as a plain blocking script, so
``window.Plotly`` exists before any graph mounts and ``plotly.min.js`` is never
requested. ``plotly.min.js`` stays registered: if the bundle ever failed to run, the
graphs would still load it (slower, but drawn).

Without a built bundle (no ``make setup``), or with ``BOGOTA_TI_PLOTLY_BUNDLE=0``
(the bench's baseline), the apps keep Dash's stock ``plotly.min.js``; a missing
bundle is logged once per process.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import dash

from data.config import PROJECT_ROOT

__all__ = [
    "BUNDLE_ENV",
    "DEFAULT_FOLDER",
    "ROUTE",
    "PlotlyBundle",
    "bundle_folder",
    "current_bundle",
    "load_bundle",
    "use_plotly_bundle",
]

_log = logging.getLogger(__name__)

#: Folder of the built bundle, or ``0``/``off`` for Dash's stock ``plotly.min.js``.
BUNDLE_ENV = "BOGOTA_TI_PLOTLY_BUNDLE"
#: Where ``make plotly-bundle`` writes it (the project's cache, whatever
#: ``BOGOTA_TI_CACHE`` says, like the topojson base maps).
DEFAULT_FOLDER = PROJECT_ROOT / ".cache" / "plotly"
#: URL prefix of the bundle, under the server's root.
ROUTE = "/vendor/plotly/"
_OFF = {"0", "off", "no", "false", "stock"}


@dataclass(frozen=True)
class PlotlyBundle:
    """A built bundle, as its ``manifest.json`` describes it."""

    folder: Path
    file: str
    sha256: str
    integrity: str
    plotlyjs: str
    traces: tuple[str, ...]
    bytes: int
    gzip: int
    brotli: int

    def path(self, encoding: str | None = None) -> Path:
        """The file to send for ``encoding`` (``"br"``, ``"gzip"`` or None: identity)."""
        suffix = {"br": ".br", "gzip": ".gz"}.get(encoding or "", "")
        return self.folder / (self.file + suffix)


def bundle_folder(env: dict[str, str] | None = None) -> Path | None:
    """The bundle's folder from ``BOGOTA_TI_PLOTLY_BUNDLE``; None when it is turned off."""
    raw = (os.environ if env is None else env).get(BUNDLE_ENV, "").strip()
    if raw.lower() in _OFF:
        return None
    return Path(raw) if raw else DEFAULT_FOLDER


def load_bundle(folder: Path) -> PlotlyBundle | None:
    """Read ``folder/manifest.json``; None when it or any of its files is missing or bad."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        bundle = PlotlyBundle(
            folder=folder, file=manifest["file"], sha256=manifest["sha256"],
            integrity=manifest["integrity"], plotlyjs=manifest["plotlyjs"],
            traces=tuple(manifest.get("traces", ())), bytes=int(manifest["bytes"]),
            gzip=int(manifest["gzip"]), brotli=int(manifest["brotli"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if "/" in bundle.file or not all(bundle.path(e).is_file() for e in (None, "br", "gzip")):
        return None
    return bundle


_loaded: dict[Path | None, PlotlyBundle | None] = {}
_lock = threading.Lock()


def current_bundle(env: dict[str, str] | None = None) -> PlotlyBundle | None:
    """The bundle this process serves (read once per folder), or None for the stock file.

    The first call for a folder logs which plotly.js the pages load; a missing
    bundle is a warning that names the command that builds it.
    """
    folder = bundle_folder(env)
    with _lock:
        if folder in _loaded:
            return _loaded[folder]
        bundle = None if folder is None else load_bundle(folder)
        _loaded[folder] = bundle
    if folder is None:
        _log.info("plotly.js: %s is off; the pages load Dash's stock plotly.min.js", BUNDLE_ENV)
    elif bundle is None:
        _log.warning(
            "plotly.js bundle not found in %s (run `make plotly-bundle`); the pages load "
            "Dash's stock plotly.min.js instead", folder)
    else:
        _log.info("plotly.js: partial bundle %s (%s, %d bytes)", bundle.file,
                  ", ".join(bundle.traces), bundle.bytes)
    return bundle


def _server_root(app: dash.Dash) -> str:
    """The server's root as the browser sees it, for an app mounted at any prefix.

    ``/`` for the dashboard, also ``/`` for the upload page (``/subir/``) and the
    embedded charts (``/embed/``); ``/tablero/`` behind a proxy that sets the
    requests prefix to ``/tablero/`` (and so on for the mounted apps).
    """
    requests = app.config.requests_pathname_prefix or "/"
    routes = app.config.routes_pathname_prefix or "/"
    if requests.endswith(routes):
        return requests[: len(requests) - len(routes)] + "/"
    return "/"


def use_plotly_bundle(app: dash.Dash, bundle: PlotlyBundle | None = None) -> PlotlyBundle | None:
    """Make every ``dcc.Graph`` of ``app`` draw with the partial bundle.

    Call it once per Dash app, after its constructor (calling it again replaces the
    script). Returns the bundle, or None when there is none: the app then keeps
    Dash's ``plotly.min.js``.
    """
    bundle = bundle or current_bundle()
    if bundle is None:
        return None
    src = _server_root(app).rstrip("/") + ROUTE + bundle.file
    kept = [s for s in app.config.external_scripts
            if not (isinstance(s, dict) and ROUTE in str(s.get("src", "")))]
    app.config.external_scripts = [*kept, {"src": src, "integrity": bundle.integrity}]
    return bundle
