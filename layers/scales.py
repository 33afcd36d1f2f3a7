"""Colour scales fixed across cuts for one indicator, with "futuro" and "sin dato" bands.

A scale is computed once per indicator and measure from its whole path (every
cut and locality), so that playing the years shows real change instead of a
scale recomputed per year. Every scale reserves its two lowest bands for
places without a figure: "Sin dato" (grey) and "Futuro" (pale blue, a period
after the data's cut), so one choropleth trace shows them apart from the
reported values and from each other, and the colour bar explains both.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.schema import CITYWIDE, STATUSES
from layers.formatting import PERCENT_SIGN, format_number
from layers.theme import (
    GAP_SCALE,
    PROGRESS_SCALE,
    SEQUENTIAL_SCALE,
    STATUS_COLORS,
    status_legend_label,
)

__all__ = [
    "GAP_RANGE",
    "MEASURES",
    "MEASURE_LABELS",
    "PROGRESS_MAX",
    "STATUS_ORDER",
    "Scale",
    "measure_z",
    "value_scale",
]

#: What the map can colour (the URL's ``medida``).
MEASURES = ("valor", "avance", "semaforo", "brecha")
MEASURE_LABELS = {
    "valor": "Avance a la fecha (valor reportado acumulado según el tipo de indicador)",
    "avance": "Avance en el periodo (% de la meta programada a la fecha)",
    "semaforo": "Semáforo del avance en el periodo",
    "brecha": "Brecha frente a la trayectoria ideal (puntos porcentuales)",
}
#: Upper end (percent of the target to date) of the fixed progress scale.
PROGRESS_MAX = 150.0
#: Brecha scale: +/- this many percentage points.
GAP_RANGE = 50.0
#: Status codes from the bottom to the top of the semáforo colour bar.
STATUS_ORDER = ("sin_dato", "futuro", "rojo", "amarillo", "verde", "naranja")
_BAND = 0.08  # share of the colour bar given to each of "sin dato" and "futuro"


def measure_z(values: pd.DataFrame, measure: str) -> pd.Series:
    """The raw number a measure colours: value, PHV in %, or brecha in points."""
    column = {"valor": "value", "avance": "pct", "brecha": "brecha"}[measure]
    if column not in values:
        return pd.Series(np.nan, index=values.index)
    numbers = pd.to_numeric(values[column], errors="coerce").astype(float)
    return numbers if measure == "valor" else numbers * 100.0


@dataclass(frozen=True)
class Scale:
    """A colour scale ready for a Plotly colour bar.

    Attributes
    ----------
    measure : str
        One of :data:`MEASURES`.
    zmin, zmax : float
        Fixed colour range, including the two bottom bands.
    colorscale : tuple of (float, str)
        Plotly colorscale stops (positions 0-1, ``#RRGGBB`` colours).
    tickvals, ticktext : tuple
        Colour-bar ticks and their es-CO labels (the first two: the bands).
    missing_z, future_z : float
        The z values that paint a place as "sin dato" and as "futuro".
    title : str
        Colour-bar title.
    """

    measure: str
    zmin: float
    zmax: float
    colorscale: tuple[tuple[float, str], ...]
    tickvals: tuple[float, ...]
    ticktext: tuple[str, ...]
    missing_z: float
    future_z: float
    title: str

    def z_values(self, values: pd.DataFrame) -> list[float]:
        """The z of each row of a ``[locality_code, value, target, pct, brecha, status]`` table.

        Rows whose status is "futuro" get :attr:`future_z`; rows without a
        figure for the measure (NaN) get :attr:`missing_z`.
        """
        status = values["status"].astype(object).where(values["status"].isin(STATUSES),
                                                       "sin_dato") \
            if "status" in values else pd.Series("sin_dato", index=values.index)
        if self.measure == "semaforo":
            return [float(STATUS_ORDER.index(s)) for s in status]
        numbers = measure_z(values, self.measure)
        out = []
        for number, state in zip(numbers, status, strict=True):
            if state == "futuro":
                out.append(self.future_z)
            elif math.isnan(number):
                out.append(self.missing_z)
            else:
                out.append(float(number))
        return out

    def color_at(self, z: float) -> str:
        """The ``#RRGGBB`` colour the scale paints for ``z`` (clipped to the range)."""
        if math.isnan(z):
            z = self.missing_z
        t = min(max((z - self.zmin) / (self.zmax - self.zmin), 0.0), 1.0)
        stops = self.colorscale
        for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
            if p0 <= t <= p1:
                if p1 == p0:
                    return c1
                return _mix(c0, c1, (t - p0) / (p1 - p0))
        return stops[-1][1]


def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(ca, cb, strict=True))


