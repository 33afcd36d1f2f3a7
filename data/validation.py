"""Check and type the catalog tables, with messages that name file, row and column.

Every check collects :class:`~data.issues.Issue` objects instead of stopping at
the first problem, so a person fixing a matrix sees everything that is wrong at
once. Rows are numbered as in the file: the header is row 1, the first data row
is row 2 (the same numbering in a CSV file and in an XLSX sheet); rows that are
entirely blank are skipped but keep their number.

An issue is an error (nothing is loaded or published while one remains) or a
warning (``Issue.warning``: shown, never blocking): weights that do not add up
to 100, counts that differ from the adopted policy's, a report of an indicator
that is no longer in force, a text target that looks like a mistyped number.

The same row rules serve the whole matrix (:func:`validate_tables`,
:func:`validate_catalog`) and a table of progress reports uploaded by an entity
(:func:`report_issues`).
"""

from __future__ import annotations

import functools
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from data.catalog import Catalog
from data.issues import CatalogError, Issue
from data.schema import (
    ANNUALISATIONS,
    CITYWIDE,
    COLUMNS,
    EXPECTED_COUNTS,
    FILE_COLUMNS,
    FILE_NAMES,
    FIRST_YEAR,
    LAST_YEAR,
    PERIODICITIES,
)

__all__ = [
    "DERIVED_COLUMNS",
    "OPTIONAL_COLUMNS",
    "WEIGHT_TOLERANCE",
    "CatalogError",
    "Issue",
    "normalize_header",
    "parse_number",
    "rename_file_columns",
    "report_issues",
    "validate_catalog",
    "validate_tables",
]

#: Columns (internal names) a file may omit; they are filled with blanks.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "results": ("formula", "unit", "baseline", "baseline_year", "baseline_source",
                "final_target"),
    "indicators": ("formula", "unit", "baseline", "baseline_year", "baseline_source",
                   "final_target", "layer", "co_entity_id"),
    "locality_baselines": ("final_target",),
    "reports": ("text", "reported_at"),
}
#: Columns derived from another cell: the text of a non-numeric target.
DERIVED_COLUMNS: dict[str, dict[str, str]] = {
    "results": {"final_target_text": "final_target"},
    "indicators": {"final_target_text": "final_target"},
    "targets": {"target_text": "target"},
    "locality_baselines": {"final_target_text": "final_target"},
}
#: Weights of siblings must add up to 100 within this margin (else a warning).
WEIGHT_TOLERANCE = 0.5

#: Other spellings of headers, after :func:`normalize_header`.
_ALIASES = {
    "ano": "anio", "codigo_localidad": "localidad", "ano_linea_base": "anio_linea_base",
    "tipo_de_anualizacion": "tipo_anualizacion", "fuente_de_linea_base": "fuente_linea_base",
    "linea_de_base": "linea_base", "fecha_de_reporte": "fecha_reporte",
    "entidad_responsable": "entidad", "entidad_corresponsable": "corresponsable",
}
_TABLE_NOUNS = {"axes": "ejes", "objectives": "objetivos", "results": "resultados",
                "products": "productos", "entities": "entidades"}
_NAN = float("nan")


# ---------------------------------------------------------------- headers


def normalize_header(text: object) -> str:
    """Header as a key: lower case, no accents, spaces/underscores/hyphens as one ``_``.

    Examples
    --------
    >>> normalize_header(" Línea Base "), normalize_header("Tipo__anualización")
    ('linea_base', 'tipo_anualizacion')
    """
    raw = unicodedata.normalize("NFKD", str(text).strip().lstrip("\ufeff").lower())
    plain = "".join(ch for ch in raw if not unicodedata.combining(ch))
    return "_".join(plain.replace("-", " ").replace("_", " ").split())


def header_key(text: object) -> str:
    """:func:`normalize_header` with the known alternative spellings resolved."""
    key = normalize_header(text)
    return _ALIASES.get(key, key)


def spanish_header(table: str, column: str) -> str:
    """The file header of an internal column (a ``*_text`` column: its cell's header)."""
    column = DERIVED_COLUMNS.get(table, {}).get(column, column)
    for header, internal in FILE_COLUMNS[table].items():
        if internal == column:
            return header
    return column


