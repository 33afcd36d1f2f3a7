"""Issue 12: frequent exports are pre-rendered when a version is published, at low priority."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from app.exports.prerender import PrerenderWatcher, _version_token
from data.schema import LOCALITY_CODES
from tests.app.conftest import wait_until


def _catalog(version_id: int, published_at: str = "2026-11-01T00:00:00"):
    """Just what the watcher reads of a catalog."""
    return SimpleNamespace(version=SimpleNamespace(version_id=version_id, source_sha256="abc",
                                                   published_at=published_at))


@dataclass(frozen=True)
class _Plan:
    key: str


def _plans(catalog):
    return [_Plan(f"v{catalog.version.version_id}-{i}") for i in range(3)]


def test_the_frequent_exports_are_the_default_charts_and_the_20_reports(app_cache):
    from app.exports.service import frequent_plans

    plans = frequent_plans()
    jobs = [(p.job.kind, p.job.name, p.job.fmt) for p in plans]
    assert jobs[:3] == [("chart", "mapa", "png"), ("chart", "serie", "png"),
                        ("chart", "entidades", "png")]
    assert jobs[3:] == [("report", code, "pdf") for code in LOCALITY_CODES]
    assert len({p.key for p in plans}) == 23


def test_a_plan_has_the_key_its_route_serves(client, fake_exports):
    from app.exports.service import frequent_plans

    keys = {(p.job.kind, p.job.name): p.key for p in frequent_plans()}
    chart = client.get("/export/mapa.png")
    report = client.get("/reporte/localidad/8.pdf")
    assert chart.headers["ETag"].strip('"') == keys[("chart", "mapa")]
    assert report.headers["ETag"].strip('"') == keys[("report", "08")]


def test_a_new_version_is_scheduled_once_per_host(tmp_path):
    scheduled = []
    watcher = PrerenderWatcher(_plans, lambda plan: scheduled.append(plan.key) or "pool",
                               tmp_path, background=False)
    assert not watcher.notice(_catalog(1))  # the version the process started with
    assert not watcher.notice(_catalog(1))
    assert watcher.notice(_catalog(2))
    assert scheduled == ["v2-0", "v2-1", "v2-2"]
    assert watcher.last == [("v2-0", "pool"), ("v2-1", "pool"), ("v2-2", "pool")]
    # another worker process of the same host sees v2 next: already claimed
    sibling = PrerenderWatcher(_plans, lambda plan: scheduled.append(plan.key) or "pool",
                               tmp_path, background=False, seen=_version_token(_catalog(1)))
    assert not sibling.notice(_catalog(2))
    assert len(scheduled) == 3
    # a restored version is a new publication (new time), pre-rendered again
    assert sibling.notice(_catalog(1, published_at="2026-11-02T00:00:00"))
    assert scheduled[3:] == ["v1-0", "v1-1", "v1-2"]


def test_a_failing_plan_never_breaks_the_watcher(tmp_path):
    def broken(catalog):
        raise RuntimeError("sin datos")

    watcher = PrerenderWatcher(broken, lambda plan: "pool", tmp_path, background=False,
                               seen="v0")
    assert watcher.notice(_catalog(5))
    assert watcher.last == []


def test_a_publication_noticed_after_a_request_schedules_the_prerender(client, monkeypatch,
                                                                       tmp_path):
    """The app looks at the current version after each request (``install``)."""
    from app.exports import prerender
    from data import repository

    scheduled = []
    watcher = PrerenderWatcher(_plans, lambda plan: scheduled.append(plan.key) or "pool",
                               tmp_path, background=False,
                               seen=_version_token(repository.get_catalog()))
    monkeypatch.setattr(prerender, "get_watcher", lambda: watcher)
    monkeypatch.setenv("BOGOTA_TI_PRERENDER", "1")
    assert client.get("/healthz").status_code == 200
    assert scheduled == []  # same version
    monkeypatch.setattr(repository, "get_catalog", lambda: _catalog(99))
    client.get("/healthz")
    assert scheduled == ["v99-0", "v99-1", "v99-2"]
    monkeypatch.setenv("BOGOTA_TI_PRERENDER", "0")
    monkeypatch.setattr(repository, "get_catalog", lambda: _catalog(100))
    client.get("/healthz")
    assert len(scheduled) == 3


def test_prerenders_fill_the_cache_through_the_pool_at_low_priority(app_cache, fake_exports):
    from app.exports.dispatch import prerender
    from app.exports.service import frequent_plans

    plans = frequent_plans()[:4]  # three charts and one report: enough, and quick
    assert [prerender(p) for p in plans] == ["pool"] * 4
    wait_until(lambda: all(fake_exports.cache.has(p.key) for p in plans))
    assert {name for name, _, _ in fake_exports.fake.calls} == {"export-render-0"}
    assert [prerender(p) for p in plans] == ["cached"] * 4


def test_with_workers_prerenders_go_on_the_low_priority_queue(app_cache, fake_exports,
                                                              monkeypatch):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/13"
    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=1)
        connection.ping()
    except Exception:
        pytest.skip("Redis no responde en 127.0.0.1:6379")
    from rq import Queue, SimpleWorker

    from app.exports import jobs
    from app.exports.dispatch import prerender
    from app.exports.service import frequent_plans

    connection.flushdb()
    monkeypatch.setenv("REDIS_URL", url)
    jobs._remotes.clear()
    idle = SimpleWorker([jobs.QUEUE, jobs.PRERENDER_QUEUE], connection=connection, name="previas")
    idle.register_birth()
    try:
        plan = frequent_plans()[3]
        assert prerender(plan) == "queued"
        assert prerender(plan) == "queued"  # one job per key, whoever asks
        assert Queue(jobs.PRERENDER_QUEUE, connection=connection).job_ids == [plan.key]
        assert Queue(jobs.QUEUE, connection=connection).count == 0
        assert fake_exports.fake.calls == []
    finally:
        idle.register_death()
        connection.flushdb()
        jobs._remotes.clear()
