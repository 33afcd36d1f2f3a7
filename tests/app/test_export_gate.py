"""Issue 12: exports never starve the interactive dashboard (app/exports/gate.py).

Finding of the hostile load test: uncached exports held gunicorn's request
threads (one Chromium, renders serialised behind a lock) until interactive
callbacks waited seconds. Now a render runs in a bounded pool beside the request
threads, at most ``max_waiting`` request threads wait for renders, and the rest
get ``503`` with ``Retry-After`` at once. These tests use a fake renderer that
waits for the test's signal, so they depend on conditions, never on speed.
"""

from __future__ import annotations

import os
import threading

import pytest

from app.exports.gate import HIGH, LOW, ExportBusy, GateSettings, RenderGate, set_gate
from tests.app.conftest import wait_until


def _busy_answer_is_well_formed(response) -> int:
    assert response.status_code == 503
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= 60
    text = response.get_data(as_text=True)
    assert "Intente de nuevo" in text and "el tablero sigue disponible" in text
    return seconds


# --- through the real routes -------------------------------------------------------------


def test_a_render_runs_in_the_pool_not_in_the_request_thread(client, fake_exports):
    first = client.get("/export/serie.png?anio=2025")
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.headers["X-Export-Cache"] == "miss"
    assert [name for name, _, _ in fake_exports.fake.calls] == ["export-render-0"]
    again = client.get("/export/serie.png?anio=2025")
    assert again.headers["X-Export-Cache"] == "hit" and again.data == first.data
    assert len(fake_exports.fake.calls) == 1


def test_saturated_exports_answer_503_at_once_and_the_dashboard_keeps_serving(
        dash_app, fake_exports):
    """Six users ask for uncached charts while one render is stuck: two request
    threads wait (the gate's bound), four get 503 + Retry-After at once, and the
    dashboard still answers; once the render goes on, the two waiting get their file."""
    fake_exports.fake.release.clear()
    answers: dict[int, object] = {}

    def ask(i: int) -> None:
        answers[i] = dash_app.server.test_client().get(f"/export/serie.png?ancho={1600 + i}")

    threads = [threading.Thread(target=ask, args=(i,), daemon=True) for i in range(6)]
    for thread in threads:
        thread.start()
    wait_until(lambda: len(answers) == 4 and fake_exports.gate.waiting == 2,
               message="(4 answered, 2 waiting)")
    for response in answers.values():
        _busy_answer_is_well_formed(response)
    dashboard = dash_app.server.test_client()
    assert dashboard.get("/_dash-layout").status_code == 200
    assert dashboard.get("/healthz").status_code == 200
    fake_exports.fake.release.set()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(r.status_code for r in answers.values())
    assert statuses == [200, 200, 503, 503, 503, 503]
    assert len(fake_exports.fake.calls) == 2  # refused requests rendered nothing


def test_a_render_that_takes_too_long_answers_503_and_still_fills_the_cache(
        client, fake_exports):
    slow_gate = RenderGate(GateSettings(slots=1, max_waiting=2, max_queued=4, wait_s=0.05))
    set_gate(slow_gate)
    fake_exports.fake.release.clear()
    url = "/export/entidades.png?anio=2024"
    _busy_answer_is_well_formed(client.get(url))
    fake_exports.fake.release.set()
    wait_until(lambda: any(fake_exports.cache.folder.rglob("*.bin")))
    retry = client.get(url)
    assert retry.status_code == 200 and retry.headers["X-Export-Cache"] == "hit"
    assert len(fake_exports.fake.calls) == 1
    slow_gate.close()


def test_tables_are_not_rendered_and_never_refused(client, fake_exports):
    fake_exports.fake.release.clear()
    with fake_exports.gate.admit(), fake_exports.gate.admit():  # the gate is full
        response = client.get("/export/tabla.csv?anio=2025")
    assert response.status_code == 200
    assert fake_exports.fake.calls == []


def test_a_busy_bundle_answers_503_with_retry_after(client, fake_exports):
    with fake_exports.gate.admit(), fake_exports.gate.admit():
        response = client.get("/export/todo.zip?anio=2023")
    _busy_answer_is_well_formed(response)


# --- the gate itself ---------------------------------------------------------------------


@pytest.fixture
def gate():
    gate = RenderGate(GateSettings(slots=1, max_waiting=1, max_queued=1, wait_s=30))
    yield gate
    gate.close()


