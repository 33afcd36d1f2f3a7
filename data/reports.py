"""Parse and check a progress report uploaded by an entity (CSV or XLSX).

The file holds the observations table of the matrix format (``data/README.md``):
headers ``producto, anio, localidad, valor`` and, optionally, ``fecha_reporte``.
The file itself is checked first (size, extension, content, zip bombs, macros,
formula cells, headers); the rows are then checked by
:func:`data.validation.observation_issues`, the same rules as the matrix, plus
the rule that an entity reports only its own products.

Rows are numbered as in the file: the header is row 1, the first data row 2.
Nothing here writes anywhere; publishing is :func:`data.store.publish_observations`.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import hmac
import io
import math
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import PurePath

import pandas as pd

from data.catalog import Catalog
from data.config import Settings
from data.schema import FILE_COLUMNS
from data.validation import CatalogError, Issue, normalize_header, observation_issues

__all__ = [
    "ADMIN",
    "CHANGE_LABELS",
    "MAX_BYTES",
    "ParsedReport",
    "ReportError",
    "entity_for_token",
    "issue_json",
    "parse_report",
    "preview_changes",
    "publish_report",
]

#: Largest accepted upload.
MAX_BYTES = 10 * 1024 * 1024
#: Limits that stop XLSX zip bombs before any XML is parsed.
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 2_000
#: Most data rows a report may have (the whole policy is ~8.000 rows).
MAX_ROWS = 50_000

#: Caller id of the administration token (``BOGOTA_TI_ADMIN_TOKEN``).
ADMIN = "admin"

#: Labels of the ``change`` column of :func:`preview_changes`.
CHANGE_LABELS = {"new": "Nuevo", "changed": "Cambia", "same": "Sin cambio"}

_COLUMNS = FILE_COLUMNS["observations"]
_REQUIRED = ("producto", "anio", "localidad", "valor")
_HEADER_ALIASES = {"ano": "anio", "codigo_localidad": "localidad"}
_FORMULA_PREFIXES = ("=", "+", "-", "@")
_EXPECTED = "producto, anio, localidad, valor y, opcional, fecha_reporte"
_SHEET = "avances"


class ReportError(CatalogError):
    """The report was rejected; ``issues`` says why and ``status`` is the HTTP code.

    ``status`` is 413 (too large), 403 (a product of another entity) or 422.
    """

    def __init__(self, issues, source_name: str = "", status: int = 422) -> None:
        self.status = status
        super().__init__(issues, source_name)


@dataclass(frozen=True)
class ParsedReport:
    """A report that passed every check, ready to preview and publish.

    ``observations`` has the columns of ``data.schema.COLUMNS["observations"]``,
    typed like :attr:`data.catalog.Catalog.observations`.
    """

    file_name: str
    file_format: str
    sha256: str
    size_bytes: int
    observations: pd.DataFrame


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
    """``{row, column, value, message}`` of an issue, as the upload API answers."""
    return {"row": issue.row, "column": issue.column, "value": issue.value,
            "message": issue.message}


def parse_report(content: bytes, file_name: str, catalog: Catalog,
                 entity_id: str | None = None) -> ParsedReport:
    """Check an uploaded report and return its typed rows.

    Parameters
    ----------
    content : bytes
        The uploaded file.
    file_name : str
        Its name as uploaded (the extension decides the format).
    catalog : data.catalog.Catalog
        Current catalog: products, entities.
    entity_id : str, optional
        Entity uploading; every row's product must belong to it. None skips
        the check (administrators).

    Returns
    -------
    ParsedReport

    Raises
    ------
    ReportError
        With every issue found (Spanish messages) and the HTTP status to answer.
    """
    name = (PurePath((file_name or "").replace("\\", "/")).name or "archivo")[-200:]
    file_format = _check_envelope(content, name)
    if file_format == "xlsx":
        grid, formulas = _read_xlsx(content, name)
    else:
        grid, formulas = _read_csv(content, name)
    frame, file_rows = _table(grid, name)
    issues = _formula_issues(frame, formulas, file_rows, name)
    typed, row_issues = observation_issues(frame, catalog, name)
    flagged = {(i.row, i.column) for i in issues}
    for issue in row_issues:
        issue = _renumber(issue, file_rows)
        if (issue.row, issue.column) not in flagged:
            issues.append(issue)
    forbidden = [] if typed is None else _ownership_issues(typed, catalog, entity_id,
                                                           file_rows, name)
    if forbidden:
        raise ReportError(forbidden + issues, name, status=403)
    if typed is None or issues:
        raise ReportError(issues, name)
    return ParsedReport(
        file_name=name,
        file_format=file_format,
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        observations=typed.reset_index(drop=True),
    )


def preview_changes(catalog: Catalog, parsed: ParsedReport) -> pd.DataFrame:
    """What publishing ``parsed`` would change, one row per product, year and locality.

    Returns
    -------
    pandas.DataFrame
        Columns ``product_id, product, year, locality_code, old_value, new_value,
        change`` (``new``, ``changed`` or ``same``; labels in :data:`CHANGE_LABELS`),
        sorted by product, locality and year.
    """
    key = ["product_id", "year", "locality_code"]
    old = catalog.observations[key + ["value"]].rename(columns={"value": "old_value"})
    out = parsed.observations[key + ["value"]].rename(columns={"value": "new_value"})
    out = out.merge(old, on=key, how="left")
    names = catalog.products.set_index("product_id")["name"]
    out["product"] = out["product_id"].map(names)
    out["change"] = "changed"
    out.loc[out["old_value"].isna(), "change"] = "new"
    out.loc[out["old_value"] == out["new_value"], "change"] = "same"
    columns = ["product_id", "product", "year", "locality_code", "old_value", "new_value",
               "change"]
    return out[columns].sort_values(["product_id", "locality_code", "year"]).reset_index(
        drop=True)


def publish_report(engine, parsed: ParsedReport, caller: str, *, note: str = "",
                   expected_version: int | None = None):
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

    Returns
    -------
    data.store.VersionRecord
    """
    from data.store import publish_observations

    return publish_observations(
        engine, parsed.observations, by=caller,
        entity_id=None if caller == ADMIN else caller, source_name=parsed.file_name,
        source_sha256=parsed.sha256, note=(note or "")[:2000],
        expected_version=expected_version,
    )


