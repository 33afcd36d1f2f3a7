"""Time series card: actual vs target 2023-2032; a click on a year moves the map there."""

from __future__ import annotations

import textwrap
from typing import Any

import plotly.graph_objects as go
from dash import Input, Output, html

from callbacks import ids
from callbacks.context import get_geo_context
from callbacks.features import dashboard_callback
from callbacks.store import stored_state
from callbacks.view_model import View, cached_view, last_reported_year
from data.repository import get_catalog
from data.schema import FIRST_YEAR, LAST_YEAR
from layers.series_figure import series_dict
from layers.theme import INK_MUTED, TEMPLATE
from layers.titles import describe_selection

__all__ = [
    "empty_figure",
    "series_figure",
    "series_figure_dict",
    "series_title",
    "year_from_click",
]


def year_from_click(click_data: dict | None) -> int | None:
    """The year of a click on the series (its point's ``x``), or None if not a valid year."""
    try:
        x = click_data["points"][0]["x"]  # type: ignore[index]
        year = int(round(float(x)))
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def empty_figure(message: str, width: int = 48) -> go.Figure:
    """A blank chart that states ``message`` (instead of an empty plot), wrapped in lines."""
    text = "<br>".join(textwrap.wrap(message, width)) or message
    fig = go.Figure()
    fig.update_layout(
        template=TEMPLATE,
        xaxis={"visible": False},
        yaxis={"visible": False},
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        annotations=[{"text": text, "showarrow": False, "xref": "paper", "yref": "paper",
                      "x": 0.5, "y": 0.5, "font": {"size": 14, "color": INK_MUTED}}],
    )
    return fig


def series_figure_dict(view: View, names: dict[str, str], last_year: int) -> dict[str, Any]:
    """The series of the selected indicator as a plain figure dict (what the card sends).

    The city, or one line per selected locality; a product reported only
    citywide draws the city even when localities are selected. A plain dict
    skips plotly's object validation (tens of milliseconds per figure).
    """
    if view.empty or view.product is None:
        return empty_figure(view.message or "No hay datos para esta selección.").to_plotly_json()
    by_locality = view.product["scope"] == "localidad"
    figure = series_dict(
        view.series,
        localities=view.state.localities if by_locality else (),
        names=names,
        year=view.state.year,
        unit=view.product["unit"],
        last_year=last_year,
    )
    layout = figure["layout"]
    layout["legend"] = {**layout["legend"], "orientation": "h", "x": 0, "xanchor": "left",
                        "y": 1.02, "yanchor": "bottom"}
    layout["margin"] = {**layout["margin"], "l": 8, "r": 8, "t": 8, "b": 8}
    layout["xaxis"] = {**layout["xaxis"], "tickangle": 0, "tickfont": {"size": 11}}
    return figure


def series_figure(view: View, names: dict[str, str], last_year: int) -> go.Figure:
    """:func:`series_figure_dict` as a ``go.Figure`` (for tests and other callers)."""
    return go.Figure(series_figure_dict(view, names, last_year))


def series_title(view: View, names: dict[str, str]) -> tuple[str, str]:
    """Title and subtitle of the series card."""
    if view.empty or view.product is None:
        return "Serie 2023-2032", ""
    by_locality = view.product["scope"] == "localidad"
    chosen = [names.get(c, c) for c in view.state.localities] if by_locality else []
    title, subtitle = describe_selection(
        "serie", indicator=view.product["indicator"], unit=view.product["unit"],
        year=view.state.year, locality_names=chosen,
    )
    return title, subtitle + " · Pulse un año para verlo en el mapa"


@dashboard_callback(
    Output(ids.SERIES_GRAPH, "figure"),
    Output(ids.SERIES_CARD_TITLE, "children"),
    Input(ids.STATE_STORE, "data"),
)
def _update_series(stored: dict | None) -> tuple[Any, Any]:
    catalog, geo = get_catalog(), get_geo_context()
    view = cached_view(stored_state(stored), catalog)
    title, subtitle = series_title(view, geo.names)
    figure = series_figure_dict(view, geo.names, last_reported_year(catalog))
    return figure, [title, html.Small(subtitle, className="card-subtitle d-block text-muted")]
