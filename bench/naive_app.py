"""The naive baseline: one callback rebuilds ``px.choropleth_map`` from the raw layer.

What DESIGN.md warns against, built on purpose so the benchmark measures the
real app beside it in the same run: the full-resolution GeoDataFrame (read once
from ``localidades.geojson``) goes into ``px.choropleth_map`` on every
interaction (year, axis, locality click), so every response carries the whole
geometry. Values come from the progress cube (:mod:`data.progress`); the naive part
is the geometry, rebuilt on every interaction.
Served like the app: ``gunicorn -c app/gunicorn.conf.py bench.naive_app:server``.
"""

from __future__ import annotations

import dash
import geopandas as gpd
import pandas as pd
import plotly.express as px
from dash import Input, Output, dcc, html

from data.config import load_settings
from data.method import Period
from data.progress import PLACES, build_progress_cube
from data.repository import get_catalog
from data.schema import YEARS

__all__ = ["app", "naive_figure", "server"]


def _raw_localities() -> gpd.GeoDataFrame:
    sources = load_settings().sources_dir
    if sources is None:
        raise RuntimeError("falta la carpeta de geodatos (BOGOTA_TI_SOURCES o ../shared/data)")
    raw = gpd.read_file(sources / "localidades.geojson")
    return raw.assign(code=raw["LocCodigo"].astype(str).str.zfill(2)).set_index("code")


RAW = _raw_localities()
CATALOG = get_catalog()
CUBE = build_progress_cube(CATALOG)


def naive_figure(year: int, axis: str | None, selected: str | None):
    """Rebuild the whole choropleth (geometry included) for one interaction."""
    indicators = CATALOG.indicators[CATALOG.indicators["by_locality"]]
    if axis and (indicators["axis_id"] == axis).any():
        indicators = indicators[indicators["axis_id"] == axis]
    i = CUBE.position(str(indicators["code"].iloc[0]))
    t = min(Period(year, 4), CATALOG.version.cut).index
    values = pd.DataFrame({"value": CUBE.av[i, 1:, t], "pct": CUBE.phv[i, 1:, t],
                           "status": CUBE.status[i, 1:, t]}, index=list(PLACES[1:]))
    frame = RAW.join(values)
    fig = px.choropleth_map(
        frame, geojson=frame.geometry, locations=frame.index, color="value",
        hover_name="LocNombre", map_style="white-bg", center={"lat": 4.6, "lon": -74.1},
        zoom=9, opacity=0.8,
    )
    if selected:
        fig.update_layout(title=f"Localidad {selected}")
    return fig


app = dash.Dash(__name__, title="Línea base ingenua", compress=True)  # gzip, as the app
app.layout = html.Div([
    dcc.Dropdown(id="naive-year", options=list(YEARS), value=YEARS[3]),
    dcc.Dropdown(id="naive-axis", options=list(CATALOG.axes["axis_id"]), value=None),
    dcc.Store(id="naive-click"),
    dcc.Graph(id="naive-map", figure=naive_figure(YEARS[3], None, None)),
])


@app.callback(
    Output("naive-map", "figure"),
    Input("naive-year", "value"),
    Input("naive-axis", "value"),
    Input("naive-click", "data"),
    prevent_initial_call=True,
)
def update(year, axis, click):
    """Every interaction: rebuild everything."""
    return naive_figure(int(year or YEARS[3]), axis, (click or {}).get("code"))


server = app.server
