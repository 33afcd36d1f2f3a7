"""Read and write the policy matrix: an XLSX workbook or a directory of CSV files.

The format is documented in ``data/README.md``: one sheet (XLSX) or one file
``<name>.csv`` per table, names from ``data.schema.FILE_NAMES``, Spanish headers
from ``data.schema.FILE_COLUMNS``. CSV files may be UTF-8 (with or without BOM),
UTF-16 with BOM, Windows-1252 or Latin-1, separated by commas, semicolons or
tabs. An empty ``localidad`` means the whole city (code ``"00"``; ``0`` and
``00`` are read the same).

An optional sheet/file ``version`` (columns ``campo``, ``valor``) carries the
data version: ``version``, ``fecha_corte``, ``ilustrativo`` (si/no), ``nota``.
Without ``fecha_corte`` the cut-off date is the last ``fecha_reporte`` of the
reports, else the end of the last reported quarter.

:func:`load_matrix` also reads the SDP's action plan (a workbook with the sheet
*Plan de acción*, recognised by its content, not its name) through
:func:`data.workbooks.plan.load_plan`.

:func:`write_matrix` writes what :func:`load_matrix` reads back exactly: the
city's locality as an empty cell, booleans as ``si``/``no``, a text target as
text in its ``meta``/``meta_final`` cell, missing numbers as empty cells, dates
as ``AAAA-MM-DD``; CSV files in UTF-8 with BOM (so that Excel shows the
accents), comma-separated.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import os
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from data.catalog import Catalog, DataVersion
from data.issues import CatalogError, Issue
from data.method import Period
from data.schema import CITYWIDE, COLUMNS, FILE_COLUMNS, FILE_NAMES
from data.validation import (
    DERIVED_COLUMNS,
    cell_text,
    parse_bool,
    parse_date,
    parse_number,
    validate_tables,
)

__all__ = [
    "METADATA_NAME",
    "csv_grid",
    "decode_text",
    "load_matrix",
    "read_csv_table",
    "write_matrix",
]

#: Optional sheet / CSV stem holding the data version.
METADATA_NAME = "version"
_FALLBACK_ENCODINGS = ("utf-8", "cp1252", "latin-1")
_DELIMITERS = (",", ";", "\t")


# ---------------------------------------------------------------- CSV


def decode_text(raw: bytes, file_label: str) -> str:
    """Decode a text file: a BOM decides (UTF-8, UTF-16 LE/BE), else UTF-8, cp1252, Latin-1.

    Raises
    ------
    CatalogError
        When the bytes hold NUL characters outside UTF-16 (a binary file, or
        UTF-16 without BOM), or a UTF-16 file does not decode.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            try:
                text = raw[len(bom):].decode(encoding)
            except UnicodeDecodeError as error:
                raise _csv_error(file_label, f"el archivo dice ser {encoding.upper()} pero no "
                                 "se puede decodificar; guárdelo de nuevo como «CSV UTF-8».",
                                 ) from error
            break
    else:
        if b"\x00" in raw:
            raise _csv_error(file_label, "el contenido no es texto CSV (tiene caracteres "
                             "nulos: ¿un archivo binario, o UTF-16 sin marca BOM?); guárdelo "
                             "como «CSV UTF-8 (delimitado por comas)».")
        for encoding in _FALLBACK_ENCODINGS:
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if "\x00" in text:
        raise _csv_error(file_label, "el contenido no es texto CSV (tiene caracteres nulos); "
                         "guárdelo como «CSV UTF-8 (delimitado por comas)».")
    return text


def _csv_error(label: str, message: str, row: int | None = None) -> CatalogError:
    return CatalogError([Issue(label, row, None, None, message)], label)


