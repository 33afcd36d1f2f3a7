"""Share and embed: the link to the view on screen and the ``<iframe>`` code of its charts.

The link is the page's canonical URL for the state (framing included); the
embed code points at ``/embed/mapa`` or ``/embed/serie`` with the same query.
Both come from the state store's ``links`` (:func:`view.links.share_links`) and
are written by clientside callbacks, prefixed with the browser's origin; the
copy buttons use the clipboard when the browser allows it and otherwise select
the text for Ctrl+C.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from callbacks.shell import STATE_STORE

__all__ = [
    "SHARE_COPY",
    "SHARE_EMBED",
    "SHARE_EMBED_CHOICE",
    "SHARE_EMBED_COPY",
    "SHARE_LINK",
    "SHARE_STATUS",
    "register",
    "share_menu",
]

SHARE_LINK = "share-link"
SHARE_COPY = "share-copy"
SHARE_EMBED = "share-embed"
SHARE_EMBED_CHOICE = "share-embed-choice"
SHARE_EMBED_COPY = "share-embed-copy"
SHARE_STATUS = "share-status"

_TEXTS_JS = """
function(stored, chart) {
    const links = (stored && stored.links) || {};
    const origin = window.location.origin;
    const page = origin + (links.pagina || window.location.pathname);
    const src = origin + (links["embed." + chart] || "/embed/" + chart);
    const title = chart === "serie" ? "Serie de tiempo" : "Mapa por localidad";
    const code = '<iframe src="' + src + '" title="' + title + ' · Tablero Bogotá ' +
        'Territorio Inteligente" width="100%" height="560" style="border:0" ' +
        'loading="lazy"></iframe>';
    return [page, code];
}
"""

_COPY_JS = """
function(linkClicks, codeClicks, link, code) {
    const trigger = window.dash_clientside.callback_context.triggered_id;
    const isCode = trigger === "CODE_BUTTON";
    const text = isCode ? code : link;
    const field = document.getElementById(isCode ? "CODE_FIELD" : "LINK_FIELD");
    const done = isCode ? "Código copiado." : "Enlace copiado.";
    if (field) { field.focus(); field.select(); }
    if (navigator.clipboard && window.isSecureContext) {
        return navigator.clipboard.writeText(text).then(() => done,
            () => "Seleccionado: pulse Ctrl+C para copiarlo.");
    }
    return "Seleccionado: pulse Ctrl+C para copiarlo.";
}
""".replace("CODE_BUTTON", SHARE_EMBED_COPY).replace("CODE_FIELD", SHARE_EMBED).replace(
    "LINK_FIELD", SHARE_LINK)


def share_menu() -> html.Details:
    """The "Compartir" disclosure: link, copy button and embed code."""
    body = html.Div(
        [
            dbc.Label("Enlace a esta vista (filtros, corte y encuadre incluidos)",
                      html_for=SHARE_LINK, className="form-label small mb-1"),
            html.Div([
                dcc.Input(id=SHARE_LINK, type="text", readOnly=True,
                          className="form-control form-control-sm"),
                dbc.Button("Copiar enlace", id=SHARE_COPY, size="sm", color="primary"),
            ], className="share-row"),
            dbc.Label("Insertar en otro sitio", html_for=SHARE_EMBED,
                      className="form-label small mt-2 mb-1"),
            dbc.RadioItems(id=SHARE_EMBED_CHOICE, value="mapa", inline=True,
                           options=[{"label": "Mapa", "value": "mapa"},
                                    {"label": "Serie", "value": "serie"}],
                           className="small"),
            html.Div([
                dcc.Textarea(id=SHARE_EMBED, readOnly=True, rows=3,
                             className="form-control form-control-sm share-code"),
                dbc.Button("Copiar código", id=SHARE_EMBED_COPY, size="sm",
                           color="secondary", outline=True),
            ], className="share-row"),
            html.P("El gráfico insertado se actualiza con cada versión de los datos y enlaza "
                   "a esta vista. Solo los sitios autorizados por la Alta Consejería pueden "
                   "mostrarlo.", className="form-text mb-0"),
            html.Span(id=SHARE_STATUS, className="share-status small", role="status",
                      **{"aria-live": "polite"}),
        ],
        className="share-body",
    )
    return html.Details(
        [html.Summary([html.Span("↗", className="download-icon", **{"aria-hidden": "true"}),
                       "Compartir"], className="btn btn-sm btn-outline-secondary "
                                                 "download-summary"), body],
        className="download-menu share-menu", id="share-menu",
    )


def register(app: Any) -> None:
    """Fill the link and the embed code from the store; copy them on request."""
    app.clientside_callback(
        _TEXTS_JS,
        Output(SHARE_LINK, "value"),
        Output(SHARE_EMBED, "value"),
        Input(STATE_STORE, "data"),
        Input(SHARE_EMBED_CHOICE, "value"),
    )
    app.clientside_callback(
        _COPY_JS,
        Output(SHARE_STATUS, "children"),
        Input(SHARE_COPY, "n_clicks"),
        Input(SHARE_EMBED_COPY, "n_clicks"),
        State(SHARE_LINK, "value"),
        State(SHARE_EMBED, "value"),
        prevent_initial_call=True,
    )
