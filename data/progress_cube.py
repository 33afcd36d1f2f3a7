"""Progress as dense arrays, built once per data version, read by indexing.

:func:`data.progress.product_status` and :func:`data.progress.indicator_frame`
filter and join the long tables on every call (tens of milliseconds with
pandas). A :class:`ProgressCube` lays values and targets out once as
``product x year x place`` arrays (place 0 is citywide ``"00"``, 1-20 the
localities) with achievement and status already computed, so that a callback
gets the same tables by indexing (well under a millisecond).

The results are the same as those of :mod:`data.progress` (tests compare them
for many selections); the aggregation rules are the ones documented there.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data.catalog import Catalog
from data.progress import achievement, status_array
from data.schema import CITYWIDE, LOCALITY_CODES, STATUSES, YEARS

__all__ = [
    "PLACES",
    "ProgressCube",
    "build_progress_cube",
    "get_progress_cube",
    "status_counts_fast",
]

#: Place axis of the cube: citywide first, then the 20 localities.
PLACES = (CITYWIDE, *LOCALITY_CODES)
_PLACE_INDEX = {code: i for i, code in enumerate(PLACES)}
_YEAR_INDEX = {year: i for i, year in enumerate(YEARS)}
_PRODUCT_COLUMNS = ["product_id", "name", "indicator", "unit", "entity_id", "axis_id",
                    "objective_id", "scope", "direction", "baseline", "aggregation"]
_STATUS_COLUMNS = ["product_id", "name", "indicator", "unit", "entity_id", "axis_id",
                   "objective_id", "year", "value", "target", "pct", "status",
                   "scope", "direction", "baseline", "aggregation"]
_SERIES_COLUMNS = ["year", "locality_code", "value", "target", "pct", "status"]
_STATUS_CODE = {status: i for i, status in enumerate(STATUSES)}


def _dense(table: pd.DataFrame, column: str, product_index: pd.Index) -> np.ndarray:
    """Scatter a long ``(product_id, year, locality_code, column)`` table into P x Y x 21."""
    cube = np.full((len(product_index), len(YEARS), len(PLACES)), np.nan)
    p = product_index.get_indexer(table["product_id"])
    y = pd.Index(YEARS).get_indexer(table["year"])
    c = pd.Index(PLACES).get_indexer(table["locality_code"])
    keep = (p >= 0) & (y >= 0) & (c >= 0)
    cube[p[keep], y[keep], c[keep]] = table[column].to_numpy(dtype=float)[keep]
    return cube


def _aggregate(block: np.ndarray, use_sum: np.ndarray) -> np.ndarray:
    """Sum (NaN when nothing reported) or mean over the last axis, per product.

    ``block`` is ``P x ... x k``; ``use_sum`` is a boolean per product (first axis).
    """
    present = ~np.isnan(block)
    count = present.sum(axis=-1)
    total = np.where(present, block, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    total = np.where(count > 0, total, np.nan)
    shape = (-1,) + (1,) * (total.ndim - 1)
    return np.where(use_sum.reshape(shape), total, mean)


def _codes(status) -> np.ndarray:
    """Status strings to their position in ``STATUSES``."""
    return np.fromiter((_STATUS_CODE[s] for s in status), dtype=np.intp, count=len(status))


@dataclass(frozen=True, eq=False)
class ProgressCube:
    """Values, targets, achievement and status of a catalog as dense arrays.

    Attributes
    ----------
    product_ids : tuple of str
        Products in catalog order (first axis).
    products : DataFrame
        The product columns of :func:`data.progress.product_status`, catalog order.
    value, target : ndarray
        ``P x Y x 21`` raw reported values and targets (NaN: none), place 0 = "00".
    city_value : ndarray
        ``P x Y`` citywide value as :func:`~data.progress.product_status` uses
        it: the direct citywide report, else the localities aggregated.
    city_pct, city_status : ndarray
        Achievement and status codes (str) of the citywide value against the
        citywide target.
    series_value, series_pct, series_status : ndarray
        ``P x Y x 21`` of :func:`~data.progress.indicator_frame` (citywide value
        filled from localities only for products reported by locality).
    """

    product_ids: tuple[str, ...]
    products: pd.DataFrame
    value: np.ndarray
    target: np.ndarray
    city_value: np.ndarray
    city_pct: np.ndarray
    city_status: np.ndarray
    series_value: np.ndarray
    series_pct: np.ndarray
    series_status: np.ndarray
    by_locality: np.ndarray
    use_sum: np.ndarray
    baseline: np.ndarray
    direction: np.ndarray
    _position: dict[str, int] = field(repr=False)
    _series_cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _memo: dict = field(default_factory=dict, repr=False)
    _memo_lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def status_base(self) -> pd.DataFrame:
        """The product columns in :func:`~data.progress.product_status` order, with
        placeholder year/value/target/pct/status (filled by :meth:`fill_status`)."""
        return self.memo("status_base", lambda: self.products.assign(
            year=0, value=np.nan, target=np.nan, pct=np.nan, status="")[_STATUS_COLUMNS])

    def positions(self, product_ids: Iterable[str] | None) -> np.ndarray:
        """Row positions (catalog order) of ``product_ids`` (None: all; unknown ids dropped)."""
        if product_ids is None:
            return np.arange(len(self.product_ids))
        if isinstance(product_ids, str):
            product_ids = [product_ids]
        wanted = {str(p) for p in product_ids}
        return np.array([i for i, p in enumerate(self.product_ids) if p in wanted], dtype=int)

    def status_arrays(
        self, year: int, positions: np.ndarray, locality_codes: Iterable[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(value, target, pct, status)`` of the products at ``positions``.

        Same numbers as :func:`data.progress.product_status` for the same year
        and locality selection.
        """
        if isinstance(locality_codes, str):
            locality_codes = [locality_codes]
        yi = _YEAR_INDEX[int(year)]
        codes = sorted({c for c in (locality_codes or ()) if c != CITYWIDE})
        value = self.city_value[positions, yi]
        target = self.target[positions, yi, 0]
        if not codes:
            return value, target, self.city_pct[positions, yi], self.city_status[positions, yi]
        places = [_PLACE_INDEX[c] for c in codes if c in _PLACE_INDEX]
        use_sum = self.use_sum[positions]
        if places:
            sel_v = _aggregate(self.value[positions, yi][:, places], use_sum)
            sel_t = _aggregate(self.target[positions, yi][:, places], use_sum)
        else:
            sel_v = sel_t = np.full(len(positions), np.nan)
        local = self.by_locality[positions]
        value = np.where(local, sel_v, value)
        target = np.where(local, sel_t, target)
        pct = achievement(value, target, self.baseline[positions], self.direction[positions])
        return value, target, pct, status_array(pct)

    def product_status(
        self,
        year: int,
        *,
        product_ids: Iterable[str] | None = None,
        locality_codes: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """Same table as :func:`data.progress.product_status`, by indexing."""
        positions = self.positions(product_ids)
        arrays = self.status_arrays(year, positions, locality_codes)
        return self.fill_status(self.status_base, year, positions, *arrays)

    @staticmethod
    def fill_status(
        base: pd.DataFrame, year: int, positions: np.ndarray,
        value: np.ndarray, target: np.ndarray, pct: np.ndarray, status: np.ndarray,
    ) -> pd.DataFrame:
        """Rows ``positions`` of ``base`` (columns as :attr:`status_base`, maybe more)
        with year, value, target, pct and status filled in."""
        out = base.take(positions)
        out.index = pd.RangeIndex(len(positions))
        columns = out.columns
        out.isetitem(columns.get_loc("year"), np.full(len(positions), int(year), dtype="int64"))
        out.isetitem(columns.get_loc("value"), np.asarray(value, dtype=float))
        out.isetitem(columns.get_loc("target"), np.asarray(target, dtype=float))
        out.isetitem(columns.get_loc("pct"), np.asarray(pct, dtype=float))
        status = np.asarray(status, dtype=object)
        # pandas infers "str" from strings; an empty array stays object (as in data.progress)
        out.isetitem(columns.get_loc("status"), pd.array(status, dtype="str") if len(status)
                     else status)
        return out

    def memo(self, key, factory):
        """A derived object cached on this cube (so it lives as long as the version)."""
        with self._memo_lock:
            if key not in self._memo:
                self._memo[key] = factory()
            return self._memo[key]

    def indicator_frame(self, product_id: str) -> pd.DataFrame:
        """Same table as :func:`data.progress.indicator_frame` (memoised; do not mutate).

        Raises
        ------
        KeyError
            If the product does not exist.
        """
        cached = self._series_cache.get(product_id)
        if cached is not None:
            return cached
        if product_id not in self._position:
            raise KeyError(f"el producto «{product_id}» no existe en el catálogo")
        i = self._position[product_id]
        places = len(PLACES) if self.by_locality[i] else 1
        frame = pd.DataFrame({
            "year": np.repeat(np.asarray(YEARS, dtype="int64"), places),
            "locality_code": pd.array(list(PLACES[:places]) * len(YEARS), dtype="str"),
            "value": self.series_value[i, :, :places].ravel(),
            "target": self.target[i, :, :places].ravel(),
            "pct": self.series_pct[i, :, :places].ravel(),
            "status": pd.array(self.series_status[i, :, :places].ravel(), dtype="str"),
        })
        self._series_cache[product_id] = frame
        return frame

    def locality_values(self, product_id: str, year: int) -> pd.DataFrame:
        """``[locality_code, value, target, pct, status]`` of the localities at ``year``.

        The localities' rows of :meth:`indicator_frame` at ``year`` (no rows for
        a product reported only citywide).
        """
        frame = self.indicator_frame(product_id)
        i = self._position[product_id]
        if not self.by_locality[i]:
            return frame.iloc[0:0].drop(columns="year").reset_index(drop=True)
        start = _YEAR_INDEX[int(year)] * len(PLACES) + 1
        rows = frame.iloc[start:start + len(LOCALITY_CODES)]
        return rows.drop(columns="year").reset_index(drop=True)


def status_counts_fast(
    status: Sequence[str] | np.ndarray, by: Sequence[str] | np.ndarray | None = None,
    *, by_name: str | None = None,
) -> pd.DataFrame:
    """:func:`data.progress.status_counts` from arrays (same columns and order).

    Parameters
    ----------
    status : array of status codes
    by : array of group keys, optional
        One per status; groups are sorted like ``pd.crosstab`` sorts them.
    by_name : str, optional
        Name of the group column (required with ``by``).
    """
    codes = _codes(status)
    n = len(STATUSES)
    columns = [*STATUSES, "total"]
    if by is None:
        counts = np.bincount(codes, minlength=n).reshape(1, n)
        groups = None
    else:
        groups, inverse = np.unique(np.asarray(by, dtype=object), return_inverse=True)
        counts = np.zeros((len(groups), n), dtype="int64")
        np.add.at(counts, (inverse, codes), 1)
    table = np.column_stack([counts, counts.sum(axis=1)]).astype("int64")
    out = pd.DataFrame(table, columns=columns)
    if groups is not None:
        keys = pd.array(groups.tolist(), dtype="str") if len(groups) else groups
        out.insert(0, by_name, keys)
    return out


def build_progress_cube(catalog: Catalog) -> ProgressCube:
    """Lay ``catalog``'s targets and observations out as dense arrays (a few ms)."""
    products = catalog.products[_PRODUCT_COLUMNS].reset_index(drop=True)
    index = pd.Index(products["product_id"].astype(str))
    value = _dense(catalog.observations, "value", index)
    target = _dense(catalog.targets, "target", index)
    use_sum = (products["aggregation"] == "sum").to_numpy()
    by_locality = (products["scope"] == "localidad").to_numpy()
    baseline = products["baseline"].to_numpy(dtype=float)
    direction = products["direction"].to_numpy(dtype=object)

    # product_status: direct citywide value, else every locality report aggregated.
    # Reports for codes outside 01-20 are not in the cube; validation rejects them.
    from_localities = _aggregate(value[:, :, 1:], use_sum)
    direct = value[:, :, 0]
    city_value = np.where(np.isnan(direct), from_localities, direct)
    b2, d2 = baseline[:, None], direction[:, None]
    city_pct = achievement(city_value, target[:, :, 0], b2, d2)

    # indicator_frame: the citywide fill comes only from products reported by locality.
    series_value = value.copy()
    series_value[:, :, 0] = np.where(by_locality[:, None], city_value, direct)
    b3, d3 = baseline[:, None, None], direction[:, None, None]
    series_pct = achievement(series_value, target, b3, d3)

    return ProgressCube(
        product_ids=tuple(index),
        products=products,
        value=value,
        target=target,
        city_value=city_value,
        city_pct=city_pct,
        city_status=status_array(city_pct),
        series_value=series_value,
        series_pct=series_pct,
        series_status=status_array(series_pct),
        by_locality=by_locality,
        use_sum=use_sum,
        baseline=baseline,
        direction=direction,
        _position={p: i for i, p in enumerate(index)},
    )


_lock = threading.Lock()
_cubes: dict[tuple[int, int], tuple[weakref.ref, ProgressCube]] = {}


def get_progress_cube(catalog: Catalog) -> ProgressCube:
    """The cube of ``catalog``, built on first use and kept while the catalog lives.

    Keyed by the catalog object and its data version, so a newly published
    version (a new catalog) gets a new cube and the old one goes with its catalog.
    """
    key = (id(catalog), catalog.version.version_id)
    with _lock:
        entry = _cubes.get(key)
        if entry is not None and entry[0]() is catalog:
            return entry[1]
    cube = build_progress_cube(catalog)
    with _lock:
        for stale in [k for k, (ref, _) in _cubes.items() if ref() is None]:
            del _cubes[stale]
        _cubes[key] = (weakref.ref(catalog), cube)
    return cube
