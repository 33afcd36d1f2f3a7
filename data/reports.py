"""Parse and check a progress report uploaded by an entity (CSV or XLSX).

The file holds the ``avances`` table of the matrix format (``data/README.md``):
headers ``codigo, anio, trimestre, localidad, valor`` and, optionally,
``texto, fecha_reporte``. The file itself is checked first, bounded before any
real work is done (size, extension, encoding, CSV quoting, zip structure and
sizes, macros, XML declarations, the sheet's declared size, formula cells,
headers); then the rows, by :func:`data.validation.report_issues` (the rules of
the matrix), plus the upload's own rules: an entity reports only its own
indicators, and only quarters that have ended (in Bogotá).

Warnings never block (``ParsedReport.warnings``): a red or amber status with no
written account, a value in a quarter the indicator's periodicity does not
report, a report of an indicator not in force.

Rows are numbered as in the file: the header is row 1, the first data row 2.
A workbook (``.xlsx``, ``.xlsb``) holding the SDP's follow-up of products or
this project's template is read by :func:`data.workbooks.upload.district_report`
into the same rows and checks (its issues name sheet and cell).
Nothing here writes anywhere; publishing is :func:`data.store.publish_reports`.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import PurePath
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as safe_xml
import pandas as pd
from defusedxml import DefusedXmlException

from data.catalog import Catalog
from data.config import Settings
from data.issues import CatalogError, Issue
from data.matrix import csv_grid, decode_text
from data.method import Period
from data.schema import FILE_COLUMNS, STATUS_LABELS
from data.validation import cell_text, header_key, parse_number, report_issues

__all__ = [
    "ADMIN",
    "CHANGE_LABELS",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED",
    "MAX_XML_PART",
    "ParsedReport",
    "ReportError",
    "entity_for_token",
    "issue_json",
    "parse_report",
    "preview_changes",
    "publish_report",
]

#: Largest accepted upload (bytes).
MAX_BYTES = 10 * 1024 * 1024
#: Zip limits of an XLSX, checked before any XML is parsed: total uncompressed
#: size, compression ratio of a member larger than 1 MB, number of members.
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 1_000
#: Largest XML part other than the sheet read (openpyxl loads those whole).
MAX_XML_PART = 16 * 1024 * 1024
#: Most data rows, columns and cells a report may have (the whole policy, by
#: locality and quarter, is a few thousand rows).
MAX_ROWS = 20_000
MAX_COLUMNS = 50
MAX_CELLS = 200_000

#: Caller id of the administration token (``BOGOTA_TI_ADMIN_TOKEN``).
ADMIN = "admin"

#: Labels of the ``change`` column of :func:`preview_changes`.
CHANGE_LABELS = {"new": "Nuevo", "changed": "Cambia", "same": "Sin cambio"}

_COLUMNS = FILE_COLUMNS["reports"]
_REQUIRED = ("codigo", "anio", "trimestre", "localidad", "valor")
_FORMULA_PREFIXES = ("=", "+", "-", "@")
_EXPECTED = "codigo, anio, trimestre, localidad, valor y, opcionales, texto y fecha_reporte"
_SHEET = "avances"
_MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre")
_REPORTED_IN = {"semestral": (2, 4), "anual": (4,)}
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_XML_START = (b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")
_DAMAGED = ("ábralo en Excel, guárdelo de nuevo como «Libro de Excel (.xlsx)» y vuelva a "
            "cargarlo.")


class ReportError(CatalogError):
    """The report was rejected; ``issues`` says why and ``status`` is the HTTP code.

    ``status`` is 413 (too large), 403 (an indicator of another entity) or 422.
    """

    def __init__(self, issues, source_name: str = "", status: int = 422) -> None:
        self.status = status
        super().__init__(issues, source_name)


@dataclass(frozen=True)
class ParsedReport:
    """A report that passed every check, ready to preview and publish.

    ``reports`` has the columns of ``data.schema.COLUMNS["reports"]``, typed
    like :attr:`data.catalog.Catalog.reports`; ``warnings`` lists what should
    be looked at before publishing (never blocking).
    """

    file_name: str
    file_format: str
    sha256: str
    size_bytes: int
    reports: pd.DataFrame
    warnings: list[Issue] = field(default_factory=list)


def entity_for_token(token: str | None, settings: Settings) -> str | None:
    """Entity bound to an upload token, :data:`ADMIN` for the admin token, else None.

    Tokens come from ``BOGOTA_TI_TOKENS`` (``entity:token,...``) and
    ``BOGOTA_TI_ADMIN_TOKEN``; every configured token is compared in constant time.
    """
    token = (token or "").strip()
    if not token:
        return None
    found = None
    for known, entity in settings.tokens.items():
        if hmac.compare_digest(known.encode(), token.encode()):
            found = entity
    if settings.admin_token and hmac.compare_digest(settings.admin_token.encode(),
                                                    token.encode()):
        found = ADMIN
    return found


def issue_json(issue: Issue) -> dict[str, object]:
    """``{row, column, value, message, warning}`` of an issue, as the upload API answers."""
    return {"row": issue.row, "column": issue.column, "value": issue.value,
            "message": issue.message, "warning": issue.warning}


def parse_report(content: bytes, file_name: str, catalog: Catalog,
                 entity_id: str | None = None, *, today: date | None = None) -> ParsedReport:
    """Check an uploaded report and return its typed rows and its warnings.

    Parameters
    ----------
    content : bytes
        The uploaded file.
    file_name : str
        Its name as uploaded (the extension decides the format).
    catalog : data.catalog.Catalog
        Current catalog: results, indicators, entities, reports.
    entity_id : str, optional
        Entity uploading; every row's indicator must be in its charge. None (or
        :data:`ADMIN`) skips the check.
    today : datetime.date, optional
        Today's date; default today in Bogotá. Quarters not ended by then are refused.

    Returns
    -------
    ParsedReport

    Raises
    ------
    ReportError
        With every error found (Spanish messages) and the HTTP status to answer.
    """
    name = (PurePath((file_name or "").replace("\\", "/")).name or "archivo")[-200:]
    file_format = _check_envelope(content, name)
    if file_format != "csv":  # the SDP's follow-up, or the template (data.workbooks)
        from data.workbooks.upload import district_report

        parsed = district_report(content, name, file_format, catalog, entity_id, today=today)
        if parsed is not None:
            return parsed
    if file_format == "xlsx":
        grid, formulas = _read_xlsx(content, name)
    else:
        grid, formulas = _read_csv(content, name)
    frame, file_rows = _table(grid, name)
    issues = _formula_issues(frame, formulas, file_rows, name)
    typed, row_issues = report_issues(frame, catalog, name, file_rows=file_rows)
    flagged = {(i.row, i.column) for i in issues}
    issues += [i for i in row_issues if (i.row, i.column) not in flagged]
    forbidden: list[Issue] = []
    if typed is not None:
        rows = typed.index.tolist()
        if entity_id not in (None, ADMIN):
            forbidden = _ownership_issues(typed, catalog, entity_id, rows, name)
        issues += _future_issues(typed, today or _today(), rows, name)
        issues += _periodicity_warnings(typed, catalog, rows, name)
    # in a workbook, name the spreadsheet cell too ("E5")
    letters = {header_key(h): _column_letter(i) for i, h in enumerate(frame.columns)} \
        if file_format == "xlsx" else {}
    forbidden, issues = _with_cells(forbidden, letters), _with_cells(issues, letters)
    if forbidden:
        others = sorted((i for i in issues if not i.warning), key=lambda i: i.row or 0)
        raise ReportError(forbidden + others, name, status=403)
    errors = sorted((i for i in issues if not i.warning), key=lambda i: i.row or 0)
    if typed is None or errors:
        raise ReportError(errors, name)
    warnings = [i for i in issues if i.warning]
    warnings += _status_warnings(typed, catalog, typed.index.tolist(), name)
    warnings = _with_cells(warnings, letters)
    warnings.sort(key=lambda i: (i.row or 0, i.column or ""))
    reports = typed.reset_index(drop=True)
    return ParsedReport(
        file_name=name,
        file_format=file_format,
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        reports=reports,
        warnings=warnings,
    )


def _column_letter(index: int) -> str:
    """Spreadsheet name of 0-based column ``index`` (0 -> ``"A"``)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _with_cells(issues: list[Issue], letters: dict[str, str]) -> list[Issue]:
    return [replace(i, cell=f"{letters[i.column]}{i.row}")
            if i.row and i.column in letters and i.cell is None else i for i in issues]


