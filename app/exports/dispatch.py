"""Where a cache miss is rendered: an RQ worker, else this process's bounded pool.

:func:`produce` is what :mod:`app.exports.service` calls for charts and locality
reports: a cache hit answers at once; a miss is rendered by a worker through
:mod:`app.exports.jobs` when ``REDIS_URL`` is set and a worker is alive, else in
this process's render pool (:mod:`app.exports.gate`). Either way the request
thread only waits, within the gate's bounds, and the bytes end in the export
cache. :func:`prerender` queues the same work at low priority.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

from app.exports.cache import get_export_cache
from app.exports.gate import LOW, ExportBusy, get_gate
from app.exports.jobs import RenderJob, get_remote

__all__ = ["ExportBusy", "RenderPlan", "prerender", "produce"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderPlan:
    """One export to render: the job (plain strings, its ``key``) and the local build."""

    job: RenderJob
    build: Callable[[], bytes]

    @property
    def key(self) -> str:
        return self.job.key


def _storing(plan: RenderPlan) -> Callable[[], bytes]:
    def task() -> bytes:
        data = plan.build()
        get_export_cache().put(plan.key, data)
        return data

    return task


def produce(plan: RenderPlan) -> tuple[bytes, bool]:
    """``(data, hit)`` for ``plan``: cached bytes, or rendered by a worker or the pool.

    Raises
    ------
    ExportBusy
        When exports are saturated (answer 503 with ``Retry-After``).
    app.exports.render.RenderError
        When the file could not be drawn.
    """
    cache = get_export_cache()
    data = cache.get(plan.key)
    if data is not None:
        return data, True
    gate = get_gate()
    with gate.admit():
        remote = get_remote()
        if remote is not None:
            data = remote.render(plan.job, gate.settings.wait_s)
            if data is not None:
                cache.put(plan.key, data)
                return data, False
        return gate.wait(gate.submit(plan.key, _storing(plan))), False


def prerender(plan: RenderPlan) -> str:
    """Queue ``plan`` at low priority; what happened: ``cached``, ``queued`` (on RQ),
    ``pool`` (local pool) or ``busy`` (the pool holds too many pre-renders)."""
    if get_export_cache().has(plan.key):
        return "cached"
    remote = get_remote()
    if remote is not None and remote.prerender(plan.job):
        return "queued"
    try:
        future = get_gate().submit(plan.key, _storing(plan), priority=LOW)
    except ExportBusy:
        return "busy"
    future.add_done_callback(lambda done: _log_failure(plan, done))
    return "pool"


def _log_failure(plan: RenderPlan, future: Future) -> None:
    error = None if future.cancelled() else future.exception()
    if error is not None:
        _log.warning("pre-render of %s %s.%s failed: %s", plan.job.kind, plan.job.name,
                     plan.job.fmt, error)
