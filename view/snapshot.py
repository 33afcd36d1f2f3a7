"""One snapshot per data version: everything derived from a catalog, built once.

A :class:`Snapshot` holds a catalog and what every view of it reads: the
progress cube (every figure of every indicator, place and quarter), the
written accounts laid out the same way, the filter facets, a table of the
indicators' fixed facts, the valid URL ids, the data's cut, the default state,
and bounded caches of resolved views, filter options and derived objects. It is
built the first time a catalog is asked for (:meth:`Snapshot.of`) and lives
exactly as long as that catalog object: a newly published version is a new
catalog, hence a new snapshot, and the old one goes with its catalog (the
catalog carries its snapshot).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from data.catalog import Catalog
from data.method import PERIODS, Period
from data.progress import PLACES, ProgressCube, build_progress_cube
from data.repository import get_catalog
from view.filters import Facets
from view.state import DEFAULT_STATE, KnownIds, ViewState

__all__ = ["Snapshot", "current_snapshot", "indicator_facts"]

T = TypeVar("T")
_LRU_SIZE = 256


def indicator_facts(catalog: Catalog) -> pd.DataFrame:
    """The fixed facts of every product indicator, indexed by code (catalog order).

    Names of its product, result, objective, axis, entity and co-entity (full
    name and acronym), its type, periodicity, unit, baseline, targets' text and
    its global weight: objective weight x result weight x indicator weight, as
    fractions (what the roll-ups of the policy use).
    """
    ind = catalog.indicators.set_index("code", drop=False)
    products = catalog.products.set_index("product_id")
    results = catalog.results.set_index("code")
    objectives = catalog.objectives.set_index("objective_id")
    entities = catalog.entities.set_index("entity_id")
    axes = catalog.axes.set_index("axis_id")["name"]
    result_code = ind["product_id"].map(products["result_code"])
    objective = result_code.map(results["objective_id"])
    weight = (ind["weight"].fillna(0) / 100
              * result_code.map(results["weight"]).fillna(100) / 100
              * objective.map(objectives["weight"]).fillna(0) / 100)
    return pd.DataFrame({
        "code": ind["code"],
        "name": ind["name"],
        "product_id": ind["product_id"],
        "product": ind["product_id"].map(products["name"]).fillna(""),
        "result_code": result_code.fillna(""),
        "result": result_code.map(results["text"]).fillna(""),
        "objective_id": objective.fillna(-1).astype("int64"),
        "axis_id": ind["axis_id"],
        "axis": ind["axis_id"].map(axes).fillna(ind["axis_id"]),
        "entity_id": ind["entity_id"],
        "entity": ind["entity_id"].map(entities["acronym"]).fillna(ind["entity_id"]),
        "entity_name": ind["entity_id"].map(entities["name"]).fillna(ind["entity_id"]),
        "co_entity_id": ind["co_entity_id"],
        "co_entity_name": ind["co_entity_id"].map(entities["name"]).fillna(
            ind["co_entity_id"]),
        "formula": ind["formula"],
        "unit": ind["unit"],
        "annualisation": ind["annualisation"],
        "periodicity": ind["periodicity"],
        "baseline": ind["baseline"],
        "baseline_year": ind["baseline_year"],
        "baseline_source": ind["baseline_source"],
        "final_target": ind["final_target"],
        "final_target_text": ind["final_target_text"],
        "weight": ind["weight"],
        "global_weight": weight.astype(float),
        "in_force": ind["in_force"],
        "by_locality": ind["by_locality"],
        "layer": ind["layer"],
    })


def _accounts(catalog: Catalog, cube: ProgressCube) -> tuple[np.ndarray, np.ndarray]:
    """The latest written account up to each quarter, and the quarter it was written for.

    ``S x 21 x 40`` arrays like the cube's: text ("" when none yet) and period
    index (-1 when none).
    """
    shape = cube.reports.shape
    text = np.full(shape, "", dtype=object)
    when = np.full(shape, -1, dtype=int)
    rp = catalog.reports[catalog.reports["text"].astype(str).str.strip() != ""]
    place = {code: i for i, code in enumerate(PLACES)}
    for code, year, quarter, locality, account in rp[
            ["code", "year", "quarter", "locality_code", "text"]].itertuples(index=False):
        i, p = cube._position.get(str(code)), place.get(str(locality))
        t = (int(year) - PERIODS[0].year) * 4 + int(quarter) - 1
        if i is not None and p is not None and 0 <= t < shape[2]:
            text[i, p, t], when[i, p, t] = str(account), t
    filled = np.maximum.accumulate(when, axis=2)
    rows, places, _ = np.indices(shape)
    latest = np.where(filled >= 0, text[rows, places, np.maximum(filled, 0)], "")
    return latest.astype(object), filled


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
        Every figure of every indicator, place and quarter.
    accounts, account_period : ndarray
        The latest written account up to each quarter (``S x 21 x 40``, like the
        cube) and the quarter it was written for (-1: none).
    facts : DataFrame
        :func:`indicator_facts`, indexed by code; ``fact_dicts`` holds each row
        as a dict, ``fact_arrays`` its columns as numpy arrays and ``fact_row``
        the row of each code (fast access for the views).
    by_locality : dict
        Code -> whether the indicator is reported by locality.
    entity_acronyms, entity_names, axis_names, objective_names : dict
        Labels by id.
    facets : Facets
        The filter rule's arrays and the dropdowns' rows.
    known_ids : KnownIds
        Valid URL ids.
    data_cut : Period
        The data's cut (the last quarter the reports cover).
    default_state : ViewState
        The state of a bare URL (the data's cut year).
    """

    catalog: Catalog
    cube: ProgressCube
    accounts: np.ndarray
    account_period: np.ndarray
    facts: pd.DataFrame
    fact_dicts: dict[str, dict]
    fact_arrays: dict[str, np.ndarray]
    fact_row: dict[str, int]
    by_locality: dict[str, bool]
    entity_acronyms: dict[str, str]
    entity_names: dict[str, str]
    axis_names: dict[str, str]
    objective_names: dict[int, str]
    facets: Facets
    known_ids: KnownIds
    data_cut: Period
    default_state: ViewState
    _views: _Lru = field(default_factory=_Lru, repr=False)
    _options: _Lru = field(default_factory=_Lru, repr=False)
    _derived: _Lru = field(default_factory=lambda: _Lru(1024), repr=False)

    @classmethod
    def build(cls, catalog: Catalog) -> Snapshot:
        """Derive everything from ``catalog`` (tens of milliseconds)."""
        cube = build_progress_cube(catalog)
        accounts, account_period = _accounts(catalog, cube)
        cut = catalog.version.cut
        facts = indicator_facts(catalog)
        entities = catalog.entities.set_index("entity_id")
        return cls(
            catalog=catalog,
            cube=cube,
            accounts=accounts,
            account_period=account_period,
            facts=facts,
            fact_dicts={row["code"]: row for row in facts.to_dict("records")},
            fact_arrays={c: facts[c].to_numpy(dtype=object if facts[c].dtype == "str" else None)
                         for c in facts.columns},
            fact_row={code: i for i, code in enumerate(facts["code"])},
            by_locality=dict(zip(facts["code"], facts["by_locality"].astype(bool),
                                 strict=True)),
            entity_acronyms=entities["acronym"].to_dict(),
            entity_names=entities["name"].to_dict(),
            axis_names=catalog.axes.set_index("axis_id")["name"].to_dict(),
            objective_names={int(k): v for k, v in
                             catalog.objectives.set_index("objective_id")["text"].items()},
            facets=Facets.from_catalog(catalog),
            known_ids=KnownIds.from_catalog(catalog),
            data_cut=cut,
            default_state=replace(DEFAULT_STATE, year=cut.year),
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
