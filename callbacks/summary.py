"""Status summary: how many products are on track, at risk, behind or without report.

Counts follow every filter (axis, entity, objective, localities, year); the
bars split them by entity or by axis. Status is never colour alone: each tile
and legend entry carries its symbol and label.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, callback, html

from callbacks import ids
from callbacks.series import empty_figure
from callbacks.store import stored_state
from callbacks.view_model import View, cached_view
from data.repository import get_catalog
from data.schema import STATUS_LABELS, STATUSES
from layers.formatting import format_number, format_percent
from layers.theme import STATUS_COLORS, STATUS_SYMBOLS, TEMPLATE, status_legend_label

__all__ = ["GROUPS", "kpi_items", "status_bars"]

#: Grouping choices of the bars: radio value -> (counts attribute, Spanish noun).
GROUPS = {"entidad": ("counts_by_entity", "entidad"), "eje": ("counts_by_axis", "eje")}


def kpi_items(counts: pd.DataFrame) -> list[dict[str, Any]]:
    """One item per status: ``{"status", "label", "symbol", "count", "share"}``.

    ``counts`` is :func:`data.progress.status_counts` without grouping (one row).
    """
    row = counts.iloc[0] if len(counts) else pd.Series(0, index=[*STATUSES, "total"])
    total = int(row["total"])
    return [
        {
            "status": status,
            "label": STATUS_LABELS[status],
            "symbol": STATUS_SYMBOLS[status],
            "count": int(row[status]),
            "share": (int(row[status]) / total) if total else float("nan"),
        }
        for status in STATUSES
    ]


def status_bars(counts: pd.DataFrame, noun: str) -> go.Figure:
    """Stacked horizontal bars of product counts per status, one bar per group.

    ``counts`` is :func:`data.progress.status_counts` by entity or axis with a
    ``label`` column; groups are sorted by number of products (largest on top).
    """
    if counts is None or counts.empty:
        return empty_figure("Ningún producto cumple los filtros.")
    table = counts.sort_values(["total", "label"], ascending=[True, False])
    fig = go.Figure()
    for status in STATUSES:
        fig.add_trace(
            go.Bar(
                y=table["label"].tolist(),
                x=table[status].tolist(),
                orientation="h",
                name=status_legend_label(status),
                marker={"color": STATUS_COLORS[status], "line": {"width": 1, "color": "#FFFFFF"}},
                text=[STATUS_SYMBOLS[status] if v else "" for v in table[status]],
                textposition="inside",
                insidetextanchor="middle",
                hovertemplate=(
                    f"<b>%{{y}}</b><br>{STATUS_LABELS[status]}: %{{x}} productos<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        template=TEMPLATE,
        barmode="stack",
        height=max(220, 34 * len(table) + 90),
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        xaxis={"title": {"text": f"Productos por {noun}"}, "dtick": 1, "tickformat": "d"},
        yaxis={"automargin": True},
        legend={"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        bargap=0.25,
    )
    return fig


def _kpi_tile(item: dict[str, Any]) -> dbc.Col:
    share = format_percent(item["share"]) if item["count"] else "0\u00a0%"
    return dbc.Col(
        html.Div(
            [
                html.Span(item["symbol"], className="kpi-symbol", **{"aria-hidden": "true"}),
                html.Span(format_number(item["count"]), className="kpi-count"),
                html.Span(item["label"], className="kpi-label"),
                html.Span(share, className="kpi-share"),
            ],
            className=f"kpi-tile kpi-{item['status'].replace('_', '-')}",
            role="status",
            title=f"{item['label']}: {item['count']} productos ({share})",
        ),
        xs=6, md=3,
    )


def _summary(view: View, group: str) -> tuple[list, go.Figure]:
    tiles = [_kpi_tile(item) for item in kpi_items(view.counts)]
    attribute, noun = GROUPS.get(group, GROUPS["entidad"])
    return [dbc.Row(tiles, className="g-2")], status_bars(getattr(view, attribute), noun)


@callback(
    Output(ids.SUMMARY_KPIS, "children"),
    Output(ids.SUMMARY_GRAPH, "figure"),
    Output(ids.SUMMARY_NOTE, "children"),
    Input(ids.STATE_STORE, "data"),
    Input(ids.SUMMARY_GROUP, "value"),
)
def _update_summary(stored: dict | None, group: str) -> tuple[Any, Any, Any]:
    view = cached_view(stored_state(stored), get_catalog())
    tiles, figure = _summary(view, group)
    total = int(view.counts["total"].iloc[0]) if len(view.counts) else 0
    note = (
        f"{format_number(total)} productos con los filtros elegidos, {view.state.year}."
        if total else view.message
    )
    return tiles, figure, note
