"""Workbook sheets as grids of cells: XLSX through openpyxl, XLSB through pyxlsb.

The district's workbooks are read as :class:`Sheet` grids (0-based rows and
columns; :meth:`Sheet.ref` gives the spreadsheet's name of a cell, ``"K14"``)
that also remember which cells are formatted as percentages, which hold
formulas and which ranges are merged. Nothing here knows a layout: the plan
(:mod:`data.workbooks.plan`), the follow-up (:mod:`data.workbooks.followup`)
and the template (:mod:`data.workbooks.template`) do.

Every workbook goes through the same guards as an uploaded report
(:mod:`data.reports`) before any of its parts is parsed: a valid zip (CRC),
bounded members, sizes and compression ratios, no macros, XML without
DOCTYPE/entities; then each sheet's declared size (XLSX ``<dimension>``, XLSB
``BrtWsDim``) and the cells actually read are bounded by :data:`MAX_ROWS`,
:data:`MAX_COLUMNS` and :data:`MAX_CELLS`.

:func:`sniff` tells the layouts apart by content (sheet names, then the
workbook's shared strings), never by file name.
"""

from __future__ import annotations

import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from data.issues import CatalogError, Issue
from data.validation import cell_text

__all__ = [
    "FOLLOWUP",
    "MATRIX",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "PLAN",
    "REPORT",
    "TEMPLATE",
    "Sheet",
    "check_archive",
    "column_letter",
    "find_sheet",
    "read_book",
    "sheet_titles",
    "sniff",
    "split_code",
    "text_key",
    "workbook_format",
]

#: Bounds of a district workbook's sheet (a plan or a follow-up has a few hundred
#: rows and a couple of hundred columns).
MAX_ROWS = 5_000
MAX_COLUMNS = 400
MAX_CELLS = 600_000

#: Layouts told apart by :func:`sniff`.
MATRIX = "matrix"
REPORT = "report"
PLAN = "plan"
FOLLOWUP = "followup"
TEMPLATE = "template"

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DAMAGED = ("ábralo en Excel, guárdelo de nuevo (como .xlsx o .xlsb) y vuelva a "
            "cargarlo.")
#: Excel's error codes in BIFF12 (BrtCellError), shown as Excel shows them.
_XLSB_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!",
                0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
#: Built-in number formats that are percentages (``0%``, ``0.00%``).
_PERCENT_FORMATS = {9, 10}
#: BIFF12 record of a custom number format (pyxlsb names no constant for it).
_BRT_FMT = 0x002C


# ---------------------------------------------------------------- text


