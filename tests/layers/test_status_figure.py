from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from data.schema import STATUS_LABELS, STATUSES
from layers.status_figure import build_status_bars as _build_status_bars


def build_status_bars(counts, **kwargs) -> go.Figure:
    return go.Figure(_build_status_bars(counts, "entity_id", **kwargs))


def _counts():
    return pd.DataFrame({"entity_id": ["sdh", "sdm"], "label": ["sdh", "SDM"],
                         "verde": [0, 3], "amarillo": [2, 1], "rojo": [1, 0],
                         "total": [3, 4]})


def test_one_labelled_trace_per_status_stacked_biggest_first():
    fig = build_status_bars(_counts(), by_label="Entidad")
    assert fig.layout.barmode == "stack"
    assert [t.orientation for t in fig.data] == ["h"] * len(STATUSES)
    for trace, status in zip(fig.data, STATUSES, strict=True):
        assert STATUS_LABELS[status] in trace.name
    assert list(fig.data[0].y) == ["SDM", "sdh"]
    assert list(fig.data[0].customdata) == ["sdm", "sdh"]


def test_counts_and_symbols_are_written_in_the_bars_and_missing_status_is_zero():
    """Each segment names its class by symbol, not by colour alone."""
    fig = build_status_bars(_counts(), by_label="Entidad")
    on_track = fig.data[STATUSES.index("verde")]
    assert list(on_track.x) == [3, 0] and list(on_track.text) == ["✓\u00a03", ""]
    missing = fig.data[STATUSES.index("sin_dato")]
    assert list(missing.x) == [0, 0]
    assert "Entidad" in on_track.hovertemplate
