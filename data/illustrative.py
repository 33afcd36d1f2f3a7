"""Deterministic generator of the illustrative policy catalog.

The official action-plan matrix of *Bogotá Territorio Inteligente 2023-2032* is
not available in machine-readable form, so the dashboard ships this catalog:
the policy's real structure (6 axes, 7 objectives with their results, 36
products, 14 district entities, years 2023-2032) with plausible, **invented**
product names, indicators, baselines, targets and reports. Its data version
has ``illustrative=True`` and every screen and export says "Datos ilustrativos".

How the numbers are made (same output on every run; see ``data/README.md``):

* Targets go in a straight line from the baseline (2022) to the 2032 goal.
* Products reported by locality split the city's target among the 20
  localities with fixed weights (approximate population shares) for ``sum``
  indicators, or with a fixed per-locality factor around the city level for
  ``mean`` indicators; the city's target is the sum/mean of the localities'.
* Reports exist for 2023 to the cut-off year (2026, cut-off 2026-10-31). Each
  product has a profile (on track, at risk, behind, sparse, silent) that sets
  the share of the target reached; a seeded ``numpy`` generator adds small
  noise, shifts some localities one tier, and leaves some rows unreported.

Run ``python -m data.illustrative --out DIR [--format csv|xlsx]`` to write the
catalog in the matrix format read by :func:`data.matrix.load_matrix`.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from data.catalog import Catalog, DataVersion
from data.matrix import write_matrix
from data.schema import CITYWIDE, LOCALITY_CODES, YEARS
from data.validation import validate_tables

__all__ = ["CUTOFF_DATE", "SEED", "build_illustrative_catalog", "build_tables", "main"]

SEED = 20230531  # adoption date of the policy
CUTOFF_DATE = date(2026, 10, 31)
_BASE_YEAR = YEARS[0] - 1

AXES = (
    ("calidad-de-vida", "Calidad de vida"),
    ("ciudadania-digital", "Ciudadanía digital"),
    ("economia-inteligente", "Economía inteligente"),
    ("gobernanza-inteligente", "Gobernanza inteligente"),
    ("medio-ambiente", "Medio ambiente"),
    ("nueva-movilidad", "Nueva movilidad"),
)

OBJECTIVES = (
    (1, "Cerrar la brecha de acceso a internet en los hogares, sedes educativas y espacios "
        "públicos de todas las localidades.",
     "Conectividad significativa y asequible disponible en las 20 localidades, con "
     "prioridad en los territorios rurales y de estratos 1 y 2."),
    (2, "Fortalecer las habilidades digitales de la ciudadanía para un uso seguro, crítico "
        "y productivo de la tecnología.",
     "Ciudadanía con competencias digitales que participa y accede a servicios en línea."),
    (3, "Impulsar la economía digital, la innovación y el empleo en tecnología.",
     "Empresas y emprendimientos que adoptan tecnologías digitales y generan empleo de "
     "calidad."),
    (4, "Mejorar la gestión pública con datos abiertos, interoperabilidad y trámites "
        "digitales.",
     "Administración distrital que decide con datos y ofrece trámites y servicios "
     "digitales de punta a punta."),
    (5, "Usar la tecnología para monitorear y cuidar el ambiente y gestionar los riesgos.",
     "Información ambiental en tiempo real que orienta acciones para mejorar la calidad "
     "del aire y reducir riesgos."),
    (6, "Hacer la movilidad más segura, eficiente y sostenible con sistemas inteligentes "
        "de transporte.",
     "Viajes más cortos y seguros, con información en tiempo real para los usuarios del "
     "transporte público."),
    (7, "Mejorar la salud, la seguridad y el acceso a la cultura con servicios apoyados en "
        "tecnología.",
     "Servicios sociales, de salud, seguridad y cultura más oportunos y cercanos gracias a "
     "la tecnología."),
)

ENTITIES = (
    ("sg-actic", "ACDTIC",
     "Secretaría General de la Alcaldía Mayor – Alta Consejería Distrital de TIC"),
    ("sdm", "SDM", "Secretaría Distrital de Movilidad"),
    ("sda", "SDA", "Secretaría Distrital de Ambiente"),
    ("sed", "SED", "Secretaría de Educación del Distrito"),
    ("sds", "SDS", "Secretaría Distrital de Salud"),
    ("sdde", "SDDE", "Secretaría Distrital de Desarrollo Económico"),
    ("sdg", "SDG", "Secretaría Distrital de Gobierno"),
    ("shd", "SDH", "Secretaría Distrital de Hacienda"),
    ("sdp", "SDP", "Secretaría Distrital de Planeación"),
    ("sdis", "SDIS", "Secretaría Distrital de Integración Social"),
    ("scj", "SDSCJ", "Secretaría Distrital de Seguridad, Convivencia y Justicia"),
    ("scrd", "SCRD", "Secretaría Distrital de Cultura, Recreación y Deporte"),
    ("tmsa", "TMSA", "TRANSMILENIO S.A."),
    ("uaecd", "UAECD",
     "Unidad Administrativa Especial de Catastro Distrital – IDECA"),
)

# (id, axis, objective, entity, product, indicator, unit, direction, scope,
#  aggregation, baseline, goal 2032, layer, profile)
PRODUCTS = (
    ("P01", "ciudadania-digital", 1, "sg-actic", "Zonas WiFi públicas gratuitas",
     "Zonas WiFi públicas en operación", "zonas", "up", "localidad", "sum",
     850, 2500, "", "on_track"),
    ("P02", "ciudadania-digital", 1, "sg-actic", "Hogares conectados de estratos 1 y 2",
     "Hogares de estratos 1 y 2 con internet fijo subsidiado", "hogares", "up",
     "localidad", "sum", 0, 120000, "", "at_risk"),
    ("P03", "ciudadania-digital", 2, "sg-actic", "Formación en habilidades digitales",
     "Personas formadas en habilidades digitales", "personas", "up", "localidad", "sum",
     0, 400000, "", "on_track"),
    ("P04", "ciudadania-digital", 1, "sed", "Sedes educativas con conectividad de alta "
     "velocidad", "Sedes educativas oficiales con conexión de al menos 100 Mbps", "%",
     "up", "localidad", "mean", 45, 100, "", "on_track"),
    ("P05", "ciudadania-digital", 2, "sed", "Docentes formados en competencias digitales",
     "Docentes de colegios oficiales certificados en competencias digitales", "docentes",
     "up", "localidad", "sum", 2000, 30000, "", "behind"),
    ("P06", "ciudadania-digital", 2, "sdis", "Centros de inclusión digital",
     "Centros de inclusión digital en funcionamiento", "centros", "up", "localidad", "sum",
     20, 120, "", "sparse"),
    ("P07", "gobernanza-inteligente", 4, "sg-actic", "Datos abiertos publicados",
     "Conjuntos de datos abiertos publicados en Datos Abiertos Bogotá",
     "conjuntos de datos", "up", "ciudad", "sum", 1000, 2400, "", "on_track"),
    ("P08", "gobernanza-inteligente", 4, "sg-actic", "Trámites digitales de punta a punta",
     "Trámites y servicios distritales disponibles totalmente en línea", "%", "up",
     "ciudad", "mean", 38, 90, "", "at_risk"),
    ("P09", "gobernanza-inteligente", 4, "uaecd", "Infraestructura de Datos Espaciales",
     "Capas geográficas publicadas en la IDE de Bogotá (IDECA)", "capas", "up", "ciudad",
     "sum", 600, 1100, "", "on_track"),
    ("P10", "gobernanza-inteligente", 4, "uaecd", "Catastro multipropósito actualizado",
     "Predios con información catastral actualizada", "%", "up", "localidad", "mean",
     70, 98, "", "at_risk"),
    ("P11", "gobernanza-inteligente", 4, "shd", "Pago digital de impuestos distritales",
     "Pagos de impuestos distritales hechos por canales digitales", "%", "up", "ciudad",
     "mean", 55, 90, "", "on_track"),
    ("P12", "gobernanza-inteligente", 4, "sdp", "Analítica de datos para la decisión",
     "Tableros de analítica publicados para la toma de decisiones", "tableros", "up",
     "ciudad", "sum", 10, 80, "", "behind"),
    ("P13", "gobernanza-inteligente", 4, "sdg", "Alcaldías locales digitales",
     "Procesos de las alcaldías locales gestionados electrónicamente", "%", "up",
     "localidad", "mean", 30, 95, "", "at_risk"),
    ("P14", "economia-inteligente", 3, "sdde", "Transformación digital de MiPymes",
     "MiPymes acompañadas en transformación digital", "empresas", "up", "localidad",
     "sum", 0, 25000, "", "on_track"),
    ("P15", "economia-inteligente", 3, "sdde", "Emprendimientos de base tecnológica",
     "Emprendimientos de base tecnológica apoyados", "emprendimientos", "up", "ciudad",
     "sum", 0, 1500, "", "at_risk"),
    ("P16", "economia-inteligente", 3, "sdde", "Talento TI para el empleo",
     "Personas certificadas en competencias TI para el empleo", "personas", "up",
     "localidad", "sum", 0, 60000, "", "behind"),
    ("P17", "economia-inteligente", 3, "sdp", "Innovación abierta con academia e industria",
     "Proyectos de innovación abierta cofinanciados", "proyectos", "up", "ciudad", "sum",
     0, 200, "", "on_track"),
    ("P18", "economia-inteligente", 3, "sdp", "Licencias de construcción en línea",
     "Trámites de licenciamiento urbanístico radicados en línea", "%", "up", "ciudad",
     "mean", 20, 95, "", "on_track"),
    ("P19", "economia-inteligente", 3, "sdde", "Comercio electrónico en plazas de mercado",
     "Plazas de mercado distritales con canal de comercio electrónico", "plazas", "up",
     "ciudad", "sum", 2, 19, "", "sparse"),
    ("P20", "medio-ambiente", 5, "sda", "Red de sensores de calidad del aire",
     "Sensores de calidad del aire en operación", "sensores", "up", "localidad", "sum",
     20, 200, "", "on_track"),
    ("P21", "medio-ambiente", 5, "sda", "Reducción de material particulado",
     "Concentración promedio anual de PM2,5", "µg/m³", "down", "ciudad", "mean",
     17.5, 12.0, "", "at_risk"),
    ("P22", "medio-ambiente", 5, "sda", "Sistema de alerta temprana",
     "Estaciones hidrometeorológicas del sistema de alerta temprana", "estaciones", "up",
     "localidad", "sum", 40, 160, "", "behind"),
    ("P23", "medio-ambiente", 5, "sda", "Censo georreferenciado del arbolado urbano",
     "Arbolado urbano con censo georreferenciado actualizado", "%", "up", "localidad",
     "mean", 60, 100, "", "on_track"),
    ("P24", "medio-ambiente", 5, "sda", "Atención digital de quejas ambientales",
     "Tiempo promedio de atención de quejas ambientales", "días", "down", "ciudad", "mean",
     30, 10, "", "on_track"),
    ("P25", "nueva-movilidad", 6, "sdm", "Semáforos inteligentes",
     "Intersecciones semaforizadas con control adaptativo", "intersecciones", "up",
     "localidad", "sum", 120, 900, "", "at_risk"),
    ("P26", "nueva-movilidad", 6, "sdm", "Reducción del tiempo de viaje",
     "Tiempo promedio de viaje en transporte público en hora pico", "minutos", "down",
     "ciudad", "mean", 62, 50, "", "behind"),
    ("P27", "nueva-movilidad", 6, "tmsa", "Estaciones de TransMilenio con WiFi",
     "Estaciones troncales con WiFi público", "estaciones", "up", "localidad", "sum",
     10, 149, "tm-estaciones", "behind"),
    ("P28", "nueva-movilidad", 6, "tmsa", "Información al usuario en tiempo real",
     "Estaciones y paraderos con información de llegadas en tiempo real", "%", "up",
     "ciudad", "mean", 35, 100, "tm-troncales", "on_track"),
    ("P29", "nueva-movilidad", 6, "sdm", "Centro de Gestión del Tránsito",
     "Corredores viales monitoreados desde el Centro de Gestión del Tránsito",
     "corredores", "up", "ciudad", "sum", 15, 60, "", "sparse"),
    ("P30", "nueva-movilidad", 6, "sdm", "Cicloparqueaderos inteligentes",
     "Cicloparqueaderos con control de acceso digital", "cicloparqueaderos", "up",
     "localidad", "sum", 30, 300, "", "on_track"),
    ("P31", "calidad-de-vida", 7, "sds", "Historia clínica electrónica unificada",
     "IPS de la red pública con historia clínica electrónica interoperable", "%", "up",
     "ciudad", "mean", 40, 100, "", "on_track"),
    ("P32", "calidad-de-vida", 7, "sds", "Telesalud",
     "Atenciones de telesalud prestadas por la red pública", "atenciones", "up",
     "localidad", "sum", 50000, 900000, "", "at_risk"),
    ("P33", "calidad-de-vida", 7, "scj", "Respuesta oportuna a emergencias",
     "Tiempo promedio de respuesta a incidentes de la Línea 123", "minutos", "down",
     "ciudad", "mean", 14, 8, "", "at_risk"),
    ("P34", "calidad-de-vida", 7, "scj", "Videovigilancia integrada",
     "Cámaras de videovigilancia integradas al C4", "cámaras", "up", "localidad", "sum",
     4000, 10000, "", "on_track"),
    ("P35", "calidad-de-vida", 7, "scrd", "Bibliotecas con servicios digitales",
     "Bibliotecas públicas con préstamo de dispositivos y servicios digitales",
     "bibliotecas", "up", "localidad", "sum", 20, 120, "", "behind"),
    ("P36", "calidad-de-vida", 7, "sdis", "Servicios sociales en línea",
     "Servicios sociales con inscripción en línea", "%", "up", "ciudad", "mean",
     15, 80, "", "silent"),
)

#: Approximate population (thousands) of each locality, "01".."20": the weights
#: that split ``sum`` targets among localities.
_POPULATION = (570, 170, 105, 400, 385, 185, 800, 1030, 420, 820,
               1250, 140, 155, 90, 85, 250, 20, 380, 660, 4)

#: Share of the year's target reached, by profile (low, high).
_PROFILE_RANGE = {
    "on_track": (0.93, 1.08),
    "at_risk": (0.74, 0.87),
    "behind": (0.45, 0.65),
    "sparse": (0.80, 1.02),
    "silent": (0.80, 1.02),
}
_TIERS = ("on_track", "at_risk", "behind")
_INTEGER_UNITS = {"zonas", "hogares", "personas", "docentes", "centros", "conjuntos de datos",
                  "capas", "tableros", "empresas", "emprendimientos", "proyectos", "plazas",
                  "sensores", "estaciones", "intersecciones", "corredores",
                  "cicloparqueaderos", "atenciones", "cámaras", "bibliotecas"}


def _report_date(year: int) -> pd.Timestamp:
    """Annual reports are due on 31 January; the cut-off year has a September report."""
    if year == CUTOFF_DATE.year:
        return pd.Timestamp(year, 9, 30)
    return pd.Timestamp(year + 1, 1, 31)


def _round(values: np.ndarray, unit: str) -> np.ndarray:
    if unit in _INTEGER_UNITS:
        return np.round(values).astype(float)
    return np.round(values, 1)


def _targets(spec: tuple, rng: np.random.Generator) -> pd.DataFrame:
    """City and (for locality products) locality targets, 2023-2032."""
    pid, unit, scope, agg, base, goal = spec[0], spec[6], spec[8], spec[9], spec[10], spec[11]
    steps = (np.asarray(YEARS) - _BASE_YEAR) / (YEARS[-1] - _BASE_YEAR)
    city = base + (goal - base) * steps
    rows = []
    if scope == "localidad":
        if agg == "sum":
            weights = np.asarray(_POPULATION, dtype=float) / sum(_POPULATION)
            grid = _round(np.outer(city, weights), unit)
            city = grid.sum(axis=1)
        else:
            factor = rng.uniform(0.85, 1.12, size=len(LOCALITY_CODES))
            grid = _round(np.outer(city, factor), unit)
            if unit == "%":
                grid = np.minimum(grid, 100.0)
            city = np.round(grid.mean(axis=1), 1)
        for i, year in enumerate(YEARS):
            rows += [(pid, year, code, grid[i, j]) for j, code in enumerate(LOCALITY_CODES)]
    else:
        city = _round(city, unit)
    rows += [(pid, year, CITYWIDE, float(city[i])) for i, year in enumerate(YEARS)]
    return pd.DataFrame(rows, columns=["product_id", "year", "locality_code", "target"])


def _observations(spec: tuple, targets: pd.DataFrame, rng: np.random.Generator
                  ) -> pd.DataFrame:
    """Reports up to the cut-off year, following the product's profile."""
    unit, direction, scope, base, profile = spec[6], spec[7], spec[8], spec[10], spec[13]
    years = [y for y in YEARS if y <= CUTOFF_DATE.year]
    own = targets[targets["year"].isin(years)]
    own = own[own["locality_code"] != CITYWIDE] if scope == "localidad" else own
    own = own.reset_index(drop=True)
    n = len(own)
    tiers = np.full(n, profile)
    if scope == "localidad" and profile in _TIERS:
        # some localities do better or worse than the product as a whole
        shift = rng.choice([-1, 0, 0, 0, 1], size=n)
        idx = np.clip(_TIERS.index(profile) + shift, 0, len(_TIERS) - 1)
        tiers = np.asarray(_TIERS)[idx]
    low = np.array([_PROFILE_RANGE[t][0] for t in tiers])
    high = np.array([_PROFILE_RANGE[t][1] for t in tiers])
    share = rng.uniform(low, high)
    target = own["target"].to_numpy()
    value = target * share if direction == "up" else base - share * (base - target)
    value = np.maximum(_round(value, unit), 0.0)
    if unit == "%":
        value = np.minimum(value, 100.0)
    keep = rng.uniform(size=n) > (0.05 if scope == "localidad" else 0.0)
    if profile == "sparse":
        keep &= rng.uniform(size=n) > 0.4
        keep &= own["year"].to_numpy() < CUTOFF_DATE.year
    elif profile == "silent":
        keep[:] = False
    obs = own.assign(value=value, reported_at=own["year"].map(_report_date))
    return obs.loc[keep, ["product_id", "year", "locality_code", "value", "reported_at"]]