def text_key(value: object) -> str:
    """A header or label as a key: lower case, no accents, punctuation and breaks as spaces.

    ``%`` is kept (it tells the district's percentage blocks apart).

    Examples
    --------
    >>> text_key("Importancia relativa  del\\nresultado (%)")
    'importancia relativa del resultado %'
    >>> text_key(" Vigente/No Vigente "), text_key("Año")
    ('vigente no vigente', 'ano')
    """
    raw = unicodedata.normalize("NFKD", cell_text(value).lower())
    plain = "".join(ch for ch in raw if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", plain).split())


_CODE_LABEL = re.compile(
    r"\s*(?:(?:objetivo(?:\s+espec[ií]fico)?|resultado(?:\s+esperado)?|producto(?:\s+esperado)?"
    r"|indicador|oe)\s*(?:n[°º.o]\s*)?)?", re.IGNORECASE)
_CODE = re.compile(r"(\d{1,3}(?:\s*\.\s*\d{1,3})*)(?!\d)")
_AFTER_CODE = re.compile(r"\s*\.?\s*(?:[-–—:)]\s*)?")


def split_code(value: object, parts: int | Iterable[int] | None = None
               ) -> tuple[str, str] | None:
    """``(code, rest)`` of a cell starting with a code: ``"1 . 1 Texto"`` -> ``("1.1", "Texto")``.

    Parameters
    ----------
    value : cell value
    parts : int or iterable of int, optional
        How many numbers the code must have (1 for an objective, 2 for a result,
        3 for a product indicator); any number when None.

    Returns
    -------
    tuple of str, or None
        The normalised code (no spaces, no leading zeros) and the text after it;
        None when the cell does not start with such a code.

    Examples
    --------
    >>> split_code("1. Cerrar la brecha", 1), split_code("6 . 1 . 03 - Semáforos", 3)
    (('1', 'Cerrar la brecha'), ('6.1.3', 'Semáforos'))
    >>> split_code("1.1 Conectividad", 1) is None
    True
    """
    text = cell_text(value)
    label = _CODE_LABEL.match(text)
    start = label.end() if label else 0
    match = _CODE.match(text, start)
    if not match:
        return None
    numbers = [int(n) for n in re.split(r"\s*\.\s*", match.group(1))]
    wanted = {parts} if isinstance(parts, int) else (set(parts) if parts is not None else None)
    if wanted is not None and len(numbers) not in wanted:
        return None
    rest = text[match.end():]
    rest = rest[_AFTER_CODE.match(rest).end():]
    return ".".join(str(n) for n in numbers), rest.strip()


def column_letter(index: int) -> str:
    """Spreadsheet name of 0-based column ``index`` (0 -> ``"A"``, 26 -> ``"AA"``)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# ---------------------------------------------------------------- the grid


@dataclass
class Sheet:
    """One worksheet as a grid of values (0-based ``[row][column]``, rows may be ragged).

    Attributes
    ----------
    title : str
        The sheet's name as in the workbook.
    file : str
        The workbook's name (for messages).
    cells : list of list
        Cell values: str, float/int, bool, datetime, None (empty).
    percent : set of (row, column)
        Cells formatted as a percentage (their number is a fraction).
    formulas : set of (row, column)
        Cells holding a formula (their value is the cached result).
    merged : tuple of (row1, col1, row2, col2)
        Merged ranges (inclusive, 0-based); empty when the reader does not know them.
    filled : set of (row, column)
        Cells that received a merged range's value from :meth:`fill_merged`.
    """

    title: str
    file: str
    cells: list[list[object]]
    percent: set[tuple[int, int]] = field(default_factory=set)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    merged: tuple[tuple[int, int, int, int], ...] = ()
    filled: set[tuple[int, int]] = field(default_factory=set)

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_columns(self) -> int:
        return max((len(r) for r in self.cells), default=0)

    @property
    def label(self) -> str:
        """``libro.xlsx › hoja «Plan de acción»``: the file label of its issues."""
        return f"{self.file} › hoja «{self.title}»"

    def get(self, row: int, column: int) -> object:
        if 0 <= row < len(self.cells) and 0 <= column < len(self.cells[row]):
            return self.cells[row][column]
        return None

    def text(self, row: int, column: int) -> str:
        return cell_text(self.get(row, column))

    def key(self, row: int, column: int) -> str:
        return text_key(self.get(row, column))

    def blank(self, row: int, column: int) -> bool:
        return self.text(row, column) == ""

    def row_blank(self, row: int, columns: Iterable[int] | None = None) -> bool:
        cols = range(len(self.cells[row])) if columns is None else columns
        return all(self.blank(row, c) for c in cols)

    def is_percent(self, row: int, column: int) -> bool:
        return (row, column) in self.percent

    @staticmethod
    def ref(row: int, column: int) -> str:
        """``"K14"`` for 0-based (13, 10)."""
        return f"{column_letter(column)}{row + 1}"

    def where(self, row: int, column: int) -> str:
        """``hoja «Plan de acción», celda K14``."""
        return f"hoja «{self.title}», celda {self.ref(row, column)}"

    def issue(self, row: int | None, column: int | None, message: str, *,
              header: str | None = None, value: object = None, warning: bool = False
              ) -> Issue:
        """An issue at a cell (or at a row, or at the sheet) of this sheet."""
        shown = None if value is None else (value if isinstance(value, str)
                                            else cell_text(value))
        cell = self.ref(row, column) if row is not None and column is not None else None
        return Issue(self.label, None if row is None else row + 1, header, shown, message,
                     warning=warning, cell=cell)

    def fill_merged(self) -> Sheet:
        """A copy where every cell of a merged range holds the range's top-left value."""
        cells = [list(r) for r in self.cells]
        percent, filled = set(self.percent), set()
        for r1, c1, r2, c2 in self.merged:
            value = self.get(r1, c1)
            for r in range(r1, min(r2, len(cells) - 1) + 1):
                row = cells[r]
                if len(row) <= c2:
                    row.extend([None] * (c2 + 1 - len(row)))
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        row[c] = value
                        filled.add((r, c))
                        if (r1, c1) in self.percent:
                            percent.add((r, c))
        return replace(self, cells=cells, percent=percent, filled=filled)


def find_sheet(titles: Iterable[str], wanted: str | Iterable[str], *,
               prefix: bool = True) -> str | None:
    """The title of the sheet named ``wanted``: exactly, then normalised, then by prefix.

    Examples
    --------
    >>> find_sheet(["Notas", "PLAN DE ACCION "], "Plan de acción")
    'PLAN DE ACCION '
    """
    titles = list(titles)
    names = [wanted] if isinstance(wanted, str) else list(wanted)
    for name in names:
        if name in titles:
            return name
    keys = [text_key(n) for n in names]
    for key in keys:
        for title in titles:
            if text_key(title) == key:
                return title
    if prefix:
        for key in keys:
            for title in titles:
                if text_key(title).startswith(key):
                    return title
    return None


# ---------------------------------------------------------------- guards


def _fail(name: str, message: str) -> CatalogError:
    from data.reports import ReportError

    return ReportError([Issue(name, None, None, None, message)], name)


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _book_parts(archive: zipfile.ZipFile, name: str, fmt: str
                ) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """``[(title, path)]`` of the worksheets and ``{kind: path}`` of the other workbook parts."""
    from data.reports import _xml

    book_path = "xl/workbook.bin" if fmt == "xlsb" else "xl/workbook.xml"
    if "_rels/.rels" in archive.namelist():
        for rel in _xml(archive, "_rels/.rels", name).iter():
            if str(rel.get("Type", "")).endswith("/officeDocument") and rel.get("Target"):
                book_path = posixpath.normpath(str(rel.get("Target")).lstrip("/"))
    folder, base = posixpath.split(book_path)
    rels = _xml(archive, posixpath.join(folder, "_rels", f"{base}.rels"), name)
    targets, parts = {}, {}
    for rel in rels.iter():
        target = str(rel.get("Target", ""))
        path = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(folder, target))
        kind = str(rel.get("Type", "")).rsplit("/", 1)[-1]
        if rel.get("Id"):
            targets[rel.get("Id")] = path
            parts.setdefault(kind, path)
    parts["workbook"] = book_path
    if fmt == "xlsb":
        names = _xlsb_sheet_ids(archive, book_path, name)
    else:
        book = _xml(archive, book_path, name)
        names = [(str(s.get("name", "")), s.get(f"{_NS_REL}id"))
                 for s in book.iter(f"{_NS_MAIN}sheet")]
    sheets = [(title, targets[rid]) for title, rid in names if rid in targets]
    return sheets, parts