def preview_changes(catalog: Catalog, parsed: ParsedReport) -> pd.DataFrame:
    """What publishing ``parsed`` would change, one row per code, year, quarter and locality.

    Returns
    -------
    pandas.DataFrame
        Columns ``code, name, year, quarter, locality_code, old_value, new_value,
        old_text, new_text, change`` (``new``, ``changed`` -- the value or the
        text differs -- or ``same``; labels in :data:`CHANGE_LABELS`), sorted by
        code, locality, year and quarter.
    """
    key = ["code", "year", "quarter", "locality_code"]
    old = catalog.reports[key + ["value", "text"]].rename(
        columns={"value": "old_value", "text": "old_text"})
    out = parsed.reports[key + ["value", "text"]].rename(
        columns={"value": "new_value", "text": "new_text"})
    out = out.merge(old, on=key, how="left", indicator=True)
    names = {**dict(zip(catalog.results["code"], catalog.results["name"], strict=True)),
             **dict(zip(catalog.indicators["code"], catalog.indicators["name"], strict=True))}
    out["name"] = out["code"].map(names).fillna("").astype(str)
    out["old_text"] = out["old_text"].fillna("").astype(str)
    new = out["_merge"] == "left_only"
    same = ~new & (out["old_value"] == out["new_value"]) & (out["old_text"] == out["new_text"])
    out["change"] = "changed"
    out.loc[new, "change"] = "new"
    out.loc[same, "change"] = "same"
    columns = ["code", "name", "year", "quarter", "locality_code", "old_value", "new_value",
               "old_text", "new_text", "change"]
    return out[columns].sort_values(["code", "locality_code", "year", "quarter"]).reset_index(
        drop=True)


