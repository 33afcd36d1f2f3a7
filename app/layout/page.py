"""The whole page: header, notices, filters, year bar, map, series, summary and table.

Each card's fragment comes from its feature module in ``callbacks/``; this
module only places them.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from app.layout.header import header
from callbacks import (
    downloads,
    filters,
    headline,
    map,
    series,
    share,
    sheet,
    shell,
    summary,
    table,
    year,
)
from data.repository import store_status
from view import cached_view, current_snapshot, get_geo_context

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
    version and embedded here: the only time the geometry is sent. While the
    store does not answer, the header says so (the last loaded data is shown).
    """
    snapshot = current_snapshot()
    geo = get_geo_context()
    state = snapshot.default_state
    first = cached_view(state, snapshot.catalog)  # the first paint, at its final size
    names = geo.names
    main = html.Main(
        [
            html.Div([downloads.download_menu("todo"), share.share_menu()],
                     className="page-tools", role="toolbar",
                     **{"aria-label": "Descargar y compartir esta vista"}),
            year.year_bar(state.year, snapshot.data_cut),
            dbc.Row(
                [
                    dbc.Col(map.map_card(snapshot, geo), xl=6, className="mb-3"),
                    dbc.Col(series.series_card(first, names), xl=6, className="mb-3"),
                ],
                className="g-3",
            ),
            dbc.Row(
                [
                    dbc.Col(summary.status_card(first, names), xl=5, className="mb-3"),
                    dbc.Col(headline.headline_card(first, names), xl=7, className="mb-3"),
                ],
                className="g-3",
            ),
            dbc.Row(dbc.Col(sheet.sheet_card(first, names), className="mb-3"), className="g-3"),
            dbc.Row(dbc.Col(table.table_card(), className="mb-3"), className="g-3"),
        ],
        className="dash-main",
        id="main-content",
        tabIndex="-1",  # the skip link's target takes focus ("Saltar al contenido")
    )
    return html.Div(
        [
            shell.state_store(),
            header(snapshot.catalog.version, store_status()),
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