def _xlsb_sheet_ids(archive: zipfile.ZipFile, path: str, name: str) -> list[tuple[str, str]]:
    from pyxlsb import biff12
    from pyxlsb.reader import BIFF12Reader

    try:
        data = archive.read(path)
    except KeyError as error:
        raise _fail(name, f"el libro .xlsb está incompleto (falta «{path}»); {_DAMAGED}"
                    ) from error
    out = []
    for recid, item in BIFF12Reader(fp=io.BytesIO(data)):
        if recid == biff12.SHEET:
            out.append((str(item.name), str(item.rId)))
        elif recid == biff12.SHEETS_END:
            break
    return out


def check_archive(content: bytes, name: str, fmt: str) -> list[tuple[str, str]]:
    """Every guard of :mod:`data.reports` on the zip, then each sheet's declared size.

    Returns
    -------
    list of (title, path)
        The worksheets, in workbook order.

    Raises
    ------
    data.reports.ReportError
        Naming what is wrong (damaged zip, macros, DOCTYPE, a zip bomb, a sheet
        that declares more than :data:`MAX_ROWS` rows or :data:`MAX_COLUMNS` columns).
    """
    from data import reports

    with reports._open_zip(content, name) as archive:
        reports._check_members(archive, name)
        xml_parts = [m for m in archive.infolist()
                     if not m.is_dir() and reports._looks_like_xml(archive, m)]
        for member in xml_parts:
            reports._check_prolog(archive, member, name)
        if fmt != "xlsb":  # every .xlsb declares the "binary.macroEnabled" type
            try:
                types = archive.read("[Content_Types].xml")
            except KeyError:
                types = b""
            if b"macroEnabled" in types:
                raise _fail(name, "el libro está habilitado para macros, que no se aceptan; "
                                  "guárdelo como «Libro de Excel (.xlsx)».")
        try:
            sheets, _ = _book_parts(archive, name, fmt)
        except CatalogError:
            raise
        except Exception as error:  # a damaged workbook.bin
            raise _fail(name, f"el libro está dañado (no se pudo leer la lista de hojas); "
                              f"{_DAMAGED}") from error
        if not sheets:
            raise _fail(name, f"el libro no tiene hojas de cálculo; {_DAMAGED}")
        sheet_paths = {path for _, path in sheets}
        for member in xml_parts:
            if member.filename not in sheet_paths and member.file_size > reports.MAX_XML_PART:
                raise _fail(name, f"la parte interna «{member.filename}» ocupa "
                                  f"{reports._mb(member.file_size)} MB y el máximo es "
                                  f"{reports._mb(reports.MAX_XML_PART)} MB; copie solo los "
                                  "datos a un libro nuevo (sin estilos ni objetos).")
        if fmt != "xlsb":
            for title, path in sheets:
                _check_xlsx_dimension(archive, path, title, name)
    return sheets


