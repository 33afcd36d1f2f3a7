"""The policy catalog as one immutable bundle of tables plus its data version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from data.method import Period, cut_of_date

__all__ = [
    "TABLES",
    "Catalog",
    "DataVersion",
]

#: The catalog's tables, in ``data.schema.COLUMNS`` order.
TABLES = ("axes", "objectives", "entities", "results", "products", "indicators", "targets",
          "locality_baselines", "reports")


@dataclass(frozen=True)
class DataVersion:
    """Which publication of the data is being shown.

    ``version_id`` grows by one with every publication; ``cutoff_date`` is the
    date up to which reports are included (its :attr:`cut` is the last quarter
    ended by then); ``illustrative`` is True while the generated illustrative
    catalog is in use (every screen and export says so).
    """

    version_id: int
    cutoff_date: date
    illustrative: bool
    published_at: datetime | None = None
    published_by: str = ""
    source_name: str = ""
    source_sha256: str = ""
    note: str = ""

    @property
    def cut(self) -> Period:
        """The data's cut: the last quarter that had ended by :attr:`cutoff_date`."""
        return cut_of_date(self.cutoff_date)

    @property
    def label(self) -> str:
        """Short human label, e.g. ``"v3 · corte 2026-T3 · ilustrativos"``."""
        text = f"v{self.version_id} · corte {self.cut.label}"
        return text + (" · ilustrativos" if self.illustrative else "")


@dataclass(frozen=True, eq=False)
class Catalog:
    """All tables of the policy, with the internal columns of ``data.schema.COLUMNS``.

    Compared and hashed by identity: one object is one loaded data version, so
    what is derived from it can be kept beside it (``view.snapshot``).

    Types: ``objective_id``, ``year``, ``quarter`` int; ``locality_code`` a
    two-digit string ("00" is citywide); ``weight``, ``baseline``, ``target``,
    ``final_target``, ``value`` floats (NaN: none); ``in_force``,
    ``by_locality`` bool; texts str ("" when empty); ``reported_at`` datetime64.
    """

    axes: pd.DataFrame
    objectives: pd.DataFrame
    entities: pd.DataFrame
    results: pd.DataFrame
    products: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame
    locality_baselines: pd.DataFrame
    reports: pd.DataFrame
    version: DataVersion

    def counts(self) -> dict[str, int]:
        """Row counts of the structural tables, and of the indicators in force."""
        return {
            "axes": len(self.axes),
            "objectives": len(self.objectives),
            "products": len(self.products),
            "entities": len(self.entities),
            "result_indicators": len(self.results),
            "product_indicators": len(self.indicators),
            "product_indicators_in_force": int(self.indicators["in_force"].sum()),
        }
