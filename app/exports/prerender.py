"""Pre-render the frequent exports of a newly published data version, at low priority.

Each web process notices a new current version (:func:`data.repository.get_catalog`
re-checks it at most once per second) after serving a request
(:func:`install`). The first process of a host to notice a given version
claims it (a marker file under ``<cache>/exports/.prerender/``) and, in a
background thread, queues :func:`app.exports.service.frequent_plans` (the
default view's charts and the 20 locality reports) through
:func:`app.exports.dispatch.prerender`: on the RQ queue ``exportaciones-previas``
when export workers are alive (one job per key for all hosts), else in this
process's render pool at low priority. Requests never wait for it.

The version a process sees when it starts is not pre-rendered (it was published
before); ``BOGOTA_TI_PRERENDER=0`` turns pre-rendering off.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from data import Catalog

__all__ = ["PRERENDER_ENV", "PrerenderWatcher", "enabled", "get_watcher", "install"]

#: Set to ``0`` to turn pre-rendering off.
PRERENDER_ENV = "BOGOTA_TI_PRERENDER"
_log = logging.getLogger(__name__)


def enabled(env: dict[str, str] | None = None) -> bool:
    """True unless ``BOGOTA_TI_PRERENDER=0``."""
    source = os.environ if env is None else env
    return source.get(PRERENDER_ENV, "1").strip() != "0"


def _version_token(catalog: Catalog) -> str:
    version = catalog.version
    text = f"{version.version_id}|{version.source_sha256}|{version.published_at}"
    return f"v{version.version_id}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


class PrerenderWatcher:
    """Notice new data versions and queue their frequent exports.

    Parameters
    ----------
    plans : callable, optional
        ``catalog -> list of RenderPlan`` (default
        :func:`app.exports.service.frequent_plans`).
    schedule : callable, optional
        ``plan -> str`` (default :func:`app.exports.dispatch.prerender`).
    marker_dir : Path, optional
        Where hosts' claims live (default ``<export cache>/.prerender``).
    background : bool
        Schedule in a daemon thread (True) or in the caller (tests).
    seen : str, optional
        Token of the version already known (the one the app started with).
    """

    def __init__(self, plans: Callable | None = None, schedule: Callable | None = None,
                 marker_dir: Path | None = None, *, background: bool = True,
                 seen: str | None = None) -> None:
        self._plans = plans
        self._schedule = schedule
        self._marker_dir = marker_dir
        self.background = background
        self._seen = seen
        self._lock = threading.Lock()
        #: ``(key, outcome)`` of the last version scheduled by this process.
        self.last: list[tuple[str, str]] = []

    def notice(self, catalog: Catalog) -> bool:
        """Record ``catalog``'s version; True when it is new (not the first seen) and
        this process claimed its pre-render."""
        token = _version_token(catalog)
        with self._lock:
            if token == self._seen:
                return False
            first, self._seen = self._seen is None, token
        if first or not self._claim(token):
            return False
        if self.background:
            threading.Thread(target=self.schedule, args=(catalog,), daemon=True,
                             name=f"export-prerender-{token}").start()
        else:
            self.schedule(catalog)
        return True

    def _claim(self, token: str) -> bool:
        folder = self._marker_dir
        if folder is None:
            from app.exports.cache import get_export_cache

            folder = get_export_cache().folder / ".prerender"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(folder / token, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False  # another process of this host has it
        except OSError as error:
            _log.warning("cannot claim the pre-render of %s: %s", token, error)
            return True
        with os.fdopen(fd, "w") as handle:
            handle.write(str(os.getpid()))
        return True

    def schedule(self, catalog: Catalog) -> list[tuple[str, str]]:
        """Queue the frequent exports of ``catalog``; ``(key, outcome)`` of each."""
        if self._plans is None:
            from app.exports.service import frequent_plans as plans
        else:
            plans = self._plans
        if self._schedule is None:
            from app.exports.dispatch import prerender as schedule
        else:
            schedule = self._schedule
        out: list[tuple[str, str]] = []
        try:
            for plan in plans(catalog):
                out.append((plan.key, schedule(plan)))
        except Exception:  # noqa: BLE001 - pre-rendering is an optimisation
            _log.exception("pre-render of version %s failed", catalog.version.version_id)
        self.last = out
        counts: dict[str, int] = {}
        for _, outcome in out:
            counts[outcome] = counts.get(outcome, 0) + 1
        _log.info("pre-render of version %s: %s", catalog.version.version_id, counts)
        return out


_watcher: PrerenderWatcher | None = None
_watcher_pid = 0
_watcher_lock = threading.Lock()
#: Token of the version the app was built with (inherited by forked workers).
_started_with: str | None = None


def get_watcher() -> PrerenderWatcher:
    """This process's watcher (a forked worker gets its own)."""
    global _watcher, _watcher_pid
    with _watcher_lock:
        if _watcher is None or _watcher_pid != os.getpid():
            _watcher, _watcher_pid = PrerenderWatcher(seen=_started_with), os.getpid()
        return _watcher


def install(server) -> None:
    """After each request of ``server`` (a Flask app), look at the current version."""
    global _started_with
    from data import repository

    try:
        _started_with = _version_token(repository.get_catalog())
    except Exception:  # noqa: BLE001 - the first request will record it
        _started_with = None

    @server.after_request
    def _notice_publication(response):
        if enabled():
            try:
                get_watcher().notice(repository.get_catalog())
            except Exception:  # noqa: BLE001 - never fail a response for this
                _log.debug("pre-render check failed", exc_info=True)
        return response
