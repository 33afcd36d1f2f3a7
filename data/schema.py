"""The policy's data model: constants and the columns of every catalog table.

This module is the contract between the loader, the store, the layers and the
exports. Internal column names are English; the file formats that people fill
(CSV/XLSX) use the Spanish headers in ``FILE_COLUMNS`` (see ``data/README.md``).
"""

from __future__ import annotations

__all__ = [
    "AGGREGATIONS",
    "CITYWIDE",
    "COLUMNS",
    "DIRECTIONS",
    "EXPECTED_COUNTS",
    "FILE_COLUMNS",
    "FILE_NAMES",
    "FIRST_YEAR",
    "LAST_YEAR",
    "LOCALITY_CODES",
    "SCOPES",
    "STATUSES",
    "STATUS_LABELS",
    "YEARS",
]

FIRST_YEAR = 2023
LAST_YEAR = 2032
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))

#: Locality code used for citywide (Bogotá D.C.) values and targets.
CITYWIDE = "00"
LOCALITY_CODES = tuple(f"{n:02d}" for n in range(1, 21))

#: Declared counts of the adopted policy.
EXPECTED_COUNTS = {
    "axes": 6,
    "objectives": 7,
    "products": 36,
    "entities": 14,
    "localities": 20,
}

DIRECTIONS = ("up", "down")  # up: more is better; down: less is better
SCOPES = ("ciudad", "localidad")  # citywide only, or reported by locality
AGGREGATIONS = ("sum", "mean")  # how locality values add up to the city

#: Internal columns of each catalog table, in order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "axes": ("axis_id", "name"),
    "objectives": ("objective_id", "text", "result_text"),
    "entities": ("entity_id", "acronym", "name"),
    "products": (
        "product_id",
        "name",
        "objective_id",
        "axis_id",
        "entity_id",
        "indicator",
        "unit",
        "direction",
        "baseline",
        "scope",
        "aggregation",
        "layer",
    ),
    # locality_code is CITYWIDE for the city's target, or "01".."20".
    "targets": ("product_id", "year", "locality_code", "target"),
    "observations": ("product_id", "year", "locality_code", "value", "reported_at"),
}

#: Spanish headers used in the CSV/XLSX files, mapped to internal columns.
FILE_COLUMNS: dict[str, dict[str, str]] = {
    "axes": {"eje": "axis_id", "nombre": "name"},
    "objectives": {"objetivo": "objective_id", "texto": "text", "resultado": "result_text"},
    "entities": {"entidad": "entity_id", "sigla": "acronym", "nombre": "name"},
    "products": {
        "producto": "product_id",
        "nombre": "name",
        "objetivo": "objective_id",
        "eje": "axis_id",
        "entidad": "entity_id",
        "indicador": "indicator",
        "unidad": "unit",
        "sentido": "direction",
        "linea_base": "baseline",
        "alcance": "scope",
        "agregacion": "aggregation",
        "capa": "layer",
    },
    "targets": {"producto": "product_id", "anio": "year", "localidad": "locality_code",
                "meta": "target"},
    "observations": {"producto": "product_id", "anio": "year", "localidad": "locality_code",
                     "valor": "value", "fecha_reporte": "reported_at"},
}

#: Sheet (XLSX) or file stem (CSV directory) of each table.
FILE_NAMES = {
    "axes": "ejes",
    "objectives": "objetivos",
    "entities": "entidades",
    "products": "productos",
    "targets": "metas",
    "observations": "avances",
}

#: Status ("semáforo") codes, in display order, with their Spanish labels.
#: Thresholds live in ``data.config.STATUS_THRESHOLDS``.
STATUSES = ("on_track", "at_risk", "behind", "no_report")
STATUS_LABELS = {
    "on_track": "En meta",
    "at_risk": "En riesgo",
    "behind": "Rezagado",
    "no_report": "Sin reporte",
}
