"""The policy's data model: constants and the columns of every catalog table.

The model is the district's (``../shared/METHODOLOGY.md``): objectives (with a
weight) -> one expected result each, measured by a result indicator (code
``"N.1"``) -> products -> product indicators (code ``"N.1.k"``), each with a
type of annualisation, a periodicity, a baseline, targets per year and a final
target, a weight within its result, a responsible and a co-responsible entity.
Reports are quarterly: a value and a written account per indicator, quarter
and place (the city, or a locality for indicators reported by locality: this
project's addition).

This module is the contract between the readers, the store, the computation
and the views. Internal column names are English; the files people fill use
the Spanish headers of ``FILE_COLUMNS`` (see ``data/README.md``).
"""

from __future__ import annotations

__all__ = [
    "ANNUALISATIONS",
    "CITYWIDE",
    "COLUMNS",
    "EXPECTED_COUNTS",
    "FILE_COLUMNS",
    "FILE_NAMES",
    "FIRST_YEAR",
    "LAST_YEAR",
    "LOCALITY_CODES",
    "PERIODICITIES",
    "QUARTERS",
    "RURAL_CODES",
    "STATUSES",
    "STATUS_LABELS",
    "YEARS",
]

FIRST_YEAR = 2023
LAST_YEAR = 2032
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
QUARTERS = (1, 2, 3, 4)

#: Locality code used for citywide (Bogotá D.C.) values and targets.
CITYWIDE = "00"
LOCALITY_CODES = tuple(f"{n:02d}" for n in range(1, 21))
#: Rural localities, left out of the map's urban framing (Sumapaz: 48 % of the area).
RURAL_CODES = ("20",)

#: Declared counts of the adopted policy and of its 2026 action plan (versión 4).
EXPECTED_COUNTS = {
    "axes": 6,
    "objectives": 7,
    "results": 7,
    "products": 36,
    "entities": 14,
    "localities": 20,
}

#: Types of annualisation (what an annual target means; METHODOLOGY.md).
ANNUALISATIONS = ("SUMA", "CRECIENTE", "DECRECIENTE", "CONSTANTE")
#: How often an indicator has a value.
PERIODICITIES = ("trimestral", "semestral", "anual")

#: Internal columns of each catalog table, in order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "axes": ("axis_id", "name"),
    "objectives": ("objective_id", "text", "weight"),
    "entities": ("entity_id", "acronym", "name"),
    # One expected result per objective, measured by its result indicator.
    "results": (
        "code", "objective_id", "text", "name", "formula", "unit", "annualisation",
        "periodicity", "baseline", "baseline_year", "baseline_source", "final_target",
        "final_target_text", "weight", "entity_id", "in_force",
    ),
    "products": ("product_id", "name", "result_code"),
    "indicators": (
        "code", "product_id", "name", "formula", "unit", "annualisation", "periodicity",
        "baseline", "baseline_year", "baseline_source", "final_target", "final_target_text",
        "weight", "entity_id", "co_entity_id", "in_force", "axis_id", "by_locality", "layer",
    ),
    # Annual targets of result and product indicators; locality_code is CITYWIDE
    # for the city's, "01".."20" for a locality's (indicators reported by locality).
    # A non-numeric target keeps its text in target_text (target is NaN).
    "targets": ("code", "locality_code", "year", "target", "target_text"),
    # Baseline and final target of an indicator in one locality.
    "locality_baselines": ("code", "locality_code", "baseline", "final_target",
                           "final_target_text"),
    # Quarterly reports: a value and the written account (qualitative report).
    "reports": ("code", "year", "quarter", "locality_code", "value", "text", "reported_at"),
}

#: Spanish headers used in the CSV/XLSX files, mapped to internal columns. A
#: target cell ("meta", "meta_final") holds a number or a text target (kept as
#: text in the ``*_text`` column); an empty "localidad" is the city.
FILE_COLUMNS: dict[str, dict[str, str]] = {
    "axes": {"eje": "axis_id", "nombre": "name"},
    "objectives": {"objetivo": "objective_id", "texto": "text", "peso": "weight"},
    "entities": {"entidad": "entity_id", "sigla": "acronym", "nombre": "name"},
    "results": {
        "codigo": "code", "objetivo": "objective_id", "resultado": "text",
        "indicador": "name", "formula": "formula", "unidad": "unit",
        "tipo_anualizacion": "annualisation", "periodicidad": "periodicity",
        "linea_base": "baseline", "anio_linea_base": "baseline_year",
        "fuente_linea_base": "baseline_source", "meta_final": "final_target",
        "peso": "weight", "entidad": "entity_id", "vigente": "in_force",
    },
    "products": {"producto": "product_id", "nombre": "name", "resultado": "result_code"},
    "indicators": {
        "codigo": "code", "producto": "product_id", "indicador": "name",
        "formula": "formula", "unidad": "unit", "tipo_anualizacion": "annualisation",
        "periodicidad": "periodicity", "linea_base": "baseline",
        "anio_linea_base": "baseline_year", "fuente_linea_base": "baseline_source",
        "meta_final": "final_target", "peso": "weight", "entidad": "entity_id",
        "corresponsable": "co_entity_id",
        "vigente": "in_force", "eje": "axis_id", "por_localidad": "by_locality",
        "capa": "layer",
    },
    "targets": {"codigo": "code", "localidad": "locality_code", "anio": "year",
                "meta": "target"},
    "locality_baselines": {"codigo": "code", "localidad": "locality_code",
                           "linea_base": "baseline", "meta_final": "final_target"},
    "reports": {"codigo": "code", "anio": "year", "trimestre": "quarter",
                "localidad": "locality_code", "valor": "value", "texto": "text",
                "fecha_reporte": "reported_at"},
}

#: Sheet (XLSX) or file stem (CSV directory) of each table.
FILE_NAMES = {
    "axes": "ejes",
    "objectives": "objetivos",
    "entities": "entidades",
    "results": "resultados",
    "products": "productos",
    "indicators": "indicadores",
    "targets": "metas",
    "locality_baselines": "lineas_base_localidad",
    "reports": "avances",
}

#: Status (semáforo) codes, in display order: the district's five classes plus
#: "futuro" (a period after the cut, never counted as missing). Thresholds live
#: in ``data.config.SEMAFORO``; the rule in ``data.method.status_of``.
STATUSES = ("rojo", "amarillo", "verde", "naranja", "sin_dato", "futuro")
STATUS_LABELS = {
    "rojo": "Rezagado",
    "amarillo": "En riesgo",
    "verde": "En meta",
    "naranja": "Sobre-ejecución",
    "sin_dato": "Sin dato",
    "futuro": "Futuro",
}
