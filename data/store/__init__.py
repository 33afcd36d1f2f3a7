"""The SQL store: versioned catalog and observations (SQLite file or PostgreSQL).

Typical use::

    engine = open_store(settings.database_url, seed=build_illustrative_catalog)
    catalog = load_catalog(engine)              # current version
    record = publish_observations(engine, frame, by="sdm", entity_id="sdm", ...)
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from data.catalog import Catalog
from data.store.engine import make_engine
from data.store.errors import (
    ConflictError,
    InvalidObservationsError,
    StoreEmptyError,
    StoreError,
    VersionNotFoundError,
)
from data.store.migrate import upgrade_to_head
from data.store.read import (
    current_version,
    current_version_id,
    dump_store,
    get_version,
    list_versions,
    load_catalog,
)
from data.store.records import KIND_LABELS, VersionRecord
from data.store.write import (
    publish_catalog,
    publish_observations,
    restore_version,
    seed_catalog,
)

__all__ = [
    "ConflictError",
    "InvalidObservationsError",
    "KIND_LABELS",
    "StoreEmptyError",
    "StoreError",
    "VersionNotFoundError",
    "VersionRecord",
    "current_version",
    "current_version_id",
    "dump_store",
    "get_version",
    "list_versions",
    "load_catalog",
    "make_engine",
    "open_store",
    "publish_catalog",
    "publish_observations",
    "restore_version",
    "seed_catalog",
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
        Engine ready for :func:`load_catalog` and :func:`publish_observations`.
    """
    engine = upgrade_to_head(make_engine(url))
    if seed is not None and current_version_id(engine) is None:
        seed_catalog(engine, seed())
    return engine
