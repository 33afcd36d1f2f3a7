"""Progress of every indicator in every place at every cut, computed once per data version.

A :class:`ProgressCube` lays a catalog out as dense arrays, series x place x
quarter (series: the product indicators in catalog order, then the result
indicators; places: citywide ``"00"`` then the 20 localities; quarters:
2023-T1 to 2032-T4), and computes the district's figures for all of them at
once with :func:`data.method.compute_metrics`. A view then reads its tables by
indexing. Nothing here decides a formula: that is :mod:`data.method`.

Places: an indicator reported citywide only has figures at ``"00"``; one
reported by locality also has them at each locality, from that locality's
targets, baseline, final target and reports. A citywide figure is always the
city's own report, never a sum of locality figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from data.catalog import Catalog
from data.method import METRICS, PERIODS, Period, compute_metrics
from data.schema import CITYWIDE, LOCALITY_CODES, STATUSES, YEARS

__all__ = [
    "PLACES",
    "ProgressCube",
    "build_progress_cube",
    "report_statuses",
    "status_counts",
]

#: Place axis of the cube: citywide first, then the 20 localities.
PLACES = (CITYWIDE, *LOCALITY_CODES)
_PLACE = {code: i for i, code in enumerate(PLACES)}
_STATUS_CODE = {status: i for i, status in enumerate(STATUSES)}


@dataclass(frozen=True, eq=False)
class ProgressCube:
    """The figures of a catalog as ``S x 21 x 40`` arrays (see the module docstring).

    Attributes
    ----------
    codes : tuple of str
        Series codes: product indicators (catalog order), then result indicators.
    is_result : ndarray of bool
        Per series: a result indicator ("N.1").
    by_locality : ndarray of bool
        Per series: it has figures by locality.
    data_cut : int
        Position of the data's cut in :data:`data.method.PERIODS`.
    targets : ndarray
        ``S x 21 x 10`` annual targets (NaN: missing or text).
    baseline, final : ndarray
        ``S x 21`` baselines and final targets as given (NaN: none).
    reports : ndarray
        ``S x 21 x 40`` reported values.
    mp, ma, av, phv, paf, tid, brecha : ndarray
        ``S x 21 x 40`` figures at every cut (NaN: no figure).
    status : ndarray
        ``S x 21 x 40`` semáforo classes; "futuro" after the data's cut.
    """

    codes: tuple[str, ...]
    is_result: np.ndarray
    by_locality: np.ndarray
    data_cut: int
    targets: np.ndarray
    baseline: np.ndarray
    final: np.ndarray
    reports: np.ndarray
    mp: np.ndarray
    ma: np.ndarray
    av: np.ndarray
    phv: np.ndarray
    paf: np.ndarray
    tid: np.ndarray
    brecha: np.ndarray
    status: np.ndarray
    _position: dict[str, int] = field(repr=False)

    def position(self, code: str) -> int:
        """Index of series ``code``.

        Raises
        ------
        KeyError
            When no indicator has that code.
        """
        try:
            return self._position[code]
        except KeyError:
            raise KeyError(f"el indicador «{code}» no existe en el catálogo") from None

    def figures(self, code: str, place: str, cut: int) -> dict[str, float | str]:
        """``{mp, ma, av, phv, paf, tid, brecha, semaforo}`` of one series at one cut."""
        i, p = self.position(code), _PLACE[place]
        out: dict[str, float | str] = {name: float(getattr(self, name)[i, p, cut])
                                       for name in METRICS}
        out["semaforo"] = str(self.status[i, p, cut])
        return out

    def last_report(self, code: str, place: str, cut: int) -> int | None:
        """Position of the last period with a report up to ``cut`` (None: none)."""
        row = self.reports[self.position(code), _PLACE[place], :cut + 1]
        reported = np.flatnonzero(~np.isnan(row))
        return int(reported[-1]) if len(reported) else None


def status_counts(status, by=None, *, by_name: str | None = None) -> pd.DataFrame:
    """Count entries per semáforo class, optionally per group (entity, axis...).

    Parameters
    ----------
    status : array of status codes (``data.schema.STATUSES``)
    by : array of group keys, optional
        One per status; groups sorted as ``np.unique`` sorts them.
    by_name : str, optional
        Name of the group column (required with ``by``).

    Returns
    -------
    DataFrame
        ``[by_name,] rojo, amarillo, verde, naranja, sin_dato, futuro, total``.
    """
    codes = np.fromiter((_STATUS_CODE[s] for s in status), dtype=np.intp, count=len(status))
    n = len(STATUSES)
    if by is None:
        counts = np.bincount(codes, minlength=n).reshape(1, n)
        groups = None
    else:
        groups, inverse = np.unique(np.asarray(by, dtype=object).astype(str),
                                    return_inverse=True)
        counts = np.zeros((len(groups), n), dtype="int64")
        np.add.at(counts, (inverse, codes), 1)
    table = np.column_stack([counts, counts.sum(axis=1)]).astype("int64")
    out = pd.DataFrame(table, columns=[*STATUSES, "total"])
    if groups is not None:
        out.insert(0, by_name, groups.tolist())
    return out


def _series_table(catalog: Catalog) -> pd.DataFrame:
    """One row per series: code, kind, annualisation, periodicity, by_locality, city ends."""
    columns = ["code", "annualisation", "periodicity", "baseline", "final_target"]
    indicators = catalog.indicators[columns + ["by_locality"]].assign(is_result=False)
    results = catalog.results[columns].assign(by_locality=False, is_result=True)
    return pd.concat([indicators, results], ignore_index=True)


def _scatter(shape: tuple[int, ...], index: tuple[np.ndarray, ...], values: np.ndarray
             ) -> np.ndarray:
    out = np.full(shape, np.nan)
    keep = np.all([i >= 0 for i in index], axis=0) if len(index) else np.array([], bool)
    out[tuple(i[keep] for i in index)] = values[keep]
    return out


def build_progress_cube(catalog: Catalog, data_cut: Period | None = None) -> ProgressCube:
    """Lay ``catalog`` out as arrays and compute every figure (a few milliseconds).

    Parameters
    ----------
    catalog : Catalog
    data_cut : Period, optional
        The data's cut; default ``catalog.version.cut``.
    """
    series = _series_table(catalog)
    codes = pd.Index(series["code"].astype(str))
    s, p, y, t = len(codes), len(PLACES), len(YEARS), len(PERIODS)
    places, years = pd.Index(PLACES), pd.Index(YEARS)

    tg = catalog.targets
    targets = _scatter((s, p, y), (codes.get_indexer(tg["code"]),
                                   places.get_indexer(tg["locality_code"]),
                                   years.get_indexer(tg["year"])),
                       tg["target"].to_numpy(dtype=float))
    baseline = np.full((s, p), np.nan)
    final = np.full((s, p), np.nan)
    baseline[:, 0] = series["baseline"].to_numpy(dtype=float)
    final[:, 0] = series["final_target"].to_numpy(dtype=float)
    lb = catalog.locality_baselines
    rows, cols = codes.get_indexer(lb["code"]), places.get_indexer(lb["locality_code"])
    keep = (rows >= 0) & (cols >= 0)
    baseline[rows[keep], cols[keep]] = lb["baseline"].to_numpy(dtype=float)[keep]
    final[rows[keep], cols[keep]] = lb["final_target"].to_numpy(dtype=float)[keep]

    rp = catalog.reports
    period = (rp["year"].to_numpy(dtype=int) - YEARS[0]) * 4 + rp["quarter"].to_numpy(dtype=int) - 1
    period = np.where((period >= 0) & (period < t), period, -1)
    reports = _scatter((s, p, t), (codes.get_indexer(rp["code"]),
                                   places.get_indexer(rp["locality_code"]), period),
                       rp["value"].to_numpy(dtype=float))

    cut = (data_cut or catalog.version.cut).index
    kind = np.repeat(series["annualisation"].to_numpy(dtype=object), p)
    often = np.repeat(series["periodicity"].to_numpy(dtype=object), p)
    metrics = compute_metrics(kind, often, baseline.reshape(-1), targets.reshape(s * p, y),
                              final.reshape(-1), reports.reshape(s * p, t), range(t), cut)
    shaped = {name: getattr(metrics, name).reshape(s, p, t) for name in (*METRICS, "status")}
    return ProgressCube(
        codes=tuple(codes),
        is_result=series["is_result"].to_numpy(dtype=bool),
        by_locality=series["by_locality"].to_numpy(dtype=bool),
        data_cut=cut,
        targets=targets,
        baseline=baseline,
        final=final,
        reports=reports,
        **shaped,
        _position={code: i for i, code in enumerate(codes)},
    )


def report_statuses(catalog: Catalog, rows: pd.DataFrame) -> np.ndarray:
    """The semáforo each row of a new report would give its series at its own quarter.

    ``rows`` has the columns of ``data.schema.COLUMNS["reports"]`` (typed); the
    rows are laid over the catalog's reports (a row replaces the report with the
    same code, quarter and place) before computing. Rows whose code is unknown
    get "sin_dato". Used to warn about a red or amber status without a written
    account before publishing.
    """
    if rows.empty:
        return np.array([], dtype=object)
    key = ["code", "year", "quarter", "locality_code"]
    merged = pd.concat([rows[catalog.reports.columns], catalog.reports], ignore_index=True)
    merged = merged.drop_duplicates(key, keep="first")
    latest = max(Period(int(y), int(q)) for y, q in zip(rows["year"], rows["quarter"],
                                                          strict=True))
    cut = max(catalog.version.cut, min(latest, PERIODS[-1]))
    cube = build_progress_cube(replace(catalog, reports=merged), cut)
    out = []
    for code, year, quarter, place in rows[key].itertuples(index=False):
        i = cube._position.get(str(code))
        period = Period(int(year), int(quarter)).index
        if i is None or place not in _PLACE or not 0 <= period < len(PERIODS):
            out.append("sin_dato")
        else:
            out.append(str(cube.status[i, _PLACE[place], period]))
    return np.asarray(out, dtype=object)
