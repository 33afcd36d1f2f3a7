"""The district's method, once: targets, progress and semáforo of an indicator at a cut.

Everything here follows ``../shared/METHODOLOGY.md`` (the Secretaría Distrital de
Planeación's method) and is pure numpy, vectorised over many series (an
indicator in one place) and many cuts at once. Percentages are fractions.

With MV the cut year's target, MV₋₁ the previous year's, m the cut's month
(:func:`cut_month`), LB the baseline (:func:`effective_baseline`), MF the final
target and AV the progress to date:

==========  ===============================================  ==========================
figure      SUMA / CONSTANTE                                 CRECIENTE / DECRECIENTE
==========  ===============================================  ==========================
MP          SUMA: MV·m/12; CONSTANTE: (MV−MV₋₁)·m/12+MV₋₁    (MV−MV₋₁)·m/12 + MV₋₁
MA          SUMA: targets of earlier years + MP; else MP     MP
AV          SUMA: sum of all reports; else the last report   the last report
PHV         AV / MA                                          (AV−LB) / (MA−LB)
PAF         AV / MF                                          (AV−LB) / (MF−LB)
TID         MA / MF                                          (MA−LB) / (MF−LB)
brecha      PAF − TID (negative: behind the ideal path)
==========  ===============================================  ==========================

Rules for the gaps, as the method states them or as this project reads them:

* A zero denominator, a missing or non-numeric target for the cut year (MV),
  a missing final target (PAF, TID), or nothing reported up to the cut gives
  **no figure** (NaN, "sin dato"), never 100 %.
* MV₋₁ missing or non-numeric (the first year of the plan, or a year without a
  numeric target) is the baseline.
* For SUMA, an earlier year without a numeric target adds nothing to MA.
* An indicator of another type without a baseline uses LB = 0; a DECRECIENTE
  one gets a notional baseline from its first and last annual targets.

The semáforo (:func:`status_of`) is read from PHV with the thresholds of
``data.config.SEMAFORO``; a cut after the data's cut is "futuro", never missing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from data.config import SEMAFORO
from data.schema import FIRST_YEAR, LAST_YEAR, QUARTERS, YEARS

__all__ = [
    "METRICS",
    "PERIODS",
    "Metrics",
    "Period",
    "compute_metrics",
    "cut_month",
    "cut_of_date",
    "effective_baseline",
    "notional_baseline",
    "rollup",
    "status_of",
]

#: The figures :func:`compute_metrics` returns, in order.
METRICS = ("mp", "ma", "av", "phv", "paf", "tid", "brecha")
_EPS = 1e-12
_STATUS_EPS = 1e-9
_LEVEL_TYPES = ("CRECIENTE", "DECRECIENTE")


@dataclass(frozen=True, order=True)
class Period:
    """A quarter of a year: the unit of reports and of cuts (``"2026-T3"``)."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if self.quarter not in QUARTERS:
            raise ValueError(f"trimestre inválido {self.quarter!r}; use 1 a 4")

    @property
    def label(self) -> str:
        """``"2026-T3"``."""
        return f"{self.year}-T{self.quarter}"

    @property
    def index(self) -> int:
        """Position in :data:`PERIODS` (``2023-T1`` is 0); may fall outside it."""
        return (self.year - FIRST_YEAR) * 4 + self.quarter - 1

    @property
    def end(self) -> date:
        """Last day of the quarter."""
        month = 3 * self.quarter
        day = 31 if month in (3, 12) else 30
        return date(self.year, month, day)

    @classmethod
    def from_index(cls, index: int) -> Period:
        """The period at position ``index`` of :data:`PERIODS`."""
        return cls(FIRST_YEAR + index // 4, index % 4 + 1)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``"2026-T3"`` (also ``2026T3``, ``2026-Q3``, ``2026 t3``).

        Raises
        ------
        ValueError
            With a Spanish message when ``text`` is not a quarter of 2023-2032.
        """
        match = re.fullmatch(r"\s*(\d{4})\s*-?\s*[TtQq]\s*([1-4])\s*", str(text))
        if not match:
            raise ValueError(f"«{text}» no es un corte; escriba año y trimestre, p. ej. "
                             "2026-T3.")
        year, quarter = int(match.group(1)), int(match.group(2))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"el año {year} está fuera del horizonte de la política "
                             f"({FIRST_YEAR}-{LAST_YEAR}).")
        return cls(year, quarter)


#: Every quarter of the plan, 2023-T1 to 2032-T4.
PERIODS = tuple(Period(year, quarter) for year in YEARS for quarter in QUARTERS)


def cut_of_date(day: date) -> Period:
    """The last quarter that had ended by ``day`` (its last day included), within the plan."""
    current = Period(day.year, (day.month - 1) // 3 + 1)
    if day >= current.end:
        period = current
    elif current.quarter > 1:
        period = Period(day.year, current.quarter - 1)
    else:
        period = Period(day.year - 1, 4)
    if period < PERIODS[0]:
        return PERIODS[0]
    return min(period, PERIODS[-1])


def cut_month(periodicity, quarter):
    """The month m a cut at ``quarter`` stands for, by periodicity.

    Quarterly: 3q. Semi-annual: 0 at Q1, 6 at Q2 and Q3, 12 at Q4. Annual: 0
    before Q4, 12 at Q4. (The district's own tools use a coarser rule for
    non-quarterly indicators; this project uses this one.)

    Examples
    --------
    >>> int(cut_month("semestral", 3)), int(cut_month("anual", 3)), int(cut_month("trimestral", 3))
    (6, 0, 9)
    """
    periodicity = np.asarray(periodicity)
    quarter = np.asarray(quarter)
    semestral = np.where(quarter >= 4, 12, np.where(quarter >= 2, 6, 0))
    annual = np.where(quarter >= 4, 12, 0)
    month = np.where(periodicity == "trimestral", 3 * quarter,
                     np.where(periodicity == "semestral", semestral, annual))
    return month if month.ndim else month[()]


def notional_baseline(targets) -> float:
    """The notional baseline of a decreasing indicator without one.

    ``(M_first − M_last) / (year_last − year_first + 1) + M_first`` from its first
    and last numeric annual targets (``targets``: one per year 2023-2032, NaN
    where none); NaN when it has no numeric target.

    Examples
    --------
    >>> notional_baseline([50, 45, 40, 35, 30, 25, 20, 15, 10, 5])
    54.5
    """
    values = np.asarray(targets, dtype=float)
    years = np.flatnonzero(~np.isnan(values))
    if not len(years):
        return float("nan")
    first, last = years[0], years[-1]
    return float((values[first] - values[last]) / (last - first + 1) + values[first])


def effective_baseline(annualisation, baseline, targets) -> np.ndarray:
    """LB of each series: its baseline, else 0, else (DECRECIENTE) the notional one.

    ``annualisation`` and ``baseline`` have shape ``(N,)``; ``targets`` ``(N, 10)``.
    """
    annualisation = np.asarray(annualisation)
    lb = np.asarray(baseline, dtype=float).copy()
    targets = np.asarray(targets, dtype=float)
    for i in np.flatnonzero(np.isnan(lb)):
        lb[i] = notional_baseline(targets[i]) if annualisation[i] == "DECRECIENTE" else 0.0
    return lb


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den``; NaN where the denominator is zero or anything is missing."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = num / den
    return np.where(np.isfinite(out) & (np.abs(den) > _EPS), out, np.nan)


def status_of(phv):
    """The semáforo class of each PHV (``data.config.SEMAFORO``; bounds inclusive).

    ≤ 50 %: "rojo"; ≤ 75 %: "amarillo"; ≤ 125 %: "verde"; above: "naranja"; no
    figure (NaN): "sin_dato". Scalars give a ``str``, arrays an object array.

    Examples
    --------
    >>> status_of(0.5), status_of(0.88), status_of(1.4), status_of(float("nan"))
    ('rojo', 'verde', 'naranja', 'sin_dato')
    """
    p = np.asarray(phv, dtype=float)
    out = np.select(
        [np.isnan(p), p <= SEMAFORO["rojo"] + _STATUS_EPS,
         p <= SEMAFORO["amarillo"] + _STATUS_EPS, p <= SEMAFORO["verde"] + _STATUS_EPS],
        ["sin_dato", "rojo", "amarillo", "verde"],
        default="naranja",
    ).astype(object)
    return str(out[()]) if out.ndim == 0 else out


@dataclass(frozen=True)
class Metrics:
    """The figures of N series at C cuts: each attribute an ``(N, C)`` array.

    ``mp, ma, av, phv, paf, tid, brecha`` are floats (NaN: no figure);
    ``status`` holds the semáforo classes (strings), "futuro" after the data's cut.
    """

    mp: np.ndarray
    ma: np.ndarray
    av: np.ndarray
    phv: np.ndarray
    paf: np.ndarray
    tid: np.ndarray
    brecha: np.ndarray
    status: np.ndarray


def compute_metrics(
    annualisation: Sequence[str],
    periodicity: Sequence[str],
    baseline,
    targets,
    final,
    reports,
    cuts: Sequence[int],
    data_cut: int | None = None,
) -> Metrics:
    """MP, MA, AV, PHV, PAF, TID, brecha and semáforo of N series at C cuts.

    Parameters
    ----------
    annualisation, periodicity : sequence of str, shape (N,)
        Type of annualisation and periodicity of each series.
    baseline : array-like, shape (N,)
        Baselines (NaN: none; see :func:`effective_baseline`).
    targets : array-like, shape (N, 10)
        Annual targets 2023-2032 (NaN: missing or non-numeric).
    final : array-like, shape (N,)
        Final targets (NaN: none).
    reports : array-like, shape (N, 40)
        Reported values per quarter, 2023-T1 to 2032-T4 (NaN: no report).
    cuts : sequence of int, shape (C,)
        Cuts as positions in :data:`PERIODS`.
    data_cut : int, optional
        Position of the data's cut: later cuts are "futuro" (no progress figures,
        reports after it are ignored). Default: no future.

    Returns
    -------
    Metrics
    """
    kind = np.asarray(annualisation, dtype=object)
    often = np.asarray(periodicity, dtype=object)
    targets = np.asarray(targets, dtype=float).reshape(len(kind), len(YEARS))
    reports = np.asarray(reports, dtype=float).reshape(len(kind), len(PERIODS))
    final = np.asarray(final, dtype=float)[:, None]
    cuts = np.asarray(cuts, dtype=int)
    lb = effective_baseline(kind, baseline, targets)[:, None]
    suma = (kind == "SUMA")[:, None]
    level = np.isin(kind, _LEVEL_TYPES)[:, None]

    year_index, quarter = cuts // 4, cuts % 4 + 1
    month = cut_month(often[:, None], quarter[None, :]).astype(float)
    mv = targets[:, year_index]
    previous = np.where(year_index > 0, targets[:, np.maximum(year_index - 1, 0)], np.nan)
    previous = np.where(np.isnan(previous), lb, previous)
    mp = np.where(suma, mv * month / 12, (mv - previous) * month / 12 + previous)
    earlier = np.concatenate([np.zeros((len(kind), 1)),
                              np.cumsum(np.nan_to_num(targets), axis=1)], axis=1)
    ma = np.where(suma, earlier[:, year_index] + mp, mp)

    if data_cut is not None:  # reports after the data's cut do not count
        reports = np.where(np.arange(len(PERIODS)) <= data_cut, reports, np.nan)
    reported = ~np.isnan(reports)
    total = np.cumsum(np.nan_to_num(reports), axis=1)
    last_at = np.maximum.accumulate(np.where(reported, np.arange(len(PERIODS)), -1), axis=1)
    last = np.take_along_axis(reports, np.maximum(last_at, 0), axis=1)
    av_all = np.where(suma, total, last)
    av = np.where(last_at[:, cuts] >= 0, av_all[:, cuts], np.nan)

    phv = np.where(level, _ratio(av - lb, ma - lb), _ratio(av, ma))
    paf = np.where(level, _ratio(av - lb, final - lb), _ratio(av, final))
    tid = np.where(level, _ratio(ma - lb, final - lb), _ratio(ma, final))
    brecha = paf - tid
    status = status_of(phv) if phv.size else np.empty(phv.shape, dtype=object)
    status = np.asarray(status, dtype=object).reshape(phv.shape)
    if data_cut is not None:
        future = (cuts > data_cut)[None, :]
        av, phv, paf, brecha = (np.where(future, np.nan, a) for a in (av, phv, paf, brecha))
        status = np.where(future, "futuro", status).astype(object)
    return Metrics(mp=mp, ma=ma, av=av, phv=phv, paf=paf, tid=tid, brecha=brecha,
                   status=status)


def rollup(values, weights, groups=None) -> dict:
    """Weighted mean of ``values`` by ``weights``, over the entries with a figure.

    Entries without a figure (NaN) are left out and the weights of the others
    renormalised; a group where none has a figure gets NaN.

    Parameters
    ----------
    values, weights : array-like, shape (N,)
    groups : array-like, shape (N,), optional
        Group key of each entry; None rolls everything into one (key None).

    Returns
    -------
    dict
        Group key -> ``(weighted mean, share of the group's weight with a figure)``.

    Examples
    --------
    >>> rollup([0.5, 1.0, float("nan")], [1, 3, 4])[None]
    (0.875, 0.5)
    """
    values = np.asarray(values, dtype=float)
    weights = np.nan_to_num(np.asarray(weights, dtype=float))
    if groups is None:
        keys, inverse = [None], np.zeros(len(values), dtype=int)
    else:
        keys, inverse = np.unique(np.asarray(groups).astype(str) if len(values) else
                                  np.array([], dtype=str), return_inverse=True)
        originals = {}
        for key, original in zip(np.asarray(groups).astype(str), np.asarray(groups),
                                 strict=True):
            originals.setdefault(key, original.item() if hasattr(original, "item")
                                 else original)
        keys = [originals[k] for k in keys]
    has = ~np.isnan(values)
    n = len(keys)
    total = np.bincount(inverse, weights=weights, minlength=n)
    covered = np.bincount(inverse, weights=np.where(has, weights, 0.0), minlength=n)
    summed = np.bincount(inverse, weights=np.where(has, values * weights, 0.0), minlength=n)
    out = {}
    for k, key in enumerate(keys):
        mean = summed[k] / covered[k] if covered[k] > 0 else float("nan")
        share = covered[k] / total[k] if total[k] > 0 else float("nan")
        out[key] = (float(mean), float(share))
    return out