# ---------------------------------------------------------------- the file


def _fail(name: str, message: str, status: int = 422) -> ReportError:
    return ReportError([Issue(name, None, None, None, message)], name, status)


def _check_envelope(content: bytes, name: str) -> str:
    if len(content) > MAX_BYTES:
        mb = f"{len(content) / 1024 / 1024:.1f}".replace(".", ",")
        raise _fail(name, f"el archivo pesa {mb} MB y el máximo es 10 MB; divida el "
                          "reporte en varios archivos.", 413)
    suffix = PurePath(name).suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlsb", ".xlam"):
        raise _fail(name, "los libros con macros no se aceptan; guarde el libro como "
                          "«Libro de Excel (.xlsx)» sin macros y vuelva a cargarlo.")
    if suffix == ".xls":
        raise _fail(name, "el formato Excel 97-2003 (.xls) no se acepta; guarde el libro "
                          "como .xlsx o exporte la hoja como .csv.")
    if suffix not in (".csv", ".xlsx"):
        shown = suffix or "sin extensión"
        raise _fail(name, f"extensión «{shown}» no aceptada: cargue un archivo .csv o .xlsx "
                          "con las columnas " + _EXPECTED + ".")
    if not content.strip():
        raise _fail(name, "el archivo está vacío; exporte de nuevo el reporte con su "
                          "encabezado y sus filas.")
    if suffix == ".xlsx":
        if not content.startswith(b"PK\x03\x04"):
            raise _fail(name, "el contenido no es un libro .xlsx (¿se cambió la extensión?); "
                              "ábralo en Excel y guárdelo como «Libro de Excel (.xlsx)».")
        return "xlsx"
    head = content[:8192]
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")) or b"\x00" in head:
        raise _fail(name, "el contenido no es texto CSV (parece un archivo binario: "
                          "¿un Excel o PDF renombrado?); exporte la hoja como CSV.")
    return "csv"


def _read_csv(content: bytes, name: str) -> tuple[list[list[object]], set]:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    text = _decode(content)
    if "\x00" in text:
        raise _fail(name, "el contenido no es texto CSV (tiene caracteres nulos).")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        grid: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""),
                                                               delimiter=delimiter)]
    except csv.Error as error:
        raise _fail(name, f"el CSV está mal formado ({error}); revise las comillas y "
                          "exporte de nuevo desde la hoja de cálculo.") from error
    return grid, set()


