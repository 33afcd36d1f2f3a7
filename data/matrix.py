"""Read and write the policy matrix: an XLSX workbook or a directory of CSV files.

The format is documented in ``data/README.md``: one sheet (XLSX) or one file
``<name>.csv`` per table, names from ``data.schema.FILE_NAMES``, Spanish headers
from ``data.schema.FILE_COLUMNS``. CSV files may be UTF-8 (with or without BOM),
Windows-1252 or Latin-1, separated by commas or semicolons. An empty
``localidad`` means the whole city (code ``"00"``).

An optional sheet/file ``version`` (columns ``campo``, ``valor``) carries the
data version: ``version``, ``fecha_corte``, ``ilustrativo`` (si/no), ``nota``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from data.catalog import Catalog, DataVersion
from data.schema import COLUMNS, FILE_COLUMNS, FILE_NAMES
from data.validation import CatalogError, Issue, validate_tables

__all__ = ["METADATA_NAME", "load_matrix", "read_csv_table", "write_matrix"]

#: Optional sheet / CSV stem holding the data version.
METADATA_NAME = "version"
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_YES = {"si", "sí", "true", "1", "yes", "x"}


def _decode(raw: bytes) -> str:
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1", errors="replace")  # pragma: no cover - latin-1 never fails


def read_csv_table(source: Path | bytes, file_label: str | None = None) -> pd.DataFrame:
    """Read one CSV table as text cells, sniffing encoding and separator.

    Parameters
    ----------
    source : Path or bytes
        The file, or its content (e.g. an upload).
    file_label : str, optional
        Name used in error messages.

    Raises
    ------
    CatalogError
        When the file cannot be parsed as CSV.
    """
    label = file_label or (source.name if isinstance(source, Path) else "archivo.csv")
    raw = source.read_bytes() if isinstance(source, Path) else source
    text = _decode(raw)
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                         skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CatalogError([Issue(label, None, None, None,
                                  f"no se pudo leer como CSV ({exc}); guarde el archivo como "
                                  "CSV UTF-8 separado por comas o punto y coma.")]) from exc
    df.columns = [str(c).lstrip("\ufeff").strip() for c in df.columns]
    return df


def _read_tables(path: Path) -> tuple[dict[str, pd.DataFrame], dict[str, str],
                                      pd.DataFrame | None, str]:
    """Raw tables keyed by internal name, their labels, the metadata and a digest."""
    digest = hashlib.sha256()
    names = {**FILE_NAMES, METADATA_NAME: METADATA_NAME}
    tables: dict[str, pd.DataFrame] = {}
    labels: dict[str, str] = {}
    issues: list[Issue] = []
    if path.is_dir():
        for table, stem in names.items():
            file = path / f"{stem}.csv"
            labels[table] = file.name
            if not file.is_file():
                if table != METADATA_NAME:
                    issues.append(Issue(file.name, None, None, None,
                                        f"falta el archivo «{file.name}» en {path}; "
                                        "cada tabla de la matriz va en su propio CSV."))
                continue
            digest.update(file.read_bytes())
            tables[table] = read_csv_table(file)
    elif path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        digest.update(path.read_bytes())
        try:
            sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
        except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file
            raise CatalogError([Issue(path.name, None, None, None,
                                      f"no se pudo abrir el libro XLSX ({exc}).")]) from exc
        by_name = {str(k).strip().lower(): v for k, v in sheets.items()}
        for table, stem in names.items():
            labels[table] = f"{path.name} › {stem}"
            if stem in by_name:
                df = by_name[stem]
                df.columns = [str(c).strip() for c in df.columns]
                tables[table] = df
            elif table != METADATA_NAME:
                found = ", ".join(sheets) or "ninguna"
                issues.append(Issue(path.name, None, None, None,
                                    f"falta la hoja «{stem}»; hojas encontradas: {found}."))
    else:
        what = "no existe" if not path.exists() else "no es un libro .xlsx ni un directorio"
        raise CatalogError([Issue(path.name or str(path), None, None, None,
                                  f"la matriz {path} {what}; indique un .xlsx o un directorio "
                                  "con los CSV descritos en data/README.md.")], str(path))
    if issues:
        raise CatalogError(issues, path.name)
    meta = tables.pop(METADATA_NAME, None)
    return tables, labels, meta, digest.hexdigest()


def _version(meta: pd.DataFrame | None, tables: dict[str, pd.DataFrame], path: Path,
             sha: str, illustrative: bool | None) -> DataVersion:
    fields: dict[str, str] = {}
    if meta is not None and len(meta.columns) >= 2:
        for key, value in zip(meta.iloc[:, 0], meta.iloc[:, 1], strict=True):
            if pd.notna(key):
                fields[str(key).strip().lower()] = "" if pd.isna(value) else str(value).strip()
    cutoff = pd.to_datetime(fields.get("fecha_corte") or None, errors="coerce")
    if pd.isna(cutoff):
        reported = tables["observations"]["reported_at"].dropna()
        cutoff = reported.max() if len(reported) else pd.Timestamp(date.today())
    flag = fields.get("ilustrativo", "").lower() in _YES
    version_text = fields.get("version", "")
    version_id = int(float(version_text)) if version_text.replace(".", "").isdigit() else 1
    return DataVersion(
        version_id=version_id,
        cutoff_date=cutoff.date(),
        illustrative=flag if illustrative is None else illustrative,
        source_name=path.name,
        source_sha256=sha,
        note=fields.get("nota", ""),
    )


def load_matrix(path: str | os.PathLike[str], *, illustrative: bool | None = None) -> Catalog:
    """Load and validate a policy matrix.

    Parameters
    ----------
    path : path-like
        An ``.xlsx`` workbook or a directory of CSV files (see ``data/README.md``).
    illustrative : bool, optional
        Override the flag; by default it is read from the optional ``version``
        sheet/file (``ilustrativo = si``) and is False when absent.

    Returns
    -------
    Catalog
        Typed tables in file order; ``version.source_sha256`` digests the input.

    Raises
    ------
    CatalogError
        Listing every problem (file, row, column, value, message).
    """
    path = Path(path)
    raw, labels, meta, sha = _read_tables(path)
    tables = validate_tables(raw, source_name=path.name, file_labels=labels)
    return Catalog(**tables, version=_version(meta, tables, path, sha, illustrative))


def _file_frame(catalog: Catalog, table: str) -> pd.DataFrame:
    df = getattr(catalog, table)
    spanish = {internal: header for header, internal in FILE_COLUMNS[table].items()}
    out = df[list(COLUMNS[table])].rename(columns=spanish)
    if table == "observations":
        out["fecha_reporte"] = df["reported_at"].dt.strftime("%Y-%m-%d").fillna("")
    return out


def _metadata_frame(catalog: Catalog) -> pd.DataFrame:
    v = catalog.version
    return pd.DataFrame({
        "campo": ["version", "fecha_corte", "ilustrativo", "nota"],
        "valor": [str(v.version_id), v.cutoff_date.isoformat(),
                  "si" if v.illustrative else "no", v.note],
    })


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
    path = Path(path)
    frames = {FILE_NAMES[t]: _file_frame(catalog, t) for t in COLUMNS}
    frames[METADATA_NAME] = _metadata_frame(catalog)
    if format == "csv":
        path.mkdir(parents=True, exist_ok=True)
        for stem, df in frames.items():
            df.to_csv(path / f"{stem}.csv", index=False, encoding="utf-8",
                      quoting=csv.QUOTE_MINIMAL)
        return path
    if format == "xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
        os.close(fd)
        try:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for stem, df in frames.items():
                    df.to_excel(writer, sheet_name=stem, index=False)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return path
    raise ValueError(f"formato desconocido «{format}»: use csv o xlsx.")
