"""The whole page: header, notices, filters, year bar, map, series, summary and table."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.layout.filters import filters_panel
from app.layout.header import header
from app.layout.map_card import map_card
from app.layout.notices import notices
from app.layout.series_card import series_card
from app.layout.status_card import status_card
from app.layout.table_card import table_card
from app.layout.year_bar import year_bar
from callbacks import ids
from callbacks.context import get_geo_context
from callbacks.map import base_map_figure, framing_boxes
from callbacks.view_model import default_state
from data.repository import get_catalog

__all__ = ["build_layout", "dashboard_page"]


def build_layout() -> html.Div:
    """The page for the current catalog (called on every page load by Dash).

    The one ``dcc.Location`` plus :func:`dashboard_page`.
    """
    return html.Div([dcc.Location(id=ids.URL, refresh=False), dashboard_page()])


def dashboard_page() -> html.Div:
    """The dashboard without the ``dcc.Location`` (for a shell that routes pages).

    Controls start at the default state; the URL callback then applies the
    page's query. The map figure (with the geometry) is built once per data
    version and embedded here: the only time the geometry is sent.
    """
    catalog = get_catalog()
    geo = get_geo_context()
    state = default_state(catalog)
    main = html.Main(
        [
            year_bar(state.year),
            dbc.Row(
                [
                    dbc.Col(map_card(base_map_figure(catalog), state, framing_boxes(geo)),
                            xl=6, className="mb-3"),
                    dbc.Col(series_card(), xl=6, className="mb-3"),
                ],
                className="g-3",
            ),
            dbc.Row(
                [
                    dbc.Col(status_card(), xl=5, xxl=4, className="mb-3"),
                    dbc.Col(table_card(), xl=7, xxl=8, className="mb-3"),
                ],
                className="g-3",
            ),
        ],
        className="dash-main",
        id="main-content",
    )
    return html.Div(
        [
            dcc.Store(id=ids.STATE_STORE),
            header(catalog.version),
            dbc.Container(
                [
                    notices(),
                    dbc.Row(
                        [
                            dbc.Col(filters_panel(state, geo.names), lg=3, xxl=2,
                                    className="mb-3"),
                            dbc.Col(main, lg=9, xxl=10),
                        ],
                        className="g-3",
                    ),
                ],
                fluid=True,
                className="dash-body",
            ),
        ],
        className="dash-page",
    )
