"""The SQL store: versioned catalog and quarterly reports (SQLite file or PostgreSQL).

Every publication is an immutable version; the structure of the plan (axes,
objectives, results, products, indicators, targets, locality baselines) is
stored once per catalog publication, the reports once per version. Typical
use::

    engine = open_store(settings.database_url, seed=build_illustrative_catalog)
    catalog = load_catalog(engine)              # current version
    record = publish_reports(engine, frame, by="sdm", entity_id="sdm", ...)
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from data.catalog import Catalog
from data.store.engine import describe_unavailable, make_engine, redacted_url
from data.store.errors import (
    ConflictError,
    IdempotencyKeyError,
    InvalidObservationsError,
    InvalidReportsError,
    StoreEmptyError,
    StoreError,
    StoreUnavailableError,
    VersionNotFoundError,
    is_unavailable,
)
from data.store.migrate import upgrade_to_head
from data.store.read import (
    current_version,
    current_version_id,
    dump_store,
    get_version,
    list_versions,
    load_catalog,
    reports_frame,
)
from data.store.records import KIND_LABELS, VersionRecord
from data.store.write import (
    REPORT_KEY,
    publish_catalog,
    publish_reports,
    restore_version,
    seed_catalog,
    today_bogota,
)

__all__ = [
    "KIND_LABELS",
    "REPORT_KEY",
    "ConflictError",
    "IdempotencyKeyError",
    "InvalidObservationsError",
    "InvalidReportsError",
    "StoreEmptyError",
    "StoreError",
    "StoreUnavailableError",
    "VersionNotFoundError",
    "VersionRecord",
    "current_version",
    "current_version_id",
    "describe_unavailable",
    "dump_store",
    "get_version",
    "is_unavailable",
    "list_versions",
    "load_catalog",
    "make_engine",
    "open_store",
    "publish_catalog",
    "publish_reports",
    "redacted_url",
    "reports_frame",
    "restore_version",
    "seed_catalog",
    "today_bogota",
    "upgrade_to_head",
]


def open_store(url: str, seed: Callable[[], Catalog] | None = None) -> Engine:
    """Migrate the store at ``url`` and seed it with ``seed()`` when it is empty.

    Parameters
    ----------
    url : str
        Database URL (``sqlite:///...`` or ``postgresql+psycopg://...``).
    seed : callable, optional
        Builds the catalog stored as version 1; called only when the store is empty.

    Returns
    -------
    sqlalchemy.Engine
        Engine ready for :func:`load_catalog` and :func:`publish_reports`.
    """
    engine = upgrade_to_head(make_engine(url))
    if seed is not None and current_version_id(engine) is None:
        seed_catalog(engine, seed())
    return engine
