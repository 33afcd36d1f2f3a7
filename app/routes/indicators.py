"""``GET /api/indicadores`` and ``/api/indicadores/<codigo>``: the indicators as stable JSON.

=================================================  ================================
route                                              answer
=================================================  ================================
``GET /api/indicadores``                           every result and product indicator
``GET /api/indicadores/<codigo>``                  one indicator, citywide, at the cut
``  ?localidad=NN``                                in a locality (indicators by locality)
``  ?corte=AAAA-TN``                               at another cut
=================================================  ================================

Percentages are fractions; a figure that does not exist is ``null``. Unknown
code: 404 JSON; a malformed parameter: 400 JSON with a message a person can
act on.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from data.method import Period
from data.schema import CITYWIDE, LOCALITY_CODES
from view import current_snapshot
from view.api import IndicatorNotFound, indicator_detail, indicator_list

__all__ = ["blueprint"]

blueprint = Blueprint("indicators", __name__, url_prefix="/api")


def _error(status: int, message: str):
    response = jsonify(error=message)
    response.status_code = status
    return response


@blueprint.get("/indicadores")
def indicators_json():
    """Every indicator: code, level, name, product, objective, axis, entity, type..."""
    snapshot = current_snapshot()
    response = jsonify(version=snapshot.version_id, corte=snapshot.data_cut.label,
                       indicadores=indicator_list(snapshot))
    response.set_etag(f"indicadores-v{snapshot.version_id}")
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


@blueprint.get("/indicadores/<path:code>")
def indicator_json(code: str):
    """One indicator with baseline, targets, reports and its metrics at a cut."""
    snapshot = current_snapshot()
    unknown = sorted(set(request.args) - {"localidad", "corte"})
    if unknown:
        return _error(400, "Parámetros no reconocidos: " + ", ".join(unknown)
                      + ". Use localidad=NN y corte=AAAA-TN.")
    place = request.args.get("localidad", CITYWIDE).strip() or CITYWIDE
    if place != CITYWIDE:
        place = place.zfill(2) if place.isascii() and place.isdigit() else place
        if place not in LOCALITY_CODES:
            return _error(400, f"«localidad={request.args['localidad']}» no es una localidad; "
                               "use un código de 01 a 20.")
    cut = None
    if "corte" in request.args:
        try:
            cut = Period.parse(request.args["corte"])
        except ValueError as error:
            return _error(400, f"«corte={request.args['corte']}»: {error}")
    try:
        return jsonify(indicator_detail(snapshot, code.strip(), place, cut))
    except IndicatorNotFound:
        return _error(404, f"No existe el indicador «{code}». Consulte GET /api/indicadores "
                           "para ver los códigos.")
    except ValueError as error:
        return _error(400, str(error))
