"""The locality map card: geometry once per page load, then value-only patches.

:func:`base_map_figure` builds the figure (the vector ``geo`` map of
:mod:`layers.geo_map`, the same one the exports print) that the layout embeds,
once per data version; afterwards every state change returns a ``dash.Patch``
of the paths in :func:`map_patch_payload`: values, colours, labels, hover text,
outlines, overlay visibility, the framing (urban area or whole district, also
in the URL as ``encuadre``) and the drawn state. No callback here sends
``geojson``.

A click on a locality selects it; with Shift, Ctrl or Cmd held (recorded by
``assets/map_modifiers.js``) or with "Añadir a la selección" switched on, it is
added to (or removed from) the selection.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.io as pio
from dash import Input, Output, Patch, State, dcc, html

from callbacks.components import card, graph_config
from callbacks.downloads import download_menu
from callbacks.shell import STATE_STORE, current_view
from layers import (
    apply_patch_payload,
    build_geo_map,
    framing_payload,
    map_values_patch_payload,
    value_scale,
)
from layers.choropleth import LABELS_TRACE, VALUES_TRACE
from layers.geo_map import SCREEN_LABEL_AREAS
from layers.titles import describe_selection
from view import (
    FRAMINGS,
    OVERLAY_LABELS,
    GeoContext,
    Snapshot,
    View,
    ViewState,
    cached_view,
    current_snapshot,
)
from view import get_geo_context as geo_context

__all__ = [
    "ADD_TO_SELECTION",
    "MAP_CARD_TITLE",
    "MAP_CLEAR",
    "MAP_CLICK_STORE",
    "MAP_FRAMING",
    "MAP_GRAPH",
    "MAP_LAYERS",
    "MAP_NAME",
    "MAP_NOTE",
    "MAP_SIZE",
    "OVERLAY_TRACES",
    "base_map_figure",
    "drawn_state",
    "framing_payloads",
    "layer_options",
    "map_card",
    "map_figure",
    "map_patch_payload",
    "map_title",
    "register",
]

MAP_GRAPH = "map-graph"
MAP_CARD_TITLE = "map-title"
#: The map's accessible name (its card title, the selection in words, describes it).
MAP_NAME = "Mapa de Bogotá por localidad"
MAP_CLEAR = "map-clear"
MAP_NOTE = "map-note"
MAP_LAYERS = "map-layers"
MAP_FRAMING = "map-framing"
#: ``dcc.Store`` a clientside callback fills with ``{"code", "additive", "ts"}`` on click.
MAP_CLICK_STORE = "map-click-store"
ADD_TO_SELECTION = "map-add-to-selection"

#: Plot size (px) the map is laid out for (the map card on a 1366 px screen).
MAP_SIZE = (620, 560)
#: Index of each overlay trace in the dashboard map (after the values and labels).
OVERLAY_TRACES = {key: LABELS_TRACE + 1 + i for i, key in enumerate(OVERLAY_LABELS)}

HELP = (
    "Pulse una localidad para filtrar la serie, el resumen y la tabla; púlsela de nuevo "
    "para quitarla. Con Mayús o Ctrl pulsada (o con «Añadir a la selección») se suman "
    "varias. La tabla de abajo ofrece los mismos datos sin mapa."
)


def _values_and_scale(view: View) -> tuple[pd.DataFrame, Any, str]:
    if view.empty or view.scale is None:
        empty = pd.DataFrame(columns=["locality_code", "value", "target", "pct", "brecha",
                                      "status"])
        return empty, value_scale(empty, view.state.measure), ""
    return view.values, view.scale, view.indicator["unit"] if view.indicator else ""


def drawn_state(state: ViewState) -> dict[str, Any]:
    """What the map draws of ``state`` (``layout.meta.state``), so a reader of the
    drawn figure (a browser test) can tell which state it shows."""
    return {"indicator": state.indicator, "year": state.year, "quarter": state.quarter,
            "measure": state.measure, "localities": list(state.localities),
            "layers": list(state.layers), "framing": state.framing}


#: Share of the card's width the map may take; the colour bar and legend sit beside it.
#: The map keeps its aspect and centres in that share, on a laptop as on a phone.
MAP_SHARE = 0.78


def _figure(values: pd.DataFrame, scale: Any, unit: str, measure: str, geo: GeoContext,
            framing: str) -> dict[str, Any]:
    figure = build_geo_map(
        geo.geojson, values, geo.names, measure=measure, scale=scale,
        label_points=geo.label_points, framing=framing, bounds=geo.bounds,
        overlays=geo.overlay_traces(), unit=unit, size=MAP_SIZE,
        label_areas=SCREEN_LABEL_AREAS,
    ).to_plotly_json()
    layout = figure["layout"]
    layout["geo"]["domain"]["x"] = [0, MAP_SHARE]
    layout["legend"].update(x=MAP_SHARE + 0.02, y=0.02, yanchor="bottom")
    figure["data"][VALUES_TRACE]["colorbar"].update(x=MAP_SHARE + 0.02, xanchor="left")
    return figure


@functools.lru_cache(maxsize=4)
def framing_payloads(geo: GeoContext) -> dict[str, dict[tuple, Any]]:
    """``{framing: payload}``: what each framing sets on the map (built once per
    geometry: the window, label places and names, never values)."""
    empty = pd.DataFrame(columns=["locality_code", "value", "target", "pct", "brecha",
                                  "status"])
    scale = value_scale(empty, "avance")
    out = {}
    for framing in FRAMINGS:
        payload = framing_payload(_figure(empty, scale, "", "avance", geo, framing))
        payload[("layout", "uirevision")] = framing  # a new framing resets any zoom
        out[framing] = payload
    return out


def map_patch_payload(view: View, geo: GeoContext) -> dict[tuple, Any]:
    """Every path a state change sets on the dashboard map (never geometry).

    The framing's paths (:func:`framing_payloads`), the value and label paths of
    :func:`layers.choropleth.map_values_patch_payload`, ``data[i].visible`` of
    each overlay (on when its id is in ``state.layers``), ``data[0].showscale``
    (no colour bar when no indicator matches) and ``layout.meta.state``
    (:func:`drawn_state`).
    """
    framing = framing_payloads(geo)[view.state.framing]
    values, scale, unit = _values_and_scale(view)
    payload = dict(framing)
    payload.update(map_values_patch_payload(
        values, geo.names, view.state.measure, scale, unit, selected=view.state.localities,
        labels=True, label_headings=framing[("layout", "meta", "label_headings")],
    ))
    for key, index in OVERLAY_TRACES.items():
        payload[("data", index, "visible")] = key in view.state.layers
    payload[("data", VALUES_TRACE, "showscale")] = not view.empty
    payload[("layout", "meta", "state")] = drawn_state(view.state)
    return payload


_CLICK_JS = """
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
"""


def map_figure(view: View, geo: GeoContext) -> dict[str, Any]:
    """The whole map of ``view`` as a figure dict (geometry included): what the page
    embeds for its default state, and what an embedded map shows."""
    values, scale, unit = _values_and_scale(view)
    figure = _figure(values, scale, unit, view.state.measure, geo, view.state.framing)
    apply_patch_payload(figure, map_patch_payload(view, geo))
    figure["layout"]["dragmode"] = "pan"
    return figure


def _build_base_figure(snapshot: Snapshot, geo: GeoContext) -> str:
    view = cached_view(snapshot.default_state, snapshot.catalog)
    return pio.json.to_json_plotly(map_figure(view, geo))


def base_map_figure(snapshot: Snapshot | None = None) -> dict[str, Any]:
    """The map figure (a dict) embedded in the layout, geometry included.

    Built once per data version (kept in the snapshot; default: the current
    one) with the default state; the first state-store update patches in the
    values of the page's URL.
    """
    snapshot = snapshot or current_snapshot()
    text = snapshot.derived("base-map", lambda: _build_base_figure(snapshot, geo_context()))
    return json.loads(text)


def map_title(view: View, names: dict[str, str]) -> tuple[str, str]:
    """Title and subtitle of the map card, in words."""
    if view.empty or view.indicator is None:
        return "Mapa por localidad", ""
    return describe_selection(
        "mapa", indicator=f"{view.indicator['code']} {view.indicator['name']}",
        unit=view.indicator["unit"], year=view.cut.label, measure=view.state.measure,
        locality_names=[names.get(c, c) for c in view.state.localities],
    )


def layer_options(product_layer: str | None) -> list[dict]:
    """Overlay checklist options; the selected indicator's own layer says so."""
    return [
        {"label": label + (" · activos del indicador" if key == product_layer else ""),
         "value": key}
        for key, label in OVERLAY_LABELS.items()
    ]


