"""``create_app()``: build the Dash app, its data context and its server routes."""

from __future__ import annotations

import dash
from flask import redirect

from app.embed import mount_embed
from app.guard import install_guards
from app.layout import build_layout
from app.meta import PreviewDash
from app.plotly_bundle import use_plotly_bundle
from app.routes import BLUEPRINTS
from app.serving import configure_serving
from callbacks import register_dashboard, register_upload
from data.config import PROJECT_ROOT
from data.geodata import ensure_geodata, load_display_localities
from view import current_snapshot, get_geo_context

TITLE = "Tablero Bogotá Territorio Inteligente"
#: Static files (CSS, JS, vendored Bootstrap) live in the top-level ``assets/``.
ASSETS_DIR = PROJECT_ROOT / "assets"


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
    current_snapshot()
    get_geo_context()
    app = PreviewDash(
        __name__,
        assets_folder=str(ASSETS_DIR),
        title=TITLE,
        suppress_callback_exceptions=False,
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="es-CO">', 1)
    use_plotly_bundle(app)
    app.layout = build_layout
    register_dashboard(app)
    _mount_upload_page(app)
    use_plotly_bundle(mount_embed(app.server, app.index_string))
    for blueprint in BLUEPRINTS:
        app.server.register_blueprint(blueprint)
    install_guards(app.server)
    configure_serving(app)
    return app


def _mount_upload_page(app: dash.Dash) -> dash.Dash:
    """The upload page: a second Dash app on the same server, at ``/subir/``."""
    from callbacks.upload import PATH, upload_layout

    upload = dash.Dash(
        __name__,
        server=app.server,
        url_base_pathname=f"{PATH}/",
        assets_folder=str(ASSETS_DIR),
        title=f"Cargar reporte · {TITLE}",
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    upload.index_string = app.index_string
    # no use_plotly_bundle(upload): the page draws no graph, so it loads no plotly.js
    # at all (tests/app/test_plotly_bundle.py fails if a graph appears here)
    upload.layout = upload_layout
    register_upload(upload)
    app.server.add_url_rule(PATH, "upload-page-slash", lambda: redirect(f"{PATH}/"))
    return upload
