"""METHODOLOGY.md written out in plain Python, one series at one cut: the tests' oracle.

Deliberately naive (loops, no numpy) so that it reads like the document; the
product computes the same figures vectorised in :mod:`data.method`.
"""

from __future__ import annotations

import math

from data.method import PERIODS
from data.schema import YEARS

NAN = float("nan")


def reference(kind, often, baseline, targets, final, reports, cut, data_cut):
    """The method as written in METHODOLOGY.md, one series, one cut, plain Python."""
    period = PERIODS[cut]
    y = YEARS.index(period.year)
    numeric = [t for t in targets if not math.isnan(t)]
    if not math.isnan(baseline):
        lb = baseline
    elif kind == "DECRECIENTE" and numeric:
        first = next(i for i, t in enumerate(targets) if not math.isnan(t))
        last = max(i for i, t in enumerate(targets) if not math.isnan(t))
        lb = (targets[first] - targets[last]) / (last - first + 1) + targets[first]
    elif kind == "DECRECIENTE":
        lb = NAN
    else:
        lb = 0.0
    m = {"trimestral": 3 * period.quarter,
         "semestral": {1: 0, 2: 6, 3: 6, 4: 12}[period.quarter],
         "anual": 12 if period.quarter == 4 else 0}[often]
    mv = targets[y]
    prev = targets[y - 1] if y > 0 else NAN
    prev = lb if math.isnan(prev) else prev
    if kind == "SUMA":
        mp = mv * m / 12
        ma = sum(0.0 if math.isnan(t) else t for t in targets[:y]) + mp
    else:
        mp = (mv - prev) * m / 12 + prev
        ma = mp
    seen = [r for r in reports[:min(cut, data_cut) + 1] if not math.isnan(r)]
    future = cut > data_cut
    av = NAN if (future or not seen) else (sum(seen) if kind == "SUMA" else seen[-1])

    def ratio(a, b):
        if math.isnan(a) or math.isnan(b) or abs(b) <= 1e-12:
            return NAN
        return a / b

    level = kind in ("CRECIENTE", "DECRECIENTE")
    phv = ratio(av - lb, ma - lb) if level else ratio(av, ma)
    paf = ratio(av - lb, final - lb) if level else ratio(av, final)
    tid = ratio(ma - lb, final - lb) if level else ratio(ma, final)
    return mp, ma, av, phv, paf, tid