def _nice_step(span: float, target_ticks: int = 5) -> float:
    raw = span / target_ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def _banded_scale(
    measure: str,
    lo: float,
    hi: float,
    stops: Sequence[tuple[float, str]],
    ticks: Sequence[float],
    ticktext: Iterable[str],
    title: str,
) -> Scale:
    """Scale over [lo, hi] extended downwards by the "sin dato" and "futuro" bands.

    The tick at ``lo`` is left out: it would sit half a band from the "Futuro"
    label and the two would overlap on a short colour bar (a phone).
    """
    band = (hi - lo) * _BAND / (1 - 2 * _BAND)
    labels = [(t, text) for t, text in zip(ticks, ticktext, strict=True) if t > lo]
    grey, pale = STATUS_COLORS["sin_dato"], STATUS_COLORS["futuro"]
    scaled = tuple((2 * _BAND + p * (1 - 2 * _BAND), c) for p, c in stops)
    missing_z = lo - 1.5 * band
    future_z = lo - 0.5 * band
    return Scale(
        measure=measure,
        zmin=lo - 2 * band,
        zmax=hi,
        colorscale=((0.0, grey), (_BAND, grey), (_BAND, pale), (2 * _BAND, pale), *scaled),
        tickvals=(missing_z, future_z, *(t for t, _ in labels)),
        ticktext=(status_legend_label("sin_dato"), status_legend_label("futuro"),
                  *(text for _, text in labels)),
        missing_z=missing_z,
        future_z=future_z,
        title=title,
    )


def _decimals_for(step: float) -> int:
    return 0 if step >= 1 else min(4, max(0, -math.floor(math.log10(step))))


def _value_scale(values: np.ndarray, unit: str) -> Scale:
    finite = values[np.isfinite(values)]
    lo = float(finite.min()) if finite.size else 0.0
    hi = float(finite.max()) if finite.size else 1.0
    lo = min(lo, 0.0)
    if hi <= lo:
        hi = lo + 1.0
    step = _nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step
    ticks = tuple(float(t) for t in np.arange(lo, hi + step / 2, step))
    decimals = _decimals_for(step)
    return _banded_scale("valor", lo, hi, SEQUENTIAL_SCALE, ticks,
                         (format_number(t, decimals) for t in ticks), unit.strip() or "Valor")


def _progress_scale() -> Scale:
    ticks = tuple(float(t) for t in np.arange(0.0, PROGRESS_MAX + 1, 25.0))
    text = [format_number(t) + PERCENT_SIGN for t in ticks]
    text[-1] = "≥" + text[-1]
    return _banded_scale("avance", 0.0, PROGRESS_MAX, PROGRESS_SCALE, ticks, text,
                         "% de la meta a la fecha")


def _gap_scale() -> Scale:
    ticks = tuple(float(t) for t in np.arange(-GAP_RANGE, GAP_RANGE + 1, 25.0))
    text = [("+" if t > 0 else "") + format_number(t) + " pts" for t in ticks]
    text[-1] = "≥" + text[-1]
    return _banded_scale("brecha", -GAP_RANGE, GAP_RANGE, GAP_SCALE, ticks, text,
                         "Brecha (pts)")


def _status_scale() -> Scale:
    n = len(STATUS_ORDER)
    stops: list[tuple[float, str]] = []
    for i, status in enumerate(STATUS_ORDER):
        stops += [(i / n, STATUS_COLORS[status]), ((i + 1) / n, STATUS_COLORS[status])]
    return Scale(
        measure="semaforo",
        zmin=-0.5,
        zmax=n - 0.5,
        colorscale=tuple(stops),
        tickvals=tuple(float(i) for i in range(n)),
        ticktext=tuple(status_legend_label(s) for s in STATUS_ORDER),
        missing_z=float(STATUS_ORDER.index("sin_dato")),
        future_z=float(STATUS_ORDER.index("futuro")),
        title="Semáforo",
    )


def value_scale(series_df: pd.DataFrame, measure: str, *, unit: str = "") -> Scale:
    """The colour scale of one indicator for ``measure``, fixed across cuts.

    Parameters
    ----------
    series_df : DataFrame
        ``value`` column with the indicator's values over its whole path (the
        caller passes what the map can show: every locality, every cut);
        citywide rows (``locality_code == "00"``) are ignored.
    measure : {"valor", "avance", "semaforo", "brecha"}
        ``"valor"``: sequential blue from 0 (or the minimum, if negative) to a
        round number above the maximum. ``"avance"``: fixed 0-150 % of the
        target to date, diverging at 100 %. ``"brecha"``: fixed ±50 points,
        diverging at 0. ``"semaforo"``: six discrete bands, one per class.
    unit : str
        Unit of the indicator, the colour-bar title for ``"valor"``.

    Returns
    -------
    Scale
    """
    if measure not in MEASURES:
        raise ValueError(f"medida desconocida {measure!r}; use una de {', '.join(MEASURES)}")
    if measure == "avance":
        return _progress_scale()
    if measure == "brecha":
        return _gap_scale()
    if measure == "semaforo":
        return _status_scale()
    if "value" not in series_df:
        raise ValueError("a la serie le falta la columna 'value'")
    local = series_df
    if "locality_code" in series_df:
        local = series_df[series_df["locality_code"].astype(str) != CITYWIDE]
    values = pd.to_numeric(local["value"], errors="coerce").to_numpy(dtype=float)
    return _value_scale(values, unit)