def publish_report(engine, parsed: ParsedReport, caller: str, *, note: str = "",
                   expected_version: int | None = None, idempotency_key: str | None = None):
    """Publish a checked report as a new version of the store.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store (``data.repository.get_engine()``).
    parsed : ParsedReport
        From :func:`parse_report` with the caller's entity.
    caller : str
        Entity id, or :data:`ADMIN`.
    note : str
        Free note kept in the history (first 2.000 characters).
    expected_version : int, optional
        Version the preview was made against (stale: ``ConflictError``).
    idempotency_key : str, optional
        The client's key: a retry with the same key and file returns the first
        version (``replayed=True``) instead of publishing twice.

    Returns
    -------
    data.store.VersionRecord
    """
    from data.store import publish_reports

    keyed = {} if idempotency_key is None else {"idempotency_key": idempotency_key}
    return publish_reports(
        engine, parsed.reports, by=caller,
        entity_id=None if caller == ADMIN else caller, source_name=parsed.file_name,
        source_sha256=parsed.sha256, note=(note or "")[:2000],
        expected_version=expected_version, **keyed,
    )


# ---------------------------------------------------------------- the file


def _today() -> date:
    from data.store.write import today_bogota  # the store is heavy; only when needed

    return today_bogota()


def _fail(name: str, message: str, status: int = 422, row: int | None = None) -> ReportError:
    return ReportError([Issue(name, row, None, None, message)], name, status)


