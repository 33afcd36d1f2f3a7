"""Submitting a progress report: the one use case behind the API and the upload page.

token -> caller -> parse and check the file against the current catalog ->
preview of the changes -> publish as a new version -> refresh the read cache.
Each step raises :class:`SubmitError` with the HTTP status and the Spanish
issues to show; the API (``app/routes/api.py``) and the upload page
(``callbacks/upload.py``) only translate them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.exc import SQLAlchemyError

from data import repository
from data.catalog import Catalog
from data.config import Settings, load_settings
from data.reports import (
    ADMIN,
    CHANGE_LABELS,
    ParsedReport,
    ReportError,
    entity_for_token,
    parse_report,
    preview_changes,
    publish_report,
)
from data.store import (
    ConflictError,
    IdempotencyKeyError,
    InvalidObservationsError,
    StoreError,
    VersionRecord,
    is_unavailable,
)
from data.validation import Issue

__all__ = ["MAX_KEY_LENGTH", "MAX_NOTE_LENGTH", "Submission", "SubmitError", "authenticate",
           "check_idempotency_key", "check_note", "check_submission", "publish_submission",
           "refusal_summary"]

#: Longest note kept in the history.
MAX_NOTE_LENGTH = 2000
#: Longest ``Idempotency-Key`` accepted (a UUID has 36 characters).
MAX_KEY_LENGTH = 200
#: Bidirectional-text controls: they make a name read differently from what it is.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_STORE_DOWN = (
    "El almacén de datos no responde; no se pudo confirmar la publicación. Intente de nuevo "
    "en unos minutos. Si envió la cabecera Idempotency-Key, reintente con la misma clave: "
    "no se publicará dos veces; si no, revise el historial de versiones antes de "
    "reintentar."
)


class SubmitError(Exception):
    """A submission that cannot go on: ``status`` (HTTP), ``message`` and ``issues``.

    ``reason`` tells the channels apart where they word things differently:
    ``"no_token"``, ``"bad_token"``, ``"file"``, ``"name"``, ``"note"``, ``"key"``,
    ``"idempotency"``, ``"report"``, ``"conflict"``, ``"invalid"``, ``"store"``.
    """

    def __init__(self, status: int, message: str, reason: str,
                 issues: list[Issue] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.issues = list(issues or [])


@dataclass(frozen=True)
class Submission:
    """A report that passed every check, with what publishing it would change."""

    caller: str
    catalog: Catalog
    parsed: ParsedReport
    preview: pd.DataFrame
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def base_version(self) -> int:
        """The version the preview was made against."""
        return self.catalog.version.version_id


def refusal_summary(error: ReportError, noun: str = "El reporte") -> str:
    """One Spanish sentence summing up why a report was refused."""
    if error.status == 403:
        return f"{noun} incluye indicadores de otra entidad; no se publicó nada."
    if error.status == 413:
        message = error.issues[0].message
        return message[:1].upper() + message[1:]
    n = len(error.issues)
    return (f"{noun} tiene {n} problema{'s' if n != 1 else ''}; no se publicó nada. "
            "Corrija las filas indicadas y vuelva a cargarlo.")


def authenticate(token: str | None, settings: Settings | None = None) -> str:
    """The caller of ``token``: an entity id, or ``"admin"``.

    Raises
    ------
    SubmitError
        401 with reason ``"no_token"`` or ``"bad_token"``.
    """
    if not (token or "").strip():
        raise SubmitError(401, "Falta el token de carga.", "no_token")
    caller = entity_for_token(token, settings or load_settings())
    if caller is None:
        raise SubmitError(401, "El token no es válido.", "bad_token")
    return caller


def _forbidden(text: str, *, allow_breaks: bool) -> tuple[int, str] | None:
    """First (1-based position, character) that cannot be stored, or None.

    Control characters (NUL among them; tabs and line breaks only where
    ``allow_breaks``), lone surrogates and bidirectional-text controls.
    """
    for position, char in enumerate(text, start=1):
        category = unicodedata.category(char)
        if category == "Cc" and not (allow_breaks and char in "\t\n\r"):
            return position, char
        if category == "Cs" or char in _BIDI_CONTROLS:
            return position, char
    return None


def _shown(text: str) -> str:
    """``text`` with every unprintable character written as an escape (``\\x00``)."""
    return "".join(
        (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        if _forbidden(c, allow_breaks=False) else c for c in text)[:300]


def _refuse_text(reason: str, what: str, text: str, found: tuple[int, str],
                 advice: str) -> SubmitError:
    position, char = found
    message = (f"{what} tiene un carácter de control (U+{ord(char):04X} en la posición "
               f"{position}) que no se puede guardar. {advice}")
    issue = Issue(what.lower(), None, None, _shown(text), message)
    return SubmitError(422, message, reason, [issue])


def check_note(note: str | None) -> str:
    """The note for the history (first :data:`MAX_NOTE_LENGTH` characters).

    Raises
    ------
    SubmitError
        422 with reason ``"note"`` when it holds a control character (NUL...).
    """
    note = (note or "")[:MAX_NOTE_LENGTH]
    found = _forbidden(note, allow_breaks=True)
    if found:
        raise _refuse_text("note", "La nota", note, found,
                           "Escríbala de nuevo sin ese carácter (suele llegar al pegar "
                           "texto copiado de otro programa) y vuelva a enviarla.")
    return note


def check_idempotency_key(key: str | None) -> str | None:
    """The ``Idempotency-Key`` to publish with (None when absent).

    Raises
    ------
    SubmitError
        400 with reason ``"key"`` when it is empty, longer than
        :data:`MAX_KEY_LENGTH` or not printable ASCII without spaces.
    """
    if key is None:
        return None
    if not (0 < len(key) <= MAX_KEY_LENGTH and all("!" <= c <= "~" for c in key)):
        raise SubmitError(400, "La cabecera «Idempotency-Key» debe tener de 1 a "
                               f"{MAX_KEY_LENGTH} caracteres visibles sin espacios (por "
                               "ejemplo, un UUID); genere una clave nueva para cada archivo.",
                          "key")
    return key


def check_submission(token: str | None, content: bytes | None, file_name: str,
                     settings: Settings | None = None, *,
                     noun: str = "El reporte") -> Submission:
    """Authenticate ``token``, then parse and check the file and preview its changes.

    Raises
    ------
    SubmitError
        401 (no or unknown token), 400 (no file: ``content`` None), 403 (another
        entity's products), 413 or 422 (the file, or a control character such as
        NUL in its name: reason ``"name"``), with every issue found.
    """
    caller = authenticate(token, settings)
    if content is None:
        raise SubmitError(400, "No se recibió el archivo; elíjalo de nuevo.", "file")
    found = _forbidden(file_name or "", allow_breaks=False)
    if found:
        raise _refuse_text("name", "El nombre del archivo", file_name, found,
                           "Cambie el nombre del archivo (letras, números, espacios, "
                           "guiones y puntos) y vuelva a cargarlo.")
    try:
        catalog = repository.get_catalog()
    except StoreError as error:
        raise SubmitError(503, str(error), "store") from error
    try:
        parsed = parse_report(content, file_name, catalog, None if caller == ADMIN else caller)
    except ReportError as error:
        raise SubmitError(error.status, refusal_summary(error, noun), "report",
                          error.issues) from error
    preview = preview_changes(catalog, parsed)
    summary = {key: int((preview["change"] == key).sum()) for key in CHANGE_LABELS}
    return Submission(caller, catalog, parsed, preview, summary)


def publish_submission(submission: Submission, *, note: str = "",
                       expected_version: int | None = None,
                       idempotency_key: str | None = None) -> VersionRecord:
    """Publish a checked submission as a new version and refresh the read cache.

    With ``idempotency_key`` (scoped to the submission's caller), a retry of a
    publication that already landed returns that version with
    ``replayed=True`` and publishes nothing.

    Raises
    ------
    SubmitError
        400 (malformed key), 409 (another publication landed first), 422 (a
        control character in the note, the key used for another file, rows
        that do not fit the catalog) or 503 (the store is unreachable; the
        publication may or may not have landed: retry with the same key).
    """
    note = check_note(note)
    idempotency_key = check_idempotency_key(idempotency_key)
    try:
        record = publish_report(repository.get_engine(), submission.parsed, submission.caller,
                                note=note, expected_version=expected_version,
                                idempotency_key=idempotency_key)
    except ConflictError as error:
        raise SubmitError(409, str(error), "conflict") from error
    except IdempotencyKeyError as error:
        raise SubmitError(422, str(error), "idempotency") from error
    except InvalidObservationsError as error:
        raise SubmitError(422, str(error), "invalid") from error
    except StoreError as error:
        message = _STORE_DOWN if is_unavailable(error) else str(error)
        raise SubmitError(503, message, "store") from error
    except SQLAlchemyError as error:
        if not is_unavailable(error):
            raise
        raise SubmitError(503, _STORE_DOWN, "store") from error
    repository.refresh()
    return record
