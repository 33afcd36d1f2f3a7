"""Fixtures of the layer tests: tiny in-code tables and the real localities, simplified."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from data.config import load_settings
from data.schema import CITYWIDE, LOCALITY_CODES, YEARS

NAMES = {
    "01": "Usaquén", "02": "Chapinero", "03": "Santa Fe", "04": "San Cristóbal",
    "05": "Usme", "06": "Tunjuelito", "07": "Bosa", "08": "Kennedy", "09": "Fontibón",
    "10": "Engativá", "11": "Suba", "12": "Barrios Unidos", "13": "Teusaquillo",
    "14": "Los Mártires", "15": "Antonio Nariño", "16": "Puente Aranda",
    "17": "La Candelaria", "18": "Rafael Uribe Uribe", "19": "Ciudad Bolívar",
    "20": "Sumapaz",
}


def _status(pct: float) -> str:
    from data.method import status_of

    return status_of(pct)


def make_values(
    year: int, *, scale: float = 1.0, missing: tuple[str, ...] = ("03",)
) -> pd.DataFrame:
    """Per-locality values of one indicator and year, deterministic."""
    codes = list(LOCALITY_CODES)
    target = np.array([10.0 + i for i in range(len(codes))]) * scale
    share = np.array([0.5 + ((i * 7 + year) % 10) / 10 for i in range(len(codes))])
    value = np.round(target * share, 1)
    frame = pd.DataFrame({"locality_code": codes, "value": value, "target": target})
    frame.loc[frame["locality_code"].isin(missing), "value"] = np.nan
    frame["pct"] = frame["value"] / frame["target"]
    frame["brecha"] = (frame["pct"] - 1) / 4
    frame["status"] = [_status(p) for p in frame["pct"]]
    return frame


def make_series(*, scale: float = 1.0, last_year: int = 2026) -> pd.DataFrame:
    """The indicator series 2023-2032 (localities and city "00"); no values after last_year."""
    frames = []
    for year in YEARS:
        frame = make_values(year, scale=scale * (1 + (year - 2023) / 10))
        if year > last_year:
            frame[["value", "pct", "brecha"]] = np.nan
            frame["status"] = "futuro"
        frame.insert(0, "year", year)
        frame["period"] = f"{year}-T4"
        frame["future"] = year > last_year
        frames.append(frame)
    local = pd.concat(frames, ignore_index=True)
    city = local.groupby("year", as_index=False)[["value", "target"]].sum(min_count=1)
    city["locality_code"] = CITYWIDE
    city["pct"] = city["value"] / city["target"]
    city["brecha"] = (city["pct"] - 1) / 4
    city["status"] = [_status(p) if y <= last_year else "futuro"
                      for p, y in zip(city["pct"], city["year"], strict=True)]
    city["period"] = [f"{y}-T4" for y in city["year"]]
    city["future"] = city["year"] > last_year
    return pd.concat([local, city[local.columns]], ignore_index=True)


@pytest.fixture
def names() -> dict[str, str]:
    return dict(NAMES)


@pytest.fixture
def series() -> pd.DataFrame:
    return make_series()


@pytest.fixture(scope="session")
def display_localities() -> gpd.GeoDataFrame:
    """The 20 real localities, simplified as the ingest does (coverage, 20 m, EPSG:9377)."""
    sources = load_settings().sources_dir
    path = sources / "localidades.geojson" if sources else None
    if path is None or not path.is_file():
        pytest.skip("no está localidades.geojson (../shared/data o BOGOTA_TI_SOURCES)")
    raw = gpd.read_file(path)
    metric = raw.to_crs("EPSG:9377")
    simplified = shapely.coverage_simplify(metric.geometry.to_numpy(), 20.0)
    gdf = gpd.GeoDataFrame(
        {"code": raw["LocCodigo"].astype(str).str.zfill(2)}, geometry=simplified,
        crs="EPSG:9377",
    )
    gdf["area_km2"] = gdf.area / 1e6
    gdf = gdf.to_crs("EPSG:4326")
    gdf["name"] = gdf["code"].map(NAMES)
    return gdf.sort_values("code", ignore_index=True)


@pytest.fixture
def squares() -> gpd.GeoDataFrame:
    """Three tiny square 'localities' in EPSG:4326 (a fast stand-in for the real ones)."""
    boxes = [shapely.box(-74.2 + i * 0.1, 4.5, -74.1 + i * 0.1, 4.6) for i in range(3)]
    return gpd.GeoDataFrame({"code": ["02", "01", "20"], "name": ["B", "A", "Rural"]},
                            geometry=boxes, crs="EPSG:4326")
