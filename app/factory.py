"""``create_app()``: build the Dash app, its data context and its server routes."""

from __future__ import annotations

import importlib

import dash
import dash_bootstrap_components as dbc
from dash import html

from app.routes import BLUEPRINT_MODULES
from data.geodata import ensure_geodata, load_display_localities
from data.repository import get_catalog

TITLE = "Tablero Bogotá Territorio Inteligente"


def _placeholder_layout() -> html.Div:
    return html.Div(
        [html.H1(TITLE), html.P("Política Bogotá Territorio Inteligente 2023-2032")],
        className="container py-4",
    )


def create_app() -> dash.Dash:
    """Load and validate the data once, then build the app.

    Raises
    ------
    data.validation.CatalogError
        When the catalog is invalid: the app refuses to show wrong numbers.
    data.ingest.IngestError
        When the geodata cannot be ingested.
    """
    ensure_geodata()
    load_display_localities()
    get_catalog()
    app = dash.Dash(
        __name__,
        title=TITLE,
        external_stylesheets=[dbc.themes.BOOTSTRAP],
        suppress_callback_exceptions=False,
        update_title=None,
    )
    app.layout = _placeholder_layout
    for module_name in BLUEPRINT_MODULES:
        app.server.register_blueprint(importlib.import_module(module_name).blueprint)
    return app
