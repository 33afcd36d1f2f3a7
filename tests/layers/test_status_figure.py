from __future__ import annotations

import pandas as pd

from data.schema import STATUS_LABELS, STATUSES
from layers.status_figure import build_status_bars, build_status_summary


def _counts():
    return pd.DataFrame(
        {"on_track": [3, 0], "at_risk": [1, 2], "behind": [0, 1]},
        index=["sdm", "sdh"],
    )


def test_one_labelled_trace_per_status_stacked():
    fig = build_status_bars(_counts(), by_label="Entidad", labels={"sdm": "SDM"})
    assert fig.layout.barmode == "stack"
    assert [t.orientation for t in fig.data] == ["h"] * len(STATUSES)
    for trace, status in zip(fig.data, STATUSES, strict=True):
        assert STATUS_LABELS[status] in trace.name
    assert list(fig.data[0].y) == ["SDM", "sdh"]
    assert list(fig.data[0].customdata) == ["sdm", "sdh"]


def test_counts_are_written_in_the_bars_and_missing_status_is_zero():
    fig = build_status_bars(_counts(), by_label="Entidad")
    on_track = fig.data[0]
    assert list(on_track.x) == [3, 0] and list(on_track.text) == ["3", ""]
    no_report = fig.data[STATUSES.index("no_report")]
    assert list(no_report.x) == [0, 0]
    assert "Entidad" in on_track.hovertemplate


def test_summary_bar_labels_each_segment():
    fig = build_status_summary({"on_track": 12, "behind": 3}, title="Productos")
    texts = [t.text[0] for t in fig.data]
    assert "12 ✓ En meta" in texts and "3 ✗ Rezagado" in texts
    assert "" in texts  # zero segments stay unlabelled
    assert fig.layout.title.text == "Productos"
