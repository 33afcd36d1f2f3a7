"""The catalog the app shows: the current version in the SQL store.

On first use the store (``DATABASE_URL``, default ``.cache/tablero.sqlite``) is
migrated (:func:`data.store.upgrade_to_head`, which also converts a store
published with an older model, keeping its versions) and, when empty, seeded
with the matrix named by ``BOGOTA_TI_MATRIX`` (validated with
:func:`data.matrix.load_matrix`) or else with the illustrative catalog. A
configured matrix also replaces an illustrative current version. Invalid data
raises :class:`data.issues.CatalogError`, so the app refuses to start rather
than show wrong numbers.

:func:`get_catalog` re-checks the current version id at most once per
:data:`CHECK_INTERVAL_S` seconds, so every worker picks up a new publication
without a restart; anything cached by version (``catalog.version.version_id``)
is then naturally invalidated.

When the store cannot be reached (PostgreSQL down or blackholed, a SQLite file
that is no longer a database), the last catalog keeps being served and
:func:`store_status` says so; every check that fails is retried
:data:`CHECK_INTERVAL_S` later, so once the store answers again each process
serves its newest version at the latest ``CHECK_INTERVAL_S`` plus one
connection time-out after its next request. Only one thread per process waits
on a check; the others keep serving the last catalog meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from data.catalog import Catalog, DataVersion
from data.config import Settings, load_settings

__all__ = [
    "CHECK_INTERVAL_S",
    "StoreStatus",
    "after_fork",
    "check_store",
    "clear_cache",
    "current_version",
    "get_catalog",
    "get_engine",
    "refresh",
    "store_status",
]

#: Seconds between two checks of the store's current version.
CHECK_INTERVAL_S = 1.0

_log = logging.getLogger(__name__)
_lock = threading.RLock()
_engine: Engine | None = None
_catalog: Catalog | None = None
#: "Never checked" (monotonic time starts near 0 on a freshly booted machine).
_NEVER = float("-inf")
_checked_at = _NEVER
#: Bumped by :func:`refresh`: a check that started before keeps no timestamp.
_generation = 0


@dataclass(frozen=True)
class StoreStatus:
    """What the last check of the store found.

    Attributes
    ----------
    available : bool
        False when the last check could not read the store.
    error : str or None
        Spanish sentence saying why (the URL's password is never included).
    since : datetime or None
        When the store stopped answering (UTC), while it is unavailable.
    checked_at : datetime or None
        When the store was last checked (UTC); None before the first check.
    version_id : int or None
        Version of the catalog being served (the last one loaded).
    """

    available: bool = True
    error: str | None = None
    since: datetime | None = None
    checked_at: datetime | None = None
    version_id: int | None = None


_status = StoreStatus()


def _build_seed(settings: Settings) -> Catalog:
    if settings.matrix_path is not None:
        from data.matrix import load_matrix

        return load_matrix(settings.matrix_path)
    from data.illustrative import build_illustrative_catalog

    return build_illustrative_catalog()


def _open(settings: Settings) -> Engine:
    from data.store import current_version, open_store, publish_catalog

    engine = open_store(settings.database_url, lambda: _build_seed(settings))
    try:
        record = current_version(engine)
        if settings.matrix_path is not None and record is not None and record.illustrative:
            publish_catalog(engine, _build_seed(settings), only_over_illustrative=True)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _is_store_failure(error: BaseException) -> bool:
    """Errors that mean the store cannot be used (not bugs, not invalid data)."""
    from data.store import StoreEmptyError, is_unavailable

    if isinstance(error, (OSError, StoreEmptyError)) or is_unavailable(error):
        return True
    # alembic's CommandError: a store migrated by a newer release (unknown revision)
    return type(error).__module__.startswith("alembic")


def get_engine() -> Engine:
    """Engine of the migrated, seeded store (created on first use).

    Raises
    ------
    data.issues.CatalogError
        When the configured matrix is invalid (nothing is cached then).
    data.store.StoreUnavailableError
        When the store cannot be opened (server down, not a database...), with
        one Spanish sentence saying why and what to check; retried on next use.
    """
    global _engine
    with _lock:
        if _engine is None:
            settings = load_settings()
            try:
                _engine = _open(settings)
            except Exception as error:
                if not _is_store_failure(error):
                    raise
                from data.store import StoreUnavailableError, describe_unavailable

                message = describe_unavailable(settings.database_url, error)
                _mark_unavailable(message)
                raise StoreUnavailableError(message) from error
        return _engine


def get_catalog() -> Catalog:
    """The catalog of the store's current version.

    Cached in-process; the current version id is re-checked at most once per
    :data:`CHECK_INTERVAL_S`. While the store is unreachable the last catalog
    keeps being served (see :func:`store_status`), and a thread that finds
    another one checking does not wait for it.

    Raises
    ------
    data.issues.CatalogError
        When the configured matrix is invalid (nothing is cached then).
    data.store.StoreUnavailableError
        When the store cannot be read and no catalog was loaded yet.
    """
    catalog = _catalog
    if catalog is not None and time.monotonic() - _checked_at < CHECK_INTERVAL_S:
        return catalog
    if catalog is not None:
        if not _lock.acquire(blocking=False):
            return catalog  # another thread is checking: do not queue behind it
    else:
        _lock.acquire()
    try:
        return _check_locked()
    finally:
        _lock.release()


def _check_locked() -> Catalog:
    """Re-read the current version id (and its catalog when it changed); hold ``_lock``."""
    global _catalog, _checked_at
    from data.store import StoreEmptyError, StoreError, current_version_id, load_catalog

    generation = _generation
    try:
        engine = get_engine()
        current = current_version_id(engine)
        if current is None:
            raise StoreEmptyError("El almacén de datos está vacío: no tiene ninguna versión "
                                  "publicada. Reinicie el tablero para cargar el catálogo.")
        if _catalog is None or _catalog.version.version_id != current:
            _catalog = load_catalog(engine, current)
        _mark_available()
    except (SQLAlchemyError, OSError, StoreError) as error:
        _store_failed(error)
    if generation == _generation:
        _checked_at = time.monotonic()
    return _catalog  # type: ignore[return-value]  # _store_failed raised when None


def _store_failed(error: BaseException) -> None:
    """Record the failure; raise when there is no catalog to fall back on."""
    from data.store import StoreError, StoreUnavailableError, describe_unavailable

    url = (_engine.url.render_as_string(hide_password=False) if _engine is not None
           else load_settings().database_url)
    message = str(error) if isinstance(error, StoreError) else describe_unavailable(url, error)
    first = _status.available
    _mark_unavailable(message)
    if _catalog is None:
        raise StoreUnavailableError(message) from error
    if first:
        _log.warning("store unreachable; still serving version v%s: %s",
                     _catalog.version.version_id, message, exc_info=error)
    else:
        _log.debug("store still unreachable: %s", message)


def _mark_available() -> None:
    global _status
    if not _status.available:
        _log.warning("store reachable again; serving version v%s", _catalog.version.version_id
                     if _catalog else None)
    _status = StoreStatus(available=True, checked_at=datetime.now(UTC),
                          version_id=_catalog.version.version_id if _catalog else None)


def _mark_unavailable(message: str) -> None:
    global _status
    now = datetime.now(UTC)
    since = _status.since if not _status.available and _status.since else now
    _status = StoreStatus(available=False, error=message, since=since, checked_at=now,
                          version_id=_catalog.version.version_id if _catalog else None)


def store_status() -> StoreStatus:
    """What the last check of the store found (no I/O; at most ``CHECK_INTERVAL_S`` old
    after any :func:`get_catalog`)."""
    return _status


def check_store() -> StoreStatus:
    """Check the store now (current version, reload when it changed) and return the status.

    Never raises for an unreachable store or an invalid matrix: the status says
    so. Bounded by the connection time-outs of :func:`data.store.make_engine`.
    """
    from data.issues import CatalogError
    from data.store import StoreError

    with _lock:
        try:
            _check_locked()
        except CatalogError as error:
            _mark_unavailable(str(error).splitlines()[0])
        except StoreError:
            pass  # recorded in the status
    return _status


def current_version() -> DataVersion:
    """Data version of the current catalog (id, cut-off date, illustrative flag)."""
    return get_catalog().version


def refresh() -> None:
    """Re-check the store on the next :func:`get_catalog` (call after publishing)."""
    global _checked_at, _generation
    _generation += 1
    _checked_at = _NEVER


def after_fork() -> None:
    """In a freshly forked worker: drop the inherited connections (keep the catalog).

    The parent's pooled connections must never be used by the child; SQLAlchemy
    opens new ones on demand. Call from gunicorn's ``post_fork``.
    """
    global _checked_at
    if _engine is not None:
        _engine.dispose(close=False)
    _checked_at = _NEVER


def clear_cache() -> None:
    """Forget the engine, catalog and status (tests, or after the environment changed)."""
    global _engine, _catalog, _checked_at, _status
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine, _catalog, _checked_at = None, None, _NEVER
        _status = StoreStatus()