def rename_file_columns(
    df: pd.DataFrame, table: str, file_label: str
) -> tuple[pd.DataFrame, list[Issue]]:
    """Map a file's Spanish headers to the internal columns of ``table``.

    Headers are matched ignoring case, accents, spaces and underscores; internal
    English names are accepted too. Unknown columns are ignored; optional and
    derived columns that are absent are added blank (``""``).

    Returns
    -------
    (DataFrame, list of Issue)
        The table with the internal columns in ``COLUMNS`` order (cells as
        given) and one issue per required column that is missing or repeated.
    """
    mapping = FILE_COLUMNS[table]
    internal = set(COLUMNS[table])
    chosen: dict[str, int] = {}
    issues: list[Issue] = []
    for position, col in enumerate(df.columns):
        key = header_key(col)
        target = mapping.get(key) or (key if key in internal else None)
        if target is None:
            continue
        if target in chosen:
            issues.append(Issue(file_label, 1, spanish_header(table, target), str(col),
                                f"la columna «{spanish_header(table, target)}» está repetida; "
                                "deje una sola."))
            continue
        chosen[target] = position
    out = pd.DataFrame(index=range(len(df)))
    found = ", ".join(f"«{c}»" for c in df.columns) or "ninguna"
    optional = set(OPTIONAL_COLUMNS.get(table, ())) | set(DERIVED_COLUMNS.get(table, {}))
    for col in COLUMNS[table]:
        if col in chosen:
            out[col] = df.iloc[:, chosen[col]].to_numpy(dtype=object)
        elif col in optional:
            out[col] = ""
        else:
            header = spanish_header(table, col)
            issues.append(Issue(
                file_label, 1, header, None,
                f"falta la columna obligatoria «{header}» (¿fue renombrada?); columnas "
                f"encontradas: {found}. Use los encabezados de data/README.md.",
            ))
    return out, issues


# ---------------------------------------------------------------- cells


def _missing(cell: object) -> bool:
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return True
    return isinstance(cell, float | np.floating) and math.isnan(cell)


def cell_text(cell: object) -> str:
    """A cell as stripped text; empty cells ``""``, ``2021.0`` ``"2021"``, dates ISO."""
    if type(cell) is str:
        return cell.strip()
    if _missing(cell):
        return ""
    if isinstance(cell, bool | np.bool_):
        return "si" if cell else "no"
    if isinstance(cell, float | np.floating):
        value = float(cell)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(cell, numbers.Integral):
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else \
            cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_DOT_GROUPS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_COMMA_GROUPS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_NON_FINITE = re.compile(r"[+-]?(?:inf(?:inity)?|nan)", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_number(cell: object) -> tuple[str, float]:
    """Read a number cell: ``(status, value)``, status ``ok``, ``empty``, ``nonfinite``, ``bad``.

    Accepts typed numbers and text with a decimal point or the es-CO decimal comma
    (``1234.5``, ``1234,5``, ``1.234,5``; ``1,234.5`` too). Infinite values and
    NaN written as text (``inf``, ``Infinity``, ``1e309``, ``nan``) are
    ``nonfinite``; ``value`` is NaN unless the status is ``ok``.

    Examples
    --------
    >>> parse_number("1.234,5"), parse_number("1e309")[0], parse_number("12 %")[0]
    (('ok', 1234.5), 'nonfinite', 'bad')
    """
    if type(cell) is str:
        return _parse_number_text(cell)
    if _missing(cell):
        return "empty", _NAN
    if isinstance(cell, bool | np.bool_):
        return "bad", _NAN
    if isinstance(cell, numbers.Real):
        value = float(cell)
        return ("ok", value) if math.isfinite(value) else ("nonfinite", _NAN)
    if not isinstance(cell, str):
        return "bad", _NAN
    return _parse_number_text(str(cell))


def _parse_number_text(cell: str) -> tuple[str, float]:
    text = _SPACES.sub("", cell)
    if not text:
        return "empty", _NAN
    if _NON_FINITE.fullmatch(text):
        return "nonfinite", _NAN
    if _PLAIN_NUMBER.fullmatch(text):
        text = text.replace(",", ".")
    elif _DOT_GROUPS.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif _COMMA_GROUPS.fullmatch(text):
        text = text.replace(",", "")
    else:
        return "bad", _NAN
    value = float(text)
    return ("ok", value) if math.isfinite(value) else ("nonfinite", _NAN)


def _plain(text: str) -> str:
    raw = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(ch for ch in raw if not unicodedata.combining(ch)).split())