def _check_xlsx_dimension(archive: zipfile.ZipFile, path: str, title: str, name: str) -> None:
    from data.reports import _ref_size, declared_dimension

    try:
        ref = declared_dimension(archive, path)
    except KeyError as error:
        raise _fail(name, f"el libro está incompleto (falta «{path}»); {_DAMAGED}") from error
    except (ParseError, DefusedXmlException) as error:
        raise _fail(name, f"la hoja «{title}» está dañada (XML mal formado o cortado); "
                          f"{_DAMAGED}") from error
    size = _ref_size(ref or "")
    if size is not None:
        _check_size(size[0], size[1], title, name, ref)


def _check_size(rows: int, columns: int, title: str, name: str, ref: str | None) -> None:
    from data.reports import size_excess

    exceeded = size_excess(rows, columns, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS,
                           max_cells=MAX_CELLS)
    if exceeded:
        declared = f"declara {ref}:" if ref else "tiene"
        raise _fail(name, f"la hoja «{title}» {declared} {', '.join(exceeded)}; borre las "
                          "filas y columnas sobrantes (también las vacías con formato).")


# ---------------------------------------------------------------- sniffing


_MATRIX_SHEETS = {"objetivos", "indicadores", "resultados"}
_SHEET_KINDS = ((FOLLOWUP, "avance cuantitativo"), (TEMPLATE, "reporte trimestral"),
                (PLAN, "plan de accion"))
_STRING_KINDS = ((FOLLOWUP, ("avance y seguimiento",)), (TEMPLATE, ("valor t1", "texto t1")),
                 (PLAN, ("resultado esperado", "producto esperado")))


def _kind_of_titles(titles: list[str]) -> str | None:
    keys = {text_key(t) for t in titles}
    if _MATRIX_SHEETS <= keys:
        return MATRIX
    if "avances" in keys:
        return REPORT
    for kind, key in _SHEET_KINDS:
        if any(k == key or k.startswith(key) for k in keys):
            return kind
    return None


def _kind_of_strings(strings: Iterable[str]) -> str | None:
    keys = {text_key(s) for s in strings}
    for kind, wanted in _STRING_KINDS:
        if all(any(k.startswith(w) for k in keys) for w in wanted):
            return kind
    return None


def sheet_titles(content: bytes, fmt: str) -> list[str]:
    """The worksheets' titles, read without checking the rest of the workbook.

    Only the workbook part is read (at most ``data.reports.MAX_XML_PART`` bytes);
    any problem gives ``[]`` (the full checks report it later).
    """
    from data.reports import MAX_XML_PART

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for member in archive.infolist():
                if member.filename.startswith("xl/") and member.file_size > MAX_XML_PART \
                        and "worksheets" not in member.filename:
                    return []
            sheets, _ = _book_parts(archive, "libro", fmt)
            return [title for title, _ in sheets]
    except Exception:  # noqa: BLE001 - sniffing never decides a refusal
        return []


