"""Progress-report files for the upload tests: CSV and XLSX bytes, tampered zips."""

from __future__ import annotations

import io
import zipfile

import openpyxl

#: Header of a report file with every column of the template.
HEADER = "codigo,anio,trimestre,localidad,valor,texto,fecha_reporte"
#: Path of the first worksheet in workbooks saved by openpyxl.
SHEET_XML = "xl/worksheets/sheet1.xml"


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8",
              bom: bytes = b"") -> bytes:
    """CSV report: ``header`` then ``lines``, one row each (``bom`` prepended)."""
    return bom + "\n".join([header, *lines]).encode(encoding)


def xlsx_bytes(rows: list[list[object]], sheet: str | None = None,
               others: dict[str, list[list[object]]] | None = None) -> bytes:
    """XLSX workbook whose first sheet holds ``rows`` (renamed ``sheet``), then ``others``."""
    book = openpyxl.Workbook()
    if sheet is not None:
        book.active.title = sheet
    for row in rows:
        book.active.append(row)
    for title, more in (others or {}).items():
        extra = book.create_sheet(title)
        for row in more:
            extra.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def member(content: bytes, name: str) -> bytes:
    """The bytes of one member of a zip (xlsx)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(name)


def _rebuild(content: bytes, replace: dict[str, bytes], add: dict[str, bytes],
             stored: frozenset[str] = frozenset()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = replace.get(item.filename, source.read(item))
            kind = zipfile.ZIP_STORED if item.filename in stored else zipfile.ZIP_DEFLATED
            target.writestr(item.filename, data, compress_type=kind)
        for name, data in add.items():
            target.writestr(name, data)
    return buffer.getvalue()


def with_member(content: bytes, name: str, data: bytes) -> bytes:
    """Copy of a zip (xlsx) with one more member."""
    return _rebuild(content, {}, {name: data})


def replace_member(content: bytes, name: str, data: bytes) -> bytes:
    """Copy of a zip (xlsx) with member ``name`` holding ``data`` instead."""
    return _rebuild(content, {name: data}, {})


def with_bad_crc(content: bytes, name: str = SHEET_XML) -> bytes:
    """Copy of a zip whose member ``name`` is stored and has one byte changed (bad CRC-32)."""
    rebuilt = _rebuild(content, {}, {}, frozenset({name}))
    with zipfile.ZipFile(io.BytesIO(rebuilt)) as archive:
        info = archive.getinfo(name)
    raw = bytearray(rebuilt)
    name_length = int.from_bytes(raw[info.header_offset + 26:info.header_offset + 28], "little")
    extra_length = int.from_bytes(raw[info.header_offset + 28:info.header_offset + 30],
                                  "little")
    start = info.header_offset + 30 + name_length + extra_length
    position = start + raw[start:start + info.compress_size].index(b">") + 1
    raw[position] = ord(" ") if raw[position] != ord(" ") else ord("\n")
    return bytes(raw)
