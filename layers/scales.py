"""Colour scales fixed across years for one indicator, with a "sin reporte" band.

A scale is computed once per indicator from its whole series (every year and
locality), so that playing the years shows real change instead of a scale
recomputed per year. Every scale reserves its lowest band for localities
without a report (grey, labelled "Sin reporte" on the colour bar), which lets
one choropleth trace show missing data without duplicating geometry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.schema import CITYWIDE, STATUSES
from layers.formatting import PERCENT_SIGN, format_number
from layers.theme import PROGRESS_SCALE, SEQUENTIAL_SCALE, STATUS_COLORS, status_legend_label

__all__ = [
    "MEASURES",
    "MEASURE_LABELS",
    "PROGRESS_MAX",
    "STATUS_ORDER",
    "Scale",
    "value_scale",
]

#: What the map can colour (the URL's ``medida``).
MEASURES = ("valor", "avance", "semaforo")
MEASURE_LABELS = {
    "valor": "Valor reportado",
    "avance": "Porcentaje de la meta anual alcanzado",
    "semaforo": "Estado frente a la meta anual",
}
#: Upper end (percent of the year's target) of the fixed progress scale.
PROGRESS_MAX = 150.0
#: Status codes from the bottom to the top of the semáforo colour bar.
STATUS_ORDER = ("no_report", "behind", "at_risk", "on_track")
_MISSING_BAND = 0.1  # share of the colour bar given to "Sin reporte"
_MISSING_LABEL = status_legend_label("no_report")


@dataclass(frozen=True)
class Scale:
    """A colour scale ready for a Plotly colour bar.

    Attributes
    ----------
    measure : str
        ``"valor"``, ``"avance"`` or ``"semaforo"``.
    zmin, zmax : float
        Fixed colour range, including the "sin reporte" band at the bottom.
    colorscale : tuple of (float, str)
        Plotly colorscale stops (positions 0-1, ``#RRGGBB`` colours).
    tickvals, ticktext : tuple
        Colour-bar ticks and their es-CO labels (first one is "Sin reporte").
    missing_z : float
        The z value that paints a locality as "sin reporte".
    title : str
        Colour-bar title (unit, "% de la meta" or "Estado").
    """

    measure: str
    zmin: float
    zmax: float
    colorscale: tuple[tuple[float, str], ...]
    tickvals: tuple[float, ...]
    ticktext: tuple[str, ...]
    missing_z: float
    title: str

    def z_values(self, values: pd.DataFrame) -> list[float]:
        """The z of each row of a ``[locality_code, value, target, pct, status]`` table.

        Rows without a report (NaN value, pct or status ``no_report``) get
        :attr:`missing_z`.
        """
        if self.measure == "semaforo":
            status = values["status"].where(values["status"].isin(STATUSES), "no_report")
            return [float(STATUS_ORDER.index(s)) for s in status]
        column = values["value"] if self.measure == "valor" else values["pct"] * 100.0
        numbers = pd.to_numeric(column, errors="coerce").astype(float)
        if "status" in values:
            numbers = numbers.where(values["status"] != "no_report")
        return [self.missing_z if math.isnan(v) else float(v) for v in numbers]

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
    """Scale over [lo, hi] extended downwards by the grey "Sin reporte" band and tick.

    The band takes ``_MISSING_BAND`` of the colour bar; missing values are drawn
    at its middle (``missing_z``).
    """
    width = (hi - lo) * _MISSING_BAND / (1 - _MISSING_BAND)
    grey = STATUS_COLORS["no_report"]
    scaled = tuple((_MISSING_BAND + p * (1 - _MISSING_BAND), c) for p, c in stops)
    missing_z = lo - width / 2
    return Scale(
        measure=measure,
        zmin=lo - width,
        zmax=hi,
        colorscale=((0.0, grey), (_MISSING_BAND, grey), *scaled),
        tickvals=(missing_z, *ticks),
        ticktext=(_MISSING_LABEL, *ticktext),
        missing_z=missing_z,
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
                         "% de la meta")


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
        missing_z=0.0,
        title="Estado",
    )


def value_scale(series_df: pd.DataFrame, measure: str, *, unit: str = "") -> Scale:
    """The colour scale of one indicator for ``measure``, fixed across years.

    Parameters
    ----------
    series_df : DataFrame
        The indicator's series ``[year, locality_code, value, target, pct, status]``
        for all years; citywide rows (``locality_code == "00"``) are ignored
        because the map shows localities.
    measure : {"valor", "avance", "semaforo"}
        ``"valor"``: sequential blue from 0 (or the minimum, if negative) to a
        round number above the maximum over all years and localities.
        ``"avance"``: fixed 0-150 % of the year's target, diverging at 100 %.
        ``"semaforo"``: four discrete bands, one per status, labelled.
    unit : str
        Unit of the indicator, used as colour-bar title for ``"valor"``.

    Returns
    -------
    Scale
    """
    if measure not in MEASURES:
        raise ValueError(f"medida desconocida {measure!r}; use una de {', '.join(MEASURES)}")
    if measure == "avance":
        return _progress_scale()
    if measure == "semaforo":
        return _status_scale()
    if "value" not in series_df:
        raise ValueError("a la serie le falta la columna 'value'")
    local = series_df
    if "locality_code" in series_df:
        local = series_df[series_df["locality_code"].astype(str) != CITYWIDE]
    values = pd.to_numeric(local["value"], errors="coerce").to_numpy(dtype=float)
    return _value_scale(values, unit)