_SNIFF_ROWS = 40


def _shared_strings(content: bytes, fmt: str) -> list[str]:
    """The shared strings, and (XLSX) the inline strings of each sheet's first rows."""
    from data.reports import MAX_XML_PART

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets, parts = _book_parts(archive, "libro", fmt)
            path = parts.get("sharedStrings")
            data = b""
            if path is not None and archive.getinfo(path).file_size <= MAX_XML_PART:
                data = archive.read(path)
            if fmt == "xlsb":
                return _xlsb_strings(data) if data else []
            out = _xml_strings(io.BytesIO(data), "si") if data else []
            for _, sheet_path in sheets:  # openpyxl and others write inline strings
                if archive.getinfo(sheet_path).file_size <= MAX_XML_PART:
                    with archive.open(sheet_path) as stream:
                        out += _xml_strings(stream, "is", max_rows=_SNIFF_ROWS)
        return out
    except Exception:  # noqa: BLE001 - sniffing never decides a refusal
        return []


def _xml_strings(stream, item: str, max_rows: int | None = None) -> list[str]:
    """Texts of the ``<si>`` (shared) or ``<is>`` (inline) items, up to ``max_rows`` rows."""
    out: list[str] = []
    current: list[str] = []
    for event, element in safe_xml.iterparse(stream, events=("start", "end"), forbid_dtd=True):
        tag = element.tag.rsplit("}", 1)[-1]
        if event == "start" and tag == "row" and max_rows is not None:
            try:
                if int(element.get("r", "0")) > max_rows:
                    break
            except ValueError:
                break
        elif event == "start" and tag == item:
            current = []
        elif event == "end" and tag == "t":
            current.append(element.text or "")
        elif event == "end" and tag == item:
            out.append("".join(current))
            element.clear()
        elif event == "end" and tag == "row":
            element.clear()
    return out


def _xlsb_strings(data: bytes) -> list[str]:
    from pyxlsb import biff12

    out = []
    for recid, item in _records(data):
        if recid == biff12.SI:
            out.append(str(item.t or ""))
        elif recid == biff12.SST_END:
            break
    return out


def workbook_format(content: bytes) -> str | None:
    """``"xlsx"`` or ``"xlsb"`` by the zip's parts (``xl/workbook.xml`` or ``.bin``); else None."""
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except Exception:  # noqa: BLE001 - not a zip: not a workbook
        return None
    if "xl/workbook.bin" in names:
        return "xlsb"
    return "xlsx" if "xl/workbook.xml" in names or "[Content_Types].xml" in names else None


def sniff(content: bytes, fmt: str) -> str | None:
    """Which layout a workbook holds, by its content (never its file name).

    Sheet names first (exact, then normalised): ``objetivos`` + ``indicadores``
    + ``resultados`` -> :data:`MATRIX`; ``avances`` -> :data:`REPORT`;
    ``Avance Cuantitativo`` -> :data:`FOLLOWUP`; ``Reporte trimestral`` ->
    :data:`TEMPLATE`; ``Plan de acción`` -> :data:`PLAN`. Then the workbook's
    shared strings: «Avance y seguimiento» (follow-up), «Valor T1» and
    «Texto T1» (template), «Resultado esperado» and «Producto esperado» (plan).
    None when nothing matches (or the workbook cannot be read: the full checks
    then say why).
    """
    return _kind_of_titles(sheet_titles(content, fmt)) or \
        _kind_of_strings(_shared_strings(content, fmt))


# ---------------------------------------------------------------- reading


