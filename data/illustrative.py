"""Deterministic generator of the illustrative action plan and its quarterly reports.

The official action plan of *Bogotá Territorio Inteligente 2023-2032* (Documento
CONPES D.C. 29) is not available in machine-readable form, so the dashboard
ships this catalog: the real structure of the plan's 2026 revision (6 axes, 7
objectives with weights, 7 result indicators 1.1-7.1, 36 products carrying 46
product indicators, 5/4/3/6/8/13/7 per objective, 14 district entities, years
2023-2032) with plausible, **invented** names, baselines, targets and reports.
Its data version has ``illustrative=True`` and every screen and export says
"Datos ilustrativos".

How the numbers are made (same output on every run; see ``data/README.md``):

* Targets follow each indicator's type of annualisation: CRECIENTE and
  DECRECIENTE go in a straight line from the baseline (2022) to the 2032 goal;
  CONSTANTE holds one level; SUMA sets an amount per year (final target: their
  sum). One indicator has a text target ("Levantamiento línea base"), one a
  target of 0 in 2023, one (DECRECIENTE) no baseline (the method gives it a
  notional one); two are not in force.
* Indicators reported by locality split the city's targets and baselines among
  the 20 localities with fixed weights (approximate population shares), or a
  fixed factor around the city's level for percentages.
* Reports run by quarter up to the cut (2026-T3, cut-off 2026-10-31), as often
  as each indicator's periodicity says. Each indicator has a profile (on track,
  at risk, behind, over-executing, sparse, silent) that sets its progress within
  the term (PHV); a seeded ``numpy`` generator adds noise, moves some localities
  one tier and leaves some locality reports out. Every report carries a short
  written account; a late one says why.

Run ``python -m data.illustrative --out DIR [--format csv|xlsx]`` to write the
catalog in the matrix format read by :func:`data.matrix.load_matrix`.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from data.catalog import Catalog, DataVersion
from data.method import PERIODS, Period, compute_metrics, cut_of_date
from data.schema import CITYWIDE, COLUMNS, LOCALITY_CODES, YEARS

__all__ = ["CUTOFF_DATE", "SEED", "build_illustrative_catalog", "build_tables", "main"]

SEED = 20230531  # adoption date of the policy
CUTOFF_DATE = date(2026, 10, 31)
_BASE_YEAR = 2022

AXES = (
    ("calidad-de-vida", "Calidad de vida"),
    ("ciudadania-digital", "Ciudadanía digital"),
    ("economia-inteligente", "Economía inteligente"),
    ("gobernanza-inteligente", "Gobernanza inteligente"),
    ("medio-ambiente", "Medio ambiente"),
    ("nueva-movilidad", "Nueva movilidad"),
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
    ("tmsa", "TMSA", "Empresa de Transporte del Tercer Milenio – TRANSMILENIO S.A."),
    ("uaecd", "UAECD", "Unidad Administrativa Especial de Catastro Distrital"),
)

# (id, weight %, objective text)
OBJECTIVES = (
    (1, 15.0, "Cerrar la brecha de acceso a internet en hogares, sedes educativas y "
              "espacios públicos de todas las localidades."),
    (2, 12.0, "Fortalecer las habilidades digitales de la ciudadanía para un uso seguro, "
              "crítico y productivo de la tecnología."),
    (3, 13.0, "Impulsar la economía digital, la innovación y el empleo en tecnología."),
    (4, 15.0, "Mejorar la gestión pública con datos abiertos, interoperabilidad y trámites "
              "digitales."),
    (5, 12.0, "Usar la tecnología para cuidar el ambiente y gestionar el territorio y sus "
              "riesgos."),
    (6, 20.0, "Hacer la movilidad y los servicios urbanos más seguros, eficientes y "
              "sostenibles con sistemas inteligentes."),
    (7, 13.0, "Mejorar la salud, el bienestar y el abastecimiento con servicios apoyados en "
              "tecnología."),
)

# (code, result text, indicator name, unit, type, baseline, goal 2032, entity, formula)
RESULTS = (
    ("1.1", "Conectividad significativa y asequible en las 20 localidades.",
     "Hogares con acceso a internet fijo", "%", "CRECIENTE", 71.4, 90.0, "sg-actic",
     "Hogares con internet fijo / total de hogares × 100"),
    ("2.1", "Ciudadanía con competencias digitales que usa servicios en línea.",
     "Personas con competencias digitales básicas", "%", "CRECIENTE", 48.0, 75.0,
     "sg-actic", "Personas con competencias básicas / población de 15 años y más × 100"),
    ("3.1", "Empresas que adoptan tecnologías digitales y generan empleo de calidad.",
     "Empresas que venden por comercio electrónico", "%", "CRECIENTE", 18.0, 45.0, "sdde",
     "Empresas con ventas en línea / empresas encuestadas × 100"),
    ("4.1", "Administración distrital que decide con datos y ofrece trámites digitales.",
     "Índice de gobierno digital del Distrito", "puntos", "CRECIENTE", 68.0, 90.0,
     "sg-actic", "Puntaje del índice de gobierno digital (0-100)"),
    ("5.1", "Información ambiental y territorial en tiempo real que orienta la acción.",
     "Días con calidad del aire buena o aceptable", "%", "CRECIENTE", 70.0, 85.0, "sda",
     "Días con IBOCA bueno o aceptable / días del año × 100"),
    ("6.1", "Viajes más cortos y seguros, con información en tiempo real.",
     "Tiempo promedio de viaje en hora pico", "minutos", "DECRECIENTE", 62.0, 50.0, "sdm",
     "Promedio de la duración de los viajes en hora pico (Encuesta de Movilidad)"),
    ("7.1", "Servicios de salud, bienestar y abastecimiento más oportunos y cercanos.",
     "Satisfacción con los servicios digitales del Distrito", "%", "CRECIENTE", 55.0, 80.0,
     "sds", "Personas satisfechas / personas encuestadas × 100"),
)

# (product, name)
PRODUCTS = (
    ("P01", "Zonas WiFi públicas gratuitas"),
    ("P02", "Hogares conectados de estratos 1 y 2"),
    ("P03", "Formación en habilidades digitales"),
    ("P04", "Sedes educativas con conectividad de alta velocidad"),
    ("P05", "Docentes formados en competencias digitales"),
    ("P06", "Centros de inclusión digital"),
    ("P07", "Datos abiertos publicados"),
    ("P08", "Trámites digitales de punta a punta"),
    ("P09", "Infraestructura de Datos Espaciales"),
    ("P10", "Catastro multipropósito actualizado"),
    ("P11", "Pago digital de impuestos distritales"),
    ("P12", "Analítica de datos para la decisión"),
    ("P13", "Alcaldías locales digitales"),
    ("P14", "Transformación digital de MiPymes"),
    ("P15", "Emprendimientos de base tecnológica"),
    ("P16", "Talento TI para el empleo"),
    ("P17", "Innovación abierta en salud y bienestar"),
    ("P18", "Licencias de construcción en línea"),
    ("P19", "Comercio electrónico en plazas de mercado"),
    ("P20", "Red de sensores de calidad del aire"),
    ("P21", "Reducción de material particulado"),
    ("P22", "Sistema de alerta temprana"),
    ("P23", "Censo georreferenciado del arbolado urbano"),
    ("P24", "Atención digital de quejas ambientales"),
    ("P25", "Semáforos inteligentes"),
    ("P26", "Reducción del tiempo de viaje"),
    ("P27", "Estaciones de TransMilenio con WiFi"),
    ("P28", "Información al usuario en tiempo real"),
    ("P29", "Centro de Gestión del Tránsito"),
    ("P30", "Cicloparqueaderos inteligentes"),
    ("P31", "Historia clínica electrónica unificada"),
    ("P32", "Telesalud"),
    ("P33", "Respuesta oportuna a emergencias"),
    ("P34", "Videovigilancia integrada"),
    ("P35", "Bibliotecas con servicios digitales"),
    ("P36", "Servicios sociales en línea"),
)

_CD, _EI, _GI, _MA, _NM, _CV = ("ciudadania-digital", "economia-inteligente",
                                "gobernanza-inteligente", "medio-ambiente", "nueva-movilidad",
                                "calidad-de-vida")
# (code, product, name, unit, type, periodicity, baseline, goal (level in 2032, or
#  amount per year for SUMA), weight, entity, co-entity, axis, by locality, layer, profile)
INDICATORS = (
    ("1.1.1", "P01", "Zonas WiFi públicas en operación", "zonas", "CRECIENTE", "trimestral",
     850, 2500, 25, "sg-actic", "", _CD, True, "", "on_track"),
    ("1.1.2", "P01", "Usuarios únicos mensuales de las zonas WiFi", "usuarios", "CRECIENTE",
     "semestral", 120000, 400000, 15, "sg-actic", "", _CD, False, "", "over"),
    ("1.1.3", "P02", "Hogares de estratos 1 y 2 conectados con subsidio", "hogares", "SUMA",
     "trimestral", 0, 12000, 25, "sg-actic", "", _CD, True, "", "at_risk"),
    ("1.1.4", "P04", "Sedes educativas oficiales con conexión de al menos 100 Mbps", "%",
     "CRECIENTE", "anual", 45, 100, 20, "sed", "sg-actic", _CD, True, "", "on_track"),
    ("1.1.5", "P06", "Centros de inclusión digital en funcionamiento", "centros",
     "CRECIENTE", "semestral", 20, 120, 15, "sdis", "", _CD, True, "", "sparse"),
    ("2.1.1", "P03", "Personas formadas en habilidades digitales", "personas", "SUMA",
     "trimestral", 0, 40000, 35, "sg-actic", "sed", _CD, True, "", "on_track"),
    ("2.1.2", "P03", "Mujeres formadas en habilidades digitales avanzadas", "personas",
     "SUMA", "semestral", float("nan"), 5000, 15, "sg-actic", "", _CD, False, "", "behind"),
    ("2.1.3", "P05", "Docentes de colegios oficiales certificados en competencias digitales",
     "docentes", "SUMA", "anual", 0, 2800, 25, "sed", "", _CD, True, "", "behind"),
    ("2.1.4", "P35", "Bibliotecas públicas con préstamo de dispositivos y servicios digitales",
     "bibliotecas", "CRECIENTE", "anual", 20, 120, 25, "scrd", "", _CD, True, "", "on_track"),
    ("3.1.1", "P14", "MiPymes acompañadas en transformación digital", "empresas", "SUMA",
     "trimestral", 0, 2500, 40, "sdde", "", _EI, True, "", "on_track"),
    ("3.1.2", "P15", "Emprendimientos de base tecnológica apoyados", "emprendimientos", "SUMA",
     "semestral", 0, 150, 30, "sdde", "", _EI, False, "", "at_risk"),
    ("3.1.3", "P16", "Personas certificadas en competencias TI para el empleo", "personas",
     "SUMA", "trimestral", 0, 6000, 30, "sdde", "sed", _EI, True, "", "behind"),
    ("4.1.1", "P07", "Conjuntos de datos abiertos publicados en Datos Abiertos Bogotá",
     "conjuntos de datos", "CRECIENTE", "trimestral", 1000, 2400, 20, "sg-actic", "uaecd",
     _GI, False, "", "on_track"),
    ("4.1.2", "P08", "Trámites y servicios distritales disponibles totalmente en línea", "%",
     "CRECIENTE", "semestral", 38, 90, 20, "sg-actic", "", _GI, False, "", "at_risk"),
    ("4.1.3", "P08", "Disponibilidad de la plataforma distrital de trámites en línea", "%",
     "CONSTANTE", "trimestral", 99.5, 99.5, 10, "sg-actic", "", _GI, False, "", "on_track"),
    ("4.1.4", "P09", "Capas geográficas publicadas en la IDE de Bogotá", "capas", "CRECIENTE",
     "semestral", 600, 1100, 15, "uaecd", "", _GI, False, "", "on_track"),
    ("4.1.5", "P11", "Pagos de impuestos distritales hechos por canales digitales", "%",
     "CRECIENTE", "anual", 55, 90, 20, "shd", "", _GI, False, "", "over"),
    ("4.1.6", "P12", "Tableros de analítica publicados para la toma de decisiones",
     "tableros", "SUMA", "semestral", 0, 7, 15, "sdp", "", _GI, False, "", "behind"),
    ("5.1.1", "P20", "Sensores de calidad del aire en operación", "sensores", "CRECIENTE",
     "trimestral", 20, 200, 20, "sda", "", _MA, True, "", "on_track"),
    ("5.1.2", "P20", "Sensores con datos publicados en tiempo real", "%", "CONSTANTE",
     "trimestral", 95, 95, 10, "sda", "", _MA, False, "", "at_risk"),
    ("5.1.3", "P21", "Concentración promedio anual de PM2,5", "µg/m³", "DECRECIENTE", "anual",
     17.5, 12.0, 15, "sda", "", _MA, False, "", "at_risk"),
    ("5.1.4", "P22", "Estaciones hidrometeorológicas del sistema de alerta temprana",
     "estaciones", "CRECIENTE", "semestral", 40, 160, 15, "sda", "sdg", _MA, True, "",
     "behind"),
    ("5.1.5", "P23", "Arbolado urbano con censo georreferenciado actualizado", "%",
     "CRECIENTE", "anual", 60, 100, 15, "sda", "", _MA, True, "", "on_track"),
    ("5.1.6", "P24", "Tiempo promedio de atención de quejas ambientales", "días",
     "DECRECIENTE", "trimestral", float("nan"), 10, 10, "sda", "", _MA, False, "",
     "on_track"),
    ("5.1.7", "P18", "Trámites de licenciamiento urbanístico radicados en línea", "%",
     "CRECIENTE", "semestral", 20, 95, 15, "sdp", "", _GI, False, "", "on_track"),
    ("5.1.8", "P18", "Curadurías urbanas integradas a la ventanilla digital", "curadurías",
     "CRECIENTE", "anual", 1, 5, 0, "sdp", "", _GI, False, "", "retired"),
    ("6.1.1", "P25", "Intersecciones semaforizadas con control adaptativo", "intersecciones",
     "CRECIENTE", "trimestral", 120, 900, 10, "sdm", "", _NM, True, "", "at_risk"),
    ("6.1.2", "P25", "Reducción de la demora en las intersecciones intervenidas", "%",
     "CRECIENTE", "anual", 0, 25, 10, "sdm", "", _NM, False, "", "on_track"),
    ("6.1.3", "P26", "Tiempo promedio de viaje en transporte público en hora pico", "minutos",
     "DECRECIENTE", "anual", 62, 50, 10, "sdm", "tmsa", _NM, False, "", "behind"),
    ("6.1.4", "P27", "Estaciones troncales con WiFi público", "estaciones", "CRECIENTE",
     "trimestral", 10, 149, 10, "tmsa", "sg-actic", _NM, True, "tm-estaciones", "behind"),
    ("6.1.5", "P28", "Estaciones y paraderos con información de llegadas en tiempo real", "%",
     "CRECIENTE", "semestral", 35, 100, 8, "tmsa", "", _NM, False, "tm-troncales",
     "on_track"),
    ("6.1.6", "P29", "Corredores viales monitoreados desde el Centro de Gestión del Tránsito",
     "corredores", "CRECIENTE", "semestral", 15, 60, 7, "sdm", "", _NM, False, "", "sparse"),
    ("6.1.7", "P30", "Cicloparqueaderos con control de acceso digital", "cicloparqueaderos",
     "CRECIENTE", "trimestral", 30, 300, 8, "sdm", "", _NM, True, "", "on_track"),
    ("6.1.8", "P33", "Tiempo promedio de respuesta a incidentes de la Línea 123", "minutos",
     "DECRECIENTE", "trimestral", 14, 8, 8, "scj", "", _CV, False, "", "at_risk"),
    ("6.1.9", "P34", "Cámaras de videovigilancia integradas al C4", "cámaras", "CRECIENTE",
     "trimestral", 4000, 10000, 8, "scj", "", _CV, True, "", "on_track"),
    ("6.1.10", "P34", "Cámaras del C4 en funcionamiento", "%", "CONSTANTE", "trimestral",
     95, 95, 5, "scj", "", _CV, False, "", "on_track"),
    ("6.1.11", "P10", "Predios con información catastral actualizada", "%", "CRECIENTE",
     "anual", 70, 98, 8, "uaecd", "", _GI, True, "", "at_risk"),
    ("6.1.12", "P13", "Procesos de las alcaldías locales gestionados electrónicamente", "%",
     "CRECIENTE", "semestral", 30, 95, 8, "sdg", "", _GI, True, "", "at_risk"),
    ("6.1.13", "P13", "Alcaldías locales con sede electrónica", "alcaldías", "CRECIENTE",
     "anual", 5, 20, 0, "sdg", "", _GI, False, "", "retired"),
    ("7.1.1", "P31", "IPS de la red pública con historia clínica electrónica interoperable",
     "%", "CRECIENTE", "semestral", 40, 100, 20, "sds", "", _CV, False, "", "on_track"),
    ("7.1.2", "P32", "Atenciones de telesalud prestadas por la red pública", "atenciones",
     "SUMA", "trimestral", 0, 85000, 20, "sds", "", _CV, True, "", "at_risk"),
    ("7.1.3", "P32", "Localidades con nodo de telesalud", "localidades", "CRECIENTE", "anual",
     4, 20, 10, "sds", "", _CV, False, "", "on_track"),
    ("7.1.4", "P36", "Servicios sociales con inscripción en línea", "%", "CRECIENTE", "anual",
     15, 80, 15, "sdis", "", _CV, False, "", "silent"),
    ("7.1.5", "P17", "Proyectos de innovación abierta cofinanciados en salud y bienestar",
     "proyectos", "SUMA", "anual", 0, 20, 10, "sdp", "sds", _CV, False, "", "on_track"),
    ("7.1.6", "P19", "Plazas de mercado distritales con canal de comercio electrónico",
     "plazas", "CRECIENTE", "anual", 2, 19, 10, "sdde", "", _EI, False, "", "sparse"),
    ("7.1.7", "P19", "Ventas en línea de las plazas de mercado distritales",
     "millones de pesos", "SUMA", "semestral", 0, 800, 15, "sdde", "", _EI, False, "",
     "over"),
)

#: Indicators with a special target: a text target in 2023, a zero target in 2023.
_TEXT_TARGET = {"2.1.2": (2023, "Levantamiento línea base")}
_ZERO_TARGET = {"3.1.2": 2023}
_FORMULAS = {"SUMA": "Suma de {u} reportados en el periodo",
             "CRECIENTE": "Número acumulado de {u} a la fecha de corte",
             "DECRECIENTE": "Valor medido a la fecha de corte ({u})",
             "CONSTANTE": "Valor medido en el periodo ({u})"}

#: Approximate population (thousands) of each locality, "01".."20": the weights
#: that split additive targets among localities.
_POPULATION = (570, 170, 105, 400, 385, 185, 800, 1030, 420, 820,
               1250, 140, 155, 90, 85, 250, 20, 380, 660, 4)

#: Progress within the term (PHV) by profile: (low, high).
_PROFILE_RANGE = {
    "on_track": (0.90, 1.10),
    "at_risk": (0.58, 0.74),
    "behind": (0.30, 0.48),
    "over": (1.30, 1.55),
    "sparse": (0.85, 1.05),
    "silent": (0.85, 1.05),
}
_TIERS = ("behind", "at_risk", "on_track")
_ACCOUNTS = {
    "good": ("Avance conforme al cronograma del periodo.",
             "Se cumplieron las actividades programadas para el trimestre.",
             "Entregas recibidas y verificadas por la supervisión del contrato."),
    "over": ("Se superó la meta por una demanda mayor a la prevista; se revisará la meta.",
             "Avance superior al programado gracias a recursos adicionales."),
    "late": ("Retraso por demoras en la contratación; se reprogramaron las entregas.",
             "El proveedor entregó menos equipos de los previstos; se aplicó multa y se "
             "ajustó el cronograma.",
             "La ejecución se detuvo por ajustes presupuestales; se reanuda el próximo "
             "trimestre.",
             "Retraso en permisos de instalación con las alcaldías locales."),
}


def _round(values, unit: str):
    values = np.asarray(values, dtype=float)
    return np.round(values, 1) if unit in ("%", "µg/m³", "días", "minutos", "puntos") else \
        np.round(values)


def _annual_targets(kind: str, baseline: float, goal: float, code: str) -> np.ndarray:
    """The city's targets 2023-2032 by type of annualisation (NaN: text target)."""
    steps = (np.asarray(YEARS) - _BASE_YEAR) / (YEARS[-1] - _BASE_YEAR)
    if kind == "SUMA":
        ramp = np.array([0.8, 0.9, 1.0, 1.0, 1.0, 1.05, 1.05, 1.1, 1.1, 1.1])
        targets = goal * ramp
    elif kind == "CONSTANTE":
        targets = np.full(len(YEARS), goal)
    elif np.isnan(baseline):  # a DECRECIENTE indicator without baseline
        start = goal * 2.8
        targets = start + (goal - start) * (np.asarray(YEARS) - YEARS[0]) / 9
    else:
        targets = baseline + (goal - baseline) * steps
    if code in _ZERO_TARGET:
        targets[YEARS.index(_ZERO_TARGET[code])] = 0.0
    if code in _TEXT_TARGET:
        targets[YEARS.index(_TEXT_TARGET[code][0])] = np.nan
    return targets


