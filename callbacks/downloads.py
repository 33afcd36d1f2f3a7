"""Download menus: real links to the exports of the state on screen.

Each menu is a ``<details>`` disclosure (keyboard and screen-reader friendly
without any script) listing ``<a href download>`` links. Their ``href`` comes
from the state store's ``links`` (:func:`view.links.export_links`, written by
the URL hub with the state), copied by a clientside callback: no request to
the server until a file is asked for, and "copy link" works on every item.
Links the state has not (the locality report without exactly one locality)
are hidden.
"""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, html

from callbacks.shell import STATE_STORE

__all__ = ["DOWNLOAD_LINK", "MENUS", "download_menu", "register"]

#: Type of the pattern-matching ids of the links: ``{"type", "menu", "key"}``.
DOWNLOAD_LINK = "download-link"

_CHART = ("png", "svg", "pdf", "social")
_CHART_LABELS = {
    "png": "Imagen PNG (alta resolución)",
    "svg": "SVG vectorial (para editar)",
    "pdf": "PDF (una página)",
    "social": "Tarjeta para redes (1200×630)",
}
#: Menu -> [(key in the store's ``links``, label)].
MENUS: dict[str, list[tuple[str, str]]] = {
    "mapa": [(f"mapa.{f}", _CHART_LABELS[f]) for f in _CHART] + [
        ("mapa.gif", "Animación GIF (año a año, 2023 al corte)"),
        ("mapa.mp4", "Video MP4 (año a año, 2023 al corte)"),
    ],
    "serie": [(f"serie.{f}", _CHART_LABELS[f]) for f in _CHART],
    "entidades": [(f"entidades.{f}", _CHART_LABELS[f]) for f in _CHART],
    "tabla": [
        ("tabla.csv", "Datos CSV (UTF-8)"),
        ("tabla.csv.punto-y-coma", "CSV para Excel en español (;)"),
        ("tabla.xlsx", "Libro de Excel (XLSX, con metadatos)"),
        ("todo.zip", "Todo: gráficos y datos (ZIP)"),
    ],
    "todo": [
        ("todo.zip", "Todo: gráficos y datos (ZIP)"),
        ("tabla.xlsx", "Datos en Excel (XLSX)"),
        ("reporte", "Reporte de la localidad (PDF, una página)"),
        ("mapa.gif", "Mapa año a año: animación GIF (2023 al corte)"),
        ("mapa.mp4", "Mapa año a año: video MP4 (2023 al corte)"),
    ],
}

_HREFS_JS = """
function(stored) {
    const links = (stored && stored.links) || {};
    const outputs = window.dash_clientside.callback_context.outputs_list;
    const hrefs = outputs[0].map(o => links[o.id.key] || "#");
    const hidden = outputs[1].map(o => !links[o.id.key]);
    return [hrefs, hidden];
}
"""


def download_menu(menu: str, *, label: str = "Descargar") -> html.Details:
    """The ``<details>`` menu of ``menu`` (a key of :data:`MENUS`)."""
    items = [
        html.Li(html.A(text, id={"type": DOWNLOAD_LINK, "menu": menu, "key": key}, href="#",
                       download="", className="download-link"))
        for key, text in MENUS[menu]
    ]
    return html.Details(
        [html.Summary([html.Span("⤓", className="download-icon", **{"aria-hidden": "true"}),
                       label], className="btn btn-sm btn-outline-secondary download-summary"),
         html.Ul(items, className="download-list")],
        className="download-menu", id=f"download-menu-{menu}",
    )


def register(app: Any) -> None:
    """Copy the links of the stored state into every menu (in the browser)."""
    app.clientside_callback(
        _HREFS_JS,
        Output({"type": DOWNLOAD_LINK, "menu": ALL, "key": ALL}, "href"),
        Output({"type": DOWNLOAD_LINK, "menu": ALL, "key": ALL}, "hidden"),
        Input(STATE_STORE, "data"),
    )
