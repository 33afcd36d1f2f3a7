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
from dash import Input, Output, html

from callbacks import ids
from callbacks.features import dashboard_callback
from callbacks.series import empty_figure
from callbacks.store import stored_state
from callbacks.view_model import View, cached_view
from data.repository import get_catalog
from data.schema import STATUS_LABELS, STATUSES
from layers.formatting import format_number, format_percent
from layers.status_figure import status_bars_dict
from layers.theme import STATUS_SYMBOLS

__all__ = ["GROUPS", "kpi_items", "status_bars", "status_bars_figure"]

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


def status_bars_figure(counts: pd.DataFrame, group: str) -> dict[str, Any]:
    """Stacked bars of product counts per status, one bar per entity or axis (a dict).

    ``counts`` is :func:`data.progress.status_counts` by entity or axis with a
    ``label`` column (as in :class:`~callbacks.view_model.View`); groups with
    more products come first. Drawn by :func:`layers.status_figure.status_bars_dict`,
    the figure the exports draw with :func:`~layers.status_figure.build_status_bars`;
    a plain dict skips plotly's object validation.
    """
    if counts is None or counts.empty:
        return empty_figure("Ningún producto cumple los filtros.").to_plotly_json()
    key = "entity_id" if group == "entidad" else "axis_id"
    table = counts.sort_values(["total", "label"], ascending=[False, True])
    figure = status_bars_dict(
        table.set_index(key)[list(STATUSES)],
        by_label="Entidad" if group == "entidad" else "Eje",
        labels=dict(zip(table[key].astype(str), table["label"].astype(str), strict=True)),
    )
    layout = figure["layout"]
    layout["margin"] = {**layout["margin"], "t": 40, "r": 8}
    layout["height"] = max(240, 110 + 30 * len(table))
    return figure


def status_bars(counts: pd.DataFrame, group: str) -> go.Figure:
    """:func:`status_bars_figure` as a ``go.Figure`` (for tests and other callers)."""
    return go.Figure(status_bars_figure(counts, group))


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


def _summary(view: View, group: str) -> tuple[list, dict[str, Any]]:
    tiles = [_kpi_tile(item) for item in kpi_items(view.counts)]
    group = group if group in GROUPS else "entidad"
    attribute, _noun = GROUPS[group]
    return [dbc.Row(tiles, className="g-2")], status_bars_figure(getattr(view, attribute), group)


@dashboard_callback(
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