def build_tables() -> dict[str, pd.DataFrame]:
    """The six tables with internal columns, before validation."""
    rng = np.random.default_rng(SEED)
    products = pd.DataFrame(
        [(p[0], p[4], p[2], p[1], p[3], p[5], p[6], p[7], float(p[10]), p[8], p[9], p[12])
         for p in PRODUCTS],
        columns=["product_id", "name", "objective_id", "axis_id", "entity_id", "indicator",
                 "unit", "direction", "baseline", "scope", "aggregation", "layer"],
    )
    targets, observations = [], []
    for spec in PRODUCTS:
        t = _targets(spec, rng)
        targets.append(t)
        observations.append(_observations(spec, t, rng))
    return {
        "axes": pd.DataFrame(AXES, columns=["axis_id", "name"]),
        "objectives": pd.DataFrame(OBJECTIVES, columns=["objective_id", "text", "result_text"]),
        "entities": pd.DataFrame(ENTITIES, columns=["entity_id", "acronym", "name"]),
        "products": products,
        "targets": pd.concat(targets, ignore_index=True),
        "observations": pd.concat(observations, ignore_index=True),
    }


def build_illustrative_catalog() -> Catalog:
    """Build the illustrative catalog (validated; identical on every call).

    Returns
    -------
    Catalog
        With ``version.illustrative`` True, ``version_id`` 1 and cut-off
        :data:`CUTOFF_DATE`.
    """
    tables = validate_tables(build_tables(), source_name="datos ilustrativos")
    version = DataVersion(
        version_id=1,
        cutoff_date=CUTOFF_DATE,
        illustrative=True,
        source_name="data.illustrative",
        note="Datos ilustrativos generados por data/illustrative.py: la estructura es la de "
             "la política; productos, metas y avances son inventados.",
    )
    return Catalog(**tables, version=version)


def main(argv: list[str] | None = None) -> int:
    """Command line: write the illustrative catalog as a matrix (CSV directory or XLSX)."""
    parser = argparse.ArgumentParser(
        prog="python -m data.illustrative",
        description="Escribe el catálogo ilustrativo en el formato de matriz documentado.")
    parser.add_argument("--out", required=True, type=Path,
                        help="directorio de salida (CSV) o carpeta donde crear matriz.xlsx")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args(argv)
    target = args.out / "matriz_ilustrativa.xlsx" if args.format == "xlsx" else args.out
    written = write_matrix(build_illustrative_catalog(), target, args.format)
    print(f"Catálogo ilustrativo escrito en {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
