"""Admission control for export renders: a bounded pool beside the request threads.

Only cache misses render, and a render never runs in a request thread: it runs
in this process's render pool (``slots`` threads, default 1, so one Chromium per
process) while the request thread waits for it at most ``wait_s`` seconds. Two
bounds keep gunicorn's threads for the dashboard:

* at most ``max_waiting`` request threads of a process may wait for renders
  (default half of ``GUNICORN_THREADS``);
* at most ``max_queued`` requested renders may wait for a slot.

Beyond either bound, or when the wait runs out, the request gets
:class:`ExportBusy` and the route answers ``503`` with ``Retry-After``. A render
whose requester gave up still finishes and fills the export cache, so the retry
is a hit. Pre-renders enter the same pool at :data:`LOW` priority: they start
only when no requested render is queued, and are never refused by ``max_queued``
(they are bounded by ``max_low``).

Environment (read once per process): ``BOGOTA_TI_EXPORT_SLOTS``,
``BOGOTA_TI_EXPORT_WAITING``, ``BOGOTA_TI_EXPORT_QUEUE``, ``BOGOTA_TI_EXPORT_WAIT``
(seconds).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = [
    "HIGH",
    "LOW",
    "ExportBusy",
    "GateSettings",
    "RenderGate",
    "get_gate",
    "set_gate",
]

#: Priority of a render a request waits for.
HIGH = 0
#: Priority of a pre-render (runs only when no requested render is queued).
LOW = 1
_log = logging.getLogger(__name__)


class ExportBusy(RuntimeError):
    """Exports are saturated: ask again in ``retry_after`` seconds (503 + ``Retry-After``)."""

    def __init__(self, retry_after: int, reason: str = "") -> None:
        super().__init__(f"exports busy ({reason or 'saturated'}); retry in {retry_after} s")
        self.retry_after = max(1, int(retry_after))
        self.reason = reason


def _env_int(env: dict[str, str], name: str, default: int, low: int = 0) -> int:
    try:
        return max(low, int(env.get(name, "") or default))
    except ValueError:
        return default


def _env_float(env: dict[str, str], name: str, default: float) -> float:
    try:
        return max(0.0, float(env.get(name, "") or default))
    except ValueError:
        return default


@dataclass(frozen=True)
class GateSettings:
    """Bounds of one process's render pool (see the module docstring)."""

    slots: int = 1
    max_waiting: int = 2
    max_queued: int = 4
    wait_s: float = 25.0
    max_low: int = 64

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> GateSettings:
        """Settings from ``BOGOTA_TI_EXPORT_*`` (defaults: 1 slot, half the gunicorn
        threads waiting, 4 queued, 25 s)."""
        env = dict(os.environ if env is None else env)
        threads = _env_int(env, "GUNICORN_THREADS", 4, low=1)
        return cls(
            slots=_env_int(env, "BOGOTA_TI_EXPORT_SLOTS", 1, low=1),
            max_waiting=_env_int(env, "BOGOTA_TI_EXPORT_WAITING", max(1, threads // 2), low=1),
            max_queued=_env_int(env, "BOGOTA_TI_EXPORT_QUEUE", 4),
            wait_s=_env_float(env, "BOGOTA_TI_EXPORT_WAIT", 25.0),
        )


@dataclass
class _Task:
    key: str
    fn: Callable[[], bytes]
    priority: int
    future: Future = field(default_factory=Future)
    running: bool = False


class RenderGate:
    """A bounded priority pool for renders plus the admission of request threads.

    Parameters
    ----------
    settings : GateSettings, optional
        Default :meth:`GateSettings.from_env`.
    """

    def __init__(self, settings: GateSettings | None = None) -> None:
        self.settings = settings or GateSettings.from_env()
        self._cond = threading.Condition()
        self._heap: list[tuple[int, int, _Task]] = []
        self._tasks: dict[str, _Task] = {}
        self._seq = itertools.count()
        self._threads: list[threading.Thread] = []
        self._waiting = 0
        self._running = 0
        self._mean_s = 2.0  # moving average of a render, for Retry-After
        self._closed = False

    # -- figures ---------------------------------------------------------------------
    @property
    def waiting(self) -> int:
        """Request threads waiting for a render now."""
        with self._cond:
            return self._waiting

    def queued(self, priority: int | None = None) -> int:
        """Renders waiting for a slot (of ``priority``, or all)."""
        with self._cond:
            return self._queued(priority)

    def _queued(self, priority: int | None = None) -> int:
        return sum(1 for t in self._tasks.values()
                   if not t.running and (priority is None or t.priority == priority))

    def retry_after(self) -> int:
        """Seconds after which a retry is likely to find a free slot (1 to 60)."""
        with self._cond:
            return self._retry_after()

    def _retry_after(self) -> int:
        ahead = self._queued(HIGH) + self._running + 1
        return max(1, min(60, math.ceil(self._mean_s * ahead / self.settings.slots)))

    # -- admission -------------------------------------------------------------------
    @contextmanager
    def admit(self) -> Iterator[None]:
        """Count the calling request thread as waiting for a render.

        Raises
        ------
        ExportBusy
            When ``max_waiting`` request threads already wait.
        """
        with self._cond:
            if self._waiting >= self.settings.max_waiting:
                raise ExportBusy(self._retry_after(), "too many requests waiting")
            self._waiting += 1
        try:
            yield
        finally:
            with self._cond:
                self._waiting -= 1

    def submit(self, key: str, fn: Callable[[], bytes], *, priority: int = HIGH) -> Future:
        """Queue ``fn`` (one task per ``key`` at a time) and return its future.

        A request for a key already queued shares its task (and raises a queued
        pre-render to :data:`HIGH`).

        Raises
        ------
        ExportBusy
            When ``max_queued`` requested renders (``max_low`` pre-renders) wait.
        """
        with self._cond:
            task = self._tasks.get(key)
            if task is not None:
                if priority < task.priority and not task.running:
                    task.priority = priority
                    heapq.heappush(self._heap, (priority, next(self._seq), task))
                    self._cond.notify()
                return task.future
            limit = self.settings.max_queued if priority == HIGH else self.settings.max_low
            if self._queued(priority) >= limit:
                raise ExportBusy(self._retry_after(), "render queue full")
            task = _Task(key, fn, priority)
            self._tasks[key] = task
            heapq.heappush(self._heap, (priority, next(self._seq), task))
            self._ensure_threads()
            self._cond.notify()
            return task.future

    def wait(self, future: Future, timeout: float | None = None) -> bytes:
        """The result of ``future``, waiting at most ``timeout`` (default ``wait_s``) s.

        Raises
        ------
        ExportBusy
            When the render is not done in time (it goes on and fills the cache).
        """
        try:
            return future.result(timeout=self.settings.wait_s if timeout is None else timeout)
        except FutureTimeout:
            raise ExportBusy(self.retry_after(), "render took too long") from None

    def run(self, key: str, fn: Callable[[], bytes]) -> bytes:
        """Admit the caller, render ``fn`` in the pool and wait for it (see :meth:`wait`)."""
        with self.admit():
            return self.wait(self.submit(key, fn))

    # -- the pool --------------------------------------------------------------------
    def _ensure_threads(self) -> None:
        self._threads = [t for t in self._threads if t.is_alive()]
        while len(self._threads) < self.settings.slots:
            thread = threading.Thread(target=self._work, name=f"export-render-{len(self._threads)}",
                                      daemon=True)
            self._threads.append(thread)
            thread.start()

    def _next(self) -> _Task | None:
        with self._cond:
            while True:
                while self._heap:
                    priority, _, task = heapq.heappop(self._heap)
                    # skip stale entries (a task raised to HIGH is in the heap twice)
                    if task.running or priority != task.priority or \
                            self._tasks.get(task.key) is not task:
                        continue
                    task.running = True
                    self._running += 1
                    return task
                if self._closed:
                    return None
                self._cond.wait()

    def _work(self) -> None:
        while True:
            task = self._next()
            if task is None:
                return
            start = time.monotonic()
            ok = task.future.set_running_or_notify_cancel()
            try:
                if ok:
                    task.future.set_result(task.fn())
            except BaseException as error:  # noqa: BLE001 - handed to the waiters
                task.future.set_exception(error)
            finally:
                elapsed = time.monotonic() - start
                with self._cond:
                    self._running -= 1
                    self._tasks.pop(task.key, None)
                    if ok:
                        self._mean_s = 0.7 * self._mean_s + 0.3 * elapsed

    def close(self) -> None:
        """Let the pool threads end once the queue is empty (tests)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()


_gate: RenderGate | None = None
_gate_pid = 0
_gate_lock = threading.Lock()


def get_gate() -> RenderGate:
    """This process's gate (a forked worker gets its own, with its own threads)."""
    global _gate, _gate_pid
    with _gate_lock:
        if _gate is None or _gate_pid != os.getpid():
            _gate, _gate_pid = RenderGate(), os.getpid()
        return _gate


def set_gate(gate: RenderGate | None) -> RenderGate | None:
    """Install ``gate`` for this process (None: build from the environment on next use);
    return the previous one."""
    global _gate, _gate_pid
    with _gate_lock:
        previous = _gate if _gate_pid == os.getpid() else None
        _gate, _gate_pid = gate, os.getpid()
        return previous
