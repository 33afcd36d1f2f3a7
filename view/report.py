"""What the one-page locality report shows: the numbers, from the data version's snapshot.

The figure itself is drawn by :func:`layers.locality_report.build_report_figure`.
"""

from __future__ import annotations

import math

import pandas as pd

from data import Catalog
from data.schema import CITYWIDE, YEARS
from view.snapshot import Snapshot

__all__ = ["key_products", "locality_summary", "report_lines"]


def _median_pct(frame: pd.DataFrame) -> pd.Series:
    """Median progress (share) of the 20 localities per year (NaN where none reported)."""
    local = frame[frame["locality_code"] != CITYWIDE]
    return local.groupby("year")["pct"].median()


def locality_summary(code: str, year: int, catalog: Catalog) -> pd.DataFrame:
    """One row per product reported by locality, for locality ``code`` at ``year``.

    Returns
    -------
    DataFrame
        ``product_id, name, unit, entity, axis_id, value, target, pct, status,
        median_pct, reported_years`` (``median_pct``: median over the 20 localities).
    """
    cube = Snapshot.of(catalog).cube
    products = catalog.products[catalog.products["scope"] == "localidad"]
    table = cube.product_status(year, product_ids=products["product_id"],
                                locality_codes=[code])
    acronyms = catalog.entities.set_index("entity_id")["acronym"]
    medians, reported = [], []
    for product_id in table["product_id"]:
        frame = cube.indicator_frame(product_id)
        medians.append(_median_pct(frame).get(year, math.nan))
        mine = frame[(frame["locality_code"] == code) & (frame["year"] <= year)]
        reported.append(int(mine["value"].notna().sum()))
    return table.assign(entity=table["entity_id"].map(acronyms), median_pct=medians,
                        reported_years=reported).reset_index(drop=True)


def key_products(summary: pd.DataFrame, count: int = 3) -> list[str]:
    """Up to ``count`` products with the most reported years, from different axes first."""
    ranked = summary.sort_values(["reported_years", "product_id"], ascending=[False, True])
    chosen: list[str] = []
    axes: set[str] = set()
    for row in ranked.itertuples(index=False):
        if row.reported_years and row.axis_id not in axes and len(chosen) < count:
            chosen.append(row.product_id)
            axes.add(row.axis_id)
    for row in ranked.itertuples(index=False):
        if len(chosen) < count and row.product_id not in chosen:
            chosen.append(row.product_id)
    return chosen


def report_lines(code: str, summary: pd.DataFrame, catalog: Catalog) -> dict[str, pd.DataFrame]:
    """Progress of the locality and median of the 20 per year, for each key product.

    Returns
    -------
    dict
        Product id -> DataFrame indexed by year with ``mine`` and ``median``
        (shares of the year's target), in :func:`key_products` order.
    """
    cube = Snapshot.of(catalog).cube
    lines = {}
    for product_id in key_products(summary):
        frame = cube.indicator_frame(product_id)
        mine = frame[frame["locality_code"] == code].set_index("year")["pct"]
        lines[product_id] = pd.DataFrame({"mine": mine, "median": _median_pct(frame)},
                                         index=pd.Index(YEARS, name="year"))
    return lines
