"""Semáforo summary: how many indicators are in each class, and by entity or axis.

Counts follow every filter and the counting rule of :func:`view.model.counted_rows`
(with localities selected, the indicators reported by locality, once per
locality; the citywide ones are counted apart). The tiles are the semáforo's
legend too: each carries its symbol, label and threshold, never colour alone.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, dcc, html

from callbacks.components import card, graph_config
from callbacks.downloads import download_menu
from callbacks.series import empty_figure
from callbacks.shell import STATE_STORE, current_view
from data.config import SEMAFORO
from data.schema import STATUS_LABELS, STATUSES
from layers import build_status_bars, entity_labels
from layers.formatting import format_number, format_percent, join_names
from layers.theme import STATUS_SYMBOLS
from view import View, get_geo_context

__all__ = [
    "GROUPS",
    "RULES",
    "SUMMARY_GRAPH",
    "SUMMARY_GROUP",
    "SUMMARY_KPIS",
    "SUMMARY_NOTE",
    "kpi_items",
    "register",
    "status_bars_figure",
    "status_card",
    "summary_note",
]

SUMMARY_KPIS = "summary-kpis"
SUMMARY_GRAPH = "summary-graph"
SUMMARY_GROUP = "summary-group"
SUMMARY_NOTE = "summary-note"

#: What each class means (the district's thresholds on PHV, data.config.SEMAFORO).
RULES = {
    "rojo": f"avance ≤ {format_percent(SEMAFORO['rojo'])}",
    "amarillo": f"≤ {format_percent(SEMAFORO['amarillo'])}",
    "verde": f"≤ {format_percent(SEMAFORO['verde'])}",
    "naranja": f"> {format_percent(SEMAFORO['verde'])}",
    "sin_dato": "sin reporte o sin meta",
    "futuro": "después del corte",
}

#: Grouping choices of the bars: radio value -> (counts attribute, group column, noun).
GROUPS = {"entidad": ("counts_by_entity", "entity_id", "Entidad"),
          "eje": ("counts_by_axis", "axis_id", "Eje")}


def kpi_items(counts: pd.DataFrame) -> list[dict[str, Any]]:
    """One item per class: ``{"status", "label", "symbol", "rule", "count", "share"}``.

    ``counts`` is :func:`data.progress.status_counts` without grouping (one row).
    "futuro" appears only when something is in the future.
    """
    row = counts.iloc[0] if len(counts) else pd.Series(0, index=[*STATUSES, "total"])
    total = int(row["total"])
    return [
        {
            "status": status,
            "label": STATUS_LABELS[status],
            "symbol": STATUS_SYMBOLS[status],
            "rule": RULES[status],
            "count": int(row[status]),
            "share": (int(row[status]) / total) if total else float("nan"),
        }
        for status in STATUSES
        if status != "futuro" or int(row[status])
    ]


def status_bars_figure(counts: pd.DataFrame, group: str) -> dict[str, Any]:
    """Stacked bars of indicator counts per class, one bar per entity or axis (a dict).

    ``counts`` is :func:`data.progress.status_counts` by entity or axis with a
    ``label`` column (as in :class:`~view.model.View`); drawn by
    :func:`layers.status_figure.build_status_bars`, as the exports draw it.
    """
    if counts is None or counts.empty:
        return empty_figure("Ningún indicador cumple los filtros.")
    _attribute, key, noun = GROUPS[group]
    if group == "entidad":
        counts = entity_labels(counts)
    figure = build_status_bars(counts, key, by_label=noun)
    layout = figure["layout"]
    layout["showlegend"] = False  # the tiles above are its legend; each segment has its symbol
    layout["margin"] = {**layout["margin"], "t": 12, "r": 8}
    lines = max((str(label).count("<br>") + 1 for label in counts["label"]), default=1)
    layout["height"] = max(240, 60 + (22 + 14 * lines) * len(counts))
    return figure


def _kpi_tile(item: dict[str, Any]) -> dbc.Col:
    share = format_percent(item["share"]) if item["count"] else "0\u00a0%"
    return dbc.Col(
        html.Div(
            [
                html.Span(item["symbol"], className="kpi-symbol", **{"aria-hidden": "true"}),
                html.Span(format_number(item["count"]), className="kpi-count"),
                html.Span(item["label"], className="kpi-label"),
                html.Span(f"{share} · {item['rule']}", className="kpi-share"),
            ],
            className=f"kpi-tile kpi-{item['status'].replace('_', '-')}",
            title=f"{item['label']} ({item['rule']}): {item['count']} indicadores ({share})",
        ),
        xs=6, md=4, xl=6,
    )


def _summary(view: View, group: str) -> tuple[list, dict[str, Any]]:
    tiles = [_kpi_tile(item) for item in kpi_items(view.counts)]
    group = group if group in GROUPS else "entidad"
    attribute = GROUPS[group][0]
    return [dbc.Row(tiles, className="g-2")], status_bars_figure(getattr(view, attribute), group)


def status_card(view: View | None = None, names: dict[str, str] | None = None) -> dbc.Card:
    """The card, filled for ``view`` when given (the first paint keeps its size; the
    module's callback then follows the page's state)."""
    tiles, figure = _summary(view, "entidad") if view is not None else ([], None)
    note = summary_note(view, names or {}) if view is not None else ""
    height = (figure or {}).get("layout", {}).get("height", 240)
    body = [
        html.P(note, id=SUMMARY_NOTE, className="form-text mt-0 mb-2"),
        html.Div(tiles, id=SUMMARY_KPIS, className="summary-kpis mb-2"),
        dbc.RadioItems(
            id=SUMMARY_GROUP,
            options=[{"label": "Por entidad", "value": "entidad"},
                     {"label": "Por eje", "value": "eje"}],
            value="entidad", inline=True, className="summary-group",
        ),
        html.Div(dcc.Graph(id=SUMMARY_GRAPH, figure=figure, className="summary-graph",
                           responsive=True, style=graph_style(figure),
                           config=graph_config("estado-indicadores", displayModeBar=False)),
                 className="graph-slot", style={"minHeight": f"{height}px"}),
    ]
    return card(None, "Semáforo de los indicadores", body, card_id="status-card",
                tools=download_menu("entidades"))


def summary_note(view: View, names: dict[str, str]) -> str:
    """What the counts count, in words (the counting rule made visible)."""
    total = int(view.counts["total"].iloc[0]) if len(view.counts) else 0
    if view.empty:
        return view.message
    cut = view.cut.label
    if not view.state.localities:
        return f"{format_number(total)} indicadores de producto vigentes · Bogotá D.C. · {cut}."
    places = join_names([names.get(c, c) for c in view.state.localities])
    indicators = view.rows["code"].nunique()
    apart = len(view.city_rows)
    per = (f"{format_number(indicators)} indicadores reportados por localidad"
           if len(view.state.localities) == 1 else
           f"{format_number(total)} casos ({format_number(indicators)} indicadores por "
           f"localidad × {len(view.state.localities)} localidades)")
    return (f"{per} · {places} · {cut}. Los {format_number(apart)} indicadores de ciudad se "
            "muestran aparte.")


def graph_style(figure: dict[str, Any] | None) -> dict[str, str]:
    """The graph's CSS height: the figure's own (one row per entity or axis, room for
    its wrapped name), since a responsive graph takes its container's height."""
    return {"height": f"{(figure or {}).get('layout', {}).get('height', 240)}px"}


def _update_summary(stored: dict | None, group: str) -> tuple[Any, Any, Any, Any]:
    view, _ = current_view(stored)
    tiles, figure = _summary(view, group)
    return tiles, figure, graph_style(figure), summary_note(view, get_geo_context().names)


def register(app) -> None:
    """Attach the summary update to ``app``."""
    app.callback(
        Output(SUMMARY_KPIS, "children"),
        Output(SUMMARY_GRAPH, "figure"),
        Output(SUMMARY_GRAPH, "style"),
        Output(SUMMARY_NOTE, "children"),
        Input(STATE_STORE, "data"),
        Input(SUMMARY_GROUP, "value"),
    )(_update_summary)