def _mb(size: float) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _check_envelope(content: bytes, name: str) -> str:
    if len(content) > MAX_BYTES:
        raise _fail(name, f"el archivo pesa {_mb(len(content))} MB y el máximo es "
                          f"{MAX_BYTES // 1024 // 1024} MB; divida el reporte en varios "
                          "archivos.", 413)
    suffix = PurePath(name).suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlam"):
        raise _fail(name, "los libros con macros no se aceptan; guarde el libro como "
                          "«Libro de Excel (.xlsx)» sin macros y vuelva a cargarlo.")
    if suffix == ".xls":
        raise _fail(name, "el formato Excel 97-2003 (.xls) no se acepta; guarde el libro "
                          "como .xlsx o exporte la hoja como .csv.")
    if suffix not in (".csv", ".xlsx", ".xlsb"):
        shown = suffix or "sin extensión"
        raise _fail(name, f"extensión «{shown}» no aceptada: cargue un archivo .csv o .xlsx "
                          f"con las columnas {_EXPECTED} (un «Texto Unicode» de Excel sirve "
                          "si le cambia la extensión a .csv), o el libro de seguimiento de la "
                          "SDP (.xlsb o .xlsx).")
    if not content.strip():
        raise _fail(name, "el archivo está vacío; exporte de nuevo el reporte con su "
                          "encabezado y sus filas.")
    if suffix in (".xlsx", ".xlsb"):
        if not content.startswith(b"PK\x03\x04"):
            raise _fail(name, f"el contenido no es un libro {suffix} (¿se cambió la "
                              "extensión?); ábralo en Excel y guárdelo como «Libro de Excel "
                              "(.xlsx)».")
        return suffix[1:]
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
        raise _fail(name, "el contenido no es texto CSV (parece un archivo binario: "
                          "¿un Excel o PDF renombrado?); exporte la hoja como CSV.")
    return "csv"


def _as_report_error(error: CatalogError, name: str) -> ReportError:
    return ReportError(error.issues, name)


