"""The locality map: geometry once per page load, then value-only patches.

:func:`base_map_figure` builds the figure (with the display geometry) that the
layout embeds; afterwards every state change returns a ``dash.Patch`` of the
paths in :func:`map_patch_payload` (values, colours, hover text, outlines and
overlay visibility). The framing switch (urban area or whole district) runs in
the browser: MapLibre fits the box to the map's real size, on a laptop or a
phone. No callback here sends ``geojson``.

A click on a locality selects it; with Shift, Ctrl or Cmd held (recorded by
``assets/map_modifiers.js``) or with "Añadir a la selección" switched on, it is
added to (or removed from) the selection.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pandas as pd
import plotly.io as pio
from dash import Input, Output, Patch, State, html

from callbacks import ids
from callbacks.context import OVERLAY_LABELS, GeoContext, get_geo_context
from callbacks.features import dashboard_callback, dashboard_clientside_callback
from callbacks.store import stored_state
from callbacks.view_model import View, cached_view, default_state
from data.catalog import Catalog
from data.repository import get_catalog
from layers.map_figure import (
    VALUES_TRACE,
    apply_patch_payload,
    build_locality_map,
    map_values_patch_payload,
)
from layers.scales import value_scale
from layers.titles import describe_selection

__all__ = [
    "FIT_BOUNDS_JS",
    "MAP_SIZE",
    "OVERLAY_TRACES",
    "POLYGONS_UID",
    "base_map_figure",
    "framing_boxes",
    "layer_options",
    "map_patch_payload",
    "map_title",
    "toggle_locality",
]

#: Plot size (px) the map's zoom is fitted to (the map card on a 1366 px screen).
MAP_SIZE = (620, 470)
#: Trace uid of the polygons (their MapLibre layers stay under the overlays).
POLYGONS_UID = "localidades"
#: Index of each overlay trace in the dashboard map (after the values trace).
OVERLAY_TRACES = {key: VALUES_TRACE + 1 + i for i, key in enumerate(OVERLAY_LABELS)}


def toggle_locality(selected: Iterable[str], code: str, additive: bool) -> tuple[str, ...]:
    """The selection after a click on ``code``.

    A plain click selects only ``code`` (or clears the selection when ``code``
    was the only one selected); an additive click (Shift/Ctrl or the "añadir"
    switch) adds ``code`` or removes it if it was selected.
    """
    chosen = tuple(sorted(set(selected)))
    if additive:
        return tuple(sorted(set(chosen) ^ {code}))
    return () if chosen == (code,) else (code,)


def _values_and_scale(view: View) -> tuple[pd.DataFrame, Any, str]:
    if view.empty or view.scale is None:
        empty = pd.DataFrame(columns=["locality_code", "value", "target", "pct", "status"])
        return empty, value_scale(empty, view.state.measure), ""
    return view.values, view.scale, view.product["unit"] if view.product else ""


def map_patch_payload(view: View, names: dict[str, str]) -> dict[tuple, Any]:
    """Every path a state change sets on the dashboard map (never geometry).

    The value paths of :func:`layers.map_figure.map_values_patch_payload` plus
    ``data[i].visible`` of each overlay (on when its id is in ``state.layers``)
    and ``data[0].showscale`` (no colour bar when no product matches).
    """
    values, scale, unit = _values_and_scale(view)
    payload = map_values_patch_payload(
        values, names, view.state.measure, scale, unit, selected=view.state.localities
    )
    for key, index in OVERLAY_TRACES.items():
        payload[("data", index, "visible")] = key in view.state.layers
    payload[("data", VALUES_TRACE, "showscale")] = not view.empty
    return payload


def framing_boxes(geo: GeoContext) -> dict[str, list[list[float]]]:
    """``{framing: [[west, south], [east, north]]}`` of each framing, padded, for MapLibre."""
    boxes = {}
    for framing, bounds in geo.bounds.items():
        box = bounds.padded(0.02)
        boxes[framing] = [[round(box.west, 5), round(box.south, 5)],
                          [round(box.east, 5), round(box.north, 5)]]
    return boxes


#: Fits the map to the chosen framing once the map exists (retrying while it loads);
#: then marks the graph ``data-framed="<framing>"``.
FIT_BOUNDS_JS = """
function(framing, boxes) {
    const box = boxes[framing] || boxes["urbana"];
    let tries = 0;
    function fit() {
        const gd = document.querySelector("#%(graph)s .js-plotly-plot");
        const subplot = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
        if (!subplot || !subplot.map || !subplot.map.loaded()) {
            if (tries++ < 50) { setTimeout(fit, 200); }
            return;
        }
        subplot.map.fitBounds(box, {padding: 8, animate: false});
        gd.setAttribute("data-framed", framing);
    }
    fit();
    return framing;
}
"""


@lru_cache(maxsize=4)
def _base_figure_json(version_id: int, catalog_key: int) -> str:
    catalog = get_catalog()
    geo = get_geo_context()
    view = cached_view(default_state(catalog), catalog)
    values, scale, unit = _values_and_scale(view)
    fig = build_locality_map(
        geo.geojson, values, geo.names, measure=view.state.measure, scale=scale,
        kind="map", framing="urbana", bounds=geo.bounds,
        overlays=geo.overlay_traces("map"), unit=unit, size=MAP_SIZE,
    )
    figure = fig.to_dict()
    apply_patch_payload(figure, map_patch_payload(view, geo.names))
    # Stable uids name the MapLibre layers ("plotly-trace-layer-<uid>-<kind>"), so
    # assets/map_overlays.js can keep the overlays above the polygons after every
    # redraw (Plotly may re-create a trace's layers in any order).
    for key, index in OVERLAY_TRACES.items():
        figure["data"][index]["uid"] = key
    figure["data"][VALUES_TRACE]["uid"] = POLYGONS_UID
    figure["layout"]["legend"]["bgcolor"] = "rgba(255,255,255,0.85)"
    return pio.json.to_json_plotly(figure)


def base_map_figure(catalog: Catalog | None = None) -> dict[str, Any]:
    """The map figure (a dict) embedded in the layout, geometry included, built once per version.

    It shows the default state; the first state-store update patches in the
    values of the page's URL. A dict, not a ``go.Figure``: Plotly's serialisation
    would drop the trace ``uid`` that keeps the overlays above the polygons.
    """
    catalog = catalog or get_catalog()
    return json.loads(_base_figure_json(catalog.version.version_id, id(catalog)))


def map_title(view: View, names: dict[str, str]) -> tuple[str, str]:
    """Title and subtitle of the map card, in words."""
    if view.empty or view.product is None:
        return "Mapa por localidad", ""
    return describe_selection(
        "mapa", indicator=view.product["name"], unit=view.product["unit"],
        year=view.state.year, measure=view.state.measure,
        locality_names=[names.get(c, c) for c in view.state.localities],
    )


def layer_options(product_layer: str | None) -> list[dict]:
    """Overlay checklist options; the selected product's own layer says so."""
    return [
        {"label": label + (" · activos del producto" if key == product_layer else ""),
         "value": key}
        for key, label in OVERLAY_LABELS.items()
    ]


