"""Issue 12: with ``REDIS_URL``, renders go through a real job queue (RQ on Redis).

Uses database 13 of the local Redis (emptied before and after each test) and
skips when Redis does not answer. Workers here are rq ``SimpleWorker`` objects
running in a thread of the test process, so the fake renderer records that the
render happened in the worker; the last test starts the real worker command
(``python -m app.exports.worker``) with Chromium.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid

import pytest

from tests.app.conftest import wait_until

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_db(monkeypatch):
    """A clean Redis database 13, set as ``REDIS_URL``."""
    try:
        import redis

        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        connection.ping()
    except Exception:
        pytest.skip("Redis no responde en 127.0.0.1:6379")
    connection.flushdb()
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    yield connection
    connection.flushdb()


@pytest.fixture
def queued_exports(fake_exports, redis_db):
    """``fake_exports`` with ``REDIS_URL`` pointing at the clean database."""
    os.environ["REDIS_URL"] = REDIS_URL  # fake_exports removed it; monkeypatch restores
    return fake_exports


def _thread_worker(connection, *, max_jobs: int = 1):
    """An rq SimpleWorker that can run in a thread (no signal handlers, timer timeouts)."""
    from rq import SimpleWorker
    from rq.timeouts import TimerDeathPenalty

    from app.exports.jobs import PRERENDER_QUEUE, QUEUE

    class ThreadWorker(SimpleWorker):
        death_penalty_class = TimerDeathPenalty

        def _install_signal_handlers(self):
            pass

    worker = ThreadWorker([QUEUE, PRERENDER_QUEUE], connection=connection,
                          name=f"prueba-{uuid.uuid4().hex[:8]}", worker_ttl=16)
    thread = threading.Thread(target=worker.work, kwargs={"max_jobs": max_jobs},
                              name="rq-worker", daemon=True)
    return worker, thread


def _workers(connection) -> int:
    from rq import Queue, Worker

    from app.exports.jobs import QUEUE

    return Worker.count(queue=Queue(QUEUE, connection=connection))


def test_with_a_worker_alive_the_render_happens_in_the_worker(client, queued_exports, redis_db):
    from rq.job import Job

    worker, thread = _thread_worker(redis_db)
    thread.start()
    wait_until(lambda: _workers(redis_db) == 1, message="(worker registered)")
    response = client.get("/export/mapa.png?anio=2026&medida=semaforo")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["X-Export-Cache"] == "miss"
    assert [name for name, _, _ in queued_exports.fake.calls] == ["rq-worker"]
    job = Job.fetch(response.headers["ETag"].strip('"'), connection=redis_db)
    assert job.get_status() == "finished" and job.worker_name == worker.name
    assert job.args[:3] == ("chart", "mapa", "png") and "medida=semaforo" in job.args[3]
    assert all(isinstance(arg, str) for arg in job.args)
    # the bytes came back and went into this host's cache
    assert queued_exports.cache.get(job.id) == response.data
    thread.join(timeout=30)
    again = client.get("/export/mapa.png?anio=2026&medida=semaforo")
    assert again.headers["X-Export-Cache"] == "hit"
    assert len(queued_exports.fake.calls) == 1


def test_without_a_worker_the_web_process_renders_within_its_gate(client, queued_exports,
                                                                  redis_db):
    from rq import Queue

    from app.exports.jobs import QUEUE

    response = client.get("/reporte/localidad/08.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [name for name, _, _ in queued_exports.fake.calls] == ["export-render-0"]
    assert Queue(QUEUE, connection=redis_db).count == 0


def test_a_long_queue_answers_503_at_once(client, queued_exports, redis_db):
    from rq import Queue, SimpleWorker

    from app.exports.jobs import QUEUE

    idle = SimpleWorker([QUEUE], connection=redis_db, name="ocupado")
    idle.register_birth()  # alive, but never takes a job
    queue = Queue(QUEUE, connection=redis_db)
    for _ in range(8):  # BOGOTA_TI_EXPORT_QUEUE_LIMIT default
        queue.enqueue("builtins.len", "x")
    response = client.get("/export/serie.svg?anio=2030")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert queue.count == 8 and queued_exports.fake.calls == []
    idle.register_death()


def test_a_job_the_worker_cannot_reproduce_is_refused():
    from app.exports.jobs import JobMismatchError, run_render_job
    from data.repository import get_catalog

    version = str(get_catalog().version.version_id)
    with pytest.raises(JobMismatchError):
        run_render_job("chart", "serie", "png", "anio=2025", version, "0" * 64)


def test_the_worker_command_needs_redis(monkeypatch, capsys):
    from app.exports.worker import main

    monkeypatch.delenv("REDIS_URL", raising=False)
    assert main([]) == 2
    assert "REDIS_URL" in capsys.readouterr().err


@pytest.mark.browser
def test_the_worker_command_renders_what_the_web_asks(client, redis_db, app_cache):
    """``python -m app.exports.worker`` (real Chromium) serves a web request."""
    from rq.job import Job

    from app.exports import jobs

    jobs._remotes.clear()
    name = f"prueba-cmd-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "REDIS_URL": REDIS_URL, "BOGOTA_TI_CACHE": str(app_cache)}
    env.pop("DATABASE_URL", None)
    worker = subprocess.Popen([sys.executable, "-m", "app.exports.worker", "--name", name],
                              env=env, cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                                  os.path.abspath(__file__)))),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: _workers(redis_db) == 1 or worker.poll() is not None, timeout=180,
                   message="(worker started)")
        assert worker.poll() is None, worker.stdout.read().decode(errors="replace")
        url = f"/export/serie.png?anio=2027&ancho={1601 + os.getpid() % 97}"
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.data.startswith(b"\x89PNG")
        job = Job.fetch(response.headers["ETag"].strip('"'), connection=redis_db)
        assert job.worker_name == name
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
        jobs._remotes.clear()
