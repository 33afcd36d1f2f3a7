"""Uploads of the district's workbooks: a follow-up or a filled template, as a report.

:func:`data.reports.parse_report` hands every workbook (``.xlsx``, ``.xlsb``)
to :func:`district_report` first. It tells the layouts apart by content
(:func:`data.workbooks.sheets.sniff`): a follow-up of products or a
template of this project are read here into the same rows as an uploaded
CSV and go through the same checks as one (:func:`check_rows`: the rules of
the ``avances`` table, the entity's ownership of every row, quarters ended in
Bogotá, the periodicity, the semáforo without a written account); an
``avances`` table (or anything else) in an ``.xlsx`` goes back to
:func:`data.reports.parse_report` (None); an action plan, a matrix or an
unknown ``.xlsb`` is refused with the formats accepted.

Every issue is moved to the cell it comes from: its message starts with
«hoja «Avance Cuantitativo», celda K14: …» and :attr:`data.issues.Issue.cell`
holds ``"K14"``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from data.catalog import Catalog
from data.issues import Issue
from data.reports import (
    ADMIN,
    ParsedReport,
    ReportError,
    _formula_issue,
    _future_issues,
    _is_number,
    _ownership_issues,
    _periodicity_warnings,
    _status_warnings,
    _today,
)
from data.validation import report_issues
from data.workbooks.sheets import (
    FOLLOWUP,
    MATRIX,
    PLAN,
    REPORT,
    TEMPLATE,
    Sheet,
    read_book,
    sniff,
)

__all__ = ["ACCEPTED", "SourceRow", "check_rows", "district_report"]

#: What an upload may be (said when a workbook is none of them).
ACCEPTED = ("un reporte .csv o .xlsx con las columnas codigo, anio, trimestre, localidad, "
            "valor (y, opcionales, texto y fecha_reporte); el libro de seguimiento a "
            "productos de la SDP (.xlsb o .xlsx, hojas «Avance Cuantitativo» y «Avance "
            "Cualitativo»); o la plantilla de seguimiento descargada de "
            "/plantillas/seguimiento.xlsx")
_FORMULA_PREFIXES = ("=", "+", "-", "@")
_ROW_REFERENCE = re.compile(r"ya está en la fila (\d+)")


@dataclass(frozen=True)
class SourceRow:
    """One report row read from a workbook, and the cell each of its fields came from.

    ``cells`` maps the ``avances`` headers (``codigo, anio, trimestre, localidad,
    valor, texto``) to ``(sheet, row, column)`` (0-based); ``formula`` lists the
    fields whose cell holds a formula (refused where the layout asks for values).
    """

    code: object
    year: object
    quarter: object
    locality: object
    value: object
    text: object
    cells: Mapping[str, tuple[Sheet, int, int]]
    formula: frozenset[str] = frozenset()


def _locate(issue: Issue, rows: Sequence[SourceRow], name: str) -> Issue:
    if issue.row is None or not 0 <= issue.row - 2 < len(rows):
        return issue
    row = rows[issue.row - 2]
    place = row.cells.get(issue.column or "") or row.cells.get("valor") or \
        next(iter(row.cells.values()))
    sheet, r, c = place
    message = issue.message
    for match in _ROW_REFERENCE.finditer(message):
        other = int(match.group(1)) - 2
        if 0 <= other < len(rows):
            o_sheet, o_r, o_c = rows[other].cells.get(issue.column or "") or \
                rows[other].cells["valor"]
            message = message.replace(match.group(0),
                                      f"ya está en la celda {o_sheet.ref(o_r, o_c)}")
    if not message.startswith("hoja «"):
        message = f"{sheet.where(r, c)}: {message}"
    return replace(issue, file=name, row=r + 1, message=message, cell=sheet.ref(r, c))


def _formula_and_text_issues(rows: Sequence[SourceRow], values_only: bool) -> list[Issue]:
    issues = []
    for n, row in enumerate(rows, start=2):
        fields = {"valor": row.value, "texto": row.text}
        for field, value in fields.items():
            text = "" if value is None else str(value)
            if (values_only and field in row.formula) or (
                    isinstance(value, str) and text.startswith(_FORMULA_PREFIXES)
                    and not _is_number(text)):
                issues.append(_formula_issue("", n, field, text))
    return issues


def check_rows(rows: Sequence[SourceRow], catalog: Catalog, entity_id: str | None, *,
               name: str, file_format: str, content: bytes, today: date | None = None,
               values_only: bool = True, warnings: Sequence[Issue] = (),
               after=None) -> ParsedReport:
    """Check report rows read from a workbook exactly as an uploaded CSV's, all or nothing.

    Parameters
    ----------
    rows : sequence of SourceRow
    catalog : Catalog
        The current catalog.
    entity_id : str or None
        The uploading entity (None or ``"admin"``: any indicator).
    name, file_format, content
        The upload (for the messages, :class:`ParsedReport` and its digest).
    today : date, optional
        Default: today in Bogotá.
    values_only : bool
        Refuse formula cells in the value and text fields (a template); a
        follow-up's formulas are read as their cached values.
    warnings : sequence of Issue
        Found while reading (kept, never blocking).
    after : callable, optional
        ``after(typed) -> list of Issue``: more warnings once every check passed
        (the differences of a follow-up).

    Raises
    ------
    ReportError
        403 when a row is another entity's, else 422, with every error at its cell.
    """
    if not rows:
        raise ReportError([Issue(name, None, None, None,
                                 "el libro no tiene ningún valor trimestral que publicar; "
                                 "escriba los valores en las columnas de los trimestres.")],
                          name)
    frame = pd.DataFrame({"codigo": [r.code for r in rows], "anio": [r.year for r in rows],
                          "trimestre": [r.quarter for r in rows],
                          "localidad": [r.locality for r in rows],
                          "valor": [r.value for r in rows], "texto": [r.text for r in rows]},
                         dtype=object)
    file_rows = list(range(2, len(rows) + 2))
    issues = _formula_and_text_issues(rows, values_only)
    typed, row_issues = report_issues(frame, catalog, name, file_rows=file_rows)
    flagged = {(i.row, i.column) for i in issues}
    issues += [i for i in row_issues if (i.row, i.column) not in flagged]
    forbidden: list[Issue] = []
    if typed is not None:
        positions = typed.index.tolist()
        if entity_id not in (None, ADMIN):
            forbidden = _ownership_issues(typed, catalog, entity_id, positions, name)
        issues += _future_issues(typed, today or _today(), positions, name)
        issues += _periodicity_warnings(typed, catalog, positions, name)
    located = _unique(_locate(i, rows, name) for i in issues)
    forbidden = _unique(_locate(i, rows, name) for i in forbidden)
    errors = _sorted(i for i in located if not i.warning)
    if forbidden:
        raise ReportError(_sorted(forbidden) + errors, name, status=403)
    if typed is None or errors:
        raise ReportError(errors, name)
    found = list(warnings) + [i for i in located if i.warning]
    found += [_locate(i, rows, name) for i in
              _status_warnings(typed, catalog, typed.index.tolist(), name)]
    reports = typed.reset_index(drop=True)
    if after is not None:
        found += list(after(reports))
    return ParsedReport(file_name=name, file_format=file_format,
                        sha256=hashlib.sha256(content).hexdigest(), size_bytes=len(content),
                        reports=reports, warnings=_sorted(found))


def _unique(issues) -> list[Issue]:
    """One issue per cell and message (a code cell serves every quarter of its row)."""
    seen, out = set(), []
    for issue in issues:
        key = (issue.cell, issue.message, issue.warning)
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return out


def _sorted(issues) -> list[Issue]:
    """By sheet, row and column (``"Z6"`` before ``"AA6"``)."""
    def key(issue: Issue):
        match = re.search(r"hoja «([^»]*)»", issue.message)
        letters = re.match(r"[A-Z]*", issue.cell or "").group(0)
        column = sum((ord(ch) - 64) * 26 ** n for n, ch in enumerate(reversed(letters)))
        return (match.group(1) if match else "", issue.row or 0, column)

    return sorted(issues, key=key)


def _refuse(name: str, message: str) -> ReportError:
    return ReportError([Issue(name, None, None, None, message)], name)


def district_report(content: bytes, name: str, file_format: str, catalog: Catalog,
                    entity_id: str | None = None, *, today: date | None = None
                    ) -> ParsedReport | None:
    """A follow-up or template upload as a checked report; None for an ``avances`` table.

    Raises
    ------
    ReportError
        As :func:`data.reports.parse_report` (every guard of a workbook, every
        check of the rows), plus: an action plan, a matrix or an unknown
        ``.xlsb`` are refused naming the formats accepted.
    """
    from data.workbooks.sheets import check_archive, workbook_format

    named = file_format
    file_format = workbook_format(content) or file_format  # by content: a renamed .xlsb
    if file_format == "xlsb":
        check_archive(content, name, "xlsb")  # before pyxlsb reads anything
    kind = sniff(content, file_format)
    if kind in (REPORT, None) and file_format == "xlsx":
        if named == "xlsb":
            raise _refuse(name, "el archivo se llama .xlsb pero es un libro .xlsx (¿se cambió "
                                "la extensión?); cámbiele la extensión a .xlsx y vuelva a "
                                "cargarlo.")
        return None
    if kind == PLAN:
        raise _refuse(name, "el libro es un plan de acción, no un reporte de avance: el plan "
                            "se carga al iniciar el tablero (BOGOTA_TI_MATRIX). Aquí se acepta "
                            f"{ACCEPTED}.")
    if kind == MATRIX:
        raise _refuse(name, "el libro es una matriz completa del catálogo, no un reporte de "
                            "avance (se carga con BOGOTA_TI_MATRIX). Aquí se acepta "
                            f"{ACCEPTED}.")
    if kind == FOLLOWUP:
        return _followup(content, name, file_format, catalog, entity_id, today)
    if kind == TEMPLATE:
        from data.workbooks.template import template_rows

        sheets = read_book(content, name, file_format, values=False)
        rows, warnings = template_rows(sheets, name)
        return check_rows(rows, catalog, entity_id, name=name, file_format=file_format,
                          content=content, today=today, values_only=True, warnings=warnings)
    raise _refuse(name, "no se reconoce el contenido del libro .xlsb (no tiene la hoja «Avance "
                        "Cuantitativo» ni el bloque «Avance y seguimiento»). Se acepta "
                        f"{ACCEPTED}.")


def _followup(content: bytes, name: str, file_format: str, catalog: Catalog,
              entity_id: str | None, today: date | None) -> ParsedReport:
    from data.workbooks.followup import (
        difference_issue,
        differences,
        orphan_texts,
        parse_followup,
        report_cells,
    )

    sheets = read_book(content, name, file_format)
    followup = parse_followup(sheets, name, catalog)
    if followup.errors:
        raise ReportError([replace(i, file=name) for i in followup.errors], name)
    rows = [SourceRow(r["codigo"], r["anio"], r["trimestre"], r["localidad"], r["valor"],
                      r["texto"], r["cells"]) for r in report_cells(followup)]

    def compare(reports: pd.DataFrame) -> list[Issue]:
        return [difference_issue(d, name) for d in differences(followup, catalog, reports)]

    warnings = [replace(i, file=name) for i in followup.warnings + orphan_texts(followup)]
    return check_rows(rows, catalog, entity_id, name=name, file_format=file_format,
                      content=content, today=today, values_only=False, warnings=warnings,
                      after=compare)
