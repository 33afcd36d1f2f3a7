"""JSON API: catalog ids, data versions, progress-report uploads and restores.

=========================================  =============================================
route                                      answer
=========================================  =============================================
``GET  /api/catalogo``                     axes, objectives/results, products, entities
``GET  /api/version``                      current data version and cut-off date
``GET  /api/versiones``                    publication history, newest first
``GET  /api/versiones/<id>``               one publication
``POST /api/reportes``                     upload a report (``archivo``), 201 new version
``POST /api/reportes?vista_previa=1``      validate and preview, publish nothing
``POST /api/versiones/<id>/restaurar``     publish a copy of an old version (admin)
=========================================  =============================================

Uploads need ``Authorization: Bearer <token>``; tokens come from
``BOGOTA_TI_TOKENS`` (one entity each) and ``BOGOTA_TI_ADMIN_TOKEN``. Every
refusal is JSON ``{"error": str, "errores": [{row, column, value, message}]}``
with 400, 401, 403, 404, 409, 413 or 422; bad input never gives a 500. One file
per upload (a second file in ``archivo``: 400); a control character such as NUL
in the file name or in ``nota``: 422.

``Idempotency-Key: <key>`` on ``POST /api/reportes`` (1 to 200 visible ASCII
characters, e.g. a UUID; scoped to the token's entity) makes a retry safe: the
same key and file answer the first publication again (201, same body, header
``Idempotent-Replayed: true``) instead of publishing twice; the same key with
another file is a 422.

When the store cannot be reached every route that needs it answers JSON 503
with ``Retry-After`` (``/api/catalogo`` keeps serving the last loaded catalog).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from data import Catalog, repository
from data.config import load_settings
from data.reports import ADMIN, CHANGE_LABELS, MAX_BYTES, issue_json
from data.schema import CITYWIDE, FILE_COLUMNS, FIRST_YEAR, LAST_YEAR, LOCALITY_CODES
from data.store import (
    ConflictError,
    IdempotencyKeyError,
    InvalidReportsError,
    StoreError,
    VersionNotFoundError,
    VersionRecord,
    current_version,
    get_version,
    is_unavailable,
    list_versions,
    restore_version,
)
from data.submit import (
    Submission,
    SubmitError,
    authenticate,
    check_idempotency_key,
    check_note,
    check_submission,
    publish_submission,
)

__all__ = ["ADMIN_ENTITY", "REPLAY_HEADER", "RETRY_AFTER_S", "blueprint"]

blueprint = Blueprint("api", __name__, url_prefix="/api")

#: Entity whose tokens may restore versions (the policy's lead, Alta Consejería TIC).
ADMIN_ENTITY = "sg-actic"
_SETTINGS_KEY = "BOGOTA_TI_API_SETTINGS"
#: Room for the multipart envelope around a file of MAX_BYTES.
_ENVELOPE_BYTES = 64 * 1024
#: Header of an answer that repeats an earlier publication (same ``Idempotency-Key``).
REPLAY_HEADER = "Idempotent-Replayed"
#: Seconds a client should wait before retrying when the store is unavailable.
RETRY_AFTER_S = 5
_STORE_DOWN = ("El almacén de datos no responde en este momento; no se leyó ni se escribió "
               "nada. Intente de nuevo en unos segundos.")
_JSON_TABLES = {"axes": "ejes", "objectives": "objetivos", "entities": "entidades",
                "results": "resultados", "products": "productos", "indicators": "indicadores"}


@blueprint.record_once
def _read_settings(state) -> None:
    state.app.config.setdefault(_SETTINGS_KEY, load_settings())


def _settings():
    return current_app.config.get(_SETTINGS_KEY) or load_settings()


def _refuse(status: int, message: str, issues: list[dict] | None = None,
            headers: dict[str, str] | None = None):
    response = jsonify(error=message, errores=issues or [
        {"row": None, "column": None, "value": None, "message": message}])
    response.status_code = status
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    response.headers.update(headers or {})
    return response


def _bearer() -> str:
    """The bearer token of the request (``""`` when there is none)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" else ""


