"""How many products are on track, at risk, behind or without report, by group.

Statuses are never told by colour alone: each legend entry carries the status
symbol and label, and each bar segment its count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from data.schema import STATUSES
from layers.formatting import format_number
from layers.theme import (
    STATUS_COLORS,
    add_source_line,
    apply_titles,
    set_template,
    status_legend_label,
    template_json,
    text_color_on,
)

__all__ = ["build_status_bars", "build_status_summary", "status_bars_dict"]


def _counts(counts: pd.DataFrame) -> pd.DataFrame:
    table = counts.reindex(columns=list(STATUSES)).fillna(0)
    return table.apply(pd.to_numeric, errors="coerce").fillna(0).astype(int)


def _segment(status: str, y: list[str], x: list[int], **extra: Any) -> go.Bar:
    return go.Bar(**_segment_props(status, y, x, **extra))


def _segment_props(status: str, y: list[str], x: list[int], **extra: Any) -> dict[str, Any]:
    color = STATUS_COLORS[status]
    return dict(
        y=y,
        x=x,
        orientation="h",
        name=status_legend_label(status),
        marker={"color": color, "line": {"color": "#FFFFFF", "width": 1}},
        text=[format_number(v) if v else "" for v in x],
        textposition="inside",
        insidetextanchor="middle",
        textfont={"color": text_color_on(color), "size": 13},
        textangle=0,
        constraintext="none",
        cliponaxis=False,
        **extra,
    )


def build_status_bars(
    counts_df: pd.DataFrame,
    *,
    by_label: str,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
) -> go.Figure:
    """Horizontal stacked bars of product statuses per entity or axis.

    Parameters
    ----------
    counts_df : DataFrame
        Index: entity or axis ids (or names); one column per status code of
        ``data.schema.STATUSES`` (missing columns count as 0). Rows are drawn
        top to bottom in index order.
    by_label : str
        What a row is, for the hover text: ``"Entidad"`` or ``"Eje"``.
    labels : mapping, optional
        Index value -> display name (e.g. entity acronym or axis name).
    title, subtitle, source : str, optional
        Title block and source line (exports).

    Returns
    -------
    go.Figure
        ``clickData["points"][0]["customdata"]`` is the row's index value (id).
    """
    fig = go.Figure(status_bars_dict(counts_df, by_label=by_label, labels=labels))
    apply_titles(fig, title, subtitle)
    if title:
        fig.update_layout(margin={"t": (fig.layout.margin.t or 0) + 28})
    add_source_line(fig, source, axis_room=52)
    return fig


def status_bars_dict(
    counts_df: pd.DataFrame,
    *,
    by_label: str,
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The figure of :func:`build_status_bars` (without title block) as a plain dict.

    The dashboard sends this dict as it is, skipping plotly's object
    validation; same parameters as :func:`build_status_bars`.
    """
    table = _counts(counts_df)
    ids = [str(i) for i in table.index]
    names = [(labels or {}).get(i, i) for i in ids]
    data = [
        {"type": "bar", **_segment_props(
            status,
            names,
            table[status].tolist(),
            customdata=ids,
            hovertemplate=(
                f"<b>%{{y}}</b><br>{status_legend_label(status)}: %{{x}} productos"
                f"<extra>{by_label}</extra>"
            ),
        )}
        for status in STATUSES
    ]
    longest = max((len(n) for n in names), default=10)
    layout = {
        "template": template_json(),
        "barmode": "stack",
        "bargap": 0.3,
        "height": max(260, 140 + 40 * len(ids)),
        "xaxis": {"title": {"text": "Número de productos"}, "tickformat": ",d",
                  "showgrid": True, "showline": False, "ticks": ""},
        "yaxis": {"autorange": "reversed", "showgrid": False, "automargin": True,
                  "ticklabelstandoff": 6},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom",
                   "traceorder": "normal"},
        "margin": {"l": min(24 + 8 * longest, 280), "r": 16, "t": 48, "b": 24},
        "hovermode": "closest",
    }
    return {"data": data, "layout": layout}


def build_status_summary(
    counts_row: pd.Series | Mapping[str, int],
    *,
    title: str | None = None,
) -> go.Figure:
    """One 100 % bar of all products by status, labelled "12 En meta" in each segment.

    Parameters
    ----------
    counts_row : Series or mapping
        Status code -> number of products.
    title : str, optional
        Chart title.
    """
    row = pd.Series(dict(counts_row)).reindex(list(STATUSES)).fillna(0).astype(int)
    total = int(row.sum())
    fig = set_template(go.Figure(_validate=False))
    for status in STATUSES:
        count = int(row[status])
        bar = _segment(status, ["Productos"], [count])
        bar.update(
            text=[f"{count} {status_legend_label(status)}" if count else ""],
            hovertemplate=(
                f"{status_legend_label(status)}: {count} de {total} productos<extra></extra>"
            ),
            showlegend=False,
        )
        fig.add_trace(bar)
    fig.update_layout(
        barmode="stack",
        height=110 if not title else 150,
        xaxis={"visible": False, "range": [0, max(total, 1)]},
        yaxis={"visible": False},
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        uniformtext={"minsize": 10, "mode": "hide"},
    )
    apply_titles(fig, title)
    return fig
