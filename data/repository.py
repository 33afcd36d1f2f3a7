"""The catalog the app shows, loaded once per process.

Source: the matrix named by ``BOGOTA_TI_MATRIX`` (validated with
:func:`data.matrix.load_matrix`) when set, else the illustrative catalog.
Invalid data raises :class:`data.validation.CatalogError`, so the app refuses to
start rather than show wrong numbers.
"""

from __future__ import annotations

import threading

from data.catalog import Catalog, DataVersion
from data.config import load_settings

__all__ = ["clear_cache", "current_version", "get_catalog"]

_lock = threading.Lock()
_catalog: Catalog | None = None


def _load() -> Catalog:
    settings = load_settings()
    if settings.matrix_path is not None:
        from data.matrix import load_matrix

        return load_matrix(settings.matrix_path)
    from data.illustrative import build_illustrative_catalog

    return build_illustrative_catalog()


def get_catalog() -> Catalog:
    """The current catalog (cached in-process after the first call).

    Raises
    ------
    data.validation.CatalogError
        When the configured matrix is invalid (nothing is cached then).
    """
    global _catalog
    if _catalog is None:
        with _lock:
            if _catalog is None:
                _catalog = _load()
    return _catalog


def current_version() -> DataVersion:
    """Data version of the current catalog (id, cut-off date, illustrative flag)."""
    return get_catalog().version


def clear_cache() -> None:
    """Forget the cached catalog (tests, or after publishing a new version)."""
    global _catalog
    with _lock:
        _catalog = None
