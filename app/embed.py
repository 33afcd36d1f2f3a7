"""``/embed/mapa`` and ``/embed/serie``: one live chart of a view, for another site's iframe.

A small Dash app on the same server: the chart of the URL's state (the
dashboard's own map or series, interactive and sized to the frame) under its
title in words, the source line with the data version, and a link back to the
full view. Other sites may frame it only when their origin is in
``BOGOTA_TI_FRAME_ANCESTORS`` (:func:`app.serving.configure_serving`); the rest
of the app is never framed.
"""

from __future__ import annotations

from typing import Any

import dash
import flask
from dash import Input, Output, dcc, html

from app.meta import PreviewDash
from callbacks.components import graph_config
from callbacks.map import map_figure, map_title
from callbacks.series import series_figure, series_title
from data.config import PROJECT_ROOT
from data.repository import get_catalog
from layers.titles import ILLUSTRATIVE_FLAG, source_line
from view import cached_view, get_geo_context, parse_view
from view.links import EMBED_VIEWS

__all__ = ["PATH", "embed_content", "mount_embed"]

#: URL prefix of the embedded charts.
PATH = "/embed"
_GRAPH, _LOCATION, _LINK = "embed-graph", "embed-location", "embed-link"
_TITLE, _SUBTITLE, _SOURCE, _MESSAGE = "embed-title", "embed-subtitle", "embed-source", "embed-msg"


def embed_content(chart: str, query: str) -> dict[str, Any]:
    """What ``/embed/<chart>?<query>`` shows: ``title``, ``subtitle``, ``figure``
    (a dict sized by its frame, or None), ``source`` and ``message`` (why nothing is
    shown, else ``""``). The map and the series are the dashboard's own figures."""
    nothing = {"title": "", "subtitle": "", "figure": None, "source": ""}
    if chart not in EMBED_VIEWS:
        return {**nothing, "message": f"El gráfico «{chart}» no existe; use /embed/mapa o "
                                      "/embed/serie."}
    catalog = get_catalog()
    state, notices = parse_view(query, catalog)
    if notices:
        return {**nothing, "message": "Consulta no válida: " + " ".join(notices)}
    view = cached_view(state, catalog)
    if view.empty or view.indicator is None:
        return {**nothing, "message": view.message or "Ningún indicador cumple los filtros."}
    geo = get_geo_context()
    if chart == "mapa":
        title, subtitle = map_title(view, geo.names)
        figure = map_figure(view, geo)
    else:
        title, subtitle = series_title(view, geo.names, hint=False)
        figure = series_figure(view, geo.names)
    flag = f"{ILLUSTRATIVE_FLAG.upper()} · " if view.version.illustrative else ""
    return {"title": title, "subtitle": flag + subtitle, "figure": figure,
            "source": source_line(view.version), "message": ""}


def _layout() -> html.Div:
    return html.Div(
        [
            dcc.Location(id=_LOCATION, refresh=False),
            html.Main([
                html.H1(id=_TITLE, className="embed-title"),
                html.P(id=_SUBTITLE, className="embed-subtitle"),
                html.P(id=_MESSAGE, className="embed-message", role="status"),
                # the chart is a figure named by its title in words (not plotly's "Map")
                html.Div(dcc.Graph(id=_GRAPH, className="embed-graph", responsive=True,
                                   config=graph_config("tablero-bogota", displayModeBar=False)),
                         role="figure", className="embed-figure",
                         **{"aria-labelledby": f"{_TITLE} {_SUBTITLE}"}),
            ]),
            html.Footer([
                html.Span(id=_SOURCE, className="embed-source"),
                html.A("Ver en el Tablero Bogotá Territorio Inteligente ↗", id=_LINK,
                       href="/", target="_blank", rel="noopener"),
            ], className="embed-footer"),
        ],
        className="embed-page",
    )


def _update(pathname: str | None, search: str | None):
    chart = (pathname or "").rstrip("/").rsplit("/", 1)[-1]
    query = (search or "").lstrip("?")
    content = embed_content(chart, query)
    root = flask.request.script_root if flask.has_request_context() else ""
    link = f"{root}/?{query}" if query else f"{root}/"
    figure = content["figure"]
    style = {"display": "none"} if figure is None else {}
    return (figure or {"data": [], "layout": {}}, style, content["title"], content["subtitle"],
            content["source"], content["message"], link)


def mount_embed(server: flask.Flask, index_string: str) -> dash.Dash:
    """Mount the embed app on ``server`` at :data:`PATH`."""
    embed = PreviewDash(
        __name__,
        server=server,
        url_base_pathname=f"{PATH}/",
        assets_folder=str(PROJECT_ROOT / "assets"),
        title="Tablero Bogotá Territorio Inteligente",
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    embed.index_string = index_string
    embed.layout = _layout
    embed.callback(
        Output(_GRAPH, "figure"), Output(_GRAPH, "style"), Output(_TITLE, "children"),
        Output(_SUBTITLE, "children"), Output(_SOURCE, "children"),
        Output(_MESSAGE, "children"), Output(_LINK, "href"),
        Input(_LOCATION, "pathname"), Input(_LOCATION, "search"),
    )(_update)
    return embed
