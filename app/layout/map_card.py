"""Map card: the locality choropleth, overlays, framing and selection controls."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.layout.common import card, graph_config
from callbacks import ids
from callbacks.context import OVERLAY_LABELS
from callbacks.map import layer_options
from callbacks.url_state import ViewState

__all__ = ["map_card"]

HELP = (
    "Pulse una localidad para filtrar la serie, el resumen y la tabla; púlsela de nuevo "
    "para quitarla. Con Mayús o Ctrl pulsada (o con «Añadir a la selección») se suman "
    "varias. La tabla de abajo ofrece los mismos datos sin mapa."
)


def map_card(figure: dict, state: ViewState, boxes: dict) -> dbc.Card:
    """The card with ``figure`` (built once with the geometry) and the framing ``boxes``."""
    controls = html.Div(
        [
            dbc.Checklist(id=ids.MAP_LAYERS, options=layer_options(None),
                          value=[v for v in state.layers if v in OVERLAY_LABELS],
                          inline=True, switch=True, className="map-layers"),
            dbc.RadioItems(
                id=ids.MAP_FRAMING,
                options=[{"label": "Zona urbana", "value": "urbana"},
                         {"label": "Todo el Distrito", "value": "distrito"}],
                value="urbana", inline=True, className="map-framing",
            ),
            html.Div(
                [
                    dbc.Checklist(id=ids.ADD_TO_SELECTION,
                                  options=[{"label": "Añadir a la selección", "value": "add"}],
                                  value=[], switch=True, inline=True),
                    dbc.Button("Quitar selección", id=ids.MAP_CLEAR, size="sm",
                               color="secondary", outline=True),
                ],
                className="map-selection",
            ),
        ],
        className="map-controls",
    )
    body = [
        html.Div(id=ids.MAP_NOTE, className="map-note", role="note"),
        dcc.Graph(
            id=ids.MAP_GRAPH, figure=figure, className="map-graph", responsive=True,
            style={"height": "var(--bti-map-height)"},
            config=graph_config("mapa-localidades", scrollZoom=False),
        ),
        controls,
        html.P(HELP, className="form-text mb-0"),
        dcc.Store(id=ids.MAP_CLICK_STORE),
        dcc.Store(id=ids.MAP_BOXES, data=boxes),
        dcc.Store(id=ids.MAP_FRAMED),
    ]
    return card(ids.MAP_CARD_TITLE, "Mapa por localidad", body, card_id="map-card")
