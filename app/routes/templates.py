"""``GET /plantillas/seguimiento.xlsx``: the quarterly report template of an entity.

=====================================================  ===================================
request                                                answer
=====================================================  ===================================
``GET /plantillas/seguimiento.xlsx?entidad=sdm``       that entity's in-force indicators
``GET /plantillas/seguimiento.xlsx``                   every entity's (for the SDP / admin)
``  &anio=2026``                                       another year (default: the year of
                                                       the last quarter ended in Bogotá)
=====================================================  ===================================

The workbook (:func:`data.workbooks.template.write_template`) has the
instructions first, one row per indicator and locality, the quarters already
published pre-filled and validation on codes and numbers; uploaded as it is
(``/subir/`` or ``POST /api/reportes``) it changes nothing. An unknown entity
is a 404 and a malformed year a 400, both JSON with a Spanish message.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from data import repository
from data.method import cut_of_date
from data.schema import FIRST_YEAR, LAST_YEAR
from data.store import StoreError

__all__ = ["blueprint"]

blueprint = Blueprint("templates", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _error(status: int, message: str):
    response = jsonify(error=message)
    response.status_code = status
    return response


@blueprint.get("/plantillas/seguimiento.xlsx")
def followup_template():
    """The template for ``?entidad=`` (all entities without it) and ``?anio=``."""
    from data.store.write import today_bogota
    from data.workbooks.template import write_template

    unknown = sorted(set(request.args) - {"entidad", "anio"})
    if unknown:
        return _error(400, "Parámetros no reconocidos: " + ", ".join(unknown)
                           + ". Use entidad=<id> (p. ej. sdm) y, opcional, anio=AAAA.")
    try:
        catalog = repository.get_catalog()
    except StoreError as error:
        response = _error(503, f"No se pudo leer el catálogo: {error}")
        response.headers["Retry-After"] = "5"
        return response
    entity = (request.args.get("entidad") or "").strip().lower() or None
    known = dict(zip(catalog.entities["entity_id"], catalog.entities["name"], strict=True))
    if entity is not None and entity not in known:
        listed = ", ".join(sorted(known))
        return _error(404, f"La entidad «{request.args['entidad']}» no existe en el catálogo; "
                           f"use uno de estos identificadores: {listed} (o quite «entidad» "
                           "para la plantilla de todas las entidades).")
    raw_year = (request.args.get("anio") or "").strip()
    if raw_year:
        if not (raw_year.isascii() and raw_year.isdigit()
                and FIRST_YEAR <= int(raw_year) <= LAST_YEAR):
            return _error(400, f"«anio={raw_year}» no es un año de la política; use un año de "
                               f"{FIRST_YEAR} a {LAST_YEAR}.")
        year = int(raw_year)
    else:
        year = cut_of_date(today_bogota()).year
    content = write_template(catalog, entity, year)
    name = f"seguimiento_{entity or 'todas'}_{year}.xlsx"
    response = Response(content, mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"  # it carries the latest published values
    return response
