"""Pieces shared by the layout fragments: Graph configuration and card shells."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import html

__all__ = ["card", "graph_config"]


def graph_config(filename: str, **extra: Any) -> dict[str, Any]:
    """``dcc.Graph`` config: Spanish locale, local topojson, no logo, 2x PNG downloads.

    Nothing leaves the machine: no "share to cloud" button, no CDN base maps.
    """
    return {
        "locale": "es",
        "displaylogo": False,
        "topojsonURL": dash.get_relative_path("/vendor/topojson/"),
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "sendChartToCloud",
                                   "sendDataToCloud"],
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
        "responsive": True,
        **extra,
    }


def card(title_id: str | None, title: Any, body: list[Any], *, card_id: str,
         class_name: str = "") -> dbc.Card:
    """A card whose header holds a (callback-updated) title."""
    header = html.H2(title, id=title_id, className="card-title h6 mb-0") if title_id else html.H2(
        title, className="card-title h6 mb-0")
    return dbc.Card(
        [dbc.CardHeader(header), dbc.CardBody(body)],
        id=card_id,
        className=f"dash-card h-100 {class_name}".strip(),
    )