def _final(kind: str, targets: np.ndarray) -> float:
    return float(np.nansum(targets)) if kind == "SUMA" else float(targets[-1])


def _locality_shares(unit: str, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """Per-locality multipliers and whether they split (additive) or scale (levels)."""
    if unit == "%":
        return rng.uniform(0.85, 1.12, size=len(LOCALITY_CODES)), False
    weights = np.asarray(_POPULATION, dtype=float)
    return weights / weights.sum(), True


def _reporting_quarters(periodicity: str) -> tuple[int, ...]:
    return {"trimestral": (1, 2, 3, 4), "semestral": (2, 4), "anual": (4,)}[periodicity]


def _mp_path(kind: str, periodicity: str, baseline: float, targets: np.ndarray,
             final: float) -> np.ndarray:
    """MP and MA of one series at every quarter (the method's, with no reports)."""
    m = compute_metrics([kind], [periodicity], [baseline], [targets], [final],
                        [np.full(len(PERIODS), np.nan)], range(len(PERIODS)))
    return m.mp[0], m.ma[0]


def _values(kind: str, periodicity: str, baseline: float, targets: np.ndarray, final: float,
            share: np.ndarray, unit: str, cut: int) -> dict[int, float]:
    """Reported value at each reporting quarter up to ``cut`` for progress ``share``."""
    from data.method import effective_baseline

    lb = float(effective_baseline([kind], [baseline], [targets])[0])
    mp, _ma = _mp_path(kind, periodicity, baseline, targets, final)
    quarters = _reporting_quarters(periodicity)
    per_year = len(quarters)
    out: dict[int, float] = {}
    for period in PERIODS[:cut + 1]:
        if period.quarter not in quarters:
            continue
        i = period.index
        s = share[i]
        mv = targets[YEARS.index(period.year)]
        if kind == "SUMA":
            value = s * (0.0 if np.isnan(mv) else mv) / per_year
        elif kind == "CONSTANTE":
            value = s * mv
        else:
            value = lb + s * (mp[i] - lb)
        value = float(_round(max(value, 0.0), unit))
        if unit == "%":
            value = min(value, 100.0)
        out[i] = value
    return out


def _account(share: float, rng: np.random.Generator) -> str:
    group = "late" if share <= 0.75 else "over" if share > 1.25 else "good"
    options = _ACCOUNTS[group]
    return options[int(rng.integers(len(options)))]


def _report_rows(code: str, place: str, values: dict[int, float], shares: np.ndarray,
                 rng: np.random.Generator, *, keep: float = 1.0, text: bool = True) -> list:
    rows = []
    for index, value in values.items():
        if keep < 1.0 and rng.uniform() > keep:
            continue
        period = Period.from_index(index)
        reported = period.end + timedelta(days=31)
        account = _account(float(shares[index]), rng) if text else ""
        rows.append((code, period.year, period.quarter, place, value, account,
                     pd.Timestamp(reported)))
    return rows


def _series_share(profile: str, rng: np.random.Generator) -> np.ndarray:
    low, high = _PROFILE_RANGE[profile]
    level = rng.uniform(low, high)
    return np.clip(level + rng.normal(0, 0.03, size=len(PERIODS)), 0.05, None)


def _indicator_tables(rng: np.random.Generator, cut: int) -> dict[str, list]:
    targets, bases, reports = [], [], []
    for spec in INDICATORS:
        (code, _product, _name, unit, kind, often, baseline, goal, _w, _e, _co, _axis,
         by_locality, _layer, profile) = spec
        baseline = float(baseline)
        city = _round(_annual_targets(kind, baseline, float(goal), code), unit)
        final = _final(kind, city)
        for year, value in zip(YEARS, city, strict=True):
            text = _TEXT_TARGET.get(code, (None, ""))[1] if np.isnan(value) else ""
            targets.append((code, CITYWIDE, year, float(value), text))
        if profile == "retired":
            continue
        share = _series_share(profile, rng)
        if not by_locality:
            values = _values(kind, often, baseline, city, final, share, unit, cut)
            keep = 0.5 if profile == "sparse" else 0.0 if profile == "silent" else 1.0
            reports += _report_rows(code, CITYWIDE, values, share, rng, keep=keep)
            continue
        shares, additive = _locality_shares(unit, rng)
        local_values = []
        for j, place in enumerate(LOCALITY_CODES):
            local = _round(city * shares[j], unit)
            if unit == "%":
                local = np.minimum(local, 100.0)
            local_base = float(_round(baseline * shares[j], unit))
            local_final = _final(kind, local) if kind == "SUMA" else float(local[-1])
            for year, value in zip(YEARS, local, strict=True):
                targets.append((code, place, year, float(value), ""))
            bases.append((code, place, local_base, local_final, ""))
            tier = profile
            if profile in _TIERS:
                shift = int(rng.choice([-1, 0, 0, 0, 1]))
                tier = _TIERS[int(np.clip(_TIERS.index(profile) + shift, 0, 2))]
            local_share = _series_share(tier, rng)
            values = _values(kind, often, local_base, local, local_final, local_share, unit,
                             cut)
            keep = 0.5 if profile == "sparse" else 0.95
            rows = _report_rows(code, place, values, local_share, rng, keep=keep)
            reports += rows
            local_values.append({(r[1], r[2]): r[4] for r in rows})
        city_values = {}
        latest: dict[int, float] = {}  # a level stands until the locality reports again
        for index in sorted(_values(kind, often, baseline, city, final, share, unit, cut)):
            period = Period.from_index(index)
            key = (period.year, period.quarter)
            now = {j: v[key] for j, v in enumerate(local_values) if key in v}
            if kind != "SUMA":
                latest.update(now)
                now = dict(latest)
            if now:
                got = list(now.values())
                total = float(np.sum(got)) if additive else float(np.mean(got))
                city_values[index] = float(_round(total, unit))
        reports += _report_rows(code, CITYWIDE, city_values, share, rng)
    return {"targets": targets, "locality_baselines": bases, "reports": reports}


def _result_tables(rng: np.random.Generator, cut: int) -> tuple[list, list, list]:
    rows, targets, reports = [], [], []
    for code, text, name, unit, kind, baseline, goal, entity, formula in RESULTS:
        city = _round(_annual_targets(kind, baseline, goal, code), unit)
        final = float(city[-1])
        rows.append((code, int(code.split(".")[0]), text, name, formula, unit, kind, "anual",
                     baseline, "2021", "Encuesta Multipropósito (DANE-SDP)", final, "", 100.0,
                     entity, True))
        targets += [(code, CITYWIDE, year, float(v), "") for year, v in zip(YEARS, city,
                                                                              strict=True)]
        share = _series_share("on_track", rng)
        values = _values(kind, "anual", baseline, city, final, share, unit, cut)
        reports += _report_rows(code, CITYWIDE, values, share, rng)
    return rows, targets, reports


def build_tables() -> dict[str, pd.DataFrame]:
    """The nine tables with internal columns and types, before validation."""
    rng = np.random.default_rng(SEED)
    cut = cut_of_date(CUTOFF_DATE).index
    result_rows, result_targets, result_reports = _result_tables(rng, cut)
    made = _indicator_tables(rng, cut)
    product_result = {spec[1]: spec[0].rsplit(".", 1)[0] for spec in INDICATORS}
    indicators = [
        (code, product, name, _FORMULAS[kind].format(u=unit), unit, kind, often,
         float(baseline), "" if np.isnan(float(baseline)) else "2022",
         "" if np.isnan(float(baseline)) else "Registros administrativos de la entidad",
         _final(kind, _round(_annual_targets(kind, float(baseline), float(goal), code), unit)),
         "", float(weight), entity, co, profile != "retired", axis, by_locality, layer)
        for (code, product, name, unit, kind, often, baseline, goal, weight, entity, co, axis,
             by_locality, layer, profile) in INDICATORS
    ]
    frames = {
        "axes": pd.DataFrame(AXES, columns=COLUMNS["axes"]),
        "objectives": pd.DataFrame([(n, text, w) for n, w, text in OBJECTIVES],
                                   columns=COLUMNS["objectives"]),
        "entities": pd.DataFrame(ENTITIES, columns=COLUMNS["entities"]),
        "results": pd.DataFrame(result_rows, columns=COLUMNS["results"]),
        "products": pd.DataFrame([(p, n, product_result[p]) for p, n in PRODUCTS],
                                 columns=COLUMNS["products"]),
        "indicators": pd.DataFrame(indicators, columns=COLUMNS["indicators"]),
        "targets": pd.DataFrame(made["targets"] + result_targets, columns=COLUMNS["targets"]),
        "locality_baselines": pd.DataFrame(made["locality_baselines"],
                                           columns=COLUMNS["locality_baselines"]),
        "reports": pd.DataFrame(made["reports"] + result_reports, columns=COLUMNS["reports"]),
    }
    frames["reports"]["reported_at"] = frames["reports"]["reported_at"].astype(
        "datetime64[ns]")
    return frames


def build_illustrative_catalog() -> Catalog:
    """Build the illustrative catalog (validated; identical on every call).

    Returns
    -------
    Catalog
        With ``version.illustrative`` True, ``version_id`` 1 and cut-off
        :data:`CUTOFF_DATE` (cut 2026-T3).
    """
    from data.validation import validate_tables

    tables = validate_tables(build_tables(), source_name="datos ilustrativos")
    version = DataVersion(
        version_id=1,
        cutoff_date=CUTOFF_DATE,
        illustrative=True,
        source_name="data.illustrative",
        note="Datos ilustrativos generados por data/illustrative.py: la estructura es la del "
             "plan de acción; indicadores, metas y avances son inventados.",
    )
    return Catalog(**tables, version=version)


def main(argv: list[str] | None = None) -> int:
    """Command line: write the illustrative catalog as a matrix (CSV directory or XLSX)."""
    from data.matrix import write_matrix

    parser = argparse.ArgumentParser(
        prog="python -m data.illustrative",
        description="Escribe el catálogo ilustrativo en el formato de matriz documentado.")
    parser.add_argument("--out", required=True, type=Path,
                        help="directorio de salida (CSV) o carpeta donde crear el .xlsx")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args(argv)
    target = args.out / "matriz_ilustrativa.xlsx" if args.format == "xlsx" else args.out
    written = write_matrix(build_illustrative_catalog(), target, args.format)
    print(f"Catálogo ilustrativo escrito en {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
