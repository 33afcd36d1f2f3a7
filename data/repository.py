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
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from data.catalog import Catalog, DataVersion
from data.config import Settings, load_settings

__all__ = [
    "CHECK_INTERVAL_S",
    "after_fork",
    "clear_cache",
    "current_version",
    "get_catalog",
    "get_engine",
    "refresh",
]

#: Seconds between two checks of the store's current version.
CHECK_INTERVAL_S = 1.0

_log = logging.getLogger(__name__)
_lock = threading.RLock()
_engine: Engine | None = None
_catalog: Catalog | None = None
_checked_at = 0.0


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


def get_engine() -> Engine:
    """Engine of the migrated, seeded store (created on first use).

    Raises
    ------
    data.issues.CatalogError
        When the configured matrix is invalid (nothing is cached then).
    """
    global _engine
    with _lock:
        if _engine is None:
            _engine = _open(load_settings())
        return _engine


def get_catalog() -> Catalog:
    """The catalog of the store's current version.

    Cached in-process; the current version id is re-checked at most once per
    :data:`CHECK_INTERVAL_S`. If the store is briefly unreachable, the last
    catalog keeps being served.

    Raises
    ------
    data.issues.CatalogError
        When the configured matrix is invalid (nothing is cached then).
    """
    global _catalog, _checked_at
    catalog = _catalog
    if catalog is not None and time.monotonic() - _checked_at < CHECK_INTERVAL_S:
        return catalog
    from data.store import current_version_id, load_catalog

    with _lock:
        engine = get_engine()
        try:
            current = current_version_id(engine)
            if _catalog is None or _catalog.version.version_id != current:
                _catalog = load_catalog(engine, current)
        except SQLAlchemyError:
            if _catalog is None:
                raise
            _log.warning("store unreachable; still serving version v%s",
                         _catalog.version.version_id, exc_info=True)
        _checked_at = time.monotonic()
        return _catalog


def current_version() -> DataVersion:
    """Data version of the current catalog (id, cut-off date, illustrative flag)."""
    return get_catalog().version


def refresh() -> None:
    """Re-check the store on the next :func:`get_catalog` (call after publishing)."""
    global _checked_at
    _checked_at = 0.0


def after_fork() -> None:
    """In a freshly forked worker: drop the inherited connections (keep the catalog).

    The parent's pooled connections must never be used by the child; SQLAlchemy
    opens new ones on demand. Call from gunicorn's ``post_fork``.
    """
    global _checked_at
    if _engine is not None:
        _engine.dispose(close=False)
    _checked_at = 0.0


def clear_cache() -> None:
    """Forget the engine and catalog (tests, or after the environment changed)."""
    global _engine, _catalog, _checked_at
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine, _catalog, _checked_at = None, None, 0.0
