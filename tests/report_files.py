"""Progress-report files for the upload tests (CSV and XLSX bytes, tampered zips)."""

from __future__ import annotations

import io
import zipfile

import openpyxl

#: Header of a report file with every column of the template.
HEADER = "producto,anio,localidad,valor,fecha_reporte"


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    """CSV report: ``header`` then ``lines``, one row each."""
    return "\n".join([header, *lines]).encode(encoding)


def xlsx_bytes(rows: list[list[object]], sheet: str | None = None) -> bytes:
    """One-sheet XLSX workbook of ``rows``; ``sheet`` renames openpyxl's default sheet."""
    book = openpyxl.Workbook()
    if sheet is not None:
        book.active.title = sheet
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_member(content: bytes, name: str, data: bytes) -> bytes:
    """Copy of a zip (xlsx) with one more member."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr(name, data)
    return buffer.getvalue()
