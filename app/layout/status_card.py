"""Status card: product counts by status (KPIs) and bars by entity or axis."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.layout.common import card, graph_config
from callbacks import ids

__all__ = ["status_card"]


def status_card() -> dbc.Card:
    """The card; its content comes from ``callbacks.summary``."""
    body = [
        html.P(id=ids.SUMMARY_NOTE, className="form-text mt-0 mb-2"),
        html.Div(id=ids.SUMMARY_KPIS, className="summary-kpis mb-2"),
        dbc.RadioItems(
            id=ids.SUMMARY_GROUP,
            options=[{"label": "Por entidad", "value": "entidad"},
                     {"label": "Por eje", "value": "eje"}],
            value="entidad", inline=True, className="summary-group",
        ),
        dcc.Graph(id=ids.SUMMARY_GRAPH, className="summary-graph", responsive=False,
                  config=graph_config("estado-productos", displayModeBar=False,
                                      responsive=False)),
    ]
    return card(None, "Estado de los productos frente a la meta anual", body,
                card_id="status-card")