def read_book(content: bytes, name: str, fmt: str, *, titles: Iterable[str] | None = None,
              merged: bool = False, values: bool = True) -> dict[str, Sheet]:
    """Check the workbook (:func:`check_archive`) and read its sheets as grids.

    Parameters
    ----------
    content : bytes
    name : str
        File name for messages.
    fmt : {"xlsx", "xlsb"}
    titles : iterable of str, optional
        Only these sheets (default: all), in workbook order.
    merged : bool
        XLSX: also read the merged ranges (loads the whole workbook in memory;
        use it for the action plan, which is read from disk).
    values : bool
        XLSX: formulas give their cached values (True) or their text (False,
        with the cell listed in :attr:`Sheet.formulas`). XLSB always gives the
        cached values and lists formula cells.

    Raises
    ------
    data.reports.ReportError
        The workbook is damaged, refused by a guard, or too large.
    """
    sheets = check_archive(content, name, fmt)
    wanted = None if titles is None else set(titles)
    chosen = [(t, p) for t, p in sheets if wanted is None or t in wanted]
    if fmt == "xlsb":
        return _read_xlsb(content, name, chosen)
    return _read_xlsx(content, name, [t for t, _ in chosen], merged=merged, values=values)


def _too_large(name: str, title: str, what: str) -> CatalogError:
    return _fail(name, f"la hoja «{title}» tiene más de {what}; borre las filas y columnas "
                       "sobrantes (también las vacías con formato) y vuelva a cargarlo.")


class _Bounds:
    def __init__(self, name: str, title: str) -> None:
        self.name, self.title, self.cells = name, title, 0

    def row(self, r: int) -> None:
        if r >= MAX_ROWS:
            raise _too_large(self.name, self.title, f"{_thousands(MAX_ROWS)} filas")

    def cell(self, c: int, value: object) -> bool:
        """True when the cell is kept; raise when it breaks a bound."""
        if c >= MAX_COLUMNS:
            if value is None or (isinstance(value, str) and not value.strip()):
                return False
            raise _too_large(self.name, self.title, f"{MAX_COLUMNS} columnas con datos")
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise _too_large(self.name, self.title, f"{_thousands(MAX_CELLS)} celdas")
        return True


def _place(grid: list[list[object]], r: int, c: int, value: object) -> None:
    while len(grid) <= r:
        grid.append([])
    row = grid[r]
    if len(row) <= c:
        row.extend([None] * (c + 1 - len(row)))
    row[c] = value


def _read_xlsx(content: bytes, name: str, titles: list[str], *, merged: bool,
               values: bool) -> dict[str, Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=not merged,
                                      data_only=values, keep_links=False)
    except Exception as error:  # openpyxl raises many types for broken files
        raise _fail(name, "no se pudo leer el libro .xlsx (está dañado o no es un libro de "
                          f"Excel); {_DAMAGED}") from error
    out: dict[str, Sheet] = {}
    try:
        for title in titles:
            out[title] = _xlsx_sheet(book[title], name, title, merged)
    except CatalogError:
        raise
    except Exception as error:  # ParseError and friends: a truncated or garbled sheet
        raise _fail(name, f"la hoja «{title}» está dañada (XML mal formado o cortado); "
                          f"{_DAMAGED}") from error
    finally:
        book.close()
    return out


