"""One snapshot per data version: everything derived from a catalog, built once.

A :class:`Snapshot` holds a catalog and what every view of it reads: the
progress cube, the filter facets, the valid URL ids, the default state, the
product lookups, and bounded caches of resolved views and filter options. It is
built the first time a catalog is asked for (:meth:`Snapshot.of`) and lives
exactly as long as that catalog object: a newly published version is a new
catalog, hence a new snapshot, and the old one goes with its catalog.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from data import Catalog
from data.progress import ProgressCube, build_progress_cube
from data.repository import get_catalog
from data.schema import FIRST_YEAR, LAST_YEAR
from view.filters import Facets
from view.state import DEFAULT_STATE, KnownIds, ViewState

__all__ = ["Lookups", "Snapshot", "current_snapshot", "last_reported_year"]

T = TypeVar("T")
_LRU_SIZE = 256


def last_reported_year(catalog: Catalog) -> int:
    """The last year with any observation (the default year), within 2023-2032."""
    years = catalog.observations["year"]
    if years.empty:
        return FIRST_YEAR
    return int(min(max(int(years.max()), FIRST_YEAR), LAST_YEAR))


@dataclass(frozen=True)
class Lookups:
    """Per-product facts a view reads by position (catalog order)."""

    by_locality: np.ndarray
    table_base: pd.DataFrame
    products: dict[str, dict]
    entity_acronym: dict[str, str]
    axis_name: dict[str, str]

    @classmethod
    def build(cls, catalog: Catalog, cube: ProgressCube) -> Lookups:
        """The lookups of ``catalog`` (its cube gives the table's columns)."""
        entity_acronym = catalog.entities.set_index("entity_id")["acronym"]
        entity_name = catalog.entities.set_index("entity_id")["name"]
        axis_name = catalog.axes.set_index("axis_id")["name"]
        base = cube.status_base
        base = base.assign(
            entity=base["entity_id"].map(entity_acronym),
            entity_name=base["entity_id"].map(entity_name),
            axis=base["axis_id"].map(axis_name),
        )
        keys = ("name", "indicator", "unit", "scope", "direction", "entity", "entity_name",
                "axis")
        layers = catalog.products.set_index("product_id")["layer"]
        info = {
            str(row["product_id"]): {"product_id": str(row["product_id"]),
                                     **{key: str(row[key]) for key in keys},
                                     "layer": _text(layers.get(row["product_id"]))}
            for row in base.to_dict("records")
        }
        return cls(
            by_locality=cube.by_locality,
            table_base=base,
            products=info,
            entity_acronym={str(k): v for k, v in entity_acronym.items()},
            axis_name={str(k): v for k, v in axis_name.items()},
        )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


class _Lru:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int = _LRU_SIZE) -> None:
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = build()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


@dataclass(eq=False)
class Snapshot:
    """Everything derived from one catalog (one data version).

    Attributes
    ----------
    catalog : Catalog
    cube : ProgressCube
        Values, targets, achievement and status as arrays.
    facets : Facets
        The filter rule's arrays and the dropdowns' rows.
    lookups : Lookups
        Per-product facts of the table and the selected indicator.
    known_ids : KnownIds
        Valid URL ids.
    last_year : int
        Last year with reports (the default year).
    default_state : ViewState
        The state of a bare URL.
    """

    catalog: Catalog
    cube: ProgressCube
    facets: Facets
    lookups: Lookups
    known_ids: KnownIds
    last_year: int
    default_state: ViewState
    _views: _Lru = field(default_factory=_Lru, repr=False)
    _options: _Lru = field(default_factory=_Lru, repr=False)
    _derived: _Lru = field(default_factory=lambda: _Lru(1024), repr=False)

    @classmethod
    def build(cls, catalog: Catalog) -> Snapshot:
        """Derive everything from ``catalog`` (a few milliseconds)."""
        cube = build_progress_cube(catalog)
        last_year = last_reported_year(catalog)
        return cls(
            catalog=catalog,
            cube=cube,
            facets=Facets.from_catalog(catalog),
            lookups=Lookups.build(catalog, cube),
            known_ids=KnownIds.from_catalog(catalog),
            last_year=last_year,
            default_state=replace(DEFAULT_STATE, year=last_year),
        )

    @classmethod
    def of(cls, catalog: Catalog) -> Snapshot:
        """The snapshot of ``catalog``, built on first use and kept on it while it lives."""
        snapshot = catalog.__dict__.get(_ATTRIBUTE)
        if snapshot is None:
            built = cls.build(catalog)
            with _lock:
                snapshot = catalog.__dict__.get(_ATTRIBUTE)
                if snapshot is None:
                    snapshot = built
                    object.__setattr__(catalog, _ATTRIBUTE, built)  # frozen dataclass
        return snapshot

    @property
    def version_id(self) -> int:
        """The data version this snapshot shows."""
        return self.catalog.version.version_id

    def view(self, state: ViewState, resolve: Callable[[ViewState], T]) -> T:
        """``resolve(state)`` memoised for this version (bounded)."""
        return self._views.get_or_build(state, lambda: resolve(state))

    def options(self, key: Hashable, build: Callable[[], T]) -> T:
        """Filter options memoised for this version under ``key`` (bounded)."""
        return self._options.get_or_build(key, build)

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """Any other object derived from this version (a scale, a figure), built once."""
        return self._derived.get_or_build(key, build)


_lock = threading.Lock()
#: Where a catalog keeps its snapshot (not a dataclass field: never compared or copied).
_ATTRIBUTE = "_snapshot"


def current_snapshot() -> Snapshot:
    """The snapshot of the store's current version (:func:`data.repository.get_catalog`)."""
    return Snapshot.of(get_catalog())