_TRUE = {"si", "s", "true", "verdadero", "1", "x", "vigente", "yes"}
_FALSE = {"no", "n", "false", "falso", "0", "no vigente", "novigente"}
_CODE_PARTS = re.compile(r"\d+(?:\.\d+)*")
_QUARTER = re.compile(r"(?:[TQ]|TRIMESTRE)?\s*([1-4])", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_DMY_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def normalize_code(cell: object) -> str:
    """A result/indicator code without spaces or leading zeros (``"1 . 1 . 02"`` -> ``"1.1.2"``)."""
    text = _SPACES.sub("", cell_text(cell)).rstrip(".")
    if _CODE_PARTS.fullmatch(text):
        return ".".join(str(int(part)) for part in text.split("."))
    return text


def parse_locality(cell: object) -> str | None:
    """``"00"`` for the city (empty, ``0``, ``00``), ``"01"``..``"20"``, or None."""
    if not cell_text(cell):
        return CITYWIDE
    status, value = parse_number(cell)
    if status == "ok" and value.is_integer() and 0 <= value <= 20:
        return f"{int(value):02d}"
    return None


def parse_quarter(cell: object) -> int | None:
    """1-4 from ``3``, ``"3"``, ``"T3"``, ``"Q3"``; None otherwise."""
    match = _QUARTER.fullmatch(cell_text(cell))
    return int(match.group(1)) if match else None


def parse_date(cell: object) -> tuple[str, pd.Timestamp]:
    """``(status, day)`` of a date cell (AAAA-MM-DD, DD/MM/AAAA or a typed date)."""
    if _missing(cell):
        return "empty", pd.NaT
    if isinstance(cell, datetime | date):
        return "ok", pd.Timestamp(cell).normalize().as_unit("ns")
    return _parse_date_text(cell_text(cell))


@functools.lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> tuple[str, pd.Timestamp]:
    if not text:
        return "empty", pd.NaT
    iso, dmy = _ISO_DATE.fullmatch(text), _DMY_DATE.fullmatch(text)
    try:
        if iso:
            day = date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        elif dmy:
            day = date(int(dmy.group(3)), int(dmy.group(2)), int(dmy.group(1)))
        else:
            return "bad", pd.NaT
    except ValueError:
        return "bad", pd.NaT
    return "ok", pd.Timestamp(day).as_unit("ns")


def parse_bool(cell: object) -> bool | None:
    """si/sí/no, true/false, 1/0, x, vigente/no vigente (any case); None otherwise."""
    if isinstance(cell, bool | np.bool_):
        return bool(cell)
    text = _plain(cell_text(cell))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _choice_map(allowed: Iterable[str]) -> dict[str, str]:
    return {_plain(option): option for option in allowed}


_ANNUALISATION = _choice_map(ANNUALISATIONS)
_PERIODICITY = _choice_map(PERIODICITIES)


# ---------------------------------------------------------------- one table


class _Table:
    """The cells of one table, its file rows, and the issues found in it."""

    def __init__(self, table: str, df: pd.DataFrame, label: str, issues: list[Issue],
                 rows: Sequence[int] | None = None) -> None:
        rows = list(rows) if rows is not None else list(range(2, len(df) + 2))
        blank = [all(cell_text(c) == "" for c in values)
                 for values in df.itertuples(index=False, name=None)]
        keep = [i for i, b in enumerate(blank) if not b]
        self.table = table
        self.df = df.iloc[keep].reset_index(drop=True)
        self.rows = [rows[i] for i in keep]
        self.label = label
        self.issues = issues
        self.key_bad = np.zeros(len(self.df), dtype=bool)

    def __len__(self) -> int:
        return len(self.df)

    def cells(self, column: str) -> list[object]:
        return self.df[column].tolist()

    def add(self, i: int, column: str | None, value: object, message: str, *,
            warning: bool = False) -> None:
        header = spanish_header(self.table, column) if column else None
        shown = value if isinstance(value, str) else cell_text(value)
        self.issues.append(Issue(self.label, self.rows[i], header, shown, message,
                                 warning=warning))

    def note(self, message: str, column: str | None = None, *, warning: bool = False) -> None:
        header = spanish_header(self.table, column) if column else None
        self.issues.append(Issue(self.label, None, header, None, message, warning=warning))

    # ---- typed columns

    def text(self, column: str, *, required: bool = False, key: bool = False) -> list[str]:
        out = [cell_text(c) for c in self.cells(column)]
        if required:
            for i, value in enumerate(out):
                if not value:
                    self.add(i, column, "", "el valor es obligatorio y está vacío.")
                    self.key_bad[i] |= key
        return out

    def code(self, column: str, *, required: bool = True, key: bool = True) -> list[str]:
        out = [normalize_code(c) for c in self.cells(column)]
        if required:
            for i, value in enumerate(out):
                if not value:
                    self.add(i, column, "", "el código es obligatorio y está vacío.")
                    self.key_bad[i] |= key
        return out

    def number(self, column: str, *, required: bool = False, low: float | None = None,
               high: float | None = None, what: str = "valor") -> list[float]:
        out = []
        for i, cell in enumerate(self.cells(column)):
            status, value = parse_number(cell)
            if status == "empty" and required:
                self.add(i, column, "", f"el {what} es obligatorio y está vacío.")
            elif status == "nonfinite":
                self.add(i, column, cell, "no es un número finito (infinito o NaN); escriba "
                                          "una cifra, p. ej. 1234,5.")
            elif status == "bad":
                self.add(i, column, cell, "no es un número; escriba solo cifras, sin "
                                          "unidades ni %, p. ej. 1234,5 o 1234.5.")
            elif status == "ok" and low is not None and value < low:
                self.add(i, column, cell, f"no puede ser menor que {_fmt(low)}.")
                value = _NAN
            elif status == "ok" and high is not None and value > high:
                self.add(i, column, cell, f"no puede ser mayor que {_fmt(high)}.")
                value = _NAN
            out.append(value)
        return out

    def number_or_text(self, column: str, *, required: bool = False
                       ) -> tuple[list[float], list[str]]:
        """A target cell: a finite number, or a text target kept as text."""
        derived = {v: k for k, v in DERIVED_COLUMNS[self.table].items()}[column]
        texts = self.cells(derived)
        numbers_out, texts_out = [], []
        for i, cell in enumerate(self.cells(column)):
            if _missing(cell) or cell_text(cell) == "":
                cell = texts[i]  # typed input: the text of a text target
            status, value = parse_number(cell)
            text = ""
            if status == "empty" and required:
                self.add(i, column, "", "la meta está vacía: escriba la cifra o el texto de "
                                        "la meta, o elimine la fila.")
            elif status == "nonfinite":
                self.add(i, column, cell, "no es un número finito (infinito o NaN); escriba "
                                          "una cifra o el texto de la meta.")
            elif status == "bad":
                text = cell_text(cell)
                if any(ch.isdigit() for ch in text):
                    self.add(i, column, text, "no se pudo leer como número: se guarda como meta "
                                              "de texto, sin cálculo de avance. Si es una cifra, "
                                              "escríbala sin unidades ni %, p. ej. 1234,5.",
                             warning=True)
            numbers_out.append(value)
            texts_out.append(text)
        return numbers_out, texts_out

    def integer(self, column: str, *, key: bool = False, what: str = "un número entero"
                ) -> list[int | None]:
        out: list[int | None] = []
        for i, cell in enumerate(self.cells(column)):
            status, value = parse_number(cell)
            if status == "empty":
                self.add(i, column, "", "el valor es obligatorio y está vacío.")
            elif status != "ok" or not value.is_integer():
                self.add(i, column, cell, f"debe ser {what}.")
            else:
                out.append(int(value))
                continue
            self.key_bad[i] |= key
            out.append(None)
        return out

    def year(self, column: str = "year") -> list[int | None]:
        out = self.integer(column, key=True, what=f"un año entero ({FIRST_YEAR} a {LAST_YEAR})")
        for i, year in enumerate(out):
            if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
                self.add(i, column, self.cells(column)[i],
                         f"el año debe estar entre {FIRST_YEAR} y {LAST_YEAR} (horizonte de la "
                         "política).")
                self.key_bad[i] = True
                out[i] = None
        return out

    def quarter(self, column: str = "quarter") -> list[int | None]:
        out = []
        for i, cell in enumerate(self.cells(column)):
            quarter = parse_quarter(cell)
            if quarter is None:
                message = ("el trimestre es obligatorio y está vacío." if not cell_text(cell)
                           else "trimestre inválido: escriba 1, 2, 3 o 4 (también T1…T4).")
                self.add(i, column, cell, message)
                self.key_bad[i] = True
            out.append(quarter)
        return out

    def locality(self, column: str = "locality_code", *, city: bool = True) -> list[str]:
        out = []
        for i, cell in enumerate(self.cells(column)):
            code = parse_locality(cell)
            if code is None or (code == CITYWIDE and not city):
                message = ("código de localidad inválido: use 01 a 20, o deje vacío (o 00) "
                           "para toda la ciudad." if city else
                           "código de localidad inválido: use 01 a 20 (esta tabla es solo "
                           "por localidad).")
                self.add(i, column, cell, message)
                self.key_bad[i] = True
                code = ""
            out.append(code)
        return out

    def boolean(self, column: str) -> list[bool]:
        out = []
        for i, cell in enumerate(self.cells(column)):
            value = parse_bool(cell)
            if value is None:
                self.add(i, column, cell, "valor no permitido; escriba si o no (también "
                                          "vigente / no vigente, 1 / 0, x).")
            out.append(bool(value))
        return out

    def choice(self, column: str, allowed: Mapping[str, str]) -> list[str]:
        out = []
        options = ", ".join(allowed.values())
        for i, cell in enumerate(self.cells(column)):
            value = allowed.get(_plain(cell_text(cell)))
            if value is None:
                self.add(i, column, cell, f"valor no permitido; use uno de: {options}.")
            out.append(value or "")
        return out

    def date(self, column: str) -> list[pd.Timestamp]:
        out = []
        for i, cell in enumerate(self.cells(column)):
            status, day = parse_date(cell)
            if status == "bad":
                self.add(i, column, cell, "fecha inválida; use AAAA-MM-DD (p. ej. 2026-03-31) "
                                          "o DD/MM/AAAA.")
            out.append(day)
        return out

    # ---- table rules

    def unique(self, keys: Sequence[tuple], column: str, what: str) -> None:
        """Flag repeated keys (rows with an invalid key part are left out)."""
        seen: dict[tuple, int] = {}
        for i, key in enumerate(keys):
            if self.key_bad[i]:
                continue
            if key in seen:
                self.add(i, column, " / ".join(map(str, key)),
                         f"{what} repetido (ya está en la fila {self.rows[seen[key]]}); cada "
                         "combinación debe aparecer una sola vez: elimine o combine la fila.")
            else:
                seen[key] = i

    def exists(self, values: Sequence[str], known: Iterable[str], column: str,
               target_table: str) -> None:
        known = set(known)
        label = FILE_NAMES[target_table]
        for i, value in enumerate(values):
            if value == "" or value in known:
                continue
            self.add(i, column, value, f"no existe en la tabla «{label}»; revise el "
                                       f"identificador o agréguelo a «{label}».")


def _fmt(value: float) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def _frame(table: str, columns: Mapping[str, Sequence[object]]) -> pd.DataFrame:
    """A typed table with exactly the columns and dtypes of ``Catalog``."""
    out = {}
    for column in COLUMNS[table]:
        values = list(columns[column])
        if column in ("objective_id", "year", "quarter"):
            out[column] = pd.Series([-1 if v is None else v for v in values], dtype="int64")
        elif column in ("weight", "baseline", "target", "final_target", "value"):
            out[column] = pd.Series(values, dtype="float64")
        elif column in ("in_force", "by_locality"):
            out[column] = pd.Series(values, dtype="bool")
        elif column == "reported_at":
            out[column] = pd.Series(values, dtype="datetime64[ns]")
        else:
            out[column] = pd.Series(values, dtype=object).astype(str)
    return pd.DataFrame(out)


# ---------------------------------------------------------------- references


@dataclass(frozen=True)
class _Series:
    """What the row rules need to know about a result or indicator code."""

    kind: str  # "result" or "indicator"
    unit: str
    by_locality: bool
    in_force: bool
    periodicity: str
    entity_id: str
    name: str


def _series_info(results: pd.DataFrame, indicators: pd.DataFrame) -> dict[str, _Series]:
    info: dict[str, _Series] = {}
    for row in results.itertuples(index=False):
        info[str(row.code)] = _Series("result", str(row.unit), False, bool(row.in_force),
                                      str(row.periodicity), str(row.entity_id), str(row.name))
    for row in indicators.itertuples(index=False):
        info[str(row.code)] = _Series("indicator", str(row.unit), bool(row.by_locality),
                                      bool(row.in_force), str(row.periodicity),
                                      str(row.entity_id), str(row.name))
    return info


def _is_percent(unit: str) -> bool:
    return _plain(unit) in ("%", "porcentaje")


def _check_code_place(t: _Table, codes: list[str], places: list[str],
                      info: Mapping[str, _Series], *, unknown: str) -> None:
    """Code exists; a locality row only for an indicator reported by locality."""
    for i, (code, place) in enumerate(zip(codes, places, strict=True)):
        if not code:
            continue
        series = info.get(code)
        if series is None:
            t.add(i, "code", code, unknown)
            t.key_bad[i] = True
        elif place not in ("", CITYWIDE) and not series.by_locality:
            what = "el resultado" if series.kind == "result" else "el indicador"
            t.add(i, "locality_code", place,
                  f"{what} {code} no se reporta por localidad: deje la localidad vacía "
                  "(toda la ciudad).")
            t.key_bad[i] = True


# ---------------------------------------------------------------- the tables


def _structure(tables: Mapping[str, _Table]) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    t = tables["axes"]
    axes = {"axis_id": t.text("axis_id", required=True, key=True),
            "name": t.text("name", required=True)}
    t.unique([(v,) for v in axes["axis_id"]], "axis_id", "identificador de eje")
    out["axes"] = _frame("axes", axes)

    t = tables["entities"]
    entities = {"entity_id": t.text("entity_id", required=True, key=True),
                "acronym": t.text("acronym", required=True),
                "name": t.text("name", required=True)}
    t.unique([(v,) for v in entities["entity_id"]], "entity_id", "identificador de entidad")
    out["entities"] = _frame("entities", entities)

    t = tables["objectives"]
    objectives = {"objective_id": t.integer("objective_id", key=True),
                  "text": t.text("text", required=True),
                  "weight": t.number("weight", required=True, low=0, high=100, what="peso")}
    t.unique([(v,) for v in objectives["objective_id"]], "objective_id", "objetivo")
    out["objectives"] = _frame("objectives", objectives)
    return out


def _measure_facts(t: _Table) -> dict[str, list]:
    """The columns a result indicator and a product indicator share: how it is measured
    (formula, unit, annualisation, periodicity), its baseline and its weight."""
    return {
        "formula": t.text("formula"),
        "unit": t.text("unit"),
        "annualisation": t.choice("annualisation", _ANNUALISATION),
        "periodicity": t.choice("periodicity", _PERIODICITY),
        "baseline": t.number("baseline", what="línea base"),
        "baseline_year": t.text("baseline_year"),
        "baseline_source": t.text("baseline_source"),
        "weight": t.number("weight", required=True, low=0, high=100, what="peso"),
    }


def _results(t: _Table, out: dict[str, pd.DataFrame]) -> pd.DataFrame:
    cols: dict[str, list] = {
        "code": t.code("code"),
        "objective_id": t.integer("objective_id"),
        "text": t.text("text", required=True),
        "name": t.text("name", required=True),
        **_measure_facts(t),
        "entity_id": t.text("entity_id", required=True),
        "in_force": t.boolean("in_force"),
    }
    cols["final_target"], cols["final_target_text"] = t.number_or_text("final_target")
    known = set(out["objectives"]["objective_id"])
    for i, (code, objective) in enumerate(zip(cols["code"], cols["objective_id"],
                                              strict=True)):
        if objective is not None and objective not in known:
            t.add(i, "objective_id", str(objective),
                  "no existe en la tabla «objetivos»; revise el número del objetivo.")
        match = re.fullmatch(r"(\d+)\.1", code)
        if code and not match:
            t.add(i, "code", code, "el código de un resultado es «N.1», con N el número de su "
                                   "objetivo (p. ej. 3.1).")
        elif match and objective is not None and int(match.group(1)) != objective:
            t.add(i, "code", code, f"el resultado {code} debe pertenecer al objetivo "
                                   f"{match.group(1)}, no al {objective}; corrija el código o "
                                   "el objetivo.")
    t.unique([(c,) for c in cols["code"]], "code", "código de resultado")
    t.exists(cols["entity_id"], out["entities"]["entity_id"], "entity_id", "entities")
    return _frame("results", cols)


def _products(t: _Table, out: dict[str, pd.DataFrame]) -> pd.DataFrame:
    cols = {"product_id": t.text("product_id", required=True, key=True),
            "name": t.text("name", required=True),
            "result_code": t.code("result_code", key=False)}
    t.unique([(p,) for p in cols["product_id"]], "product_id", "producto")
    t.exists(cols["result_code"], out["results"]["code"], "result_code", "results")
    return _frame("products", cols)


def _indicators(t: _Table, out: dict[str, pd.DataFrame]) -> pd.DataFrame:
    cols: dict[str, list] = {
        "code": t.code("code"),
        "product_id": t.text("product_id", required=True),
        "name": t.text("name", required=True),
        **_measure_facts(t),
        "entity_id": t.text("entity_id", required=True),
        "co_entity_id": t.text("co_entity_id"),
        "in_force": t.boolean("in_force"),
        "axis_id": t.text("axis_id", required=True),
        "by_locality": t.boolean("by_locality"),
        "layer": t.text("layer"),
    }
    cols["final_target"], cols["final_target_text"] = t.number_or_text("final_target")
    t.unique([(c,) for c in cols["code"]], "code", "código de indicador")
    t.exists(cols["product_id"], out["products"]["product_id"], "product_id", "products")
    entities = out["entities"]["entity_id"]
    t.exists(cols["entity_id"], entities, "entity_id", "entities")
    t.exists(cols["co_entity_id"], entities, "co_entity_id", "entities")
    t.exists(cols["axis_id"], out["axes"]["axis_id"], "axis_id", "axes")
    result_of = dict(zip(out["products"]["product_id"], out["products"]["result_code"],
                         strict=True))
    for i, (code, product) in enumerate(zip(cols["code"], cols["product_id"], strict=True)):
        match = re.fullmatch(r"(\d+\.\d+)\.\d+", code)
        if code and not match:
            t.add(i, "code", code, "el código de un indicador de producto es «N.1.k» (p. ej. "
                                   "6.1.3): el código de su resultado y un número.")
        elif match and product in result_of and result_of[product] \
                and match.group(1) != result_of[product]:
            t.add(i, "code", code, f"el indicador {code} no corresponde al resultado "
                                   f"{result_of[product]} de su producto {product}; su código "
                                   f"debe empezar por «{result_of[product]}.».")
    return _frame("indicators", cols)


def _targets(t: _Table, info: Mapping[str, _Series]) -> pd.DataFrame:
    cols: dict[str, list] = {"code": t.code("code"), "locality_code": t.locality(),
                             "year": t.year()}
    cols["target"], cols["target_text"] = t.number_or_text("target", required=True)
    _check_code_place(t, cols["code"], cols["locality_code"], info,
                      unknown="no es el código de un resultado ni de un indicador; revise "
                              "las tablas «resultados» e «indicadores».")
    t.unique(list(zip(cols["code"], cols["locality_code"], cols["year"], strict=True)),
             "code", "meta (código / localidad / año)")
    return _frame("targets", cols)


def _locality_baselines(t: _Table, info: Mapping[str, _Series]) -> pd.DataFrame:
    cols: dict[str, list] = {"code": t.code("code"),
                             "locality_code": t.locality(city=False),
                             "baseline": t.number("baseline", what="línea base")}
    cols["final_target"], cols["final_target_text"] = t.number_or_text("final_target")
    for i, code in enumerate(cols["code"]):
        series = info.get(code)
        if code and (series is None or series.kind != "indicator"):
            t.add(i, "code", code, "no es el código de un indicador de producto; revise la "
                                   "tabla «indicadores».")
            t.key_bad[i] = True
        elif code and not series.by_locality:
            t.add(i, "code", code, f"el indicador {code} no se reporta por localidad "
                                   "(«por_localidad» = no): quite la fila o cambie el indicador.")
            t.key_bad[i] = True
    t.unique(list(zip(cols["code"], cols["locality_code"], strict=True)), "code",
             "línea base (código / localidad)")
    return _frame("locality_baselines", cols)


def _reports(t: _Table, info: Mapping[str, _Series]) -> pd.DataFrame:
    cols: dict[str, list] = {"code": t.code("code"), "year": t.year(), "quarter": t.quarter(),
                             "locality_code": t.locality(), "text": t.text("text"),
                             "reported_at": t.date("reported_at")}
    _check_code_place(t, cols["code"], cols["locality_code"], info,
                      unknown="no es el código de un resultado ni de un indicador del "
                              "catálogo; copie los códigos de la plantilla de su entidad "
                              "(página de carga).")
    values = []
    for i, cell in enumerate(t.cells("value")):
        status, value = parse_number(cell)
        series = info.get(cols["code"][i])
        if status == "empty":
            t.add(i, "value", "", "el valor es obligatorio y está vacío.")
        elif status == "nonfinite":
            t.add(i, "value", cell, "no es un número finito (infinito o NaN); escriba la cifra "
                                    "alcanzada, p. ej. 1234,5.")
        elif status == "bad":
            t.add(i, "value", cell, "no es un número; escriba solo cifras, sin unidades ni %, "
                                    "p. ej. 1234,5 o 1234.5.")
        elif value < 0:
            t.add(i, "value", cell, "no puede ser negativo.")
        elif series is not None and _is_percent(series.unit) and value > 100:
            t.add(i, "value", cell, "la unidad es «%»: el valor debe estar entre 0 y 100.")
        values.append(value)
    cols["value"] = values
    for i, code in enumerate(cols["code"]):
        series = info.get(code)
        if series is not None and not series.in_force:
            t.add(i, "code", code, f"el indicador {code} no está vigente; su reporte se guarda "
                                   "pero no cuenta en los tableros de seguimiento.",
                  warning=True)
    t.unique(list(zip(cols["code"], cols["year"], cols["quarter"], cols["locality_code"],
                      strict=True)), "code", "reporte (código / año / trimestre / localidad)")
    return _frame("reports", cols)


# ---------------------------------------------------------------- cross checks


def _weights_sum(label: str, what: str, total: float, column: str, table: str,
                 issues: list[Issue]) -> None:
    if abs(total - 100) > WEIGHT_TOLERANCE:
        issues.append(Issue(label, None, spanish_header(table, column), _fmt(total),
                            f"los pesos de {what} suman {_fmt(total)} y deberían sumar 100; "
                            "revise los pesos (los agregados los reparten en esa proporción).",
                            warning=True))


def _cross_checks(out: dict[str, pd.DataFrame], labels: Mapping[str, str],
                  issues: list[Issue]) -> None:
    for table, expected in EXPECTED_COUNTS.items():
        if table not in out:
            continue
        found = len(out[table])
        if found != expected:
            noun = _TABLE_NOUNS.get(table, table)
            issues.append(Issue(labels[table], None, None, None,
                                f"la política declara {expected} {noun} y la tabla tiene "
                                f"{found}; revise si faltan o sobran filas.", warning=True))
    objectives = out["objectives"]
    if len(objectives):
        _weights_sum(labels["objectives"], "los objetivos",
                     float(objectives["weight"].fillna(0).sum()), "weight", "objectives",
                     issues)
    with_result = set(out["results"]["objective_id"])
    for objective in objectives["objective_id"]:
        if objective not in with_result:
            issues.append(Issue(labels["results"], None, None, None,
                                f"el objetivo {objective} no tiene resultado (código "
                                f"«{objective}.1»); agréguelo a «resultados».", warning=True))
    result_of = dict(zip(out["products"]["product_id"], out["products"]["result_code"],
                         strict=True))
    indicators = out["indicators"]
    active = indicators[indicators["in_force"]]
    parent = active["product_id"].map(result_of)
    for result, weights in active["weight"].groupby(parent, sort=True):
        _weights_sum(labels["indicators"], f"los indicadores vigentes del resultado {result}",
                     float(weights.fillna(0).sum()), "weight", "indicators", issues)


# ---------------------------------------------------------------- entry points


def _labels(source_name: str, file_labels: Mapping[str, str] | None) -> dict[str, str]:
    labels = {t: (f"{source_name} › {n}" if source_name else n) for t, n in FILE_NAMES.items()}
    labels.update(file_labels or {})
    return labels


def _raise_or_return(issues: list[Issue], warnings: list | None, source_name: str) -> None:
    if warnings is not None:
        warnings.extend(i for i in issues if i.warning)
    errors = [i for i in issues if not i.warning]
    if errors:
        raise CatalogError(errors, source_name)


def validate_tables(
    tables: Mapping[str, pd.DataFrame],
    *,
    source_name: str = "",
    file_labels: Mapping[str, str] | None = None,
    warnings: list | None = None,
) -> dict[str, pd.DataFrame]:
    """Check and type the catalog tables.

    Parameters
    ----------
    tables : mapping of table name (``data.schema.COLUMNS`` keys) to DataFrame
        Spanish file headers or internal column names; cells as text (as read
        from a file) or already typed. ``locality_baselines`` may be absent.
        Row ``i`` of a table is file row ``i + 2`` (header = row 1); blank rows
        are skipped.
    source_name : str
        Name of the matrix, used in messages.
    file_labels : mapping, optional
        Label of each table's file (e.g. ``{"targets": "metas.csv"}``).
    warnings : list, optional
        Receives the warnings (``Issue(warning=True)``), which never block.

    Returns
    -------
    dict of DataFrame
        Every table of ``COLUMNS`` with exactly the columns and dtypes of
        :class:`data.catalog.Catalog`, rows in input order.

    Raises
    ------
    CatalogError
        With every error found.
    """
    labels = _labels(source_name, file_labels)
    issues: list[Issue] = []
    renamed: dict[str, pd.DataFrame] = {}
    for table in COLUMNS:
        df = tables.get(table)
        if df is None:
            if table == "locality_baselines":
                df = pd.DataFrame(columns=list(COLUMNS[table]))
            else:
                issues.append(Issue(labels[table], None, None, None,
                                    f"falta la tabla «{FILE_NAMES[table]}» de la matriz."))
                continue
        renamed[table], header_issues = rename_file_columns(df, table, labels[table])
        issues.extend(header_issues)
    if issues:
        raise CatalogError(issues, source_name)
    t = {table: _Table(table, df, labels[table], issues) for table, df in renamed.items()}
    out = _structure(t)
    out["results"] = _results(t["results"], out)
    out["products"] = _products(t["products"], out)
    out["indicators"] = _indicators(t["indicators"], out)
    info = _series_info(out["results"], out["indicators"])
    out["targets"] = _targets(t["targets"], info)
    out["locality_baselines"] = _locality_baselines(t["locality_baselines"], info)
    out["reports"] = _reports(t["reports"], info)
    _cross_checks(out, labels, issues)
    _raise_or_return(issues, warnings, source_name)
    return {table: out[table] for table in COLUMNS}


def validate_catalog(
    catalog: Catalog,
    source_name: str = "",
    *,
    file_labels: Mapping[str, str] | None = None,
    warnings: list | None = None,
) -> None:
    """Raise :class:`CatalogError` if ``catalog`` breaks any rule of the format.

    Row numbers refer to the files the tables were read from (header = row 1),
    assuming the tables keep the file order, as :func:`data.matrix.load_matrix`
    does.
    """
    tables = {t: getattr(catalog, t) for t in COLUMNS}
    validate_tables(tables, source_name=source_name or catalog.version.source_name,
                    file_labels=file_labels, warnings=warnings)


def report_issues(
    df: pd.DataFrame, catalog: Catalog, file_name: str = "avances.csv", *,
    file_rows: Sequence[int] | None = None,
) -> tuple[pd.DataFrame | None, list[Issue]]:
    """Check a table of progress reports (the ``avances`` columns) against ``catalog``.

    Parameters
    ----------
    df : DataFrame
        Spanish headers (``codigo, anio, trimestre, localidad, valor`` and,
        optional, ``texto, fecha_reporte``) or internal ones; cells as text or typed.
    catalog : Catalog
        The results and indicators the reports refer to.
    file_name : str
        Name used in the messages.
    file_rows : sequence of int, optional
        File row of each row of ``df`` (default: position + 2).

    Returns
    -------
    (DataFrame or None, list of Issue)
        The typed rows (``Catalog.reports`` columns, indexed by file row;
        invalid cells hold placeholders) -- None when columns are missing or
        there are no rows --
        and every issue, errors and warnings (``Issue.warning``).
    """
    renamed, issues = rename_file_columns(df, "reports", file_name)
    if issues:
        return None, issues
    t = _Table("reports", renamed, file_name, issues, file_rows)
    if not len(t):
        issues.append(Issue(file_name, None, None, None,
                            "el archivo no tiene filas de datos debajo del encabezado."))
        return None, issues
    typed = _reports(t, _series_info(catalog.results, catalog.indicators))
    typed.index = pd.Index(list(t.rows), name="file_row")
    return typed, issues


def series_entities(catalog: Catalog) -> dict[str, tuple[str, str]]:
    """Code -> (responsible entity id, series name) for results and indicators."""
    info = _series_info(catalog.results, catalog.indicators)
    return {code: (s.entity_id, s.name) for code, s in info.items()}


def series_periodicity(catalog: Catalog) -> dict[str, str]:
    """Code -> periodicity for results and indicators."""
    info = _series_info(catalog.results, catalog.indicators)
    return {code: s.periodicity for code, s in info.items()}