def _product_layer(view: View, catalog: Catalog) -> str | None:
    if view.product is None:
        return None
    layers = catalog.products.set_index("product_id")["layer"]
    layer = layers.get(view.product["product_id"])
    return str(layer) if isinstance(layer, str) and layer.strip() else None


dashboard_clientside_callback(
    """
    function(clickData, addToggle) {
        const noUpdate = window.dash_clientside.no_update;
        if (!clickData || !clickData.points || !clickData.points.length) {
            return [noUpdate, noUpdate];
        }
        const point = clickData.points[0];
        if (point.curveNumber !== 0 || point.location === undefined) {
            return [noUpdate, null];
        }
        const modifier = Boolean(window.btiMapModifier && window.btiMapModifier.active);
        const additive = modifier || Boolean(addToggle && addToggle.length);
        return [{code: String(point.location), additive: additive, ts: Date.now()}, null];
    }
    """,
    Output(ids.MAP_CLICK_STORE, "data"),
    Output(ids.MAP_GRAPH, "clickData"),
    Input(ids.MAP_GRAPH, "clickData"),
    State(ids.ADD_TO_SELECTION, "value"),
    prevent_initial_call=True,
)


dashboard_clientside_callback(
    FIT_BOUNDS_JS % {"graph": ids.MAP_GRAPH},
    Output(ids.MAP_FRAMED, "data"),
    Input(ids.MAP_FRAMING, "value"),
    State(ids.MAP_BOXES, "data"),
)


@dashboard_callback(
    Output(ids.MAP_GRAPH, "figure"),
    Output(ids.MAP_CARD_TITLE, "children"),
    Output(ids.MAP_NOTE, "children"),
    Output(ids.MAP_LAYERS, "options"),
    Input(ids.STATE_STORE, "data"),
    prevent_initial_call=True,
)
def _update_map(stored):
    catalog, geo = get_catalog(), get_geo_context()
    patch = Patch()
    view = cached_view(stored_state(stored), catalog)
    apply_patch_payload(patch, map_patch_payload(view, geo.names))
    title, subtitle = map_title(view, geo.names)
    note = view.message or view.map_note
    heading = [title, html.Small(subtitle, className="card-subtitle d-block text-muted")]
    return patch, heading, note, layer_options(_product_layer(view, catalog))
