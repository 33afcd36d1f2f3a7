"""Validation of the policy catalog, with messages that name file, row and column.

Every check collects :class:`Issue` objects instead of stopping at the first
problem, so a person fixing a matrix sees everything that is wrong at once.
Rows are numbered as in the file: the header is row 1, the first data row is
row 2 (the same numbering in a CSV file and in an XLSX sheet).

The same row-level checks serve the whole matrix (:func:`validate_tables`,
:func:`validate_catalog`) and a single table of progress reports uploaded by an
entity (:func:`validate_observations`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.catalog import Catalog
from data.schema import (
    AGGREGATIONS,
    CITYWIDE,
    COLUMNS,
    DIRECTIONS,
    EXPECTED_COUNTS,
    FILE_COLUMNS,
    FILE_NAMES,
    FIRST_YEAR,
    LAST_YEAR,
    LOCALITY_CODES,
    SCOPES,
    YEARS,
)

__all__ = [
    "CatalogError",
    "Issue",
    "OPTIONAL_COLUMNS",
    "normalize_header",
    "observation_issues",
    "rename_file_columns",
    "validate_catalog",
    "validate_observations",
    "validate_tables",
]

#: Columns (internal names) that a file may omit; they are filled with blanks.
OPTIONAL_COLUMNS = {"products": ("layer",), "observations": ("reported_at",)}

#: Rows of the header before the first data row (header is row 1).
_ROW_OFFSET = 2
_MAX_LISTED = 60
_TEXT_COLUMNS = {
    "axes": ("axis_id", "name"),
    "objectives": ("text", "result_text"),
    "entities": ("entity_id", "acronym", "name"),
    "products": ("product_id", "name", "axis_id", "entity_id", "indicator", "unit"),
    "targets": ("product_id",),
    "observations": ("product_id",),
}
_NUMERIC_COLUMNS = {"products": ("baseline",), "targets": ("target",),
                    "observations": ("value",)}
_TABLE_LABELS = {
    "axes": "ejes",
    "objectives": "objetivos",
    "entities": "entidades",
    "products": "productos",
}


@dataclass(frozen=True)
class Issue:
    """One problem found in an input file.

    Attributes
    ----------
    file : str
        File (or ``libro.xlsx › hoja``) where the problem is.
    row : int or None
        Row number as seen in the file (header = 1); None for file-level problems.
    column : str or None
        Spanish header of the column, as in the file format.
    value : str or None
        The offending value, as text.
    message : str
        What is wrong and what to do, in Spanish.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"fila {self.row}")
        if self.column:
            where.append(f"columna «{self.column}»")
        text = ", ".join(where)
        if self.value not in (None, ""):
            text += f" (valor «{self.value}»)"
        return f"{text}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        """Plain dict (for JSON answers such as the upload API's 422)."""
        return {"archivo": self.file, "fila": self.row, "columna": self.column,
                "valor": self.value, "mensaje": self.message}


class CatalogError(ValueError):
    """Invalid catalog or report; ``issues`` lists every problem found."""

    def __init__(self, issues: Iterable[Issue], source_name: str = "") -> None:
        self.issues: list[Issue] = list(issues)
        self.source_name = source_name
        super().__init__(self._text())

    def _text(self) -> str:
        n = len(self.issues)
        where = f" en {self.source_name}" if self.source_name else ""
        head = f"{n} problema{'s' if n != 1 else ''}{where}; corríjalos y vuelva a cargar:"
        lines = [f"- {issue}" for issue in self.issues[:_MAX_LISTED]]
        if n > _MAX_LISTED:
            lines.append(f"- … y {n - _MAX_LISTED} más")
        return "\n".join([head, *lines])


# ---------------------------------------------------------------- headers


def normalize_header(text: object) -> str:
    """Lower-case, strip accents and turn spaces into underscores (``"Año"`` -> ``"ano"``)."""
    raw = unicodedata.normalize("NFKD", str(text).strip().lstrip("\ufeff").lower())
    plain = "".join(ch for ch in raw if not unicodedata.combining(ch))
    return "_".join(plain.replace("-", " ").split())


_ALIASES = {"ano": "anio", "año": "anio", "codigo_localidad": "localidad"}


def _spanish(table: str, column: str) -> str:
    for header, internal in FILE_COLUMNS[table].items():
        if internal == column:
            return header
    return column


def rename_file_columns(
    df: pd.DataFrame, table: str, file_label: str
) -> tuple[pd.DataFrame, list[Issue]]:
    """Map a file's Spanish headers to the internal columns of ``table``.

    Headers are matched ignoring case, accents and spaces; internal English
    names are accepted too. Optional columns that are absent are added blank.

    Returns
    -------
    (DataFrame, list of Issue)
        The table with internal columns (in ``COLUMNS`` order, extra columns
        dropped) and one issue per required column that is missing.
    """
    mapping = FILE_COLUMNS[table]
    internal = set(COLUMNS[table])
    rename: dict[object, str] = {}
    for col in df.columns:
        key = normalize_header(col)
        key = _ALIASES.get(key, key)
        if key in mapping and mapping[key] not in rename.values():
            rename[col] = mapping[key]
        elif key in internal and key not in rename.values():
            rename[col] = key
    out = df.rename(columns=rename)[list(rename.values())]
    issues = []
    found = ", ".join(f"«{c}»" for c in df.columns) or "ninguna"
    for col in COLUMNS[table]:
        if col in out.columns:
            continue
        if col in OPTIONAL_COLUMNS.get(table, ()):
            out[col] = ""
            continue
        issues.append(Issue(
            file_label, 1, _spanish(table, col), None,
            f"falta la columna obligatoria «{_spanish(table, col)}» (¿fue renombrada?); "
            f"columnas encontradas: {found}. Use los encabezados de data/README.md.",
        ))
    return out[[c for c in COLUMNS[table] if c in out.columns]], issues


# ---------------------------------------------------------------- cell parsing


def _as_text(series: pd.Series) -> pd.Series:
    """Cells as stripped text; missing cells become ``""``."""
    return series.astype(object).map(
        lambda cell: "" if pd.isna(cell) else str(cell).strip()).astype(str)


def _parse_number(text: pd.Series) -> pd.Series:
    """Parse numbers written with ``.`` or the es-CO decimal comma (``1.234,5``)."""
    s = text.str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    comma = s.str.contains(",", regex=False)
    both = comma & s.str.contains(".", regex=False)
    s = s.where(~both, s.str.replace(".", "", regex=False))
    s = s.where(~comma, s.str.replace(",", ".", regex=False))
    return pd.to_numeric(s.where(s != "", None), errors="coerce").astype("float64")


def _parse_date(text: pd.Series) -> pd.Series:
    iso = pd.to_datetime(text.where(text != "", None), errors="coerce", format="ISO8601")
    dmy = pd.to_datetime(text.where(text != "", None), errors="coerce", format="%d/%m/%Y")
    return iso.fillna(dmy).dt.normalize().astype("datetime64[ns]")


class _Checker:
    """Collects issues for one table, translating positions to file rows."""

    def __init__(self, table: str, file_label: str, issues: list[Issue]) -> None:
        self.table = table
        self.file = file_label
        self.issues = issues

    def add(self, mask: pd.Series | np.ndarray, column: str, values: pd.Series,
            message: str | pd.Series) -> None:
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        header = _spanish(self.table, column)
        for pos in positions:
            msg = message if isinstance(message, str) else str(message.iloc[pos])
            self.issues.append(Issue(self.file, int(pos) + _ROW_OFFSET, header,
                                     str(values.iloc[pos]), msg))

    def table_issue(self, message: str, column: str | None = None) -> None:
        header = _spanish(self.table, column) if column else None
        self.issues.append(Issue(self.file, None, header, None, message))

    def text(self, df: pd.DataFrame, column: str, *, required: bool = True) -> pd.Series:
        text = _as_text(df[column])
        if required:
            self.add(text == "", column, text, "el valor es obligatorio y está vacío.")
        return text

    def number(self, df: pd.DataFrame, column: str, unit: pd.Series | None = None
               ) -> pd.Series:
        text = _as_text(df[column])
        num = _parse_number(text)
        self.add(text == "", column, text, "el valor es obligatorio y está vacío.")
        bad = (text != "") & num.isna()
        self.add(bad, column, text,
                 "no es un número; escriba solo cifras, p. ej. 1234,5 o 1234.5.")
        self.add(num < 0, column, text, "no puede ser negativo.")
        if unit is not None:
            self.add((unit == "%") & (num > 100), column, text,
                     "la unidad es «%»: el valor debe estar entre 0 y 100.")
        return num

    def integer(self, df: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
        text = _as_text(df[column])
        num = _parse_number(text)
        self.add(text == "", column, text, "el valor es obligatorio y está vacío.")
        bad = (text != "") & (num.isna() | (num != num.round()))
        self.add(bad, column, text, "debe ser un número entero.")
        ok = ~(num.isna() | bad)
        return num.where(ok, -1).astype("int64"), ok

    def year(self, df: pd.DataFrame) -> pd.Series:
        years, ok = self.integer(df, "year")
        text = _as_text(df["year"])
        self.add(ok & ((years < FIRST_YEAR) | (years > LAST_YEAR)), "year", text,
                 f"el año debe estar entre {FIRST_YEAR} y {LAST_YEAR} "
                 "(horizonte de la política).")
        return years

    def locality(self, df: pd.DataFrame) -> pd.Series:
        text = _as_text(df["locality_code"])
        num = _parse_number(text)
        integral = num.notna() & (num == num.round())
        code = pd.Series(np.where(integral, num.fillna(-1).astype("int64").map("{:02d}".format),
                                  text), index=text.index).astype(str)
        code = code.where(text != "", CITYWIDE)
        bad = ~code.isin((CITYWIDE, *LOCALITY_CODES))
        self.add(bad, "locality_code", text,
                 "código de localidad inválido: use 01 a 20, o deje vacío (o 00) para "
                 "toda la ciudad.")
        return code

    def choice(self, df: pd.DataFrame, column: str, allowed: tuple[str, ...]) -> pd.Series:
        text = _as_text(df[column]).str.lower()
        opts = ", ".join(allowed)
        self.add(~text.isin(allowed), column, text, f"valor no permitido; use uno de: {opts}.")
        return text

    def unique(self, keys: pd.DataFrame, column: str, what: str) -> None:
        dup = keys.duplicated(keep="first")
        if not dup.any():
            return
        values = keys.astype(str).agg(" / ".join, axis=1)
        self.add(dup, column, values, f"{what} repetido; cada combinación debe aparecer una "
                                      "sola vez: elimine o combine la fila duplicada.")

    def exists(self, values: pd.Series, known: Iterable[object], column: str,
               target_table: str) -> None:
        known = set(known)
        label = FILE_NAMES[target_table]
        self.add(~values.isin(known) & (values.astype(str) != ""), column, values.astype(str),
                 f"no existe en la tabla «{label}»; revise el identificador o agréguelo "
                 f"a «{label}».")


# ---------------------------------------------------------------- tables


def _normalize_structure(raw: Mapping[str, pd.DataFrame], labels: Mapping[str, str],
                         issues: list[Issue]) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    for table in ("axes", "objectives", "entities"):
        df = raw[table].reset_index(drop=True)
        ck = _Checker(table, labels[table], issues)
        cols = {c: ck.text(df, c) for c in _TEXT_COLUMNS[table]}
        if table == "objectives":
            cols["objective_id"], _ = ck.integer(df, "objective_id")
        key = COLUMNS[table][0]
        ck.unique(pd.DataFrame({key: cols[key]}), key, "identificador")
        out[table] = pd.DataFrame({c: cols[c] for c in COLUMNS[table]})
    return out


def _normalize_products(df: pd.DataFrame, label: str, structure: dict[str, pd.DataFrame],
                        issues: list[Issue]) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    ck = _Checker("products", label, issues)
    cols = {c: ck.text(df, c) for c in _TEXT_COLUMNS["products"]}
    cols["objective_id"], obj_ok = ck.integer(df, "objective_id")
    cols["direction"] = ck.choice(df, "direction", DIRECTIONS)
    cols["scope"] = ck.choice(df, "scope", SCOPES)
    cols["aggregation"] = ck.choice(df, "aggregation", AGGREGATIONS)
    cols["baseline"] = ck.number(df, "baseline", cols["unit"])
    cols["layer"] = ck.text(df, "layer", required=False)
    ck.unique(pd.DataFrame({"p": cols["product_id"]}), "product_id", "producto")
    ck.exists(cols["axis_id"], structure["axes"]["axis_id"], "axis_id", "axes")
    ck.exists(cols["entity_id"], structure["entities"]["entity_id"], "entity_id", "entities")
    obj = cols["objective_id"].where(obj_ok)
    known = set(structure["objectives"]["objective_id"])
    ck.add(obj_ok & ~obj.isin(known), "objective_id", _as_text(df["objective_id"]),
           "no existe en la tabla «objetivos»; revise el número del objetivo.")
    return pd.DataFrame({c: cols[c] for c in COLUMNS["products"]})


def _normalize_series(table: str, df: pd.DataFrame, label: str, products: pd.DataFrame,
                      issues: list[Issue]) -> pd.DataFrame:
    """Row-level checks shared by targets and observations (and uploaded reports)."""
    df = df.reset_index(drop=True)
    ck = _Checker(table, label, issues)
    value_col = "target" if table == "targets" else "value"
    product = ck.text(df, "product_id")
    ck.exists(product, products["product_id"], "product_id", "products")
    year = ck.year(df)
    code = ck.locality(df)
    info = products.drop_duplicates("product_id").set_index("product_id")
    unit = product.map(info["unit"]).fillna("")
    scope = product.map(info["scope"]).fillna("")
    value = ck.number(df, value_col, unit)
    ck.add((scope == "ciudad") & (code != CITYWIDE), "locality_code", code,
           "el producto tiene alcance «ciudad»: deje la localidad vacía (toda la ciudad).")
    ck.unique(pd.DataFrame({"p": product, "y": year, "l": code}), "product_id",
              "producto / año / localidad")
    cols = {"product_id": product, "year": year, "locality_code": code, value_col: value}
    if table == "observations":
        text = _as_text(df["reported_at"])
        when = _parse_date(text)
        ck.add((text != "") & when.isna(), "reported_at", text,
               "fecha inválida; use AAAA-MM-DD (p. ej. 2026-03-31).")
        cols["reported_at"] = when
    return pd.DataFrame({c: cols[c] for c in COLUMNS[table]})


def _cross_checks(tables: dict[str, pd.DataFrame], labels: Mapping[str, str],
                  issues: list[Issue]) -> None:
    for table, expected in EXPECTED_COUNTS.items():
        if table not in tables:
            continue
        found = len(tables[table])
        if found != expected:
            name = _TABLE_LABELS.get(table, table)
            _Checker(table, labels[table], issues).table_issue(
                f"la política declara {expected} {name} y el archivo tiene {found}; "
                "agregue o retire filas hasta completar la cantidad declarada.")
    # every product has a citywide target for every year
    targets, products = tables["targets"], tables["products"]
    city = targets[targets["locality_code"] == CITYWIDE]
    have = set(zip(city["product_id"], city["year"], strict=True))
    ck = _Checker("targets", labels["targets"], issues)
    for pid in products["product_id"]:
        if not pid:
            continue
        missing = [y for y in YEARS if (pid, y) not in have]
        if missing:
            years = ", ".join(map(str, missing))
            ck.table_issue(f"al producto «{pid}» le falta la meta de ciudad (localidad vacía) "
                           f"para los años {years}; cada producto necesita una meta por año "
                           f"de {FIRST_YEAR} a {LAST_YEAR}.", "year")


def _labels(source_name: str, file_labels: Mapping[str, str] | None) -> dict[str, str]:
    labels = {t: (f"{source_name} › {n}" if source_name else n) for t, n in FILE_NAMES.items()}
    labels.update(file_labels or {})
    return labels


def validate_tables(
    tables: Mapping[str, pd.DataFrame],
    *,
    source_name: str = "",
    file_labels: Mapping[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Check and type the six catalog tables (internal column names, raw or typed cells).

    Parameters
    ----------
    tables : mapping of table name (``data.schema.COLUMNS`` keys) to DataFrame
        Cells may be text as read from a file or already typed values.
    source_name : str
        Name of the matrix, used in messages.
    file_labels : mapping, optional
        Label of each table's file (e.g. ``{"targets": "metas.csv"}``).

    Returns
    -------
    dict of DataFrame
        Typed tables (see :class:`data.catalog.Catalog`), rows in input order.

    Raises
    ------
    CatalogError
        With every issue found.
    """
    labels = _labels(source_name, file_labels)
    issues: list[Issue] = []
    missing = [t for t in COLUMNS if t not in tables]
    for table in missing:
        issues.append(Issue(labels[table], None, None, None,
                            f"falta la tabla «{FILE_NAMES[table]}» de la matriz."))
    renamed: dict[str, pd.DataFrame] = {}
    for table, df in tables.items():
        if table not in COLUMNS:
            continue
        renamed[table], header_issues = rename_file_columns(df, table, labels[table])
        issues.extend(header_issues)
    if issues:
        raise CatalogError(issues, source_name)
    out = _normalize_structure(renamed, labels, issues)
    out["products"] = _normalize_products(renamed["products"], labels["products"], out, issues)
    for table in ("targets", "observations"):
        out[table] = _normalize_series(table, renamed[table], labels[table], out["products"],
                                       issues)
    _cross_checks(out, labels, issues)
    if issues:
        raise CatalogError(issues, source_name)
    return out


def validate_catalog(
    catalog: Catalog,
    source_name: str = "",
    *,
    file_labels: Mapping[str, str] | None = None,
) -> None:
    """Raise :class:`CatalogError` if ``catalog`` breaks any rule of the format.

    Row numbers refer to the files the tables were read from (header = row 1),
    assuming the tables keep the file order, as :func:`data.matrix.load_matrix`
    does.
    """
    tables = {t: getattr(catalog, t) for t in COLUMNS}
    validate_tables(tables, source_name=source_name or catalog.version.source_name,
                    file_labels=file_labels)


def observation_issues(
    df: pd.DataFrame, catalog: Catalog, file_name: str = "avances.csv"
) -> tuple[pd.DataFrame | None, list[Issue]]:
    """Check one table of progress reports against ``catalog``.

    Returns the typed observations (None when columns are missing) and the issues.
    """
    issues: list[Issue] = []
    renamed, header_issues = rename_file_columns(df, "observations", file_name)
    if header_issues:
        return None, header_issues
    if renamed.empty:
        issues.append(Issue(file_name, None, None, None,
                            "el archivo no tiene filas de datos debajo del encabezado."))
        return None, issues
    typed = _normalize_series("observations", renamed, file_name, catalog.products, issues)
    return typed, issues


def validate_observations(
    df: pd.DataFrame, catalog: Catalog, file_name: str = "avances.csv"
) -> pd.DataFrame:
    """Check an uploaded table of progress reports and return it typed.

    Parameters
    ----------
    df : DataFrame
        As read from the file: Spanish headers (``producto, anio, localidad, valor,
        fecha_reporte``) or internal ones; cells as text or typed.
    catalog : Catalog
        The products the reports refer to.
    file_name : str
        Name used in the messages.

    Returns
    -------
    DataFrame
        Columns of ``data.schema.COLUMNS["observations"]``, typed.

    Raises
    ------
    CatalogError
        Listing every issue (file, row, column, value, message).
    """
    typed, issues = observation_issues(df, catalog, file_name)
    if issues or typed is None:
        raise CatalogError(issues, file_name)
    return typed
