"""What the one-page locality report shows: the dashboard's own view of that locality.

The report resolves the same :class:`~view.model.View` the dashboard resolves
for ``?localidad=NN`` at the same cut, so its counts are the dashboard's
(indicators reported by locality count; the citywide ones are mentioned apart,
never counted). It adds, per indicator, the median progress of the 20
localities, and the weighted progress of the locality beside the median of the
20 localities' weighted progress. The page itself is drawn by
:func:`layers.locality_report.build_report_figure`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data import Catalog, DataVersion
from data.method import Period, rollup
from data.schema import YEARS
from view.model import View, resolve_view, series_cuts, with_facts
from view.snapshot import Snapshot
from view.state import ViewState

__all__ = ["LocalityReport", "key_indicators", "locality_report"]


@dataclass(frozen=True)
class LocalityReport:
    """The numbers of one locality's report.

    Attributes
    ----------
    code : str
        Locality code.
    cut : Period
        The cut of every figure.
    view : View
        The dashboard's view of ``?localidad=code`` at ``cut``.
    summary : DataFrame
        ``view.rows`` with the indicators' facts, plus ``median_pct`` (median
        PHV of the 20 localities) and ``reported`` (quarters with a report up
        to the cut).
    weighted, median_weighted : float
        The locality's weighted progress within the term and the median of the
        20 localities' (NaN: no figure).
    lines : dict
        Indicator code -> DataFrame indexed by year with ``mine`` and ``median``
        PHV, for the (up to three) key indicators drawn as series.
    city_count : int
        Citywide indicators, mentioned apart.
    version : DataVersion
    """

    code: str
    cut: Period
    view: View
    summary: pd.DataFrame
    weighted: float
    median_weighted: float
    lines: dict[str, pd.DataFrame]
    city_count: int
    version: DataVersion

    @property
    def counts(self) -> pd.DataFrame:
        """Semáforo counts: the dashboard's, for the same locality and cut."""
        return self.view.counts


def key_indicators(summary: pd.DataFrame, count: int = 3) -> list[str]:
    """Up to ``count`` indicators with the most reports, from different axes first."""
    ranked = summary.sort_values(["reported", "code"], ascending=[False, True])
    chosen: list[str] = []
    axes: set[str] = set()
    for row in ranked.itertuples(index=False):
        if row.reported and row.axis_id not in axes and len(chosen) < count:
            chosen.append(row.code)
            axes.add(row.axis_id)
    for row in ranked.itertuples(index=False):
        if len(chosen) < count and row.code not in chosen:
            chosen.append(row.code)
    return chosen


def _weighted_by_locality(snapshot: Snapshot, codes: list[str], cut: Period) -> np.ndarray:
    """Weighted PHV of each of the 20 localities over ``codes`` at ``cut``."""
    cube = snapshot.cube
    rows = [cube.position(c) for c in codes]
    weights = snapshot.facts.loc[codes, "global_weight"].to_numpy(dtype=float)
    t = cut.index
    return np.array([rollup(cube.phv[rows, p, t], weights)[None][0]
                     for p in range(1, cube.phv.shape[1])])


def locality_report(code: str, state: ViewState, catalog: Catalog) -> LocalityReport:
    """The numbers of locality ``code``'s report at ``state``'s cut (filters ignored)."""
    snapshot = Snapshot.of(catalog)
    view = resolve_view(ViewState(localities=(code,), year=state.year, quarter=state.quarter),
                        catalog)
    cube, cut = snapshot.cube, view.cut
    t = cut.index
    summary = with_facts(view.rows, snapshot)
    medians, reported = [], []
    for indicator in summary["code"]:
        i = cube.position(indicator)
        phv = cube.phv[i, 1:, t]
        medians.append(float(np.nanmedian(phv)) if np.isfinite(phv).any() else np.nan)
        reported.append(int(np.isfinite(cube.reports[i, int(code), :t + 1]).sum()))
    summary["median_pct"] = medians
    summary["reported"] = reported
    codes = summary["code"].tolist()
    by_locality = _weighted_by_locality(snapshot, codes, cut) if codes else np.array([np.nan])
    weighted = float(by_locality[int(code) - 1]) if codes else float("nan")
    median = float(np.nanmedian(by_locality)) if np.isfinite(by_locality).any() else np.nan
    lines = {}
    cuts = [c for c in series_cuts(snapshot.data_cut)]
    for indicator in key_indicators(summary):
        i = cube.position(indicator)
        mine = [float(cube.phv[i, int(code), c.index]) for c in cuts]
        med = []
        for c in cuts:
            values = cube.phv[i, 1:, c.index]
            med.append(float(np.nanmedian(values)) if np.isfinite(values).any() else np.nan)
        lines[indicator] = pd.DataFrame({"mine": mine, "median": med},
                                        index=pd.Index(YEARS, name="year"))
    return LocalityReport(code=code, cut=cut, view=view, summary=summary.reset_index(drop=True),
                          weighted=weighted, median_weighted=median, lines=lines,
                          city_count=len(view.city_rows), version=catalog.version)
