"""Submitting a progress report: the one use case behind the API and the upload page.

token -> caller -> parse and check the file against the current catalog ->
preview of the changes -> publish as a new version -> refresh the read cache.
Each step raises :class:`SubmitError` with the HTTP status and the Spanish
issues to show; the API (``app/routes/api.py``) and the upload page
(``callbacks/upload.py``) only translate them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

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
from data.store import ConflictError, InvalidObservationsError, StoreError, VersionRecord
from data.validation import Issue

__all__ = ["Submission", "SubmitError", "authenticate", "check_submission",
           "publish_submission", "refusal_summary"]


class SubmitError(Exception):
    """A submission that cannot go on: ``status`` (HTTP), ``message`` and ``issues``.

    ``reason`` tells the channels apart where they word things differently:
    ``"no_token"``, ``"bad_token"``, ``"file"``, ``"report"``, ``"conflict"``,
    ``"invalid"``, ``"store"``.
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


def check_submission(token: str | None, content: bytes | None, file_name: str,
                     settings: Settings | None = None, *,
                     noun: str = "El reporte") -> Submission:
    """Authenticate ``token``, then parse and check the file and preview its changes.

    Raises
    ------
    SubmitError
        401 (no or unknown token), 400 (no file: ``content`` None), 403 (another
        entity's products), 413 or 422 (the file), with every issue found.
    """
    caller = authenticate(token, settings)
    if content is None:
        raise SubmitError(400, "No se recibió el archivo; elíjalo de nuevo.", "file")
    catalog = repository.get_catalog()
    try:
        parsed = parse_report(content, file_name, catalog, None if caller == ADMIN else caller)
    except ReportError as error:
        raise SubmitError(error.status, refusal_summary(error, noun), "report",
                          error.issues) from error
    preview = preview_changes(catalog, parsed)
    summary = {key: int((preview["change"] == key).sum()) for key in CHANGE_LABELS}
    return Submission(caller, catalog, parsed, preview, summary)


def publish_submission(submission: Submission, *, note: str = "",
                       expected_version: int | None = None) -> VersionRecord:
    """Publish a checked submission as a new version and refresh the read cache.

    Raises
    ------
    SubmitError
        409 (another publication landed first), 422 (rows that do not fit the
        catalog) or 503 (the store failed); nothing is written then.
    """
    try:
        record = publish_report(repository.get_engine(), submission.parsed, submission.caller,
                                note=note, expected_version=expected_version)
    except ConflictError as error:
        raise SubmitError(409, str(error), "conflict") from error
    except InvalidObservationsError as error:
        raise SubmitError(422, str(error), "invalid") from error
    except StoreError as error:
        raise SubmitError(503, str(error), "store") from error
    repository.refresh()
    return record
