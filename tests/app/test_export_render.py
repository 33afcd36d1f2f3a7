"""Tests of app/exports/render.py."""

from __future__ import annotations

import struct

import plotly.graph_objects as go
import pytest

from app.exports.render import RenderError, check_magic, render_figure, topojson_url


@pytest.mark.parametrize(
    ("data", "fmt", "ok"),
    [(b"\x89PNG\r\n\x1a\n" + b"0" * 80, "png", True), (b"%PDF-1.4" + b"0" * 80, "pdf", True),
     (b"<svg xmlns='x'>" + b"0" * 80, "svg", True), (b"<svg/>", "svg", False),
     (b"%PDF-1.4" + b"0" * 80, "png", False), (b"", "pdf", False)],
)
def test_check_magic(data, fmt, ok):
    assert check_magic(data, fmt) is ok


def test_base_maps_are_local_files():
    url = topojson_url()
    assert url is not None and url.startswith("file://") and url.endswith("/")


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="formato"):
        render_figure(go.Figure(), "gif", width=100, height=100)


@pytest.mark.browser
def test_geo_figure_renders_offline_at_the_asked_size():
    fig = go.Figure(go.Scattergeo(lon=[-74.1, -74.0], lat=[4.6, 4.7], mode="markers"))
    fig.update_layout(geo={"visible": False, "fitbounds": "locations"})
    data = render_figure(fig, "png", width=300, height=200, scale=2)
    assert struct.unpack(">II", data[16:24]) == (600, 400)
    assert RenderError.__mro__[1] is RuntimeError


def test_a_browser_that_never_closes_cannot_hold_the_process(monkeypatch):
    """shutdown() (also run at exit) waits for kaleido at most its timeout, then marks
    the browser closed, so kaleido's own exit hook cannot wait for ever."""
    import threading

    import kaleido
    from kaleido._sync_server import GlobalKaleidoServer

    from app.exports import render

    forever = threading.Event()
    monkeypatch.setattr(kaleido, "stop_sync_server", lambda **_: forever.wait())
    monkeypatch.setattr(render, "_started", True)
    monkeypatch.setattr(render, "browser_pids", lambda: [])
    server = GlobalKaleidoServer()
    monkeypatch.setattr(server, "_initialized", True)
    done = threading.Thread(target=render.shutdown, kwargs={"timeout": 0.2}, daemon=True)
    done.start()
    done.join(10)
    forever.set()
    assert not done.is_alive()
    assert render._started is False and server.is_running() is False
