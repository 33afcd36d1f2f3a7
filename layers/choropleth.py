"""The locality choropleth's shared parts: framing, values, colours, hover, overlays.

The map (:mod:`layers.geo_map`), on screen and in every export, is built from
these pieces: one vector ``geo`` figure, so screen and print show the same
colours, colour bar, labels, hover text and outlines.

Trace layout (stable, so a ``dash.Patch`` can address it):

* ``data[0]`` (:data:`VALUES_TRACE`): the choropleth. Its ``locations`` list
  every locality in code order with the selected ones moved last, so their thick
  outline is drawn on top of the neighbours' thin borders.
* ``data[1]`` (:data:`LABELS_TRACE`): short text labels
  (values, percentages or status symbols) at each locality's label point, in
  code order.
* then the overlay traces (:func:`station_trace`, :func:`corridor_trace`);
  toggle one with ``data[i].visible``.

Changing year, measure, indicator or selection only needs the paths of
:data:`PATCH_PATHS`; :func:`map_values_patch_payload` returns exactly those
values (never geometry) and :func:`apply_patch_payload` writes them into a
``dash.Patch`` or a figure dict::

    patch = dash.Patch()
    apply_patch_payload(patch, map_values_patch_payload(values, names, ...))
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from data.schema import RURAL_CODES, STATUS_LABELS, STATUSES
from layers.formatting import format_number, format_percent, format_points, format_value
from layers.scales import Scale
from layers.theme import (
    BORDER_COLOR,
    INK,
    INK_MUTED,
    SELECTED_COLOR,
    STATUS_SYMBOLS,
    text_color_on,
)

__all__ = [
    "Bounds",
    "FRAMINGS",
    "HALO_LIGHT",
    "LABELS_TRACE",
    "PATCH_PATHS",
    "RURAL_CODES",
    "VALUES_TRACE",
    "apply_patch_payload",
    "check_map_inputs",
    "choropleth_props",
    "corridor_trace",
    "feature_codes",
    "framing_bounds",
    "iter_xy",
    "map_values_patch_payload",
    "merc_y",
    "station_trace",
]

#: "urbana" fits the 19 urban localities; "distrito" fits all 20 (Sumapaz is 48 % of the area).
FRAMINGS = ("urbana", "distrito")
#: Localities left out of the "urbana" framing.
VALUES_TRACE = 0
LABELS_TRACE = 1
#: Figure paths a value-only update sets (``"labels"`` paths only with ``labels=True``).
PATCH_PATHS: tuple[tuple[Any, ...], ...] = (
    ("data", 0, "locations"),
    ("data", 0, "z"),
    ("data", 0, "customdata"),
    ("data", 0, "zmin"),
    ("data", 0, "zmax"),
    ("data", 0, "colorscale"),
    ("data", 0, "colorbar", "title", "text"),
    ("data", 0, "colorbar", "tickvals"),
    ("data", 0, "colorbar", "ticktext"),
    ("data", 0, "marker", "line", "width"),
    ("data", 0, "marker", "line", "color"),
    ("data", 1, "text"),
    ("data", 1, "textfont", "color"),
    ("data", 1, "textfont", "shadow"),
)
HOVER_TEMPLATE = (
    "<b>%{customdata[0]}</b><br>"
    "Avance a la fecha: %{customdata[1]}<br>"
    "Meta a la fecha: %{customdata[2]}<br>"
    "Avance en el periodo: %{customdata[3]}<br>"
    "Brecha: %{customdata[5]}<br>"
    "Semáforo: %{customdata[4]}"
    "<extra></extra>"
)
_BORDER_WIDTH = 0.8
_SELECTED_WIDTH = 3.0
_PAD = 0.04  # share of the span added around framed bounds
#: Text halos that keep labels legible where they spill over a neighbour.
HALO_LIGHT = "0 0 2px #FFFFFF, 0 0 3px #FFFFFF"
_HALO_DARK = "0 0 2px rgba(0,0,0,0.7)"


@dataclass(frozen=True)
class Bounds:
    """A lon/lat box (EPSG:4326)."""

    west: float
    south: float
    east: float
    north: float

    @property
    def center(self) -> dict[str, float]:
        """``{"lon": ..., "lat": ...}`` of the box centre (Mercator-correct latitude)."""
        y = (merc_y(self.south) + merc_y(self.north)) / 2
        lat = math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)
        return {"lon": (self.west + self.east) / 2, "lat": lat}

    def padded(self, share: float = _PAD) -> Bounds:
        """The box grown by ``share`` of its span on every side."""
        dx, dy = (self.east - self.west) * share, (self.north - self.south) * share
        return Bounds(self.west - dx, self.south - dy, self.east + dx, self.north + dy)


def merc_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def iter_xy(coords: Any) -> Iterable[tuple[float, float]]:
    if coords and isinstance(coords[0], (int, float)):
        yield float(coords[0]), float(coords[1])
        return
    for part in coords:
        yield from iter_xy(part)


def _box(geojson: Mapping[str, Any], keep: Any) -> Bounds:
    xs: list[float] = []
    ys: list[float] = []
    for feature in geojson["features"]:
        if keep(str(feature.get("id"))):
            for x, y in iter_xy(feature["geometry"]["coordinates"]):
                xs.append(x)
                ys.append(y)
    if not xs:
        raise ValueError("no hay geometrías para calcular el encuadre")
    return Bounds(min(xs), min(ys), max(xs), max(ys))


def framing_bounds(
    localities: gpd.GeoDataFrame | Mapping[str, Any],
    id_field: str = "code",
    rural: Sequence[str] = RURAL_CODES,
) -> dict[str, Bounds]:
    """Bounds of both framings, computed once by the caller.

    Parameters
    ----------
    localities : GeoDataFrame or dict
        The display localities (EPSG:4326), or their FeatureCollection from
        :func:`layers.geojson.to_feature_collection`.
    id_field : str
        Code column of a GeoDataFrame.
    rural : sequence of str
        Codes left out of the ``"urbana"`` framing (Sumapaz, ``"20"``).

    Returns
    -------
    dict
        ``{"urbana": Bounds, "distrito": Bounds}`` (unpadded).
    """
    if isinstance(localities, gpd.GeoDataFrame):
        if localities.crs is None:
            raise ValueError("las localidades no tienen CRS; asigne EPSG:4326")
        gdf = localities.to_crs("EPSG:4326")
        urban = gdf[~gdf[id_field].astype(str).isin(rural)]
        return {
            "urbana": Bounds(*(float(v) for v in urban.total_bounds)),
            "distrito": Bounds(*(float(v) for v in gdf.total_bounds)),
        }
    return {
        "urbana": _box(localities, lambda code: code not in rural),
        "distrito": _box(localities, lambda code: True),
    }


def feature_codes(geojson: Mapping[str, Any]) -> list[str]:
    """The locality codes of a FeatureCollection, sorted."""
    return sorted(str(f["id"]) for f in geojson["features"])


def _rows_by_code(values: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """One row per code (in ``codes`` order); missing localities have no figure."""
    table = values.copy()
    table["locality_code"] = table["locality_code"].astype(str)
    table = table.drop_duplicates("locality_code").set_index("locality_code")
    table = table.reindex(list(codes))
    for column in ("value", "target", "pct", "brecha"):
        if column not in table:
            table[column] = float("nan")
        table[column] = pd.to_numeric(table[column], errors="coerce").astype(float)
    if "status" not in table:
        table["status"] = "sin_dato"
    status = table["status"].astype(object)
    table["status"] = status.where(status.isin(STATUSES), "sin_dato")
    return table.rename_axis("locality_code").reset_index()


def _label_text(row: pd.Series, measure: str, heading: str | None) -> str:
    number = {"valor": "value", "avance": "pct", "brecha": "brecha"}.get(measure, "pct")
    if measure == "semaforo" or row["status"] == "futuro":
        text = STATUS_SYMBOLS[row["status"]]
    elif math.isnan(row[number]):
        text = STATUS_SYMBOLS["sin_dato"]
    elif measure == "avance":
        text = format_percent(row["pct"])
    elif measure == "brecha":
        text = format_points(row["brecha"])
    else:
        text = format_number(row["value"], None)
    if not heading:
        return f"<b>{text}</b>"
    joiner = " " if heading.endswith("↓") else "<br>"
    return f"{heading}{joiner}<b>{text}</b>"


def map_values_patch_payload(
    values: pd.DataFrame,
    names: Mapping[str, str],
    measure: str,
    scale: Scale,
    unit: str = "",
    *,
    selected: Iterable[str] = (),
    labels: bool = False,
    label_headings: Mapping[str, str] | None = None,
) -> dict[tuple[Any, ...], Any]:
    """Everything a year/measure/indicator/selection change sets on the map.

    Parameters
    ----------
    values : DataFrame
        ``[locality_code, value, target, pct, brecha, status]`` of one indicator
        at one cut. Localities absent from it have no figure ("Sin dato").
    names : mapping
        Code -> Spanish name of every locality drawn (its keys fix the codes).
    measure : {"valor", "avance", "semaforo", "brecha"}
        What the map colours; must match ``scale.measure``.
    scale : Scale
        From :func:`layers.scales.value_scale` (fixed across years).
    unit : str
        Indicator unit for the hover text.
    selected : iterable of str
        Codes to outline.
    labels : bool
        Include the text label paths (``data[1]``), for figures built with labels.
    label_headings : mapping, optional
        Code -> line written above the value in the label (the locality name);
        :func:`build_locality_map` stores what it used in
        ``fig.layout.meta["label_headings"]`` so a patch can pass the same.

    Returns
    -------
    dict
        ``{path: value}`` with the paths of :data:`PATCH_PATHS`; no geometry.
    """
    if scale.measure != measure:
        raise ValueError(f"la escala es de {scale.measure!r} y la medida es {measure!r}")
    codes = sorted(str(c) for c in names)
    chosen = {str(c) for c in selected} & set(codes)
    order = [c for c in codes if c not in chosen] + [c for c in codes if c in chosen]
    rows = _rows_by_code(values, order)
    z = scale.z_values(rows)
    unit_text = unit.strip()
    customdata = [
        [
            names[row.locality_code],
            format_value(row.value, unit_text),
            format_value(row.target, unit_text),
            format_percent(row.pct),
            f"{STATUS_SYMBOLS[row.status]} {STATUS_LABELS[row.status]}",
            format_points(row.brecha, 1),
        ]
        for row in rows.itertuples(index=False)
    ]
    payload: dict[tuple[Any, ...], Any] = {
        ("data", 0, "locations"): order,
        ("data", 0, "z"): z,
        ("data", 0, "customdata"): customdata,
        ("data", 0, "zmin"): scale.zmin,
        ("data", 0, "zmax"): scale.zmax,
        ("data", 0, "colorscale"): [list(stop) for stop in scale.colorscale],
        ("data", 0, "colorbar", "title", "text"): _colorbar_title(scale),
        ("data", 0, "colorbar", "tickvals"): list(scale.tickvals),
        ("data", 0, "colorbar", "ticktext"): list(scale.ticktext),
        ("data", 0, "marker", "line", "width"): [
            _SELECTED_WIDTH if c in chosen else _BORDER_WIDTH for c in order
        ],
        ("data", 0, "marker", "line", "color"): [
            SELECTED_COLOR if c in chosen else BORDER_COLOR for c in order
        ],
    }
    if labels:
        by_code = _rows_by_code(values, codes)
        label_z = scale.z_values(by_code)
        payload[("data", 1, "text")] = [
            _label_text(row, measure, (label_headings or {}).get(row["locality_code"]))
            for _, row in by_code.iterrows()
        ]
        colors = [text_color_on(scale.color_at(v)) for v in label_z]
        payload[("data", 1, "textfont", "color")] = colors
        payload[("data", 1, "textfont", "shadow")] = [
            HALO_LIGHT if c == INK else _HALO_DARK for c in colors
        ]
    return payload


def apply_patch_payload(target: Any, payload: Mapping[tuple[Any, ...], Any]) -> Any:
    """Write ``payload`` into ``target`` by item access along each path.

    ``target`` may be a ``dash.Patch`` (callbacks) or a figure dict
    (``fig.to_dict()``, whose intermediate keys must exist). Returns ``target``.
    """
    for path, value in payload.items():
        node = target
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return target


def _colorbar_title(scale: Scale) -> str:
    # An invisible second line keeps the title clear of the top tick label.
    return f"<b>{scale.title}</b><br><span style='color:rgba(0,0,0,0)'>.</span>"


def _colorbar(scale: Scale) -> dict[str, Any]:
    return {
        # The spacer line keeps the title clear of the top tick label.
        "title": {"text": _colorbar_title(scale), "side": "top", "font": {"size": 13}},
        "tickvals": list(scale.tickvals),
        "ticktext": list(scale.ticktext),
        "thickness": 14,
        "len": 0.62,
        "lenmode": "fraction",
        "x": 1.0,
        "xanchor": "left",
        "y": 0.98,
        "yanchor": "top",
        "outlinewidth": 0,
        "ticks": "",
        "tickfont": {"size": 12, "color": INK},
        "bgcolor": "rgba(255,255,255,0.85)",
    }


def check_map_inputs(geojson: Mapping[str, Any], names: Mapping[str, str], framing: str
                     ) -> None:
    """Refuse an unknown framing or a locality without a name, naming the problem."""
    if framing not in FRAMINGS:
        raise ValueError(f"encuadre desconocido {framing!r}; use 'urbana' o 'distrito'")
    missing = set(feature_codes(geojson)) - {str(c) for c in names}
    if missing:
        raise ValueError(f"faltan nombres para las localidades {sorted(missing)}")


def choropleth_props(geojson: Mapping[str, Any], scale: Scale) -> dict[str, Any]:
    """Properties both renderings of the values trace share (values come by payload)."""
    return {
        "geojson": dict(geojson),
        "locations": [],
        "z": [],
        "hovertemplate": HOVER_TEMPLATE,
        "marker": {"line": {"width": _BORDER_WIDTH, "color": BORDER_COLOR}},
        "colorbar": _colorbar(scale),
        "name": "",
        "showlegend": False,
    }


def _name_column(gdf: gpd.GeoDataFrame, name_field: str, fallbacks: Sequence[str]) -> pd.Series:
    for column in (name_field, *fallbacks):
        if column in gdf.columns:
            return gdf[column].astype(str)
    return pd.Series([""] * len(gdf), index=gdf.index)


def station_trace(
    stations: gpd.GeoDataFrame,
    *,
    name_field: str = "name",
    outside_field: str | None = "outside_district",
    label: str = "Estaciones TransMilenio",
) -> go.Scattergeo:
    """Point overlay of TransMilenio stations, built once.

    Parameters
    ----------
    stations : GeoDataFrame
        Points in EPSG:4326 (reprojected if needed).
    name_field : str
        Station name column (falls back to ``nombre_estacion``, the raw field).
    outside_field : str, optional
        Boolean column flagging stations outside the district (e.g. Soacha);
        they are kept and said so in the hover text.
    label : str
        Legend entry.
    """
    if stations.crs is None:
        raise ValueError("las estaciones no tienen CRS; asigne EPSG:4326")
    pts = stations.to_crs("EPSG:4326")
    pts = pts[pts.geometry.notna() & ~pts.geometry.is_empty]
    names = _name_column(pts, name_field, ("nombre_estacion",))
    if outside_field and outside_field in pts.columns:
        flag = pts[outside_field].fillna(False).astype(bool)
        names = names.where(~flag, names + " (fuera del Distrito)")
    common = {
        "lon": pts.geometry.x.round(5).tolist(),
        "lat": pts.geometry.y.round(5).tolist(),
        "mode": "markers",
        "text": names.tolist(),
        "hovertemplate": "%{text}<extra>" + label + "</extra>",
        "name": label,
        "showlegend": True,
    }
    return go.Scattergeo(
        **common,
        marker={"size": 4, "color": "#FFFFFF", "line": {"width": 1, "color": "#222222"}},
    )


def corridor_trace(
    corridors: gpd.GeoDataFrame,
    *,
    name_field: str = "name",
    label: str = "Troncales TransMilenio",
) -> go.Scattergeo:
    """Line overlay of the trunk corridors (one trace, parts split by ``None``), built once."""
    if corridors.crs is None:
        raise ValueError("las troncales no tienen CRS; asigne EPSG:4326")
    lines = corridors.to_crs("EPSG:4326")
    names = _name_column(lines, name_field, ("nombre_trazado_troncal", "troncal"))
    lon: list[float | None] = []
    lat: list[float | None] = []
    text: list[str | None] = []
    for geom, name in zip(lines.geometry, names, strict=True):
        if geom is None or geom.is_empty:
            continue
        for part in getattr(geom, "geoms", [geom]):
            xs, ys = part.xy
            lon += [round(x, 5) for x in xs] + [None]
            lat += [round(y, 5) for y in ys] + [None]
            text += [name] * len(xs) + [None]
    common = {
        "lon": lon,
        "lat": lat,
        "mode": "lines",
        "text": text,
        "hovertemplate": "%{text}<extra>" + label + "</extra>",
        "name": label,
        "showlegend": True,
        "line": {"width": 1.6, "color": INK_MUTED},
    }
    return go.Scattergeo(**common)