def _unauthorized(_error: SubmitError | None = None):
    header = request.headers.get("Authorization")
    message = ("Falta el token: envíe «Authorization: Bearer <token>» con el token de su "
               "entidad." if not header else
               "Token inválido o vencido: verifique el token de su entidad con la Alta "
               "Consejería Distrital de TIC.")
    return _refuse(401, message, headers={"WWW-Authenticate": 'Bearer realm="tablero"'})


# ---------------------------------------------------------------- read


@blueprint.get("/catalogo")
def catalog_json():
    """Axes, objectives, entities, results, products and indicators: the report's codes."""
    catalog = repository.get_catalog()
    body = {name: _rows(catalog, table) for table, name in _JSON_TABLES.items()}
    body["version"] = _version_json(catalog)
    body["localidades"] = [CITYWIDE, *LOCALITY_CODES]
    body["anios"] = [FIRST_YEAR, LAST_YEAR]
    body["formato_reporte"] = {
        "columnas": list(FILE_COLUMNS["reports"]),
        "obligatorias": ["codigo", "anio", "trimestre", "localidad", "valor"],
        "formatos": ["csv", "xlsx"],
        "tamano_maximo_bytes": MAX_BYTES,
    }
    response = jsonify(body)
    response.set_etag(f"catalogo-v{catalog.version.version_id}")
    response.headers["Cache-Control"] = "no-cache"  # revalidate: 304 while the version holds
    return response.make_conditional(request)


@blueprint.get("/version")
def version_json():
    """Current data version: id, label, cut-off date, illustrative flag and provenance."""
    record = current_version(repository.get_engine())
    if record is None:
        return _refuse(503, "El almacén de datos aún no tiene versiones publicadas.")
    return jsonify(record.to_json())


@blueprint.get("/versiones")
def versions_json():
    """Publication history, newest first."""
    return jsonify(versiones=[r.to_json() for r in list_versions(repository.get_engine())])


@blueprint.get("/versiones/<int:version_id>")
def one_version_json(version_id: int):
    """One publication of the history."""
    try:
        return jsonify(get_version(repository.get_engine(), version_id).to_json())
    except VersionNotFoundError as error:
        return _refuse(404, str(error))


# ---------------------------------------------------------------- write


@blueprint.post("/reportes")
def upload_report():
    """Validate an uploaded report and publish it as a new version (or only preview it)."""
    token = _bearer()
    try:
        authenticate(token, _settings())
    except SubmitError as error:
        return _unauthorized(error)
    request.max_content_length = MAX_BYTES + _ENVELOPE_BYTES
    try:
        uploads = request.files.getlist("archivo")
    except RequestEntityTooLarge:
        return _too_large()
    if len(uploads) > 1:
        return _refuse(400, f"Se recibieron {len(uploads)} archivos en el campo «archivo» y "
                            "se acepta uno por envío; no se publicó nada. Envíe cada reporte "
                            "por separado.")
    upload = uploads[0] if uploads else None
    if upload is None or not upload.filename:
        return _refuse(400, "Envíe el reporte como formulario multipart con el archivo en el "
                            "campo «archivo» (CSV o XLSX).")
    try:
        note = check_note(request.form.get("nota", ""))
        key = check_idempotency_key(request.headers.get("Idempotency-Key"))
        submission = check_submission(token, upload.read(MAX_BYTES + 1), upload.filename,
                                      _settings())
    except SubmitError as error:
        return _refuse(error.status, error.message, [issue_json(i) for i in error.issues])
    if request.args.get("vista_previa") in ("1", "true", "si", "sí"):
        return jsonify(_preview_json(submission))
    base = request.values.get("version_base")
    try:
        expected = int(base) if base else None
    except ValueError:
        return _refuse(400, f"«version_base» debe ser un número de versión, no «{base}».")
    try:
        record = publish_submission(submission, note=note, expected_version=expected,
                                    idempotency_key=key)
    except SubmitError as error:
        return _refuse(error.status, error.message, [issue_json(i) for i in error.issues])
    return _created(record)


