"""Oracle: the progress tables computed the plain-pandas way, to check the cube.

The formulas (achievement, status) are :mod:`data.progress`'s own; only the
filtering, joining and aggregation of the long tables is done here again, the
slow and obvious way, so ``tests/data/test_progress.py`` and
``tests/view/test_model_equivalence.py`` can compare the cube with it.

Conventions
-----------
* Achievement is the share of the year's target reached: ``value / target``
  for "up" indicators, ``(baseline - value) / (baseline - target)`` for "down"
  ones. It is never negative; above 1 means the target was exceeded.
* A citywide value ("00") not reported directly is aggregated from the
  localities' values with the product's ``aggregation`` (sum or mean over the
  localities that reported); a locality that did not report adds nothing.
* A selection of localities aggregates values and targets the same way; a
  product reported only citywide keeps its citywide value in any selection
  (the ``scope`` column says so).
* Thresholds: ``data.config.STATUS_THRESHOLDS``; no value means "no_report".
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from data.catalog import Catalog
from data.progress import achievement, status_array, status_of
from data.schema import CITYWIDE, LOCALITY_CODES, STATUSES, YEARS

__all__ = [
    "achievement",
    "indicator_frame",
    "product_status",
    "status_array",
    "status_counts",
    "status_of",
]

_PRODUCT_COLUMNS = ["product_id", "name", "indicator", "unit", "entity_id", "axis_id",
                    "objective_id", "scope", "direction", "baseline", "aggregation"]


def _aggregate(frame: pd.DataFrame, column: str, aggregation: pd.Series) -> pd.Series:
    """Sum or mean of ``column`` per product, chosen by the product's aggregation."""
    grouped = frame.groupby("product_id", sort=False)[column]
    total = grouped.sum(min_count=1)
    mean = grouped.mean()
    agg = aggregation.reindex(total.index)
    return total.where(agg == "sum", mean)


def _attach(frame: pd.DataFrame) -> pd.DataFrame:
    pct = achievement(frame["value"].to_numpy(), frame["target"].to_numpy(),
                      frame["baseline"].to_numpy(), frame["direction"].to_numpy())
    return frame.assign(pct=pct, status=status_array(pct))


def indicator_frame(catalog: Catalog, product_id: str) -> pd.DataFrame:
    """One product's values, targets and status for every year and place.

    Parameters
    ----------
    catalog : Catalog
    product_id : str

    Returns
    -------
    DataFrame
        Columns ``year, locality_code, value, target, pct, status``; one row per
        year 2023-2032 and per place: citywide ``"00"`` and, for products reported
        by locality, the 20 localities. Sorted by year then locality.

    Raises
    ------
    KeyError
        If the product does not exist.
    """
    products = catalog.products.set_index("product_id")
    if product_id not in products.index:
        raise KeyError(f"el producto «{product_id}» no existe en el catálogo")
    info = products.loc[product_id]
    codes = [CITYWIDE] + (list(LOCALITY_CODES) if info["scope"] == "localidad" else [])
    grid = pd.MultiIndex.from_product([YEARS, codes], names=["year", "locality_code"])
    keys = ["year", "locality_code"]
    targets = catalog.targets[catalog.targets["product_id"] == product_id]
    obs = catalog.observations[catalog.observations["product_id"] == product_id]
    frame = pd.DataFrame(index=grid).join(targets.set_index(keys)["target"]).join(
        obs.set_index(keys)["value"])
    frame = frame.reset_index()
    local = frame[frame["locality_code"] != CITYWIDE].groupby("year")["value"]
    city_agg = local.sum(min_count=1) if info["aggregation"] == "sum" else local.mean()
    is_city = frame["locality_code"] == CITYWIDE
    fill = frame["year"].map(city_agg).astype("float64")
    frame["value"] = frame["value"].where(~is_city | frame["value"].notna(), fill)
    frame = frame.assign(baseline=float(info["baseline"]), direction=info["direction"])
    frame = _attach(frame)
    return frame[["year", "locality_code", "value", "target", "pct", "status"]]


