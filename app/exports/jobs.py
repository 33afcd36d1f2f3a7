"""Export renders as jobs on a real queue (RQ on Redis), so render workers can run elsewhere.

With ``REDIS_URL`` set, a cache miss of a chart or a locality report becomes
an RQ job on the queue :data:`QUEUE` (pre-renders on :data:`PRERENDER_QUEUE`,
which workers take only when :data:`QUEUE` is empty). The job's arguments are
plain strings (:class:`RenderJob`: kind, name, format, query, data version and
the cache key); its id is the cache key, so equal requests from any process or
host share one job, and its result (the file's bytes) comes back through Redis
and goes into the requesting host's export cache. A worker recomputes the key
from the arguments and refuses a job whose key differs (web and worker running
different code), and the web process then renders locally.

Start workers with ``python -m app.exports.worker`` (see :mod:`app.exports.worker`).
When no worker is alive for :data:`QUEUE`, or Redis fails, :class:`RemoteRenderer`
answers None and the caller renders locally through :mod:`app.exports.gate`.

Environment: ``BOGOTA_TI_EXPORT_QUEUE_LIMIT`` (jobs waiting in :data:`QUEUE`
beyond which requests get 503 at once, default 8).
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections import OrderedDict
from dataclasses import astuple, dataclass

from app.exports.gate import ExportBusy

__all__ = [
    "PRERENDER_QUEUE",
    "QUEUE",
    "JobMismatchError",
    "RemoteRenderer",
    "RenderJob",
    "get_remote",
    "run_render_job",
]

#: RQ queue of the renders requests wait for.
QUEUE = "exportaciones"
#: RQ queue of the pre-renders of a new publication (taken only when QUEUE is empty).
PRERENDER_QUEUE = "exportaciones-previas"
#: Seconds a finished result stays in Redis (requested render / pre-render).
RESULT_TTL_S = 600
PRERENDER_TTL_S = 24 * 3600
#: Seconds a failed job is remembered (the web renders locally meanwhile).
FAILURE_TTL_S = 300
#: Seconds a worker may spend on one job.
JOB_TIMEOUT_S = 180
_ALIVE_CHECK_S = 2.0
_DOWN_PAUSE_S = 5.0
_log = logging.getLogger(__name__)


class JobMismatchError(RuntimeError):
    """The worker computed another cache key for the job (different code or data)."""


@dataclass(frozen=True)
class RenderJob:
    """What a worker needs to render one export, as plain strings.

    ``kind`` is ``"chart"`` (``name`` a view: mapa, serie, entidades) or
    ``"report"`` (``name`` a locality code); ``query`` is the canonical
    dashboard query plus the export's own parameters; ``key`` the cache key.
    """

    kind: str
    name: str
    fmt: str
    query: str
    version_id: str
    key: str


_catalogs: OrderedDict[str, object] = OrderedDict()
_catalogs_lock = threading.Lock()


def _catalog_for(version_id: str):
    """The catalog of data version ``version_id`` (the current one, or read by id)."""
    from data import repository

    current = repository.get_catalog()
    if str(current.version.version_id) == version_id:
        return current
    with _catalogs_lock:
        catalog = _catalogs.get(version_id)
        if catalog is None:
            from data.store import load_catalog

            catalog = load_catalog(repository.get_engine(), int(version_id))
            _catalogs[version_id] = catalog
            while len(_catalogs) > 2:
                _catalogs.popitem(last=False)
        return catalog


def run_render_job(kind: str, name: str, fmt: str, query: str, version_id: str,
                   key: str) -> bytes:
    """Render one export (what an RQ worker executes); returns the file's bytes.

    Raises
    ------
    JobMismatchError
        When the arguments do not give ``key`` here.
    """
    from app.exports.cache import get_export_cache
    from app.exports.service import render_plan

    plan = render_plan(RenderJob(kind, name, fmt, query, version_id, key),
                       _catalog_for(version_id))
    if plan.key != key:
        raise JobMismatchError(f"clave {plan.key[:12]} != {key[:12]}: el worker y la web "
                               "corren código o datos distintos")
    data, _ = get_export_cache().get_or_create(key, plan.build)
    return data


class RemoteRenderer:
    """Enqueue renders on RQ and wait for their results (one per process and URL).

    Parameters
    ----------
    url : str
        Redis URL.
    queue_limit : int
        Jobs waiting in :data:`QUEUE` beyond which a request gets 503 at once.
    """

    def __init__(self, url: str, *, queue_limit: int = 8) -> None:
        from redis import Redis
        from rq import Queue

        self.url = url
        self.queue_limit = queue_limit
        self.redis = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=60)
        self.queue = Queue(QUEUE, connection=self.redis)
        self.prerender_queue = Queue(PRERENDER_QUEUE, connection=self.redis)
        self._alive = (float("-inf"), 0)
        self._down_until = 0.0
        self._mean_s = 3.0
        self._lock = threading.Lock()
        #: One enqueue per key at a time in this process (striped locks).
        self._stripes = [threading.Lock() for _ in range(32)]

    # -- workers ---------------------------------------------------------------------
    def workers(self) -> int:
        """Workers alive on :data:`QUEUE` (checked at most every 2 s; 0 when Redis fails)."""
        now = time.monotonic()
        if now < self._down_until:
            return 0
        checked_at, count = self._alive
        if now - checked_at < _ALIVE_CHECK_S:
            return count
        from rq import Worker
        from rq.worker_registration import clean_worker_registry

        try:
            clean_worker_registry(self.queue)
            count = Worker.count(queue=self.queue)
        except Exception as error:  # noqa: BLE001 - Redis down: render locally
            self._mark_down(error)
            return 0
        self._alive = (now, count)
        return count

    def _mark_down(self, error: Exception) -> None:
        _log.warning("export queue unavailable (%s); rendering locally for %.0f s",
                     error, _DOWN_PAUSE_S)
        self._down_until = time.monotonic() + _DOWN_PAUSE_S
        self._alive = (float("-inf"), 0)

    def retry_after(self, waiting: int | None = None) -> int:
        """Seconds after which a retry may find the queue shorter (1 to 60)."""
        try:
            waiting = self.queue.count if waiting is None else waiting
        except Exception:  # noqa: BLE001
            waiting = self.queue_limit
        per_worker = (waiting + 1) / max(1, self._alive[1])
        return max(1, min(60, math.ceil(self._mean_s * per_worker)))

    # -- jobs ------------------------------------------------------------------------
    def _fetch(self, key: str):
        from rq.exceptions import NoSuchJobError
        from rq.job import Job

        try:
            return Job.fetch(key, connection=self.redis)
        except NoSuchJobError:
            return None

    def _enqueue(self, job: RenderJob, *, prerender: bool):
        from rq.results import Result

        self.redis.delete(Result.get_key(job.key))  # a stale failure must not answer
        queue = self.prerender_queue if prerender else self.queue
        return queue.enqueue(
            run_render_job, *astuple(job)[:5], job.key,
            job_id=job.key, result_ttl=PRERENDER_TTL_S if prerender else RESULT_TTL_S,
            failure_ttl=FAILURE_TTL_S, job_timeout=JOB_TIMEOUT_S,
            description=f"{job.kind} {job.name}.{job.fmt} v{job.version_id}")

    def _finished(self, rq_job) -> bytes | None:
        """Bytes of a finished job whose result is still in Redis."""
        from rq.results import Result

        result = Result.fetch_latest(rq_job)
        if result is not None and result.type == Result.Type.SUCCESSFUL:
            value = result.return_value
            return value if isinstance(value, bytes) else None
        return None

    def render(self, job: RenderJob, wait_s: float) -> bytes | None:
        """The bytes of ``job`` rendered by a worker, or None (render locally instead).

        A finished job's result (e.g. a pre-render) is used even with no worker
        alive. None when no worker is alive to take the job, Redis fails or the
        job failed on the worker.

        Raises
        ------
        ExportBusy
            When :data:`QUEUE` holds ``queue_limit`` jobs already, or the result
            did not come within ``wait_s`` (the job goes on; its result waits in
            Redis for the retry).
        """
        from rq.job import JobStatus
        from rq.results import Result

        if time.monotonic() < self._down_until:
            return None
        started = time.monotonic()
        try:
            with self._stripes[hash(job.key) % len(self._stripes)]:
                rq_job = self._fetch(job.key)
                status = rq_job.get_status(refresh=False) if rq_job is not None else None
                if status == JobStatus.FINISHED:
                    data = self._finished(rq_job)
                    if data is not None:
                        return data
                    rq_job = None  # its result expired: render again
                elif status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
                    return None
                elif status == JobStatus.QUEUED and rq_job.origin == PRERENDER_QUEUE and \
                        self.prerender_queue.remove(rq_job):
                    rq_job = None  # a request wants a waiting pre-render: re-queue it in front
                if not self.workers():
                    return None
                if rq_job is None:
                    waiting = self.queue.count
                    if waiting >= self.queue_limit:
                        raise ExportBusy(self.retry_after(waiting), "export queue full")
                    rq_job = self._enqueue(job, prerender=False)
            result = Result.fetch_latest(rq_job, timeout=max(1, math.ceil(wait_s)))
        except ExportBusy:
            raise
        except Exception as error:  # noqa: BLE001 - Redis trouble: render locally
            self._mark_down(error)
            return None
        if result is None:
            raise ExportBusy(self.retry_after(), "export worker took too long")
        if result.type != Result.Type.SUCCESSFUL or not isinstance(result.return_value, bytes):
            _log.warning("export job %s failed on the worker: %s", job.key[:12],
                         (result.exc_string or "")[-300:])
            return None
        with self._lock:
            self._mean_s = 0.7 * self._mean_s + 0.3 * (time.monotonic() - started)
        return result.return_value

    def prerender(self, job: RenderJob) -> bool:
        """Queue ``job`` on :data:`PRERENDER_QUEUE` unless a job with its key exists.

        Returns True when the job is (or already was) in Redis; False when no
        worker is alive or Redis fails (pre-render locally then).
        """
        if not self.workers():
            return False
        try:
            if self._fetch(job.key) is None:
                self._enqueue(job, prerender=True)
            return True
        except Exception as error:  # noqa: BLE001
            self._mark_down(error)
            return False


_remotes: dict[tuple[int, str], RemoteRenderer] = {}
_remotes_lock = threading.Lock()


def get_remote(env: dict[str, str] | None = None) -> RemoteRenderer | None:
    """This process's :class:`RemoteRenderer` for ``REDIS_URL`` (None when unset)."""
    from data.config import load_settings

    url = load_settings(env).redis_url
    if not url:
        return None
    source = os.environ if env is None else env
    try:
        limit = max(0, int(source.get("BOGOTA_TI_EXPORT_QUEUE_LIMIT", "") or 8))
    except ValueError:
        limit = 8
    with _remotes_lock:
        remote = _remotes.get((os.getpid(), url))
        if remote is None:
            try:
                remote = RemoteRenderer(url, queue_limit=limit)
            except Exception as error:  # noqa: BLE001 - e.g. rq missing: render locally
                _log.warning("export queue unavailable: %s", error)
                return None
            _remotes[(os.getpid(), url)] = remote
        return remote
