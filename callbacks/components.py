"""Pieces the features' layout fragments share: Graph configuration, card shell, dropdown texts."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import flask
from dash import html

__all__ = ["DROPDOWN_LABELS", "card", "graph_config"]

#: Spanish texts of the dropdowns' own interface (Dash 4 ``labels``).
DROPDOWN_LABELS = {
    "select_all": "Elegir todo",
    "deselect_all": "Quitar todo",
    "selected_count": "{num_selected} elegidos",
    "search": "Buscar",
    "clear_search": "Borrar búsqueda",
    "clear_selection": "Quitar selección",
    "no_options_found": "Ninguna opción coincide",
}


def _topojson_url() -> str:
    """The local base maps' URL, under the server's root (not under another Dash app's
    prefix, which ``dash.get_relative_path`` would use when the upload page was made last)."""
    root = flask.request.script_root if flask.has_request_context() else ""
    return f"{root}/vendor/topojson/"


def graph_config(filename: str, **extra: Any) -> dict[str, Any]:
    """``dcc.Graph`` config: Spanish locale, local topojson, no logo, 2x PNG downloads.

    Nothing leaves the machine: no "share to cloud" button, no CDN base maps.
    """
    return {
        "locale": "es",
        "displaylogo": False,
        "topojsonURL": _topojson_url(),
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "sendChartToCloud",
                                   "sendDataToCloud"],
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
        "responsive": True,
        **extra,
    }


def card(title_id: str | None, title: Any, body: list[Any], *, card_id: str,
         class_name: str = "", tools: Any = None) -> dbc.Card:
    """A card whose header holds a (callback-updated) title and, at its right, ``tools``
    (e.g. a download menu)."""
    header = html.H2(title, id=title_id, className="card-title h6 mb-0") if title_id else html.H2(
        title, className="card-title h6 mb-0")
    if tools is not None:
        header = html.Div([header, html.Div(tools, className="card-tools")],
                          className="card-header-row")
    return dbc.Card(
        [dbc.CardHeader(header), dbc.CardBody(body)],
        id=card_id,
        className=f"dash-card h-100 {class_name}".strip(),
    )