def _read_csv(content: bytes, name: str) -> tuple[list[list[object]], set]:
    try:
        text = decode_text(content, name)
        grid, _ = csv_grid(text, name, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
    except CatalogError as error:
        raise _as_report_error(error, name) from error
    if sum(len(r) for r in grid) > MAX_CELLS:
        raise _too_many_cells(name)
    return grid, set()


def _too_many_rows(name: str) -> ReportError:
    return _fail(name, f"el archivo tiene más de {_thousands(MAX_ROWS)} filas de datos; "
                       "divida el reporte en varios archivos.")


def _too_many_cells(name: str) -> ReportError:
    return _fail(name, f"el archivo tiene más de {_thousands(MAX_CELLS)} celdas; divida el "
                       "reporte en varios archivos.")


def _too_many_columns(name: str, found: int) -> ReportError:
    return _fail(name, f"la hoja tiene {_thousands(found)} columnas y el máximo es "
                       f"{MAX_COLUMNS}; deje solo las columnas {_EXPECTED}.")


# ---- XLSX: the zip, its XML, the sheet's declared size, then openpyxl


def _open_zip(content: bytes, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise _fail(name, f"el libro .xlsx está dañado (no es un ZIP válido); {_DAMAGED}"
                    ) from error


def _check_members(archive: zipfile.ZipFile, name: str) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _fail(name, f"el libro .xlsx tiene {_thousands(len(members))} partes internas y "
                          f"el máximo es {_thousands(MAX_MEMBERS)}; copie solo la hoja "
                          "«avances» a un libro nuevo.")
    if any(PurePath(m.filename).name.lower() == "vbaproject.bin" for m in members):
        raise _fail(name, "el libro contiene macros (vbaProject.bin), que no se aceptan; "
                          "guárdelo como «Libro de Excel (.xlsx)» sin macros.")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise _fail(name, f"el libro se expande a {_mb(total)} MB al descomprimirlo y el "
                          f"máximo es {_mb(MAX_UNCOMPRESSED)} MB (posible «bomba "
                          "zip»); copie solo los datos a un libro nuevo.")
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise _fail(name, f"la parte interna «{m.filename}» se expande "
                              f"{m.file_size // max(m.compress_size, 1)} veces al "
                              f"descomprimirla y el máximo es {MAX_RATIO} (posible «bomba "
                              "zip»); copie solo los datos a un libro nuevo.")
    try:
        broken = archive.testzip()
    except Exception as error:  # zlib.error, EOFError, BadZipFile, NotImplementedError...
        raise _fail(name, f"el libro .xlsx está dañado (una parte interna no se puede "
                          f"descomprimir); {_DAMAGED}") from error
    if broken is not None:
        raise _fail(name, f"el libro .xlsx está dañado: la parte interna «{broken}» no pasa la "
                          f"verificación (CRC); {_DAMAGED}")


def _looks_like_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    if member.filename.lower().endswith((".xml", ".rels", ".vml")):
        return True
    with archive.open(member) as stream:
        return stream.read(64).lstrip(b" \t\r\n").startswith(_XML_START)


def _check_prolog(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> None:
    """Parse the member up to its root element: no DOCTYPE, no entities, any encoding."""
    try:
        with archive.open(member) as stream:
            for _ in safe_xml.iterparse(stream, events=("start",), forbid_dtd=True):
                break
    except DefusedXmlException as error:
        raise _fail(name, f"el libro contiene declaraciones XML no permitidas (DOCTYPE/ENTITY) "
                          f"en «{member.filename}»; {_DAMAGED}") from error
    except ParseError as error:
        raise _fail(name, f"el libro .xlsx está dañado: la parte «{member.filename}» no es XML "
                          f"válido; {_DAMAGED}") from error


def _xml(archive: zipfile.ZipFile, path: str, name: str):
    try:
        return safe_xml.fromstring(archive.read(path), forbid_dtd=True)
    except KeyError as error:
        raise _fail(name, f"el libro .xlsx está incompleto (falta «{path}»); {_DAMAGED}"
                    ) from error
    except (ParseError, DefusedXmlException) as error:
        raise _fail(name, f"el libro .xlsx está dañado: la parte «{path}» no es XML válido; "
                          f"{_DAMAGED}") from error


def _chosen_sheet(archive: zipfile.ZipFile, name: str) -> tuple[str, str]:
    """Title and zip path of the sheet to read: «avances», else the first worksheet."""
    book_path = "xl/workbook.xml"
    if "_rels/.rels" in archive.namelist():
        for rel in _xml(archive, "_rels/.rels", name).iter():
            if str(rel.get("Type", "")).endswith("/officeDocument") and rel.get("Target"):
                book_path = posixpath.normpath(str(rel.get("Target")).lstrip("/"))
    folder, base = posixpath.split(book_path)
    workbook = _xml(archive, book_path, name)
    rels = _xml(archive, posixpath.join(folder, "_rels", f"{base}.rels"), name)
    targets = {}
    for rel in rels.iter():
        if rel.get("Id") and str(rel.get("Type", "")).endswith("/worksheet"):
            target = str(rel.get("Target", ""))
            path = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
            targets[rel.get("Id")] = path
    sheets = [(str(s.get("name", "")), targets[s.get(f"{_NS_REL}id")])
              for s in workbook.iter(f"{_NS_MAIN}sheet") if s.get(f"{_NS_REL}id") in targets]
    if not sheets:
        raise _fail(name, f"el libro .xlsx no tiene hojas de cálculo; {_DAMAGED}")
    for title, path in sheets:
        if header_key(title) == _SHEET:
            return title, path
    return sheets[0]


_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")


def _ref_size(ref: str) -> tuple[int, int] | None:
    """(last row, last column) of a range such as ``A1:XFD50001``."""
    last = ref.split(":")[-1].replace("$", "").upper()
    match = _REF.fullmatch(last)
    if not match:
        return None
    column = 0
    for ch in match.group(1):
        column = column * 26 + ord(ch) - 64
    return int(match.group(2)), column


def declared_dimension(archive: zipfile.ZipFile, path: str) -> str | None:
    """The ``<dimension ref>`` a sheet's XML declares before its data (None: none).

    Raises
    ------
    KeyError
        When ``path`` is not in the archive.
    xml.etree.ElementTree.ParseError, defusedxml.DefusedXmlException
        For malformed, cut or hostile XML.
    """
    with archive.open(path) as stream:
        for _, element in safe_xml.iterparse(stream, events=("start",), forbid_dtd=True):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "dimension":
                return element.get("ref")
            if tag == "sheetData":
                return None
    return None


def size_excess(rows: int, columns: int, *, header_rows: int = 0, max_rows: int = MAX_ROWS,
                max_columns: int = MAX_COLUMNS, max_cells: int = MAX_CELLS) -> list[str]:
    """What a sheet of ``rows`` x ``columns`` exceeds of the limits (default: a report's),
    in words (empty: nothing); rows beyond ``header_rows`` count as data rows."""
    exceeded = []
    data_rows = rows - header_rows
    if data_rows > max_rows:
        noun = "filas de datos" if header_rows else "filas"
        exceeded.append(f"{_thousands(data_rows)} {noun} (máximo {_thousands(max_rows)})")
    if columns > max_columns:
        exceeded.append(f"{_thousands(columns)} columnas (máximo {max_columns})")
    if rows * columns > max_cells:
        exceeded.append(f"{_thousands(rows * columns)} celdas (máximo {_thousands(max_cells)})")
    return exceeded


def _check_dimension(archive: zipfile.ZipFile, path: str, title: str, name: str) -> None:
    """Refuse a sheet whose declared size (``<dimension ref>``) exceeds the limits."""
    try:
        ref = declared_dimension(archive, path)
    except KeyError as error:
        raise _fail(name, f"el libro .xlsx está incompleto (falta «{path}»); {_DAMAGED}"
                    ) from error
    except (ParseError, DefusedXmlException) as error:
        raise _fail(name, f"la hoja «{title}» está dañada (XML mal formado o cortado); "
                          f"{_DAMAGED}") from error
    size = _ref_size(ref or "")
    if size is None:
        return
    exceeded = size_excess(size[0], size[1], header_rows=1)
    if exceeded:
        raise _fail(name, f"la hoja «{title}» declara {ref}: {', '.join(exceeded)}; borre las "
                          "filas y columnas sobrantes (también las vacías con formato) o "
                          "divida el reporte en varios archivos.")


def _check_zip(content: bytes, name: str) -> str:
    """Every bound of an XLSX before openpyxl sees it; the title of the sheet to read."""
    with _open_zip(content, name) as archive:
        _check_members(archive, name)
        xml_parts = [m for m in archive.infolist()
                     if not m.is_dir() and _looks_like_xml(archive, m)]
        for member in xml_parts:
            _check_prolog(archive, member, name)
        try:
            types = archive.read("[Content_Types].xml")
        except KeyError:
            types = b""
        if b"macroEnabled" in types:
            raise _fail(name, "el libro está habilitado para macros, que no se aceptan; "
                              "guárdelo como «Libro de Excel (.xlsx)».")
        title, path = _chosen_sheet(archive, name)
        for member in xml_parts:
            if member.filename != path and member.file_size > MAX_XML_PART:
                raise _fail(name, f"la parte interna «{member.filename}» ocupa "
                                  f"{_mb(member.file_size)} MB y el máximo es "
                                  f"{_mb(MAX_XML_PART)} MB; copie solo los datos a un libro "
                                  "nuevo (sin estilos ni objetos) y guárdelo.")
        _check_dimension(archive, path, title, name)
    return title


def _read_xlsx(content: bytes, name: str) -> tuple[list[list[object]], set]:
    title = _check_zip(content, name)
    import openpyxl  # heavy; only needed for XLSX uploads

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False,
                                      keep_links=False)
    except Exception as error:  # openpyxl raises many types for broken files
        raise _fail(name, "no se pudo leer el libro .xlsx (está dañado o no es un libro de "
                          f"Excel); {_DAMAGED}") from error
    try:
        sheet = book[title]
        sheet.reset_dimensions()  # read what is there, not what is declared
        grid: list[list[object]] = []
        formulas: set[tuple[int, int]] = set()
        cells = 0
        for r, row in enumerate(sheet.iter_rows()):
            if r > MAX_ROWS:
                raise _too_many_rows(name)
            cells += len(row)
            if cells > MAX_CELLS:
                raise _too_many_cells(name)
            values = []
            for c, cell in enumerate(row):
                value = getattr(cell, "value", None)
                if c >= MAX_COLUMNS:
                    if not _blank(value):
                        raise _too_many_columns(name, len(row))
                    continue
                if getattr(cell, "data_type", None) == "f":
                    formulas.add((r, c))
                values.append(value)
            grid.append(values)
    except ReportError:
        raise
    except Exception as error:  # ParseError and friends: a truncated or garbled sheet
        raise _fail(name, f"la hoja «{title}» está dañada (XML mal formado o cortado); "
                          f"{_DAMAGED}") from error
    finally:
        book.close()
    return grid, formulas


# ---------------------------------------------------------------- the table


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(grid: list[list[object]], name: str) -> tuple[pd.DataFrame, list[int]]:
    """Header + data rows as text; also the file row number of each data row."""
    while grid and all(_blank(v) for v in grid[-1]):
        grid.pop()
    if not grid:
        raise _fail(name, "el archivo está vacío; debe tener el encabezado "
                          f"({_EXPECTED}) y al menos una fila de datos.")
    header = [cell_text(v).lstrip("\ufeff") for v in grid[0]]
    while header and not header[-1]:
        header.pop()
    _check_header(header, name)
    width = len(header)
    rows, file_rows = [], []
    for index, row in enumerate(grid[1:], start=2):
        cells = [cell_text(v) for v in row[:width]]
        extra = [v for v in row[width:] if not _blank(v)]
        if extra:
            raise ReportError([Issue(name, index, None, cell_text(extra[0]),
                                     "hay datos fuera de las columnas con encabezado; "
                                     "bórrelos o póngales un encabezado válido.")], name)
        if all(not c for c in cells):
            continue
        rows.append(cells + [""] * (width - len(cells)))
        file_rows.append(index)
    if len(rows) > MAX_ROWS:
        raise _too_many_rows(name)
    if not rows:
        raise _fail(name, "el archivo no tiene filas de datos debajo del encabezado.")
    frame = pd.DataFrame(rows, columns=range(width), dtype=object)
    frame.columns = header
    return frame, file_rows


def _check_header(header: list[str], name: str) -> None:
    issues: list[Issue] = []
    known = set(_COLUMNS)
    seen: dict[str, str] = {}
    for position, text in enumerate(header, start=1):
        key = header_key(text)
        if not text:
            issues.append(Issue(name, 1, None, "", f"la columna {position} no tiene "
                                f"encabezado; use solo las columnas {_EXPECTED}."))
        elif key not in known:
            guess = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f" ¿Quiso decir «{guess[0]}»?" if guess else ""
            issues.append(Issue(name, 1, text, text,
                                f"columna no reconocida (¿fue renombrada?).{hint} Use "
                                f"exactamente los encabezados {_EXPECTED}."))
        elif key in seen:
            issues.append(Issue(name, 1, text, text, f"la columna «{key}» está repetida; "
                                "deje una sola."))
        else:
            seen[key] = text
    for column in _REQUIRED:
        if column not in seen:
            found = ", ".join(f"«{h}»" for h in header if h) or "ninguna"
            issues.append(Issue(name, 1, column, None,
                                f"falta la columna obligatoria «{column}»; columnas "
                                f"encontradas: {found}. Encabezados esperados: {_EXPECTED}."))
    if issues:
        raise ReportError(issues, name)


def _formula_issues(frame: pd.DataFrame, formulas: set, file_rows: list[int],
                    name: str) -> list[Issue]:
    """XLSX formula cells, and text cells that a spreadsheet would run as formulas."""
    issues = []
    row_of = {file_row - 1: position for position, file_row in enumerate(file_rows)}
    headers = list(frame.columns)
    for r, c in sorted(formulas):
        if r in row_of and c < len(headers):
            value = str(frame.iat[row_of[r], c])
            issues.append(_formula_issue(name, r + 1, headers[c], value))
    flagged = {(i.row, i.column) for i in issues}
    for c, header in enumerate(headers):
        column = header_key(header)
        for position, value in enumerate(frame.iloc[:, c]):
            text = str(value)
            row = file_rows[position]
            if (row, column) in flagged or not text.startswith(_FORMULA_PREFIXES):
                continue
            if not _is_number(text):
                issues.append(_formula_issue(name, row, header, text))
    return issues


def _formula_issue(name: str, row: int, column: str, value: str) -> Issue:
    return Issue(name, row, header_key(column), value,
                 "la celda contiene una fórmula o empieza con =, +, - o @; escriba solo el "
                 "valor (en Excel: Copiar y «Pegar valores»; en «texto», empiece con otra "
                 "letra).")


def _is_number(text: str) -> bool:
    return parse_number(text)[0] in ("ok", "nonfinite")  # "-inf": a number error, not a formula


# ---------------------------------------------------------------- upload rules


def _entity_names(catalog: Catalog) -> dict[str, str]:
    return dict(zip(catalog.entities["entity_id"], catalog.entities["name"], strict=True))


def _owners(catalog: Catalog) -> dict[str, str]:
    return {**dict(zip(catalog.results["code"], catalog.results["entity_id"], strict=True)),
            **dict(zip(catalog.indicators["code"], catalog.indicators["entity_id"],
                       strict=True))}


def _ownership_issues(typed: pd.DataFrame, catalog: Catalog, entity_id: str,
                      file_rows: list[int], name: str) -> list[Issue]:
    owners, names = _owners(catalog), _entity_names(catalog)
    caller = names.get(entity_id, entity_id)
    results = set(catalog.results["code"])
    issues = []
    for position, code in enumerate(typed["code"]):
        owner = owners.get(code)
        if owner is None or owner == entity_id:
            continue
        what = "el resultado" if code in results else "el indicador"
        issues.append(Issue(
            name, file_rows[position], "codigo", code,
            f"{what} {code} está a cargo de «{names.get(owner, owner)}» ({owner}), no de "
            f"«{caller}» ({entity_id}); cada entidad reporta solo sus indicadores (los "
            "suyos están en la plantilla de su entidad, en la página de carga).",
        ))
    return issues


def _spanish_date(day: date) -> str:
    return f"{day.day} de {_MONTHS[day.month - 1]} de {day.year}"


def _future_issues(typed: pd.DataFrame, today: date, file_rows: list[int],
                   name: str) -> list[Issue]:
    issues = []
    for position, (year, quarter) in enumerate(zip(typed["year"], typed["quarter"],
                                                   strict=True)):
        if year < 0 or not 1 <= quarter <= 4:
            continue  # already an error of its own
        period = Period(int(year), int(quarter))
        if period.end >= today:
            issues.append(Issue(
                name, file_rows[position], "trimestre", str(quarter),
                f"el trimestre {period.label} aún no termina; repórtelo desde el "
                f"{_spanish_date(period.end + timedelta(days=1))}.",
            ))
    return issues


def _periodicity_warnings(typed: pd.DataFrame, catalog: Catalog, file_rows: list[int],
                          name: str) -> list[Issue]:
    often = {**dict(zip(catalog.results["code"], catalog.results["periodicity"], strict=True)),
             **dict(zip(catalog.indicators["code"], catalog.indicators["periodicity"],
                        strict=True))}
    issues = []
    for position, (code, quarter) in enumerate(zip(typed["code"], typed["quarter"],
                                                   strict=True)):
        allowed = _REPORTED_IN.get(often.get(code, ""))
        if allowed is None or quarter in allowed or not 1 <= quarter <= 4:
            continue
        when = " y ".join(f"T{q}" for q in allowed)
        issues.append(Issue(
            name, file_rows[position], "trimestre", str(quarter),
            f"el indicador {code} es de periodicidad {often[code]}: se reporta en {when}, no "
            f"en T{quarter}; revise el trimestre (el valor se guardará tal como viene).",
            warning=True,
        ))
    return issues


def _status_warnings(typed: pd.DataFrame, catalog: Catalog, file_rows: list[int],
                     name: str) -> list[Issue]:
    from data.progress import report_statuses

    statuses = report_statuses(catalog, typed)
    texts = typed["text"].tolist()
    issues = []
    for position, status in enumerate(statuses):
        if status not in ("rojo", "amarillo") or texts[position].strip():
            continue
        issues.append(Issue(
            name, file_rows[position], "texto", "",
            f"el estado quedaría en {status} ({STATUS_LABELS[status]}) y el reporte no trae "
            "texto: escriba en «texto» la justificación del retraso (qué se hizo y por qué "
            "no se alcanzó la meta del periodo), como exige el método de seguimiento.",
            warning=True,
        ))
    return issues