def _decode(content: bytes) -> str:
    """UTF-8 when valid, else Windows-1252 (Excel's «CSV» on Windows), else Latin-1."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _read_xlsx(content: bytes, name: str) -> tuple[list[list[object]], set]:
    _check_zip(content, name)
    import openpyxl  # heavy; only needed for XLSX uploads

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False,
                                      keep_links=False)
    except Exception as error:  # openpyxl raises many types for broken files
        raise _fail(name, "no se pudo leer el libro .xlsx (está dañado o no es un libro de "
                          "Excel); ábralo en Excel, guárdelo de nuevo y vuelva a cargarlo."
                    ) from error
    try:
        names = {normalize_header(n): n for n in book.sheetnames}
        sheet = book[names[_SHEET]] if _SHEET in names else book.worksheets[0]
        grid: list[list[object]] = []
        formulas: set[tuple[int, int]] = set()
        for r, row in enumerate(sheet.iter_rows()):
            if r > MAX_ROWS + 1:
                raise _too_many_rows(name)
            values = []
            for c, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f":
                    formulas.add((r, c))
                values.append(cell.value)
            grid.append(values)
    finally:
        book.close()
    return grid, formulas


def _check_zip(content: bytes, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as error:
        raise _fail(name, "el libro .xlsx está dañado (no es un ZIP válido); ábralo en Excel, "
                          "guárdelo de nuevo y vuelva a cargarlo.") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise _fail(name, "el libro .xlsx tiene demasiadas partes internas; guarde solo la "
                              "hoja «avances» en un libro nuevo.")
        if any(PurePath(m.filename).name.lower() == "vbaproject.bin" for m in members):
            raise _fail(name, "el libro contiene macros (vbaProject.bin), que no se aceptan; "
                              "guárdelo como «Libro de Excel (.xlsx)» sin macros.")
        total = sum(m.file_size for m in members)
        suspicious = [m for m in members if m.file_size > 1024 * 1024
                      and m.file_size > MAX_RATIO * max(m.compress_size, 1)]
        if total > MAX_UNCOMPRESSED or suspicious:
            raise _fail(name, f"el libro se expande a {total / 1024 / 1024:.0f} MB al "
                              "descomprimirlo o tiene una compresión anómala (posible «bomba "
                              "zip»); copie solo los datos a un libro nuevo y guárdelo.")
        for member in members:
            if not member.filename.lower().endswith((".xml", ".rels")):
                continue
            data = archive.read(member)
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                raise _fail(name, "el libro contiene declaraciones XML no permitidas "
                                  "(DOCTYPE/ENTITY); guárdelo de nuevo desde Excel.")
            if member.filename == "[Content_Types].xml" and b"macroEnabled" in data:
                raise _fail(name, "el libro está habilitado para macros, que no se aceptan; "
                                  "guárdelo como «Libro de Excel (.xlsx)».")


def _too_many_rows(name: str) -> ReportError:
    return _fail(name, f"el archivo tiene más de {MAX_ROWS:,} filas de datos; divida el "
                       "reporte en varios archivos.".replace(",", "."))


# ---------------------------------------------------------------- the table


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else \
            value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(grid: list[list[object]], name: str) -> tuple[pd.DataFrame, list[int]]:
    """Header + data rows as text; also the file row number of each data row."""
    while grid and all(_blank(v) for v in grid[-1]):
        grid.pop()
    if not grid:
        raise _fail(name, "el archivo está vacío; debe tener el encabezado "
                          f"({_EXPECTED}) y al menos una fila de datos.")
    header = [_cell_text(v) for v in grid[0]]
    while header and not header[-1]:
        header.pop()
    _check_header(header, grid, name)
    width = len(header)
    rows, file_rows = [], []
    for index, row in enumerate(grid[1:], start=2):
        cells = [_cell_text(v) for v in row[:width]]
        extra = [v for v in row[width:] if not _blank(v)]
        if extra:
            raise ReportError([Issue(name, index, None, _cell_text(extra[0]),
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
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    return frame, file_rows


def _check_header(header: list[str], grid: list[list[object]], name: str) -> None:
    issues: list[Issue] = []
    known = set(_COLUMNS)
    seen: dict[str, str] = {}
    for position, text in enumerate(header, start=1):
        key = normalize_header(text)
        key = _HEADER_ALIASES.get(key, key)
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
        for position, value in enumerate(frame.iloc[:, c]):
            text = str(value)
            row = file_rows[position]
            if (row, header) in flagged or not text.startswith(_FORMULA_PREFIXES):
                continue
            if not _is_number(text):
                issues.append(_formula_issue(name, row, header, text))
    return issues


def _formula_issue(name: str, row: int, column: str, value: str) -> Issue:
    column = _HEADER_ALIASES.get(normalize_header(column), normalize_header(column))
    return Issue(name, row, column, value,
                 "la celda contiene una fórmula o empieza con =, +, - o @; escriba solo el "
                 "valor (en Excel: Copiar y «Pegar valores»).")


def _is_number(text: str) -> bool:
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return False
    return math.isfinite(number)


def _renumber(issue: Issue, file_rows: list[int]) -> Issue:
    """Row numbers from the validator count data rows without gaps: map to the file's."""
    if issue.row is None or issue.row < 2 or issue.row - 2 >= len(file_rows):
        return issue
    return replace(issue, row=file_rows[issue.row - 2])


def _ownership_issues(typed: pd.DataFrame, catalog: Catalog, entity_id: str | None,
                      file_rows: list[int], name: str) -> list[Issue]:
    if entity_id is None:
        return []
    owners = catalog.products.set_index("product_id")["entity_id"]
    owner = typed["product_id"].map(owners)
    issues = []
    for position in (owner.notna() & (owner != entity_id)).to_numpy().nonzero()[0]:
        product = str(typed["product_id"].iat[position])
        issues.append(Issue(
            name, file_rows[position], "producto", product,
            f"el producto {product} está a cargo de la entidad «{owner.iat[position]}», no de "
            f"«{entity_id}»; cada entidad reporta solo sus productos (consulte GET "
            "/api/catalogo).",
        ))
    return issues