def _xlsx_sheet(sheet, name: str, title: str, merged: bool) -> Sheet:
    if merged:  # the whole sheet is in memory: its real extent is known
        _check_size(sheet.max_row, sheet.max_column, title, name, None)
    else:
        sheet.reset_dimensions()  # read what is there, not what is declared
    bounds = _Bounds(name, title)
    grid: list[list[object]] = []
    percent: set[tuple[int, int]] = set()
    formulas: set[tuple[int, int]] = set()
    for r, row in enumerate(sheet.iter_rows()):
        bounds.row(r)
        for c, cell in enumerate(row):
            value = getattr(cell, "value", None)
            if not bounds.cell(c, value):
                continue
            if getattr(cell, "data_type", None) == "f":
                formulas.add((r, c))
            if value is None:
                continue
            _place(grid, r, c, value)
            if "%" in _unquoted(str(getattr(cell, "number_format", "") or "")):
                percent.add((r, c))
    ranges: tuple[tuple[int, int, int, int], ...] = ()
    if merged:
        ranges = tuple((m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
                       for m in sheet.merged_cells.ranges)
    return Sheet(title, name, grid, percent, formulas, ranges)


def _unquoted(number_format: str) -> str:
    """A number format without its quoted literals and escaped characters."""
    return re.sub(r'"[^"]*"|\\.', "", number_format)


def _read_xlsb(content: bytes, name: str, chosen: list[tuple[str, str]]) -> dict[str, Sheet]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _, parts = _book_parts(archive, name, "xlsb")
            strings = _xlsb_strings(archive.read(parts["sharedStrings"])) \
                if "sharedStrings" in parts else []
            percent_styles = _xlsb_percent_styles(archive.read(parts["styles"])) \
                if "styles" in parts else set()
            out = {}
            for title, path in chosen:
                out[title] = _xlsb_sheet(archive.read(path), name, title, strings,
                                         percent_styles)
            return out
    except CatalogError:
        raise
    except Exception as error:  # a truncated or garbled binary part
        raise _fail(name, f"el libro .xlsb está dañado (una parte binaria no se puede leer); "
                          f"{_DAMAGED}") from error


def _records(data: bytes) -> Iterator[tuple[int, object]]:
    from pyxlsb.reader import BIFF12Reader

    reader = BIFF12Reader(fp=io.BytesIO(data))
    yield from reader


def _xlsb_sheet(data: bytes, name: str, title: str, strings: list[str],
                percent_styles: set[int]) -> Sheet:
    from pyxlsb import biff12

    bounds = _Bounds(name, title)
    grid: list[list[object]] = []
    percent: set[tuple[int, int]] = set()
    formulas: set[tuple[int, int]] = set()
    row = -1
    in_data = ended = False
    for recid, item in _records(data):
        if recid == biff12.DIMENSION:
            _check_size(item.r + item.h, item.c + item.w, title, name, None)
        elif recid == biff12.SHEETDATA:
            in_data = True
        elif recid == biff12.SHEETDATA_END:
            ended = True
            break
        elif not in_data:
            continue
        elif recid == biff12.ROW:
            row = int(item.r)
            bounds.row(row)
        elif biff12.BLANK <= recid <= biff12.FORMULA_BOOLERR and row >= 0:
            value = item.v
            if recid == biff12.STRING:
                value = strings[int(item.v)]
            elif recid in (biff12.BOOLERR, biff12.FORMULA_BOOLERR):
                value = _XLSB_ERRORS.get(int(str(item.v), 16), "#¡ERROR!")
            column = int(item.c)
            if not bounds.cell(column, value):
                continue
            if recid >= biff12.FORMULA_STRING:
                formulas.add((row, column))
            if value is None:
                continue
            _place(grid, row, column, value)
            if int(item.style) & 0xFFFFFF in percent_styles:
                percent.add((row, column))
    if not ended:  # pyxlsb stops quietly at a truncated part: never lose rows silently
        raise _fail(name, f"la hoja «{title}» está cortada o dañada (su parte binaria termina "
                          f"antes del fin de los datos); {_DAMAGED}")
    return Sheet(title, name, grid, percent, formulas)


def _xlsb_percent_styles(data: bytes) -> set[int]:
    """Indexes of the cell formats (``BrtXF`` within ``BrtBeginCellXFs``) that show a %."""
    from pyxlsb import biff12
    from pyxlsb.handlers import Handler
    from pyxlsb.reader import BIFF12Reader

    class _Xf(Handler):
        def read(self, reader, recid, reclen):
            reader.skip(2)
            return reader.read_short()

    class _Fmt(Handler):
        def read(self, reader, recid, reclen):
            number = reader.read_short()
            return number, reader.read_string() or ""

    class _Mark(Handler):
        def read(self, reader, recid, reclen):
            super().read(reader, recid, reclen)
            return recid

    class _Reader(BIFF12Reader):
        handlers = {biff12.XF: _Xf(), _BRT_FMT: _Fmt(), biff12.CELLXFS: _Mark(),
                    biff12.CELLXFS_END: _Mark()}

    custom: dict[int, str] = {}
    formats: list[int] = []
    inside = False
    for recid, item in _Reader(fp=io.BytesIO(data)):
        if recid == _BRT_FMT:
            custom[int(item[0])] = str(item[1])
        elif recid == biff12.CELLXFS:
            inside = True
        elif recid == biff12.CELLXFS_END:
            inside = False
        elif recid == biff12.XF and inside:
            formats.append(int(item or 0))
    return {i for i, number in enumerate(formats)
            if number in _PERCENT_FORMATS or "%" in _unquoted(custom.get(number, ""))}
