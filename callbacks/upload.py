"""Upload page (``/subir``): token + file -> validation -> preview -> confirm -> new version.

Callbacks are declared with :func:`callbacks.features.dashboard_callback`; they
are attached to an app by ``register_callbacks`` once ``"callbacks.upload"`` is
listed in ``FEATURE_MODULES``.

The server keeps nothing between steps: the browser holds the file (the
``dcc.Upload`` contents) and a small pending record (version previewed against,
SHA-256 of the file). Confirming re-checks the same file and publishes it only
if no other publication landed since the preview (else a conflict message).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, html, no_update

from callbacks.features import dashboard_callback
from data import repository
from data.config import load_settings
from data.reports import (
    ADMIN,
    CHANGE_LABELS,
    MAX_BYTES,
    ReportError,
    entity_for_token,
    issue_json,
    parse_report,
    preview_changes,
    publish_report,
)
from data.store import ConflictError, StoreError
from layers.formatting import format_date, format_number

__all__ = [
    "UPLOAD_CONFIRM",
    "UPLOAD_FILE",
    "UPLOAD_MAX_BYTES",
    "UPLOAD_NOTE",
    "UPLOAD_OUTCOME",
    "UPLOAD_PENDING",
    "UPLOAD_RESULT",
    "UPLOAD_TOKEN",
    "UPLOAD_VERSION",
    "UploadCheck",
    "check_upload",
    "confirm_upload",
    "decode_contents",
    "render_check",
    "version_text",
]

UPLOAD_TOKEN = "upload-token"
UPLOAD_FILE = "upload-file"
UPLOAD_NOTE = "upload-note"
UPLOAD_RESULT = "upload-result"
UPLOAD_CONFIRM = "upload-confirm"
UPLOAD_PENDING = "upload-pending"
UPLOAD_OUTCOME = "upload-outcome"
UPLOAD_VERSION = "upload-version"

#: Largest file the browser lets through (the server checks again).
UPLOAD_MAX_BYTES = MAX_BYTES

_NO_TOKEN = ("Escriba el token de carga de su entidad antes de elegir el archivo (lo entrega la "
             "Alta Consejería Distrital de TIC).")
_BAD_TOKEN = "El token no es válido; verifíquelo con la Alta Consejería Distrital de TIC."


@dataclass(frozen=True)
class UploadCheck:
    """Outcome of checking an upload: either errors or a preview ready to confirm."""

    ok: bool
    message: str
    errors: list[dict] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)
    pending: dict | None = None


def decode_contents(contents: str | None) -> bytes | None:
    """Bytes of a ``dcc.Upload`` ``contents`` data URL (None when malformed)."""
    if not contents or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


def check_upload(token: str | None, contents: str | None, filename: str | None
                 ) -> UploadCheck:
    """Authenticate, validate and preview an upload; publish nothing."""
    outcome = _parse(token, contents, filename)
    if isinstance(outcome, UploadCheck):
        return outcome
    _caller, catalog, parsed = outcome
    preview = preview_changes(catalog, parsed)
    summary = {key: int((preview["change"] == key).sum()) for key in CHANGE_LABELS}
    message = (f"El archivo «{parsed.file_name}» es válido: {summary['new']} valores nuevos, "
               f"{summary['changed']} cambiados y {summary['same']} sin cambio. Revise la "
               "vista previa y confirme para publicarlo.")
    pending = {"base_version": catalog.version.version_id, "sha256": parsed.sha256,
               "file_name": parsed.file_name}
    return UploadCheck(True, message, preview=_preview_rows(preview), summary=summary,
                       pending=pending)


def confirm_upload(token: str | None, contents: str | None, filename: str | None,
                   note: str | None, pending: dict | None) -> tuple[bool, str]:
    """Publish the previewed file: ``(published, Spanish message)``."""
    if not pending:
        return False, "Primero cargue y revise un archivo."
    outcome = _parse(token, contents, filename)
    if isinstance(outcome, UploadCheck):
        return False, outcome.message
    caller, _catalog, parsed = outcome
    if parsed.sha256 != pending.get("sha256"):
        return False, "El archivo cambió desde la vista previa; cárguelo y revíselo de nuevo."
    try:
        record = publish_report(repository.get_engine(), parsed, caller, note=note or "",
                                expected_version=pending.get("base_version"))
    except (ConflictError, StoreError) as error:
        return False, str(error)
    repository.refresh()
    return True, (f"Publicado como versión v{record.version_id} (corte "
                  f"{record.cutoff_date.isoformat()}): {record.rows_added} valores nuevos y "
                  f"{record.rows_changed} cambiados. El tablero ya muestra esta versión.")


def _parse(token: str | None, contents: str | None, filename: str | None):
    """``(caller, catalog, parsed)``, or an :class:`UploadCheck` saying why not."""
    if not (token or "").strip():
        return UploadCheck(False, _NO_TOKEN)
    caller = entity_for_token(token, load_settings())
    if caller is None:
        return UploadCheck(False, _BAD_TOKEN)
    content = decode_contents(contents)
    if content is None:
        return UploadCheck(False, "No se recibió el archivo; elíjalo de nuevo.")
    catalog = repository.get_catalog()
    try:
        parsed = parse_report(content, filename or "", catalog,
                              None if caller == ADMIN else caller)
    except ReportError as error:
        return UploadCheck(False, _refusal(error),
                           errors=[issue_json(i) for i in error.issues])
    return caller, catalog, parsed


def version_text() -> list:
    """«Versión vigente …» line of the page, for the current catalog."""
    version = repository.get_catalog().version
    return [f"Versión vigente de los datos: v{version.version_id}, corte ",
            html.Time(format_date(version.cutoff_date), dateTime=version.cutoff_date.isoformat()),
            " (datos ilustrativos)." if version.illustrative else "."]


def _refusal(error: ReportError) -> str:
    if error.status == 413:
        message = error.issues[0].message
        return message[:1].upper() + message[1:]
    if error.status == 403:
        return "El archivo incluye productos de otra entidad; no se publicó nada."
    n = len(error.issues)
    plural = "s" if n != 1 else ""
    return (f"El archivo tiene {n} problema{plural}; corríjalo{plural} y vuelva a cargarlo. "
            "No se publicó nada.")


def _preview_rows(preview) -> list[dict]:
    return [
        {"producto": r.product_id, "nombre": r.product, "anio": int(r.year),
         "localidad": r.locality_code,
         "anterior": format_number(r.old_value, None),
         "nuevo": format_number(r.new_value, None),
         "cambio": CHANGE_LABELS[r.change]}
        for r in preview.itertuples()
    ]


# ---------------------------------------------------------------- rendering


_ERROR_COLUMNS = [
    {"field": "row", "headerName": "Fila", "maxWidth": 90},
    {"field": "column", "headerName": "Columna", "maxWidth": 150},
    {"field": "value", "headerName": "Valor", "maxWidth": 180},
    {"field": "message", "headerName": "Problema", "flex": 1, "wrapText": True,
     "autoHeight": True},
]
_PREVIEW_COLUMNS = [
    {"field": "producto", "headerName": "Producto", "maxWidth": 110},
    {"field": "nombre", "headerName": "Nombre", "flex": 1},
    {"field": "anio", "headerName": "Año", "maxWidth": 90},
    {"field": "localidad", "headerName": "Localidad", "maxWidth": 110},
    {"field": "anterior", "headerName": "Valor anterior", "maxWidth": 150},
    {"field": "nuevo", "headerName": "Valor nuevo", "maxWidth": 150},
    {"field": "cambio", "headerName": "Cambio", "maxWidth": 130},
]


def render_check(check: UploadCheck) -> list:
    """Alert plus the errors table or the preview table."""
    alert = dbc.Alert(check.message, color="success" if check.ok else "danger",
                      className="mb-3")
    rows, columns = (check.preview, _PREVIEW_COLUMNS) if check.ok else \
        (check.errors, _ERROR_COLUMNS)
    if not rows:
        return [alert]
    grid = dag.AgGrid(
        rowData=rows, columnDefs=columns,
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={"domLayout": "autoHeight" if len(rows) <= 15 else "normal",
                         "pagination": len(rows) > 15, "paginationPageSize": 15},
        style={"height": None if len(rows) <= 15 else "520px"},
        className="ag-theme-alpine",
    )
    title = "Vista previa de los cambios" if check.ok else "Problemas encontrados"
    return [alert, html.H2(title, className="h5"), grid]


# ---------------------------------------------------------------- callbacks


@dashboard_callback(
    Output(UPLOAD_RESULT, "children"),
    Output(UPLOAD_CONFIRM, "disabled"),
    Output(UPLOAD_PENDING, "data"),
    Output(UPLOAD_OUTCOME, "children"),
    Input(UPLOAD_FILE, "contents"),
    Input(UPLOAD_TOKEN, "value"),
    State(UPLOAD_FILE, "filename"),
    prevent_initial_call=True,
)
def _on_upload(contents, token, filename):
    if not contents:
        return no_update, True, None, None
    check = check_upload(token, contents, filename)
    return render_check(check), not check.ok, check.pending, None


@dashboard_callback(
    Output(UPLOAD_OUTCOME, "children", allow_duplicate=True),
    Output(UPLOAD_CONFIRM, "disabled", allow_duplicate=True),
    Output(UPLOAD_PENDING, "data", allow_duplicate=True),
    Output(UPLOAD_VERSION, "children"),
    Input(UPLOAD_CONFIRM, "n_clicks"),
    State(UPLOAD_TOKEN, "value"),
    State(UPLOAD_FILE, "contents"),
    State(UPLOAD_FILE, "filename"),
    State(UPLOAD_NOTE, "value"),
    State(UPLOAD_PENDING, "data"),
    prevent_initial_call=True,
)
def _on_confirm(n_clicks, token, contents, filename, note, pending):
    if not n_clicks:
        return no_update, no_update, no_update, no_update
    published, message = confirm_upload(token, contents, filename, note, pending)
    alert = dbc.Alert(message, color="success" if published else "danger")
    return alert, True, None, version_text() if published else no_update
