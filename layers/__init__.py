"""Figures, without Dash: GeoDataFrames and tables in, Plotly figures (or dicts) out.

The map (screen and exports) is :mod:`layers.geo_map` on the pieces of
:mod:`layers.choropleth`; every chart gets its title block and source line from
:func:`layers.theme.dress`.
"""

from layers.choropleth import (
    Bounds,
    apply_patch_payload,
    corridor_trace,
    framing_bounds,
    map_values_patch_payload,
    station_trace,
)
from layers.geo_map import build_geo_map, framing_payload
from layers.locality_report import REPORT_SIZE, build_report_figure
from layers.press import ExportSize, build_export_figure, export_size
from layers.scales import MEASURES, Scale, value_scale
from layers.series_figure import build_series
from layers.status_figure import build_status_bars, entity_labels
from layers.theme import dress

__all__ = [
    "MEASURES",
    "REPORT_SIZE",
    "Bounds",
    "ExportSize",
    "Scale",
    "apply_patch_payload",
    "build_export_figure",
    "build_geo_map",
    "build_report_figure",
    "build_series",
    "build_status_bars",
    "corridor_trace",
    "dress",
    "entity_labels",
    "export_size",
    "framing_bounds",
    "framing_payload",
    "map_values_patch_payload",
    "station_trace",
    "value_scale",
]
