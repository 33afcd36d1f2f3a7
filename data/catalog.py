"""The policy catalog as one immutable bundle of tables plus its data version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

__all__ = [
    "Catalog",
    "DataVersion",
]


@dataclass(frozen=True)
class DataVersion:
    """Which publication of the data is being shown.

    ``version_id`` grows by one with every publication; ``cutoff_date`` is the
    date up to which reports are included; ``illustrative`` is True while the
    generated illustrative catalog is in use (every screen and export says so).
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
    def label(self) -> str:
        """Short human label, e.g. ``"v3 · corte 2026-10-31 · ilustrativos"``."""
        text = f"v{self.version_id} · corte {self.cutoff_date.isoformat()}"
        return text + (" · ilustrativos" if self.illustrative else "")


@dataclass(frozen=True, eq=False)
class Catalog:
    """All tables of the policy, with the internal columns of ``data.schema.COLUMNS``.

    Compared and hashed by identity: one object is one loaded data version, so
    what is derived from it can be kept beside it (``view.snapshot``).

    ``objective_id`` is an int, ``year`` an int, ``locality_code`` a two-digit
    string ("00" is citywide), ``baseline``/``target``/``value`` floats.
    """

    axes: pd.DataFrame
    objectives: pd.DataFrame
    entities: pd.DataFrame
    products: pd.DataFrame
    targets: pd.DataFrame
    observations: pd.DataFrame
    version: DataVersion

    def counts(self) -> dict[str, int]:
        """Row counts of the structural tables."""
        return {
            "axes": len(self.axes),
            "objectives": len(self.objectives),
            "products": len(self.products),
            "entities": len(self.entities),
        }
