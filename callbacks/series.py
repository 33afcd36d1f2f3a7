"""Series card: the selected indicator's path 2023-2032; a click on a year moves the map there."""

from __future__ import annotations

import textwrap
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from callbacks.components import card, graph_config
from callbacks.downloads import download_menu
from callbacks.shell import STATE_STORE, current_view
from layers import build_series
from layers.theme import INK_MUTED, template_json
from layers.titles import describe_selection
from view import View, get_geo_context

__all__ = [
    "SERIES_CARD_TITLE",
    "SERIES_GRAPH",
    "empty_figure",
    "register",
    "series_card",
    "series_figure",
    "series_title",
]

SERIES_GRAPH = "series-graph"
SERIES_CARD_TITLE = "series-title"


def empty_figure(message: str, width: int = 48) -> dict[str, Any]:
    """A blank chart that states ``message`` (instead of an empty plot), wrapped in lines."""
    text = "<br>".join(textwrap.wrap(message, width)) or message
    return {"data": [], "layout": {
        "template": template_json(),
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "annotations": [{"text": text, "showarrow": False, "xref": "paper", "yref": "paper",
                         "x": 0.5, "y": 0.5, "font": {"size": 14, "color": INK_MUTED}}],
    }}


def series_figure(view: View, names: dict[str, str], last_year: int | None = None
                  ) -> dict[str, Any]:
    """The series of the selected indicator as a figure dict (what the card sends).

    The city's values, or the selected localities' progress beside the city's;
    an indicator reported only citywide draws the city even when localities are
    selected. ``last_year``: the data's cut year (default: the view's).
    """
    if view.empty or view.indicator is None:
        return empty_figure(view.message or "No hay datos para esta selección.")
    by_locality = bool(view.indicator["by_locality"])
    figure = build_series(
        view.series,
        localities=view.state.localities if by_locality else (),
        names=names,
        year=view.state.year,
        unit=view.indicator["unit"],
        last_year=view.data_cut.year if last_year is None else last_year,
    )
    layout = figure["layout"]
    layout["legend"] = {**layout["legend"], "orientation": "h", "x": 0, "xanchor": "left",
                        "y": 1.02, "yanchor": "bottom"}
    layout["margin"] = {**layout["margin"], "l": 8, "r": 8, "t": 8, "b": 8}
    layout["xaxis"] = {**layout["xaxis"], "tickangle": 0, "tickfont": {"size": 11}}
    return figure


def series_title(view: View, names: dict[str, str], *, hint: bool = True) -> tuple[str, str]:
    """Title and subtitle of the series card (``hint``: say a click moves the map)."""
    if view.empty or view.indicator is None:
        return "Serie 2023-2032", ""
    by_locality = bool(view.indicator["by_locality"])
    chosen = [names.get(c, c) for c in view.state.localities] if by_locality else []
    title, subtitle = describe_selection(
        "serie", indicator=f"{view.indicator['code']} {view.indicator['name']}",
        unit=view.indicator["unit"], year=view.cut.label, locality_names=chosen,
    )
    return title, subtitle + (" · Pulse un año para verlo en el mapa" if hint else "")


def series_card(view: View | None = None, names: dict[str, str] | None = None) -> dbc.Card:
    """The card, drawn for ``view`` when given; its callback follows the state."""
    figure, title = None, "Serie 2023-2032"
    if view is not None:
        figure = series_figure(view, names or {})
        heading, subtitle = series_title(view, names or {})
        title = [heading, html.Small(subtitle, className="card-subtitle d-block text-muted")]
    graph = html.Div(dcc.Graph(id=SERIES_GRAPH, figure=figure, className="series-graph",
                               responsive=True, style={"height": "var(--bti-series-height)"},
                               config=graph_config("serie", displayModeBar=False)),
                     className="graph-slot series-slot")
    return card(SERIES_CARD_TITLE, title, [graph], card_id="series-card",
                tools=download_menu("serie"))


def _update_series(stored: dict | None) -> tuple[Any, Any]:
    names = get_geo_context().names
    view, _ = current_view(stored)
    title, subtitle = series_title(view, names)
    figure = series_figure(view, names)
    return figure, [title, html.Small(subtitle, className="card-subtitle d-block text-muted")]


def register(app) -> None:
    """Attach the series update to ``app``."""
    app.callback(
        Output(SERIES_GRAPH, "figure"),
        Output(SERIES_CARD_TITLE, "children"),
        Input(STATE_STORE, "data"),
    )(_update_series)