@blueprint.post("/versiones/<int:version_id>/restaurar")
def restore(version_id: int):
    """Publish a new version equal to ``version_id`` (admin or Alta Consejería TIC token)."""
    try:
        entity = authenticate(_bearer(), _settings())
    except SubmitError as error:
        return _unauthorized(error)
    if not (entity == ADMIN or entity == ADMIN_ENTITY):
        return _refuse(403, "Solo la Alta Consejería Distrital de TIC (o el token de "
                            "administración) puede restaurar versiones.")
    try:
        note = check_note(request.values.get("nota", ""))
    except SubmitError as error:
        return _refuse(error.status, error.message, [issue_json(i) for i in error.issues])
    try:
        record = restore_version(repository.get_engine(), version_id, by=entity, note=note)
    except VersionNotFoundError as error:
        return _refuse(404, str(error))
    except ConflictError as error:
        return _refuse(409, str(error))
    return _created(record)


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large_handler(_error):
    return _too_large()


@blueprint.errorhandler(SQLAlchemyError)
def _store_error_handler(error: SQLAlchemyError):
    if not is_unavailable(error):
        raise error
    return _store_down(error)


@blueprint.errorhandler(StoreError)
def _store_error_json(error: StoreError):
    """Store errors not answered by the route itself: JSON, never a 500 page."""
    if isinstance(error, VersionNotFoundError):
        return _refuse(404, str(error))
    if isinstance(error, ConflictError):
        return _refuse(409, str(error))
    if isinstance(error, (InvalidReportsError, IdempotencyKeyError)):
        return _refuse(422, str(error))
    return _store_down(error)  # unreachable or empty store


def _store_down(error: Exception):
    """JSON 503 with ``Retry-After``: the store is unreachable (never a 500 page)."""
    current_app.logger.warning("store unavailable on %s %s: %s", request.method,
                               request.path, str(error).splitlines()[0] if str(error) else
                               type(error).__name__)
    return _refuse(503, _STORE_DOWN)


def _too_large():
    return _refuse(413, "El archivo supera el máximo de 10 MB; divida el reporte en varios "
                        "archivos.")


# ---------------------------------------------------------------- helpers


def _created(record: VersionRecord):
    """201 answer for a newly published version, after refreshing the read cache.

    A replayed publication (same ``Idempotency-Key``) gets the same body and
    ``Idempotent-Replayed: true``.
    """
    repository.refresh()  # a restore does not go through data.submit
    response = jsonify(record.to_json())
    response.status_code = 201
    response.headers["Location"] = f"/api/versiones/{record.version_id}"
    if record.replayed:
        response.headers[REPLAY_HEADER] = "true"
    return response


def _rows(catalog: Catalog, table: str) -> list[dict]:
    headers = {internal: header for header, internal in FILE_COLUMNS[table].items()}
    frame = getattr(catalog, table)
    out = []
    for record in frame.to_dict("records"):
        out.append({headers.get(k, k): _plain(v) for k, v in record.items()})
    return out


def _plain(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def _version_json(catalog: Catalog) -> dict:
    version = catalog.version
    return {"version_id": version.version_id, "label": version.label,
            "cutoff_date": version.cutoff_date.isoformat(),
            "illustrative": version.illustrative}


def _preview_json(submission: Submission) -> dict:
    parsed, preview = submission.parsed, submission.preview
    rows = [
        {"codigo": r.code, "nombre": r.name, "anio": int(r.year), "trimestre": int(r.quarter),
         "localidad": r.locality_code, "valor_anterior": _plain(r.old_value),
         "valor_nuevo": _plain(r.new_value), "texto_anterior": r.old_text,
         "texto_nuevo": r.new_text, "cambio": r.change,
         "cambio_etiqueta": CHANGE_LABELS[r.change]}
        for r in preview.itertuples()
    ]
    return {
        "archivo": parsed.file_name, "sha256": parsed.sha256,
        "version_base": submission.base_version,
        "resumen": submission.summary,
        "advertencias": [issue_json(i) for i in parsed.warnings],
        "cambios": rows,
    }
