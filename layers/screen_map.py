"""The dashboard's map: a MapLibre choropleth on a blank background (no tiles, no network).

Built once per data version with the display geometry; afterwards the dashboard
only patches values (:func:`layers.choropleth.map_values_patch_payload`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from layers.choropleth import (
    Bounds,
    apply_patch_payload,
    check_map_inputs,
    choropleth_props,
    framing_bounds,
    map_values_patch_payload,
)
from layers.scales import Scale
from layers.theme import template_json

__all__ = ["build_screen_map"]


def build_screen_map(
    geojson: Mapping[str, Any],
    values: pd.DataFrame,
    names: Mapping[str, str],
    *,
    measure: str,
    scale: Scale,
    framing: str = "urbana",
    bounds: Mapping[str, Bounds] | None = None,
    selected: Iterable[str] = (),
    overlays: Sequence[go.Scattermap] = (),
    unit: str = "",
    size: tuple[int, int] = (900, 700),
) -> dict[str, Any]:
    """The screen choropleth of one indicator, year and measure, as a figure dict.

    Parameters
    ----------
    geojson : dict
        FeatureCollection with feature ids = locality codes (embedded once).
    values : DataFrame
        ``[locality_code, value, target, pct, status]`` for one indicator and year.
    names : mapping
        Code -> Spanish name of each locality (hover).
    measure : {"valor", "avance", "semaforo"}
    scale : Scale
        :func:`layers.scales.value_scale` of the indicator (fixed across years).
    framing : {"urbana", "distrito"}
        The initial view; the browser fits it to the map's real size.
    bounds : mapping, optional
        :func:`~layers.choropleth.framing_bounds`, computed once by the caller.
    selected : iterable of str
        Codes outlined with a thick dark line.
    overlays : sequence of go.Scattermap
        From :func:`~layers.choropleth.station_trace` /
        :func:`~layers.choropleth.corridor_trace` with ``kind="map"``.
    unit : str
        Indicator unit for the hover text.
    size : (int, int)
        Expected size in CSS px, which picks the initial zoom.

    Returns
    -------
    dict
        ``clickData`` points carry ``location`` (the code).
    """
    check_map_inputs(geojson, names, framing)
    box = (bounds or framing_bounds(geojson))[framing].padded()
    width, height = size
    figure = {
        "data": [{"type": "choroplethmap", **choropleth_props(geojson, scale),
                  "marker_opacity": 1},
                 *(trace.to_plotly_json() for trace in overlays)],
        "layout": {
            "template": template_json(),
            "map": {"style": "white-bg", "center": box.center,
                    "zoom": box.zoom_for(width * 0.8, height * 0.85)},
            "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
            "uirevision": "mapa",
            "meta": {"label_headings": {}},
            "legend": {"x": 0.01, "y": 0.99, "yanchor": "top", "orientation": "v",
                       "bgcolor": "rgba(255,255,255,0.85)"},
            "clickmode": "event",
        },
    }
    figure["data"][0]["marker"]["opacity"] = figure["data"][0].pop("marker_opacity")
    payload = map_values_patch_payload(values, names, measure, scale, unit, selected=selected)
    return apply_patch_payload(figure, payload)
