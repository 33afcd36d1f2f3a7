"""Geometry-derived objects built once per process, shared by callbacks and exports.

Everything here is computed at start-up from the cached display layers; no
callback ever touches a GeoDataFrame.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from data.geodata import load_corridors, load_display_localities, load_stations
from layers.choropleth import Bounds, corridor_trace, framing_bounds, station_trace
from layers.geojson import label_points, to_feature_collection

__all__ = ["OVERLAY_LABELS", "GeoContext", "build_geo_context", "get_geo_context"]

#: Overlay layer ids (URL ``capas``) and their Spanish labels.
OVERLAY_LABELS = {
    "tm-estaciones": "Estaciones TransMilenio",
    "tm-troncales": "Troncales TransMilenio",
}


@dataclass(frozen=True, eq=False)
class GeoContext:
    """Display geometry and its derived, JSON-ready pieces.

    Attributes
    ----------
    localities : GeoDataFrame
        Display localities (code, name, area_km2, geometry), EPSG:4326.
    geojson : dict
        FeatureCollection with feature ids = locality codes (sent to the browser once).
    names : dict
        Code -> Spanish name.
    bounds : dict
        ``{"urbana": Bounds, "distrito": Bounds}``.
    label_points : DataFrame
        ``[code, lon, lat]`` where a text label can sit.
    overlays : dict
        ``{layer_id: go.Scattergeo}``, built once.
    stations : GeoDataFrame
        Stations with their locality (``locality_code``) and ``in_district`` flag.
    """

    localities: gpd.GeoDataFrame
    geojson: dict[str, Any]
    names: dict[str, str]
    bounds: dict[str, Bounds]
    label_points: pd.DataFrame
    overlays: dict[str, go.Scattergeo]
    stations: gpd.GeoDataFrame

    def overlay_traces(self, layers: tuple[str, ...] = tuple(OVERLAY_LABELS)):
        """The overlay traces of ``layers``, in :data:`OVERLAY_LABELS` order."""
        return [self.overlays[key] for key in OVERLAY_LABELS if key in layers]


def build_geo_context(cache_dir: Path | None = None) -> GeoContext:
    """Build the context from the geodata cache (``data.geodata``)."""
    localities = load_display_localities(cache_dir)
    stations = load_stations(cache_dir)
    stations = stations.assign(outside_district=~stations["in_district"].astype(bool))
    corridors = load_corridors(cache_dir)
    overlays = {"tm-estaciones": station_trace(stations),
                "tm-troncales": corridor_trace(corridors)}
    return GeoContext(
        localities=localities,
        geojson=to_feature_collection(localities, id_field="code"),
        names=dict(zip(localities["code"].astype(str), localities["name"], strict=True)),
        bounds=framing_bounds(localities),
        label_points=label_points(localities),
        overlays=overlays,
        stations=stations,
    )


@lru_cache(maxsize=4)
def get_geo_context(cache_dir: Path | None = None) -> GeoContext:
    """The process-wide :class:`GeoContext` (built on first call)."""
    return build_geo_context(cache_dir)
