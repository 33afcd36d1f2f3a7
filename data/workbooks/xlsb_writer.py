"""A minimal writer of Excel binary workbooks (``.xlsb``, BIFF12), for examples and tests.

Neither openpyxl nor LibreOffice writes ``.xlsb`` (LibreOffice only imports it),
and pyxlsb only reads it, so this module writes the few records a workbook
needs ([MS-XLSB]): the workbook part with its sheet list, one worksheet part per
sheet (dimension, rows, cells), the shared-string table and a style sheet with
two cell formats (general, and ``0.00%``). Numbers are written as ``BrtCellReal``,
texts as shared strings, booleans, Excel errors, and formulas as ``BrtFmlaNum``
with their cached value (the formula itself is the constant). The output is
byte-for-byte deterministic and is read by pyxlsb and by LibreOffice Calc.

Cells are plain values (``None``, ``str``, ``int``, ``float``, ``bool``) or a
:class:`XlsbCell` to mark a percentage format, a formula or an error::

    write_xlsb({"Hoja": [["código", "valor"], ["1.1.1", XlsbCell(0.25, percent=True)]]})
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["ERRORS", "XlsbCell", "write_xlsb"]

# Record types in pyxlsb's encoded form (the bytes as they appear, little-endian).
_BEGIN_BOOK, _END_BOOK = 0x0183, 0x0184
_BEGIN_SHEETS, _END_SHEETS, _SHEET = 0x018F, 0x0190, 0x019C
_BEGIN_SHEET, _END_SHEET = 0x0181, 0x0182
_DIMENSION, _BEGIN_DATA, _END_DATA = 0x0194, 0x0191, 0x0192
_ROW, _ERROR, _BOOL, _REAL, _ISST, _FMLA_NUM = 0x0000, 0x0003, 0x0004, 0x0005, 0x0007, 0x0009
_BEGIN_SST, _END_SST, _SST_ITEM = 0x019F, 0x01A0, 0x0013
_BEGIN_STYLES, _END_STYLES = 0x0296, 0x0297
_BEGIN_FONTS, _END_FONTS, _FONT = 0x04E3, 0x04E4, 0x002B
_BEGIN_FILLS, _END_FILLS, _FILL = 0x04DB, 0x04DC, 0x002D
_BEGIN_BORDERS, _END_BORDERS, _BORDER = 0x04E5, 0x04E6, 0x002E
_BEGIN_STYLE_XFS, _END_STYLE_XFS = 0x04F2, 0x04F3
_BEGIN_XFS, _END_XFS, _XF = 0x04E9, 0x04EA, 0x002F
#: Excel's error codes (BrtCellError).
ERRORS = {"#NULL!": 0x00, "#DIV/0!": 0x07, "#VALUE!": 0x0F, "#REF!": 0x17, "#NAME?": 0x1D,
          "#NUM!": 0x24, "#N/A": 0x2A}
_PERCENT_STYLE = 1  # cell format 1: built-in number format 10 ("0.00%")
_DATE = (2024, 1, 1, 0, 0, 0)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class XlsbCell:
    """A cell with a format: ``percent`` (shown as ``0.00%``), ``formula`` (the value is
    the formula's cached result) or ``error`` (an Excel error such as ``"#DIV/0!"``)."""

    value: object = None
    percent: bool = False
    formula: bool = False
    error: str | None = None


def _record(kind: int, payload: bytes = b"") -> bytes:
    head = bytearray()
    value = kind
    while True:
        byte = value & 0xFF
        head.append(byte)
        value >>= 8
        if not byte & 0x80:
            break
    size = len(payload)
    while True:
        byte, size = size & 0x7F, size >> 7
        head.append(byte | 0x80 if size else byte)
        if not size:
            break
    return bytes(head) + payload


def _wide(text: str) -> bytes:
    data = text.encode("utf-16-le")
    return struct.pack("<I", len(data) // 2) + data


def _u32(*values: int) -> bytes:
    return struct.pack(f"<{len(values)}I", *values)


def _cell(column: int, cell: object, strings: dict[str, int]) -> bytes:
    spec = cell if isinstance(cell, XlsbCell) else XlsbCell(cell)
    style = _PERCENT_STYLE if spec.percent else 0
    head = _u32(column, style)
    value = spec.value
    if spec.error is not None:
        return _record(_ERROR, head + bytes([ERRORS[spec.error]]))
    if isinstance(value, bool):
        return _record(_BOOL, head + bytes([int(value)]))
    if isinstance(value, int | float):
        number = struct.pack("<d", float(value))
        if spec.formula:  # the formula is the constant itself: ptgNum
            formula = struct.pack("<I", 9) + b"\x1f" + number + struct.pack("<I", 0)
            return _record(_FMLA_NUM, head + number + b"\x00\x00" + formula)
        return _record(_REAL, head + number)
    text = str(value)
    index = strings.setdefault(text, len(strings))
    return _record(_ISST, head + _u32(index))


def _sheet(rows: Sequence[Sequence[object]], strings: dict[str, int]) -> bytes:
    cells = [(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row)
             if v is not None and not (isinstance(v, XlsbCell) and v.value is None
                                       and v.error is None)]
    last_row = max((r for r, _, _ in cells), default=0)
    last_col = max((c for _, c, _ in cells), default=0)
    out = [_record(_BEGIN_SHEET), _record(_DIMENSION, _u32(0, last_row, 0, last_col)),
           _record(_BEGIN_DATA)]
    current = -1
    for r, c, value in cells:
        if r != current:
            out.append(_record(_ROW, _u32(r, 0) + struct.pack("<H", 300) + b"\x00" * 3
                               + _u32(0)))
            current = r
        out.append(_cell(c, value, strings))
    out += [_record(_END_DATA), _record(_END_SHEET)]
    return b"".join(out)


def _styles() -> bytes:
    auto = b"\x01\x00\x00\x00\x00\x00\x00\xff"  # BrtColor: automatic
    font = struct.pack("<HHHHBBBB", 220, 0, 400, 0, 0, 2, 0, 0) + auto + b"\x00" + \
        _wide("Calibri")
    fill = _u32(0) + auto * 2 + _u32(0) + b"\x00" * 40 + _u32(0)
    border = b"\x00" + (b"\x00\x00" + b"\x00" * 8) * 5
    xf = struct.pack("<HHHHHBBHBB", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    percent_xf = struct.pack("<HHHHHBBHBB", 0, 10, 0, 0, 0, 0, 0, 0, 0, 0)
    return b"".join([
        _record(_BEGIN_STYLES),
        _record(_BEGIN_FONTS, _u32(1)), _record(_FONT, font), _record(_END_FONTS),
        _record(_BEGIN_FILLS, _u32(1)), _record(_FILL, fill), _record(_END_FILLS),
        _record(_BEGIN_BORDERS, _u32(1)), _record(_BORDER, border), _record(_END_BORDERS),
        _record(_BEGIN_STYLE_XFS, _u32(1)), _record(_XF, struct.pack(
            "<HHHHHBBHBB", 0xFFFF, 0, 0, 0, 0, 0, 0, 0, 0, 0)), _record(_END_STYLE_XFS),
        _record(_BEGIN_XFS, _u32(2)), _record(_XF, xf), _record(_XF, percent_xf),
        _record(_END_XFS),
        _record(_END_STYLES),
    ])


def _workbook(titles: Sequence[str]) -> bytes:
    sheets = [_record(_SHEET, _u32(0, n) + _wide(f"rId{n}") + _wide(title))
              for n, title in enumerate(titles, start=1)]
    return b"".join([_record(_BEGIN_BOOK), _record(_BEGIN_SHEETS), *sheets,
                     _record(_END_SHEETS), _record(_END_BOOK)])


def _shared_strings(strings: Mapping[str, int]) -> bytes:
    items = [_record(_SST_ITEM, b"\x00" + _wide(text)) for text in strings]
    return b"".join([_record(_BEGIN_SST, _u32(len(items), len(items))), *items,
                     _record(_END_SST)])


def _xml(text: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text).encode()


def write_xlsb(sheets: Mapping[str, Sequence[Sequence[object]]]) -> bytes:
    """An ``.xlsb`` workbook with ``sheets`` (title -> rows of cells), in order.

    Returns
    -------
    bytes
        The workbook (a zip of BIFF12 parts), identical for identical input.
    """
    strings: dict[str, int] = {}
    titles = list(sheets)
    parts = {f"xl/worksheets/sheet{n}.bin": _sheet(rows, strings)
             for n, rows in enumerate(sheets.values(), start=1)}
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.bin" '
        'ContentType="application/vnd.ms-excel.worksheet"/>' for n in range(1, len(titles) + 1))
    types = _xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="bin" '
        'ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + overrides +
        '<Override PartName="/xl/styles.bin" ContentType="application/vnd.ms-excel.styles"/>'
        '<Override PartName="/xl/sharedStrings.bin" '
        'ContentType="application/vnd.ms-excel.sharedStrings"/></Types>')
    root_rels = _xml(
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.bin"/>'
        '</Relationships>')
    n = len(titles)
    book_rels = _xml(
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{k}" Type="{_REL}/worksheet" '
                  f'Target="worksheets/sheet{k}.bin"/>' for k in range(1, n + 1))
        + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.bin"/>'
        + f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" '
          'Target="sharedStrings.bin"/></Relationships>')
    members = {"[Content_Types].xml": types, "_rels/.rels": root_rels,
               "xl/workbook.bin": _workbook(titles),
               "xl/_rels/workbook.bin.rels": book_rels, **parts,
               "xl/styles.bin": _styles(), "xl/sharedStrings.bin": _shared_strings(strings)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
