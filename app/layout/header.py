"""Page header: title, data version and cut-off date, the "Datos ilustrativos" banner and,
while the store does not answer, a notice that the last loaded data is shown."""

from __future__ import annotations

from datetime import timedelta, timezone

import dash_bootstrap_components as dbc
from dash import html

from data import DataVersion
from data.repository import StoreStatus
from layers.formatting import format_date

__all__ = ["TITLE", "header", "store_notice_text"]

#: Bogotá's offset from UTC (no daylight saving).
_BOGOTA = timezone(timedelta(hours=-5))

TITLE = "Tablero Bogotá Territorio Inteligente"
SUBTITLE = "Seguimiento de la política pública Bogotá Territorio Inteligente 2023-2032"
ILLUSTRATIVE_TEXT = (
    "La estructura (6 ejes, 7 objetivos, 7 indicadores de resultado, 36 productos con 46 "
    "indicadores, 14 entidades) es la de la política adoptada; los nombres, las metas, los "
    "avances y los reportes son inventados para mostrar el tablero."
)


def store_notice_text(version: DataVersion, status: StoreStatus) -> str:
    """Spanish notice: the store does not answer, the page shows ``version`` (the last loaded)."""
    since = ""
    if status.since is not None:
        local = status.since.astimezone(_BOGOTA)
        since = f" desde las {local:%H:%M} (hora de Bogotá)"
    return (f"El almacén de datos no responde{since}: se muestran los últimos datos cargados "
            f"(v{version.version_id}, corte {version.cut.label}). Las publicaciones recientes "
            "pueden no verse todavía; recargue la página en unos minutos.")


def header(version: DataVersion, status: StoreStatus | None = None) -> html.Header:
    """The header for ``version``; the banner appears only for the illustrative catalog.

    With a ``status`` whose store is unavailable, a notice says the data shown
    is the last loaded and may miss recent publications.
    """
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
    notice = (
        dbc.Alert(store_notice_text(version, status), color="danger", id="store-notice",
                  className="store-notice mb-0 py-1 px-3")
        if status is not None and not status.available
        else None
    )
    return html.Header(
        [
            # the first Tab stops: the page's main content, then the tables
            html.A("Saltar al contenido", href="#main-content",
                   className="visually-hidden-focusable skip-link"),
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
            notice,
            banner,
        ],
        className="app-header",
    )
