"""Page header: title, data version and cut-off date, and the "Datos ilustrativos" banner."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from data import DataVersion
from layers.formatting import format_date

__all__ = ["TITLE", "header"]

TITLE = "Tablero Bogotá Territorio Inteligente"
SUBTITLE = "Seguimiento de la política pública Bogotá Territorio Inteligente 2023-2032"
ILLUSTRATIVE_TEXT = (
    "La estructura (6 ejes, 7 objetivos, 7 indicadores de resultado, 36 productos con 46 "
    "indicadores, 14 entidades) es la de la política adoptada; los nombres, las metas, los "
    "avances y los reportes son inventados para mostrar el tablero."
)


def header(version: DataVersion) -> html.Header:
    """The header for ``version``; the banner appears only for the illustrative catalog."""
    version_text = [
        html.Span(f"Datos v{version.version_id}", className="version-id"),
        html.Span(" · ", **{"aria-hidden": "true"}),
        html.Span([f"Corte: {version.cut.label} (",
                   html.Time(format_date(version.cutoff_date),
                             dateTime=version.cutoff_date.isoformat()), ")"],
                  className="version-cutoff"),
    ]
    banner = (
        dbc.Alert(
            [html.Strong("Datos ilustrativos. "), ILLUSTRATIVE_TEXT],
            color="warning",
            className="illustrative-banner mb-0 py-1 px-3",
            id="illustrative-banner",
        )
        if version.illustrative
        else None
    )
    return html.Header(
        [
            html.A("Saltar a la tabla de productos", href="#table-card",
                   className="visually-hidden-focusable skip-link"),
            html.Div(
                [
                    html.Div([html.H1(TITLE, className="app-title"),
                              html.P(SUBTITLE, className="app-subtitle")]),
                    html.Div(
                        [
                            html.Div(version_text, id="data-version"),
                            html.A("Cargar reporte de avance (entidades)", href="/subir/",
                                   className="small upload-link"),
                        ],
                        className="app-version",
                    ),
                ],
                className="app-header-row",
            ),
            banner,
        ],
        className="app-header",
    )