def csv_grid(text: str, file_label: str, *, max_rows: int | None = None,
             max_columns: int | None = None) -> tuple[list[list[str]], list[int]]:
    """Split CSV text into records, strictly; also the line where each record starts.

    The delimiter (``,``, ``;`` or tab) is the most frequent one in the first
    line. Blank lines are kept as empty records, so record ``i`` is row ``i + 1``
    of a spreadsheet.

    Raises
    ------
    CatalogError
        Naming the line of a malformed record (an unterminated quote, text after
        a closing quote), or the limit exceeded.
    """
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in _DELIMITERS}
    delimiter = max(_DELIMITERS, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    grid: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            grid.append(record)
            lines.append(start)
            start = reader.line_num + 1
            if max_rows is not None and len(grid) > max_rows + 1:
                raise _csv_error(file_label, f"el archivo tiene más de {max_rows:,} filas de "
                                 "datos; divida el reporte en varios archivos."
                                 .replace(",", "."))
            if max_columns is not None and len(record) > max_columns:
                raise _csv_error(file_label, f"la línea {start - 1} tiene {len(record)} "
                                 f"columnas y el máximo es {max_columns}; deje solo las "
                                 "columnas del formato.", row=len(grid))
    except csv.Error as error:
        detail = str(error)
        if "end of data" in detail or "unexpected end" in detail:
            message = (f"la fila que empieza en la línea {start} tiene comillas (\") sin "
                       "cerrar; cierre o quite las comillas y exporte de nuevo el CSV.")
        elif "field larger" in detail:
            message = (f"la fila que empieza en la línea {start} tiene una celda demasiado "
                       "larga (¿comillas sin cerrar?); revise esa fila.")
        else:
            message = (f"la fila que empieza en la línea {start} está mal formada ({detail}); "
                       "revise las comillas y exporte de nuevo desde la hoja de cálculo.")
        raise CatalogError([Issue(file_label, len(grid) + 1, None, None, message)],
                           file_label) from error
    return grid, lines


def _grid_frame(grid: Sequence[Sequence[object]]) -> pd.DataFrame:
    """Header row + data rows (blank rows kept, padded to the header's width)."""
    header = [cell_text(c).lstrip("\ufeff") for c in grid[0]] if grid else []
    width = len(header)
    rows = [list(r[:width]) + [None] * (width - len(r[:width])) for r in grid[1:]]
    frame = pd.DataFrame(rows, columns=range(width), dtype=object)
    frame.columns = header
    return frame


def read_csv_table(source: Path | bytes, file_label: str | None = None) -> pd.DataFrame:
    """Read one CSV table as text cells, sniffing encoding and separator.

    Parameters
    ----------
    source : Path or bytes
        The file, or its content (e.g. an upload).
    file_label : str, optional
        Name used in error messages.

    Returns
    -------
    DataFrame
        Columns as in the header; row ``i`` is file row ``i + 2`` (blank lines
        kept as empty rows).

    Raises
    ------
    CatalogError
        When the file cannot be decoded or parsed as CSV.
    """
    label = file_label or (source.name if isinstance(source, Path) else "archivo.csv")
    raw = source.read_bytes() if isinstance(source, Path) else source
    grid, _ = csv_grid(decode_text(raw, label), label)
    if not grid or not any(cell.strip() for cell in grid[0]):
        raise _csv_error(label, "el archivo está vacío: debe tener una fila de encabezados "
                         "(ver data/README.md).")
    return _grid_frame(grid)


# ---------------------------------------------------------------- reading


def _read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    import openpyxl  # heavy; only for XLSX

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise CatalogError([Issue(path.name, None, None, None,
                                  f"no se pudo abrir el libro XLSX ({type(exc).__name__}: "
                                  f"{exc}); ábralo en Excel y guárdelo de nuevo como .xlsx.")],
                           path.name) from exc
    try:
        sheets = {}
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # a wrong declared size must not hide rows
            sheets[str(sheet.title)] = _grid_frame(list(sheet.iter_rows(values_only=True)))
        return sheets
    except Exception as exc:
        raise CatalogError([Issue(path.name, None, None, None,
                                  f"el libro XLSX está dañado ({type(exc).__name__}); ábralo "
                                  "en Excel y guárdelo de nuevo.")], path.name) from exc
    finally:
        book.close()


def _read_tables(path: Path) -> tuple[dict[str, pd.DataFrame], dict[str, str],
                                      pd.DataFrame | None, str]:
    """Raw tables keyed by internal name, their labels, the metadata and a digest."""
    digest = hashlib.sha256()
    names = {**FILE_NAMES, METADATA_NAME: METADATA_NAME}
    optional = ("locality_baselines", METADATA_NAME)
    tables: dict[str, pd.DataFrame] = {}
    labels: dict[str, str] = {}
    issues: list[Issue] = []
    if path.is_dir():
        for table, stem in names.items():
            file = path / f"{stem}.csv"
            labels[table] = file.name
            if not file.is_file():
                if table not in optional:
                    issues.append(Issue(file.name, None, None, None,
                                        f"falta el archivo «{file.name}» en {path}; "
                                        "cada tabla de la matriz va en su propio CSV."))
                continue
            content = file.read_bytes()
            digest.update(content)
            try:
                tables[table] = read_csv_table(content, file.name)
            except CatalogError as error:
                issues.extend(error.issues)
    elif path.is_file() and (path.suffix.lower() in (".xlsx", ".xlsm")
                             or path.read_bytes()[:4] == b"PK\x03\x04"):
        digest.update(path.read_bytes())
        sheets = _read_workbook(path)
        by_name = {str(k).strip().lower(): v for k, v in sheets.items()}
        for table, stem in names.items():
            labels[table] = f"{path.name} › {stem}"
            if stem in by_name:
                tables[table] = by_name[stem]
            elif table not in optional:
                found = ", ".join(sheets) or "ninguna"
                issues.append(Issue(path.name, None, None, None,
                                    f"falta la hoja «{stem}»; hojas encontradas: {found}."))
    else:
        what = "no existe" if not path.exists() else "no es un libro .xlsx ni un directorio"
        raise CatalogError([Issue(path.name or str(path), None, None, None,
                                  f"la matriz {path} {what}; indique un .xlsx (la matriz o el "
                                  "plan de acción de la SDP) o un directorio con los CSV "
                                  "descritos en data/README.md.")], str(path))
    if issues:
        raise CatalogError(issues, path.name)
    meta = tables.pop(METADATA_NAME, None)
    return tables, labels, meta, digest.hexdigest()


def _today() -> date:
    from data.store.write import today_bogota  # the store is heavy; only when needed

    return today_bogota()


def _cutoff(reports: pd.DataFrame) -> date:
    """The last ``fecha_reporte``, else the end of the last reported quarter, else today."""
    reported = reports["reported_at"].dropna()
    if len(reported):
        return reported.max().date()
    if len(reports):
        last = max(Period(int(y), int(q)) for y, q in zip(reports["year"], reports["quarter"],
                                                          strict=True))
        return last.end
    return _today()


def _version(meta: pd.DataFrame | None, tables: dict[str, pd.DataFrame], label: str,
             path: Path, sha: str, illustrative: bool | None) -> DataVersion:
    fields: dict[str, tuple[int, object]] = {}
    if meta is not None and len(meta.columns) >= 2:
        for position, (key, value) in enumerate(zip(meta.iloc[:, 0], meta.iloc[:, 1],
                                                    strict=True)):
            if cell_text(key):
                fields[cell_text(key).lower()] = (position + 2, value)
    issues = []

    def bad(name: str, message: str) -> None:
        row, value = fields[name]
        issues.append(Issue(label, row, "valor", cell_text(value), message))

    version_id = 1
    if cell_text(fields.get("version", (0, ""))[1]):
        status, number = parse_number(fields["version"][1])
        if status == "ok" and number.is_integer() and number >= 1:
            version_id = int(number)
        else:
            bad("version", "la versión debe ser un número entero mayor que 0.")
    cutoff = None
    if cell_text(fields.get("fecha_corte", (0, ""))[1]):
        status, day = parse_date(fields["fecha_corte"][1])
        if status == "ok":
            cutoff = day.date()
        else:
            bad("fecha_corte", "fecha de corte inválida; use AAAA-MM-DD (p. ej. 2026-10-31).")
    flag = False
    if cell_text(fields.get("ilustrativo", (0, ""))[1]):
        value = parse_bool(fields["ilustrativo"][1])
        if value is None:
            bad("ilustrativo", "escriba si o no.")
        flag = bool(value)
    if issues:
        raise CatalogError(issues, path.name)
    return DataVersion(
        version_id=version_id,
        cutoff_date=cutoff or _cutoff(tables["reports"]),
        illustrative=flag if illustrative is None else illustrative,
        source_name=path.name,
        source_sha256=sha,
        note=cell_text(fields.get("nota", (0, ""))[1]),
    )


def load_matrix(path: str | os.PathLike[str], *, illustrative: bool | None = None,
                warnings: list | None = None) -> Catalog:
    """Load and validate a policy matrix.

    Parameters
    ----------
    path : path-like
        An ``.xlsx`` workbook or a directory of CSV files (see ``data/README.md``).
    illustrative : bool, optional
        Override the flag; by default it is read from the optional ``version``
        sheet/file (``ilustrativo = si``) and is False when absent.
    warnings : list, optional
        Receives the warnings found (``Issue(warning=True)``); they never block.

    Returns
    -------
    Catalog
        Typed tables in file order; ``version.source_sha256`` digests the input.

    Raises
    ------
    CatalogError
        Listing every error (file, row, column, value, message).
    """
    path = Path(path)
    if path.is_file():  # an SDP action plan is read by its content, whatever its name
        from data.workbooks import matrix_workbook_kind

        kind = matrix_workbook_kind(path)
        if kind is not None:
            from data.workbooks.plan import load_plan

            return load_plan(path, illustrative=illustrative, warnings=warnings)
    raw, labels, meta, sha = _read_tables(path)
    tables = validate_tables(raw, source_name=path.name, file_labels=labels,
                             warnings=warnings)
    version = _version(meta, tables, labels.get(METADATA_NAME, METADATA_NAME), path, sha,
                       illustrative)
    return Catalog(**tables, version=version)


# ---------------------------------------------------------------- writing


def _number_text(value: float) -> str:
    if value is None or math.isnan(value):
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _file_rows(catalog: Catalog, table: str) -> tuple[list[str], list[list[object]]]:
    """Spanish headers and typed cells of one table, as the files hold them."""
    df = getattr(catalog, table)
    derived = DERIVED_COLUMNS.get(table, {})
    text_of = {number: text for text, number in derived.items()}
    headers, columns = [], []
    for header, internal in FILE_COLUMNS[table].items():
        series = df[internal]
        if internal in text_of:  # a number, or the text of a text target
            texts = df[text_of[internal]].tolist()
            cells = [t if (pd.isna(v) and t) else (None if pd.isna(v) else float(v))
                     for v, t in zip(series.tolist(), texts, strict=True)]
        elif internal in ("in_force", "by_locality"):
            cells = ["si" if bool(v) else "no" for v in series.tolist()]
        elif internal == "locality_code":
            cells = ["" if v == CITYWIDE else str(v) for v in series.tolist()]
        elif internal == "reported_at":
            cells = ["" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")
                     for v in series.tolist()]
        elif pd.api.types.is_float_dtype(series):
            cells = [None if pd.isna(v) else float(v) for v in series.tolist()]
        elif pd.api.types.is_integer_dtype(series):
            cells = [int(v) for v in series.tolist()]
        else:
            cells = ["" if pd.isna(v) else str(v) for v in series.tolist()]
        headers.append(header)
        columns.append(cells)
    return headers, [list(row) for row in zip(*columns, strict=True)]


def _metadata_rows(catalog: Catalog) -> tuple[list[str], list[list[object]]]:
    v = catalog.version
    return ["campo", "valor"], [["version", v.version_id],
                                ["fecha_corte", v.cutoff_date.isoformat()],
                                ["ilustrativo", "si" if v.illustrative else "no"],
                                ["nota", v.note]]


def _csv_cell(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return _number_text(cell)
    return str(cell)


def write_matrix(catalog: Catalog, path: str | os.PathLike[str], format: str = "csv") -> Path:
    """Write ``catalog`` in the matrix format; :func:`load_matrix` reads it back exactly.

    Parameters
    ----------
    catalog : Catalog
    path : path-like
        Directory for ``csv`` (created if needed), file name for ``xlsx``.
    format : {"csv", "xlsx"}

    Returns
    -------
    Path
        The directory or workbook written (atomically for XLSX).
    """
    if format not in ("csv", "xlsx"):
        raise ValueError(f"formato desconocido «{format}»: use csv o xlsx.")
    path = Path(path)
    frames = {FILE_NAMES[t]: _file_rows(catalog, t) for t in COLUMNS}
    frames[METADATA_NAME] = _metadata_rows(catalog)
    if format == "csv":
        path.mkdir(parents=True, exist_ok=True)
        for stem, (headers, rows) in frames.items():
            with open(path / f"{stem}.csv", "w", encoding="utf-8-sig", newline="") as file:
                writer = csv.writer(file, lineterminator="\n")
                writer.writerow(headers)
                writer.writerows([_csv_cell(c) for c in row] for row in rows)
        return path
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for stem, (headers, rows) in frames.items():
        sheet = book.create_sheet(stem)
        for r, row in enumerate([headers, *rows], start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, even when it starts with "="
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
