"""``create_app()``: build the Dash app, its data context and its server routes."""

from __future__ import annotations

import importlib

import dash

from app.layout import build_layout
from app.routes import BLUEPRINT_MODULES
from app.serving import configure_serving
from callbacks.context import get_geo_context
from callbacks.features import register_callbacks
from data.geodata import ensure_geodata, load_display_localities
from data.repository import get_catalog

TITLE = "Tablero Bogotá Territorio Inteligente"


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
    get_geo_context()
    app = dash.Dash(
        __name__,
        title=TITLE,
        suppress_callback_exceptions=False,
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="es-CO">', 1)
    app.layout = build_layout
    register_callbacks(app)
    for module_name in BLUEPRINT_MODULES:
        app.server.register_blueprint(importlib.import_module(module_name).blueprint)
    configure_serving(app)
    return app