def _blocker(started: threading.Event, release: threading.Event, out: bytes = b"x"):
    def task() -> bytes:
        started.set()
        assert release.wait(60)
        return out

    return task


def test_requested_renders_go_before_pre_renders(gate):
    started, release, order = threading.Event(), threading.Event(), []
    first = gate.submit("a", _blocker(started, release), priority=LOW)
    started.wait(30)
    low = gate.submit("b", lambda: order.append("pre-render") or b"b", priority=LOW)
    high = gate.submit("c", lambda: order.append("requested") or b"c", priority=HIGH)
    release.set()
    assert [f.result(30) for f in (first, high, low)] == [b"x", b"c", b"b"]
    assert order == ["requested", "pre-render"]


def test_a_request_for_a_queued_pre_render_raises_it_to_the_front(gate):
    started, release, order = threading.Event(), threading.Event(), []
    gate.submit("running", _blocker(started, release), priority=LOW)
    started.wait(30)
    gate.submit("other", lambda: order.append("other") or b"o", priority=LOW)
    wanted = gate.submit("wanted", lambda: order.append("wanted") or b"w", priority=LOW)
    assert gate.submit("wanted", lambda: b"never", priority=HIGH) is wanted
    release.set()
    assert wanted.result(30) == b"w"
    wait_until(lambda: len(order) == 2)
    assert order == ["wanted", "other"]


def test_one_key_renders_once(gate):
    started, release = threading.Event(), threading.Event()
    calls = []

    def build() -> bytes:
        calls.append(1)
        return _blocker(started, release, b"pdf")()

    assert gate.submit("k", build) is gate.submit("k", build)
    release.set()
    assert gate.submit("k", build).result(30) == b"pdf"
    assert len(calls) == 1


def test_bounds_refuse_with_a_retry_after(gate):
    started, release = threading.Event(), threading.Event()
    gate.submit("running", _blocker(started, release))
    started.wait(30)
    gate.submit("queued", lambda: b"q")  # max_queued = 1
    with pytest.raises(ExportBusy) as refused:
        gate.submit("one too many", lambda: b"n")
    assert refused.value.retry_after >= 1
    gate.submit("a pre-render is not refused", lambda: b"p", priority=LOW)
    with gate.admit(), pytest.raises(ExportBusy):  # max_waiting = 1
        with gate.admit():
            pass
    assert gate.waiting == 0
    release.set()


def test_a_failed_render_reaches_its_waiter_and_frees_the_slot(gate):
    def broken() -> bytes:
        raise RuntimeError("Chromium se cayó")

    with pytest.raises(RuntimeError, match="Chromium"):
        gate.run("broken", broken)
    assert gate.run("next", lambda: b"ok") == b"ok"


def test_settings_come_from_the_environment():
    settings = GateSettings.from_env({"GUNICORN_THREADS": "8", "BOGOTA_TI_EXPORT_QUEUE": "3",
                                      "BOGOTA_TI_EXPORT_WAIT": "7.5"})
    assert (settings.slots, settings.max_waiting, settings.max_queued, settings.wait_s) == \
        (1, 4, 3, 7.5)
    assert GateSettings.from_env({}).max_waiting == 2
    assert GateSettings.from_env({"BOGOTA_TI_EXPORT_SLOTS": "x"}).slots == 1


# --- Chromium yields the CPU -------------------------------------------------------------


@pytest.mark.browser
def test_the_export_browser_runs_at_a_lower_cpu_priority():
    import plotly.graph_objects as go

    from app.exports.render import (
        BROWSER_NICE,
        _autogroup,
        browser_pids,
        lower_browser_priority,
    )
    from app.exports.render import render_figure as real_render

    real_render(go.Figure(go.Bar(x=[1, 2], y=[3, 4])), "png", width=200, height=150)
    lower_browser_priority(rescan=True)
    pids = browser_pids()
    assert pids, "no Chromium process found under this process"
    nice = {}
    for pid in pids:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                nice[int(tid)] = os.getpriority(os.PRIO_PROCESS, int(tid))
            except OSError:  # a thread that just ended
                continue
    assert nice and min(nice.values()) >= BROWSER_NICE
    assert os.getpriority(os.PRIO_PROCESS, 0) < BROWSER_NICE  # the web process is not niced
    ours = _autogroup(os.getpid())
    for pid in pids:  # Chromium's own session: its CPU group is lowered as a whole
        group, group_nice = _autogroup(pid)
        if group and group != ours[0]:
            assert group_nice >= BROWSER_NICE
