"""Progress against target, computed once per data version as dense arrays.

A :class:`ProgressCube` lays a catalog's values and targets out as
``product x year x place`` arrays (place 0 is citywide ``"00"``, 1-20 the
localities) with achievement and status already computed, so that a view reads
its tables by indexing (well under a millisecond).

Conventions
-----------
* Achievement is the share of the year's target reached: ``value / target``
  for "up" indicators, ``(baseline - value) / (baseline - target)`` for "down"
  ones. It is never negative; above 1 means the target was exceeded.
* A citywide value ("00") not reported directly is aggregated from the
  localities' values with the product's ``aggregation`` (sum or mean over the
  localities that reported); a locality that did not report adds nothing.
* A selection of localities aggregates values and targets the same way; a
  product reported only citywide keeps its citywide value in any selection.
* Thresholds: ``data.config.STATUS_THRESHOLDS``; no value means "no_report".

``tests/data/progress_oracle.py`` keeps a plain-pandas computation of the same
rules; the tests compare the two for many selections.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data.catalog import Catalog
from data.config import STATUS_THRESHOLDS
from data.schema import CITYWIDE, LOCALITY_CODES, STATUSES, YEARS

__all__ = [
    "PLACES",
    "ProgressCube",
    "achievement",
    "build_progress_cube",
    "status_array",
    "status_counts",
    "status_of",
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
_EPS = 1e-9


def achievement(value, target, baseline, direction):
    """Share of the year's target reached.

    Parameters
    ----------
    value, target, baseline : float or array-like
        Reported value, the year's target and the product's baseline.
    direction : {"up", "down"} or array-like of them
        "up": more is better (``value / target``); "down": less is better
        (``(baseline - value) / (baseline - target)``).

    Returns
    -------
    float or ndarray
        NaN when value or target is missing. Guards: an "up" target of 0 counts
        as reached; a "down" target not below the baseline is reached when
        ``value <= target`` and otherwise scores ``target / value``. Negative
        results are clipped to 0.

    Examples
    --------
    >>> achievement(45, 50, 0, "up")
    0.9
    >>> achievement(15.0, 12.0, 18.0, "down")
    0.5
    """
    scalar = all(np.ndim(x) == 0 for x in (value, target, baseline, direction))
    v = np.asarray(value, dtype=float)
    t = np.asarray(target, dtype=float)
    b = np.asarray(baseline, dtype=float)
    down = np.asarray(direction) == "down"
    with np.errstate(divide="ignore", invalid="ignore"):
        up_pct = np.where(t > 0, v / t, np.where(np.isnan(v), np.nan, 1.0))
        span = b - t
        hold = np.where(v <= t, 1.0, np.where(v > 0, t / v, 0.0))
        down_pct = np.where(span > 0, (b - v) / span, hold)
        down_pct = np.where(np.isnan(v) | np.isnan(t), np.nan, down_pct)
        pct = np.where(down, down_pct, up_pct)
    pct = np.where(np.isnan(t), np.nan, np.maximum(pct, 0.0))
    return float(pct) if scalar else pct


def status_array(pct) -> np.ndarray:
    """Vectorised :func:`status_of`: an array of status codes."""
    p = np.asarray(pct, dtype=float)
    return np.select(
        [np.isnan(p), p >= STATUS_THRESHOLDS["on_track"] - _EPS,
         p >= STATUS_THRESHOLDS["at_risk"] - _EPS],
        ["no_report", "on_track", "at_risk"],
        default="behind",
    ).astype(object)


def status_of(pct: float | None) -> str:
    """Status code of one achievement (one of ``data.schema.STATUSES``).

    ``pct >= on_track threshold`` -> "on_track"; ``>= at_risk`` -> "at_risk";
    lower -> "behind"; None/NaN -> "no_report". Thresholds are inclusive.
    """
    return str(status_array(np.nan if pct is None else pct)[()])


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
        The product columns of :meth:`product_status`, catalog order.
    value, target : ndarray
        ``P x Y x 21`` raw reported values and targets (NaN: none), place 0 = "00".
    city_value : ndarray
        ``P x Y`` citywide value as :meth:`product_status` uses
        it: the direct citywide report, else the localities aggregated.
    city_pct, city_status : ndarray
        Achievement and status codes (str) of the citywide value against the
        citywide target.
    series_value, series_pct, series_status : ndarray
        ``P x Y x 21`` of :meth:`indicator_frame` (citywide value
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

    @property
    def status_base(self) -> pd.DataFrame:
        """The product columns in :meth:`product_status` order, with placeholder
        year/value/target/pct/status (filled by :meth:`fill_status`)."""
        return self.products.assign(
            year=0, value=np.nan, target=np.nan, pct=np.nan, status="")[_STATUS_COLUMNS]

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

        The numbers of :meth:`product_status` for the same year and selection.
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
        """Status of each product at ``year`` for a locality selection, one row per product."""
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
        # pandas infers "str" from strings; an empty array stays object (as the oracle)
        out.isetitem(columns.get_loc("status"), pd.array(status, dtype="str") if len(status)
                     else status)
        return out

    def indicator_frame(self, product_id: str) -> pd.DataFrame:
        """One product's value, target, pct and status per year and place (memoised; do not mutate).

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


def status_counts(
    status: Sequence[str] | np.ndarray, by: Sequence[str] | np.ndarray | None = None,
    *, by_name: str | None = None,
) -> pd.DataFrame:
    """Count products per status, optionally per group (e.g. entity or axis).

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
