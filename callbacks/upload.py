"""Upload page (``/subir``): token + file -> validation -> preview -> confirm -> new version.

The page is its own Dash app on the same server (mounted by ``app.factory``).
The server keeps nothing between steps: the browser holds the file (the
``dcc.Upload`` contents) and a small pending record (version previewed against,
SHA-256 of the file, and an idempotency key drawn for this preview). Confirming
re-checks the same file and publishes it only if no other publication landed
since the preview (else a conflict message); the key makes a double click on
«Confirmar y publicar», or a retry after a lost answer, publish once. Every
step is :mod:`data.submit`, the use case the API shares.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass, field

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from data import repository
from data.config import load_settings
from data.reports import CHANGE_LABELS, MAX_BYTES, issue_json
from data.schema import FIRST_YEAR, LAST_YEAR
from data.submit import SubmitError, check_submission, publish_submission
from layers.formatting import format_date, format_number

__all__ = [
    "PATH",
    "UPLOAD_CONFIRM",
    "UPLOAD_FILE",
    "UPLOAD_MAX_BYTES",
    "UPLOAD_NOTE",
    "UPLOAD_OUTCOME",
    "UPLOAD_PENDING",
    "UPLOAD_RESULT",
    "UPLOAD_STORE_NOTICE",
    "UPLOAD_TOKEN",
    "UPLOAD_TOKENS_NOTICE",
    "UPLOAD_VERSION",
    "UploadCheck",
    "check_upload",
    "confirm_upload",
    "decode_contents",
    "register",
    "render_check",
    "store_notice",
    "template_links",
    "tokens_notice",
    "upload_layout",
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
UPLOAD_STORE_NOTICE = "upload-store-notice"
UPLOAD_TOKENS_NOTICE = "upload-tokens-notice"

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
    warnings: list[dict] = field(default_factory=list)


def decode_contents(contents: str | None) -> bytes | None:
    """Bytes of a ``dcc.Upload`` ``contents`` data URL (None when malformed)."""
    if not contents or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


def _refused(error: SubmitError) -> UploadCheck:
    message = {"no_token": _NO_TOKEN, "bad_token": _BAD_TOKEN}.get(error.reason, error.message)
    errors = sorted((issue_json(i) for i in error.issues),
                    key=lambda e: (e["row"] is None, e["row"] or 0))
    return UploadCheck(False, message, errors=errors)


def _submission(token: str | None, contents: str | None, filename: str | None):
    return check_submission(token, decode_contents(contents), filename or "",
                            noun="El archivo")


def check_upload(token: str | None, contents: str | None, filename: str | None
                 ) -> UploadCheck:
    """Authenticate, validate and preview an upload; publish nothing."""
    try:
        submission = _submission(token, contents, filename)
    except SubmitError as error:
        return _refused(error)
    summary, parsed = submission.summary, submission.parsed
    message = (f"El archivo «{parsed.file_name}» es válido: {summary['new']} valores nuevos, "
               f"{summary['changed']} cambiados y {summary['same']} sin cambio. Revise la "
               "vista previa y confirme para publicarlo.")
    pending = {"base_version": submission.base_version, "sha256": parsed.sha256,
               "file_name": parsed.file_name, "key": f"subir-{uuid.uuid4().hex}"}
    warnings = sorted((issue_json(i) for i in parsed.warnings),
                      key=lambda w: (w["row"] is None, w["row"] or 0))
    return UploadCheck(True, message, preview=_preview_rows(submission.preview),
                       summary=summary, pending=pending, warnings=warnings)


def confirm_upload(token: str | None, contents: str | None, filename: str | None,
                   note: str | None, pending: dict | None) -> tuple[bool, str]:
    """Publish the previewed file: ``(published, Spanish message)``.

    The preview's key (``pending["key"]``) goes with the publication: a second
    confirmation of the same preview (double click, retry) answers the first
    version instead of publishing again.
    """
    if not pending:
        return False, "Primero cargue y revise un archivo."
    try:
        submission = _submission(token, contents, filename)
        if submission.parsed.sha256 != pending.get("sha256"):
            return False, ("El archivo cambió desde la vista previa; cárguelo y revíselo de "
                           "nuevo.")
        record = publish_submission(submission, note=note or "",
                                    expected_version=pending.get("base_version"),
                                    idempotency_key=pending.get("key"))
    except SubmitError as error:
        return False, _refused(error).message
    if record.replayed:
        return True, (f"Este archivo ya quedó publicado como versión v{record.version_id} "
                      f"(corte {record.cutoff_date.isoformat()}); no se publicó de nuevo.")
    return True, (f"Publicado como versión v{record.version_id} (corte "
                  f"{record.cutoff_date.isoformat()}): {record.rows_added} valores nuevos y "
                  f"{record.rows_changed} cambiados. El tablero ya muestra esta versión.")


def store_notice():
    """A warning while the store does not answer (publishing fails then), else None."""
    repository.get_catalog()  # re-checks the store at most once per second
    status = repository.store_status()
    if status.available:
        return None
    return dbc.Alert("El almacén de datos no responde en este momento: puede revisar su "
                     "archivo, pero la publicación fallará. Intente publicar de nuevo en unos "
                     "minutos.", color="danger", id=UPLOAD_STORE_NOTICE)


def tokens_notice():
    """When this server has no upload tokens, say so plainly and where they come from."""
    settings = load_settings()
    if settings.tokens or settings.admin_token:
        return None
    return dbc.Alert([
        html.Strong("Este servidor todavía no recibe reportes. "),
        "No tiene tokens de carga configurados, así que ningún token funcionará aquí. La Alta "
        "Consejería Distrital de TIC entrega a cada entidad su token y lo registra en el "
        "servidor (variable BOGOTA_TI_TOKENS, una pareja entidad:token por entidad). Puede "
        "descargar la plantilla de su entidad y revisar su archivo mientras tanto.",
    ], color="warning", id=UPLOAD_TOKENS_NOTICE)


def template_links() -> html.Div:
    """Links to the follow-up template of each entity (and of all of them)."""
    entities = repository.get_catalog().entities.sort_values("name")
    return html.Details([
        html.Summary("Descargar la plantilla de seguimiento (Excel)"),
        html.P("La plantilla trae los indicadores vigentes de la entidad, una fila por "
               "indicador y localidad, con columnas por trimestre para el valor y el texto. "
               "Llénela y cárguela aquí sin cambiar los encabezados.", className="small mb-1"),
        html.Ul([html.Li(html.A(f"{r.name} ({r.acronym})",
                                href=f"/plantillas/seguimiento.xlsx?entidad={r.entity_id}",
                                download=""))
                 for r in entities.itertuples(index=False)]
                + [html.Li(html.A("Todas las entidades", href="/plantillas/seguimiento.xlsx",
                                  download=""))],
                className="small template-list"),
    ], className="template-menu mb-3")


def version_text() -> list:
    """«Versión vigente …» line of the page, for the current catalog."""
    version = repository.get_catalog().version
    return [f"Versión vigente de los datos: v{version.version_id}, corte ",
            html.Time(format_date(version.cutoff_date), dateTime=version.cutoff_date.isoformat()),
            " (datos ilustrativos)." if version.illustrative else "."]


def _preview_rows(preview) -> list[dict]:
    return [
        {"codigo": r.code, "nombre": r.name, "periodo": f"{int(r.year)}-T{int(r.quarter)}",
         "localidad": "Ciudad" if r.locality_code == "00" else r.locality_code,
         "anterior": format_number(r.old_value, None),
         "nuevo": format_number(r.new_value, None),
         "texto": r.new_text or "—",
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
    {"field": "codigo", "headerName": "Indicador", "maxWidth": 110},
    {"field": "nombre", "headerName": "Nombre", "flex": 1, "wrapText": True,
     "autoHeight": True},
    {"field": "periodo", "headerName": "Trimestre", "maxWidth": 110},
    {"field": "localidad", "headerName": "Localidad", "maxWidth": 110},
    {"field": "anterior", "headerName": "Valor anterior", "maxWidth": 140},
    {"field": "nuevo", "headerName": "Valor nuevo", "maxWidth": 130},
    {"field": "texto", "headerName": "Texto del reporte", "flex": 1, "wrapText": True,
     "autoHeight": True},
    {"field": "cambio", "headerName": "Cambio", "maxWidth": 120},
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
    notes = []
    if check.warnings:
        notes = [dbc.Alert([
            html.Strong("Advertencias (no impiden publicar): "),
            html.Ul([html.Li((f"Fila {w['row']}: " if w["row"] else "") + w["message"])
                     for w in check.warnings], className="mb-0"),
        ], color="warning", className="mb-3 upload-warnings")]
    return [alert, *notes, html.H2(title, className="h5"), grid]


#: Where the app factory mounts this page.
PATH = "/subir"

_FORMAT_HELP = [
    "Archivo CSV (UTF-8, UTF-16 o Latin-1, separado por comas, punto y coma o tabulador) "
    "o XLSX, de máximo 10 MB, con los encabezados ",
    html.Code("codigo, anio, trimestre, localidad, valor"),
    " y, opcionales, ",
    html.Code("texto"), " (lo que se hizo y, si hay retraso, por qué) y ",
    html.Code("fecha_reporte"),
    f" (AAAA-MM-DD). Una fila por indicador, trimestre (1 a 4) y lugar; años de {FIRST_YEAR} "
    f"a {LAST_YEAR}; localidad 01 a 20 para los indicadores que se reportan por localidad, "
    "o vacía para toda la ciudad. Cada entidad reporta solo los indicadores de los que es "
    "responsable.",
]


def upload_layout() -> html.Div:
    """The upload page's content."""
    return html.Div(
        [
            html.A("← Volver al tablero", href="/", className="small"),
            html.H1("Cargar reporte de avance", className="h3 mt-2"),
            store_notice(),
            tokens_notice(),
            html.P(version_text(), id=UPLOAD_VERSION, className="mb-1"),
            html.P(_FORMAT_HELP, className="text-body-secondary"),
            template_links(),
            dbc.Row(
                [
                    dbc.Col([
                        dbc.Label("Token de carga de su entidad", html_for=UPLOAD_TOKEN),
                        dbc.Input(id=UPLOAD_TOKEN, type="password", debounce=400,
                                  autocomplete="off", placeholder="Pegue aquí su token"),
                    ], md=5),
                    dbc.Col([
                        dbc.Label("Nota para el historial (opcional)", html_for=UPLOAD_NOTE),
                        dbc.Input(id=UPLOAD_NOTE, type="text", maxLength=2000,
                                  placeholder="p. ej. Reporte del tercer trimestre"),
                    ], md=7),
                ],
                className="g-3 mb-3",
            ),
            # names the upload's file input (assets/a11y.js: aria-labelledby); the input
            # is the keyboard's way in (Tab, then Enter or Space opens the file chooser)
            dbc.Label("Archivo del reporte (CSV, XLSX o XLSB)", html_for=UPLOAD_FILE,
                      id=f"{UPLOAD_FILE}-label"),
            dcc.Upload(
                id=UPLOAD_FILE,
                children=html.Div(["Arrastre aquí su archivo o ",
                                   html.Span("elíjalo", className="text-primary "
                                             "text-decoration-underline")]),
                accept=".csv,.xlsx,.xlsb",
                max_size=UPLOAD_MAX_BYTES,
                multiple=False,
                className="upload-drop border border-2 rounded p-4 text-center mb-3",
                style_reject={"borderColor": "#dc3545"},
            ),
            dcc.Loading(html.Div(id=UPLOAD_RESULT, **{"aria-live": "polite"})),
            dcc.Store(id=UPLOAD_PENDING),
            dbc.Button("Confirmar y publicar", id=UPLOAD_CONFIRM, color="primary",
                       disabled=True, className="my-3"),
            dcc.Loading(html.Div(id=UPLOAD_OUTCOME, **{"aria-live": "polite"})),
            html.P(["El historial de publicaciones (quién, cuándo, qué archivo) está en ",
                    html.A("el registro de versiones", href="/api/versiones", target="_blank"),
                    "."], className="small text-body-secondary"),
        ],
        className="upload-page container py-3",
        id="upload-page",
    )


def _on_upload(contents, token, filename):
    if not contents:
        return no_update, True, None, None
    check = check_upload(token, contents, filename)
    return render_check(check), not check.ok, check.pending, None


def _on_confirm(n_clicks, token, contents, filename, note, pending):
    if not n_clicks:
        return no_update, no_update, no_update, no_update
    published, message = confirm_upload(token, contents, filename, note, pending)
    alert = dbc.Alert(message, color="success" if published else "danger")
    return alert, True, None, version_text() if published else no_update


def register(app) -> None:
    """Attach the upload page's callbacks to ``app`` (the page's own Dash app)."""
    app.callback(
        Output(UPLOAD_RESULT, "children"),
        Output(UPLOAD_CONFIRM, "disabled"),
        Output(UPLOAD_PENDING, "data"),
        Output(UPLOAD_OUTCOME, "children"),
        Input(UPLOAD_FILE, "contents"),
        Input(UPLOAD_TOKEN, "value"),
        State(UPLOAD_FILE, "filename"),
        prevent_initial_call=True,
    )(_on_upload)
    app.callback(
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
    )(_on_confirm)
