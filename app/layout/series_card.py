"""Series card: actual vs target 2023-2032."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc

from app.layout.common import card, graph_config
from callbacks import ids

__all__ = ["series_card"]


def series_card() -> dbc.Card:
    """The card; its figure comes from ``callbacks.series``."""
    graph = dcc.Graph(id=ids.SERIES_GRAPH, className="series-graph", responsive=True,
                      style={"height": "var(--bti-series-height)"}, config=graph_config("serie"))
    return card(ids.SERIES_CARD_TITLE, "Serie 2023-2032", [graph], card_id="series-card")
