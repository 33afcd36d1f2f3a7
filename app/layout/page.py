"""The whole page: header, notices, filters, year bar, map, series, summary and table.

Each card's fragment comes from its feature module in ``callbacks/``; this
module only places them.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from app.layout.header import header
from callbacks import filters, headline, map, series, sheet, shell, summary, table, year
from view import current_snapshot, get_geo_context

__all__ = ["build_layout", "dashboard_page"]


def build_layout() -> html.Div:
    """The page for the current catalog (called on every page load by Dash).

    The one ``dcc.Location`` plus :func:`dashboard_page`.
    """
    return html.Div([shell.location(), dashboard_page()])


def dashboard_page() -> html.Div:
    """The dashboard without the ``dcc.Location`` (for a shell that routes pages).

    Controls start at the default state; the URL callback then applies the
    page's query. The map figure (with the geometry) is built once per data
    version and embedded here: the only time the geometry is sent.
    """
    snapshot = current_snapshot()
    geo = get_geo_context()
    state = snapshot.default_state
    main = html.Main(
        [
            year.year_bar(state.year, snapshot.data_cut),
            dbc.Row(
                [
                    dbc.Col(map.map_card(snapshot, geo), xl=6, className="mb-3"),
                    dbc.Col(series.series_card(), xl=6, className="mb-3"),
                ],
                className="g-3",
            ),
            dbc.Row(
                [
                    dbc.Col(summary.status_card(), xl=5, className="mb-3"),
                    dbc.Col(headline.headline_card(), xl=7, className="mb-3"),
                ],
                className="g-3",
            ),
            dbc.Row(dbc.Col(sheet.sheet_card(), className="mb-3"), className="g-3"),
            dbc.Row(dbc.Col(table.table_card(), className="mb-3"), className="g-3"),
        ],
        className="dash-main",
        id="main-content",
    )
    return html.Div(
        [
            shell.state_store(),
            header(snapshot.catalog.version),
            dbc.Container(
                [
                    shell.notices(),
                    dbc.Row(
                        [
                            dbc.Col(filters.filters_panel(state, geo.names), lg=3, xxl=2,
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