def _product_layer(view: View) -> str | None:
    layer = (view.indicator or {}).get("layer", "")
    return layer or None


def map_card(snapshot: Snapshot, geo: GeoContext) -> dbc.Card:
    """The card with the base figure (geometry included)."""
    state = snapshot.default_state
    controls = html.Div(
        [
            dbc.Checklist(id=MAP_LAYERS, options=layer_options(None),
                          value=[v for v in state.layers if v in OVERLAY_LABELS],
                          inline=True, switch=True, className="map-layers"),
            dbc.RadioItems(
                id=MAP_FRAMING,
                options=[{"label": "Zona urbana", "value": "urbana"},
                         {"label": "Todo el Distrito", "value": "distrito"}],
                value="urbana", inline=True, className="map-framing",
            ),
            html.Div(
                [
                    dbc.Checklist(id=ADD_TO_SELECTION,
                                  options=[{"label": "Añadir a la selección", "value": "add"}],
                                  value=[], switch=True, inline=True),
                    dbc.Button("Quitar selección", id=MAP_CLEAR, size="sm",
                               color="secondary", outline=True),
                ],
                className="map-selection",
            ),
        ],
        className="map-controls",
    )
    body = [
        html.Div(id=MAP_NOTE, className="map-note", role="note"),
        html.Div(dcc.Graph(  # the slot holds the map's height while plotly.js loads
            id=MAP_GRAPH, figure=base_map_figure(snapshot), className="map-graph",
            responsive=True, style={"height": "var(--bti-map-height)"},
            config=graph_config("mapa-localidades", scrollZoom=False),
        ), className="graph-slot map-slot", role="figure",  # named in Spanish, not "Map"
            **{"aria-label": MAP_NAME, "aria-describedby": MAP_CARD_TITLE}),
        controls,
        html.P(HELP, className="form-text mb-0"),
        dcc.Store(id=MAP_CLICK_STORE),
    ]
    view = cached_view(state, snapshot.catalog)
    title, subtitle = map_title(view, geo.names)  # the first paint has its final title
    heading = [title, html.Small(subtitle, className="card-subtitle d-block text-muted")]
    return card(MAP_CARD_TITLE, heading, body, card_id="map-card",
                tools=download_menu("mapa"))


def _update_map(stored):
    geo = geo_context()
    view, _ = current_view(stored)
    patch = apply_patch_payload(Patch(), map_patch_payload(view, geo))
    title, subtitle = map_title(view, geo.names)
    note = view.message or view.map_note
    heading = [title, html.Small(subtitle, className="card-subtitle d-block text-muted")]
    return patch, heading, note, layer_options(_product_layer(view))


def register(app) -> None:
    """Attach the map's callbacks to ``app``: click (clientside) and update."""
    app.clientside_callback(
        _CLICK_JS,
        Output(MAP_CLICK_STORE, "data"),
        Output(MAP_GRAPH, "clickData"),
        Input(MAP_GRAPH, "clickData"),
        State(ADD_TO_SELECTION, "value"),
        prevent_initial_call=True,
    )
    app.callback(
        Output(MAP_GRAPH, "figure"),
        Output(MAP_CARD_TITLE, "children"),
        Output(MAP_NOTE, "children"),
        Output(MAP_LAYERS, "options"),
        Input(STATE_STORE, "data"),
        prevent_initial_call=True,
    )(_update_map)
