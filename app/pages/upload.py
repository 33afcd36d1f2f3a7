"""Upload page (path ``/subir``): an entity publishes its progress report.

Steps on one screen: token -> file -> validation result -> preview of changes ->
confirm. The callbacks live in :mod:`callbacks.upload`.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from callbacks.upload import (
    UPLOAD_CONFIRM,
    UPLOAD_FILE,
    UPLOAD_MAX_BYTES,
    UPLOAD_NOTE,
    UPLOAD_OUTCOME,
    UPLOAD_PENDING,
    UPLOAD_RESULT,
    UPLOAD_TOKEN,
    UPLOAD_VERSION,
    version_text,
)
from data.schema import FIRST_YEAR, LAST_YEAR

__all__ = ["PATH", "upload_layout"]

#: Where the lead's router mounts this page.
PATH = "/subir"

_FORMAT_HELP = [
    "Archivo CSV (UTF-8 o Latin-1, separado por comas o punto y coma) o XLSX, de máximo "
    "10 MB, con los encabezados ",
    html.Code("producto, anio, localidad, valor"),
    " y, opcional, ",
    html.Code("fecha_reporte"),
    f" (AAAA-MM-DD). Años de {FIRST_YEAR} a {LAST_YEAR}; localidad 01 a 20, o vacía (00) "
    "para toda la ciudad. Solo puede reportar los productos de su entidad; los "
    "identificadores están en ",
    html.A("/api/catalogo", href="/api/catalogo", target="_blank"),
    ".",
]


def upload_layout() -> html.Div:
    """The upload page's content (no ``dcc.Location``: the lead's shell provides it)."""
    return html.Div(
        [
            html.A("← Volver al tablero", href="/", className="small"),
            html.H1("Cargar reporte de avance", className="h3 mt-2"),
            html.P(version_text(), id=UPLOAD_VERSION, className="mb-1"),
            html.P(_FORMAT_HELP, className="text-body-secondary"),
            dbc.Row(
                [
                    dbc.Col([
                        dbc.Label("Token de carga de su entidad", html_for=UPLOAD_TOKEN),
                        dbc.Input(id=UPLOAD_TOKEN, type="password", debounce=True,
                                  autocomplete="off", placeholder="Pegue aquí su token"),
                    ], md=5),
                    dbc.Col([
                        dbc.Label("Nota para el historial (opcional)", html_for=UPLOAD_NOTE),
                        dbc.Input(id=UPLOAD_NOTE, type="text", maxLength=2000,
                                  placeholder="p. ej. Reporte del tercer trimestre"),
                    ], md=7),
                ],
                className="g-3 mb-3",
            ),
            dcc.Upload(
                id=UPLOAD_FILE,
                children=html.Div(["Arrastre aquí su archivo o ",
                                   html.Span("elíjalo", className="text-primary "
                                             "text-decoration-underline")]),
                accept=".csv,.xlsx",
                max_size=UPLOAD_MAX_BYTES,
                multiple=False,
                className="upload-drop border border-2 rounded p-4 text-center mb-3",
                style_reject={"borderColor": "#dc3545"},
            ),
            dcc.Loading(html.Div(id=UPLOAD_RESULT, **{"aria-live": "polite"})),
            dcc.Store(id=UPLOAD_PENDING),
            dbc.Button("Confirmar y publicar", id=UPLOAD_CONFIRM, color="primary",
                       disabled=True, className="my-3"),
            dcc.Loading(html.Div(id=UPLOAD_OUTCOME, **{"aria-live": "polite"})),
            html.P(["Historial de versiones: ",
                    html.A("/api/versiones", href="/api/versiones", target="_blank"), "."],
                   className="small text-body-secondary"),
        ],
        className="upload-page container py-3",
        id="upload-page",
    )