def product_status(
    catalog: Catalog,
    year: int,
    *,
    product_ids: Iterable[str] | None = None,
    locality_codes: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Status of each product at ``year`` for a place selection.

    Parameters
    ----------
    catalog : Catalog
    year : int
    product_ids : iterable of str, optional
        Products to include (default: all, in catalog order).
    locality_codes : iterable of str, optional
        Localities to aggregate over; None or empty (or only ``"00"``) means the
        whole city.

    Returns
    -------
    DataFrame
        Columns ``product_id, name, indicator, unit, entity_id, axis_id,
        objective_id, year, value, target, pct, status`` plus ``scope,
        direction, baseline, aggregation``; one row per product.
    """
    if isinstance(product_ids, str):
        product_ids = [product_ids]
    if isinstance(locality_codes, str):
        locality_codes = [locality_codes]
    products = catalog.products[_PRODUCT_COLUMNS]
    if product_ids is not None:
        products = products[products["product_id"].isin(list(product_ids))]
    pids = products["product_id"]
    agg = products.set_index("product_id")["aggregation"]
    codes = sorted({c for c in (locality_codes or ()) if c != CITYWIDE})

    t = catalog.targets
    t = t[(t["year"] == year) & t["product_id"].isin(pids)]
    o = catalog.observations
    o = o[(o["year"] == year) & o["product_id"].isin(pids)]
    city_target = t[t["locality_code"] == CITYWIDE].set_index("product_id")["target"]
    direct = o[o["locality_code"] == CITYWIDE].set_index("product_id")["value"]
    from_localities = _aggregate(o[o["locality_code"] != CITYWIDE], "value", agg)
    city_value = direct.combine_first(from_localities)

    index = pd.Index(pids)
    value = city_value.reindex(index)
    target = city_target.reindex(index)
    if codes:
        by_locality = (products.set_index("product_id")["scope"] == "localidad").reindex(index)
        sel_t = _aggregate(t[t["locality_code"].isin(codes)], "target", agg).reindex(index)
        sel_v = _aggregate(o[o["locality_code"].isin(codes)], "value", agg).reindex(index)
        value = value.where(~by_locality, sel_v)
        target = target.where(~by_locality, sel_t)
    out = products.reset_index(drop=True).assign(
        year=int(year), value=value.to_numpy(), target=target.to_numpy())
    out = _attach(out)
    first = ["product_id", "name", "indicator", "unit", "entity_id", "axis_id",
             "objective_id", "year", "value", "target", "pct", "status"]
    return out[first + ["scope", "direction", "baseline", "aggregation"]]


def status_counts(product_status_df: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Count products per status, optionally per entity or axis.

    Parameters
    ----------
    product_status_df : DataFrame
        As returned by :func:`product_status` (needs ``status`` and ``by``).
    by : {None, "entity_id", "axis_id"} or any column
        Grouping column; None gives a single row.

    Returns
    -------
    DataFrame
        ``[by,] on_track, at_risk, behind, no_report, total``: every status
        column present (0 when absent), integer counts.
    """
    status = pd.Categorical(product_status_df["status"], categories=list(STATUSES))
    if by is None:
        counts = pd.Series(status).value_counts().reindex(list(STATUSES), fill_value=0)
        out = pd.DataFrame([counts.to_numpy()], columns=list(STATUSES))
    else:
        out = pd.crosstab(product_status_df[by].to_numpy(), status, dropna=False)
        out = out.reindex(columns=list(STATUSES), fill_value=0)
        out.index.name = by
        out.columns.name = None
        out = out.reset_index()
    out[list(STATUSES)] = out[list(STATUSES)].astype("int64")
    out["total"] = out[list(STATUSES)].sum(axis=1).astype("int64")
    return out
