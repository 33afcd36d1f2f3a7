"""Read the SDP's action plan ("Plan de acción", ``.xlsx``) as the catalog of the model.

The layout is the one ``../shared/METHODOLOGY.md`` describes ("The workbooks")
and ``data/README.md`` documents with an example. The reader never assumes a
position where it can find a text:

* the sheet: *Plan de acción* by its exact name, then normalised (case,
  accents, spaces), then by prefix ("Plan de acción v4"), then the first sheet
  holding the headers «Resultado esperado» and «Producto esperado»;
* the table's headers: the row holding «Producto esperado» and the rows of
  group headers just above it (at most four rows in all); each column is known
  by its normalised header texts from the group down to the leaf, and belongs
  to the result block (left of «Producto esperado») or to the product block;
  a header that occurs in both blocks («Valor», «Año», «Meta 2026»...) is the
  result's the first time and the product's the second time;
* the policy's name, leading sector and entity and general objective: by their
  labels above the table («Política», «Sector líder», «Entidad líder»,
  «Objetivo general»), else at B4, B7, H7 and A8.

Merged objective and result cells are filled down; a result that appears in
a *No vigente* row and again in an in-force row takes the in-force row (a
product indicator that appears twice likewise); a cell formatted as % holds a
fraction (0.0736 is 7.36 %); a target that is not a number is kept as text.
"Ficha técnica" sheets (one per indicator, label / value pairs) add the unit of
measure (and methodology, source, reporting lag, description, remarks, kept in
:attr:`PlanWorkbook.technical_sheets`).

The plan has no axis column: each product indicator's axis comes from the
mapping file ``ejes_indicadores.csv`` (``codigo,eje`` and, optionally,
``por_localidad`` and ``capa``; a code may be an objective ``6``, a result
``6.1`` or an indicator ``6.1.4``: the longest one that matches wins). The file
beside the workbook is used when present, else ``data/ejes_indicadores.csv``.

Every problem names the workbook, the sheet and the cell (``plan.xlsx › hoja
«Plan de acción», celda K14``); the catalog is validated by
:func:`data.validation.validate_tables` and its issues are moved back to the
plan's cells.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

from data.catalog import Catalog, DataVersion
from data.config import DATA_DIR
from data.issues import CatalogError, Issue
from data.schema import COLUMNS, FILE_COLUMNS, FILE_NAMES, FIRST_YEAR, LAST_YEAR
from data.validation import (
    cell_text,
    normalize_code,
    parse_bool,
    parse_number,
    validate_tables,
)
from data.workbooks.sheets import Sheet, find_sheet, read_book, split_code, text_key

__all__ = [
    "AXES_FILE",
    "DEFAULT_AXES_FILE",
    "PLAN_SHEET",
    "PlanWorkbook",
    "load_plan",
    "read_axes_mapping",
    "read_plan",
]

PLAN_SHEET = "Plan de acción"
#: Name of the axis mapping file looked for beside the workbook.
AXES_FILE = "ejes_indicadores.csv"
#: The project's mapping (objective -> axis), used when the workbook has none beside it.
DEFAULT_AXES_FILE = DATA_DIR / AXES_FILE
_MAX_HEADER_ROWS = 4
_SCAN_ROWS = 60


@dataclass(frozen=True)
class PlanWorkbook:
    """An action plan read from its workbook.

    Attributes
    ----------
    catalog : Catalog
        The validated catalog (no reports: those come from the follow-ups).
    policy_name, lead_sector, lead_entity, general_objective : str
        Read from the rows above the table ("" when absent).
    sheet : str
        Title of the plan's sheet.
    technical_sheets : dict
        Indicator code -> ``{field: text}`` from the "Ficha técnica" sheets
        (``unidad``, ``metodologia``, ``fuente``, ``rezago``, ``descripcion``,
        ``observaciones``, ``hoja``).
    axes_file : Path
        The mapping file used.
    warnings : list of Issue
        Never blocking (weights that do not add up to 100, counts...).
    """

    catalog: Catalog
    policy_name: str
    lead_sector: str
    lead_entity: str
    general_objective: str
    sheet: str
    technical_sheets: dict[str, dict[str, str]]
    axes_file: Path
    warnings: list[Issue] = field(default_factory=list)


# ---------------------------------------------------------------- headers


@dataclass(frozen=True)
class _Column:
    index: int
    path: tuple[str, ...]     # header keys, group first, leaf last
    texts: tuple[str, ...]    # the same headers as written
    leaf_row: int

    @property
    def leaf(self) -> str:
        return self.path[-1] if self.path else ""

    @property
    def header(self) -> str:
        return " ".join(self.texts[-1].split()) if self.texts else ""

    def in_group(self, prefixes: Sequence[str]) -> bool:
        return any(g.startswith(p) for g in self.path[:-1] for p in prefixes)


@dataclass(frozen=True)
class _Spec:
    field: str
    label: str
    prefixes: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    group: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    prefer: tuple[str, ...] = ()
    required: bool = False

    def matches(self, column: _Column) -> bool:
        leaf = column.leaf
        if not leaf or any(leaf.startswith(a) for a in self.avoid):
            return False
        if self.group and not column.in_group(self.group):
            return False
        return leaf in self.exact or any(leaf.startswith(p) for p in self.prefixes)


_BASELINE = (
    _Spec("baseline", "Valor (línea base)", exact=("valor", "linea base", "valor linea base",
                                                   "valor de la linea base"),
          prefer=("linea base",)),
    _Spec("baseline_year", "Año (línea base)", exact=("ano", "ano linea base",
                                                      "ano de la linea base"),
          prefer=("linea base",)),
    _Spec("baseline_source", "Fuente (línea base)",
          exact=("fuente", "fuente linea base", "fuente de la linea base"),
          prefer=("linea base",)),
)
_COMMON = (
    _Spec("formula", "Fórmula del indicador", prefixes=("formula",)),
    _Spec("annualisation", "Tipo de anualización",
          prefixes=("tipo de anualizacion", "tipo anualizacion", "anualizacion"), required=True),
    _Spec("periodicity", "Periodicidad", prefixes=("periodicidad",), required=True),
    _Spec("unit", "Unidad de medida", prefixes=("unidad de medida", "unidad")),
    *_BASELINE,
)
_RESULT_SPECS = (
    _Spec("objective", "Objetivo específico", prefixes=("objetivo especifico",
                                                        "objetivos especificos"),
          exact=("objetivo", "objetivos"), required=True),
    _Spec("objective_weight", "Peso del objetivo (%)",
          prefixes=("peso", "ponderacion", "importancia relativa del objetivo"),
          avoid=("peso del resultado", "ponderacion del resultado"), required=True),
    _Spec("result", "Resultado esperado", prefixes=("resultado esperado",), required=True),
    _Spec("name", "Nombre del indicador de resultado",
          prefixes=("nombre del indicador", "indicador de resultado", "nombre indicador"),
          required=True),
    _Spec("in_force", "Vigente/No Vigente", prefixes=("vigente", "estado")),
    _Spec("weight", "Importancia relativa del resultado (%)",
          prefixes=("importancia relativa", "peso del resultado", "ponderacion del resultado"),
          required=True),
    _Spec("entity", "Entidad Responsable", prefixes=("entidad responsable", "entidad"),
          required=True),
    *_COMMON,
    _Spec("final_target", "Meta de resultado Final",
          prefixes=("meta de resultado final", "meta resultado final", "meta final")),
)
_PRODUCT_SPECS = (
    _Spec("product", "Producto esperado", prefixes=("producto esperado",), required=True),
    _Spec("name", "Nombre del indicador de producto",
          prefixes=("nombre del indicador", "indicador de producto", "nombre indicador"),
          required=True),
    _Spec("in_force", "Vigente/No Vigente", prefixes=("vigente", "estado")),
    _Spec("weight", "Ponderación (%)", prefixes=("ponderacion", "peso", "importancia relativa"),
          required=True),
    *_COMMON,
    _Spec("final_target", "Meta de producto Final",
          prefixes=("meta de producto final", "meta producto final", "meta final")),
    _Spec("entity", "Responsables de la ejecución › Entidad", prefixes=("entidad",),
          group=("responsables", "responsable de"), required=True),
    _Spec("entity", "Entidad responsable", prefixes=("entidad responsable",
                                                     "entidad ejecutora"), required=True),
    _Spec("co_entity", "Corresponsables de la ejecución › Entidad", prefixes=("entidad",),
          group=("corresponsables", "corresponsable")),
    _Spec("co_entity", "Entidad corresponsable", prefixes=("entidad corresponsable",)),
)
_TARGET = re.compile(r"(?:metas? )?(?:de (?:la )?)?(?:ano |vigencia )?(\d{4})")


def _header_columns(sheet: Sheet, top: int, bottom: int) -> list[_Column]:
    out = []
    for c in range(sheet.n_columns):
        keys: list[str] = []
        texts: list[str] = []
        leaf_row = bottom
        for r in range(top, bottom + 1):
            text = sheet.text(r, c)
            key = text_key(text)
            if key and (not keys or keys[-1] != key):
                keys.append(key)
                texts.append(text)
                leaf_row = r
        if keys:
            out.append(_Column(c, tuple(keys), tuple(texts), leaf_row))
    return out


def _target_year(column: _Column) -> int | None:
    match = _TARGET.fullmatch(column.leaf)
    if not match:
        return None
    if "meta" not in column.leaf and not any("meta" in g for g in column.path[:-1]):
        return None
    return int(match.group(1))


class _Layout:
    """Where each field of the result and product blocks is, and the problems found."""

    def __init__(self, sheet: Sheet, columns: list[_Column], product_column: int,
                 band: tuple[int, int], issues: list[Issue]) -> None:
        self.sheet, self.band, self.issues = sheet, band, issues
        self.result: dict[str, _Column] = {}
        self.product: dict[str, _Column] = {}
        self.result_targets: dict[int, _Column] = {}
        self.product_targets: dict[int, _Column] = {}
        blocks = ((self.result, self.result_targets, _RESULT_SPECS,
                   [c for c in columns if c.index < product_column], "del resultado"),
                  (self.product, self.product_targets, _PRODUCT_SPECS,
                   [c for c in columns if c.index >= product_column], "del producto"))
        found = ", ".join(f"«{c.header}»" for c in columns) or "ninguno"
        for fields, targets, specs, block, what in blocks:
            taken: set[int] = set()
            for column in block:
                year = _target_year(column)
                if year is None:
                    continue
                taken.add(column.index)
                if not FIRST_YEAR <= year <= LAST_YEAR:
                    issues.append(sheet.issue(
                        column.leaf_row, column.index,
                        f"el año {year} de la "
                        f"columna «{column.header}» está fuera del horizonte de la política "
                        f"({FIRST_YEAR}-{LAST_YEAR}); corrija el encabezado o quite la columna.",
                        header=column.header, value=column.header))
                elif year in targets:
                    first = targets[year]
                    issues.append(sheet.issue(
                        column.leaf_row, column.index,
                        f"la meta {year} "
                        f"{what} está repetida (también en la celda "
                        f"{sheet.ref(first.leaf_row, first.index)}); deje una sola columna.",
                        header=column.header, value=column.header))
                else:
                    targets[year] = column
            for spec in specs:
                if spec.field in fields:
                    continue
                candidates = [c for c in block if c.index not in taken and spec.matches(c)]
                if spec.prefer:
                    preferred = [c for c in candidates if c.in_group(spec.prefer)]
                    candidates = preferred or candidates
                if candidates:
                    fields[spec.field] = candidates[0]
                    taken.add(candidates[0].index)
            for spec in specs:
                if spec.required and spec.field not in fields and \
                        spec is next(s for s in reversed(specs) if s.field == spec.field):
                    rows = f"filas {band[0] + 1} a {band[1] + 1}" if band[0] != band[1] \
                        else f"fila {band[0] + 1}"
                    labels = " o ".join(f"«{s.label}»" for s in specs if s.field == spec.field)
                    issues.append(Issue(
                        sheet.label, band[1] + 1, spec.label, None,
                        f"{rows}: falta la columna {labels} en el bloque "
                        f"{what} (se buscó por el texto del encabezado, sin importar "
                        f"mayúsculas, tildes ni espacios); encabezados encontrados: {found}."))


# ---------------------------------------------------------------- entities


_STOP = {"de", "del", "la", "las", "el", "los", "y", "e", "para", "a", "en", "d", "c", "s"}


def _known_entities() -> list[tuple[str, str, str]]:
    from data.illustrative import ENTITIES

    return list(ENTITIES)


class _Entities:
    """Entity names as written in the plan -> the catalog's ids (``sdm``, ``sg-actic``)."""

    def __init__(self) -> None:
        self.known = _known_entities()
        self.rows: dict[str, tuple[str, str]] = {}
        self.first: dict[str, tuple[int, int]] = {}
        self._by_text: dict[str, str] = {}

    def resolve(self, text: str, where: tuple[int, int]) -> str:
        text = " ".join(text.split())
        key = text_key(text)
        if not key:
            return ""
        if key in self._by_text:
            return self._by_text[key]
        entity = self._match(text, key)
        self._by_text[key] = entity
        self.first.setdefault(entity, where)
        return entity

    def _match(self, text: str, key: str) -> str:
        for entity, acronym, name in self.known:
            if key in (text_key(entity), text_key(acronym), text_key(name)):
                return self._keep(entity, acronym, name)
        tokens = set(re.findall(r"[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ0-9.\-]{1,11}", text))
        for entity, acronym, name in self.known:
            if acronym in tokens:
                return self._keep(entity, acronym, name)
        for entity, acronym, name in self.known:
            known = text_key(name)
            if len(key) >= 12 and (key in known or known in key):
                return self._keep(entity, acronym, name)
        match = re.search(r"\(([A-Za-zÁÉÍÓÚÑ.\-]{2,12})\)\s*$|\s[-–—]\s*([A-ZÁÉÍÓÚÑ.\-]{2,12})\s*$",
                          text)
        if match:
            acronym = (match.group(1) or match.group(2)).replace(".", "")
            name = text[:match.start()].strip(" -–—") or text
        else:
            words = [w for w in re.split(r"[\s\-–—,.]+", text) if w]
            acronym = "".join(w[0] for w in words if text_key(w) not in _STOP).upper() or key
            name = text
        entity = re.sub(r"[^a-z0-9]+", "-", text_key(acronym)).strip("-") or "entidad"
        base, n = entity, 2
        while entity in self.rows and self.rows[entity][1] != name:
            entity, n = f"{base}-{n}", n + 1
        return self._keep(entity, acronym.upper(), name)

    def _keep(self, entity: str, acronym: str, name: str) -> str:
        self.rows.setdefault(entity, (acronym, name))
        return entity


# ---------------------------------------------------------------- axes


@dataclass(frozen=True)
class _AxisLine:
    code: str
    axis: str
    by_locality: bool | None
    layer: str
    row: int


def read_axes_mapping(path: str | Path) -> tuple[list[_AxisLine], list[Issue]]:
    """Read ``ejes_indicadores.csv``: ``codigo, eje`` and optional ``por_localidad, capa``.

    Returns
    -------
    (list, list of Issue)
        The lines (code, axis id, by locality or None, layer, file row) and the
        errors found (file, row, column, value).
    """
    from data.illustrative import AXES
    from data.matrix import read_csv_table

    path = Path(path)
    frame = read_csv_table(path, path.name)
    columns = {text_key(c).replace(" ", "_"): c for c in frame.columns}
    issues: list[Issue] = []
    for needed in ("codigo", "eje"):
        if needed not in columns:
            found = ", ".join(f"«{c}»" for c in frame.columns) or "ninguna"
            issues.append(Issue(path.name, 1, needed, None,
                                f"falta la columna «{needed}»; columnas encontradas: {found}. "
                                "El archivo lleva «codigo,eje» y, opcionales, "
                                "«por_localidad,capa»."))
    if issues:
        return [], issues
    axes = {text_key(a): a for a, _ in AXES} | {text_key(n): a for a, n in AXES}
    shown = ", ".join(a for a, _ in AXES)
    lines = []
    for i, row in enumerate(frame.to_dict("records")):
        file_row = i + 2
        raw_code = cell_text(row[columns["codigo"]])
        raw_axis = cell_text(row[columns["eje"]])
        raw_local = cell_text(row.get(columns.get("por_localidad", ""), ""))
        layer = cell_text(row.get(columns.get("capa", ""), ""))
        if not (raw_code or raw_axis or raw_local or layer):
            continue
        code = normalize_code(raw_code)
        if not re.fullmatch(r"\d+(?:\.\d+){0,2}", code):
            issues.append(Issue(path.name, file_row, "codigo", raw_code,
                                "el código debe ser un objetivo (6), un resultado (6.1) o un "
                                "indicador (6.1.4)."))
            continue
        axis = axes.get(text_key(raw_axis), "") if raw_axis else ""
        if raw_axis and not axis:
            issues.append(Issue(path.name, file_row, "eje", raw_axis,
                                f"no es un eje de la política; use uno de: {shown}."))
            continue
        by_locality = None
        if raw_local:
            by_locality = parse_bool(raw_local)
            if by_locality is None:
                issues.append(Issue(path.name, file_row, "por_localidad", raw_local,
                                    "escriba si o no."))
                continue
        lines.append(_AxisLine(code, axis, by_locality, layer, file_row))
    return lines, issues


def _resolve(lines: Sequence[_AxisLine], code: str, attribute: str) -> tuple[object, int | None]:
    best, best_len, row = None, -1, None
    for line in lines:
        if code == line.code or code.startswith(line.code + "."):
            value = getattr(line, attribute)
            if value in (None, ""):
                continue
            length = line.code.count(".")
            if length > best_len:
                best, best_len, row = value, length, line.row
    return best, row


# ---------------------------------------------------------------- cells


_PERCENT_TEXT = re.compile(r"\s*([+-]?[\d.,]+)\s*%\s*")


def _number(sheet: Sheet, row: int, column: int | None) -> object:
    """A number cell as the validation expects it: % cells (and "7,36 %") as percentages."""
    if column is None:
        return None
    value = sheet.get(row, column)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if sheet.is_percent(row, column):
            return round(float(value) * 100, 10)
        return value
    if isinstance(value, str):
        match = _PERCENT_TEXT.fullmatch(value)
        if match and parse_number(match.group(1))[0] == "ok":
            return parse_number(match.group(1))[1]
    return value


def _is_percent_row(sheet: Sheet, row: int, columns: Iterable[int | None]) -> bool:
    return any(c is not None and sheet.is_percent(row, c)
               and isinstance(sheet.get(row, c), int | float) for c in columns)


# ---------------------------------------------------------------- ficha técnica


_FICHA_LABELS = {
    "codigo": ("codigo del indicador", "codigo"),
    "nombre": ("nombre del indicador",),
    "unidad": ("unidad de medida", "unidad"),
    "metodologia": ("metodologia", "metodo de calculo"),
    "fuente": ("fuente de informacion", "fuente de los datos", "fuente"),
    "rezago": ("rezago",),
    "descripcion": ("descripcion", "definicion"),
    "observaciones": ("observaciones",),
}


def _ficha(sheet: Sheet) -> tuple[dict[str, str], dict[str, tuple[int, int]]]:
    values: dict[str, str] = {}
    cells: dict[str, tuple[int, int]] = {}
    for r in range(min(sheet.n_rows, 200)):
        for c in range(min(len(sheet.cells[r]), 40)):
            key = sheet.key(r, c)
            if not key:
                continue
            for name, labels in _FICHA_LABELS.items():
                if name in values or not any(key == lab or key.startswith(lab + " ")
                                             for lab in labels):
                    continue
                text = sheet.text(r, c)
                value, where = "", (r, c)
                if ":" in text and text.split(":", 1)[1].strip():
                    value = text.split(":", 1)[1].strip()
                else:
                    for cc in range(c + 1, len(sheet.cells[r])):
                        if not sheet.blank(r, cc):
                            value, where = sheet.text(r, cc), (r, cc)
                            break
                    else:
                        if not sheet.blank(r + 1, c):
                            value, where = sheet.text(r + 1, c), (r + 1, c)
                if value:
                    values[name], cells[name] = value, where
                break
    return values, cells


# ---------------------------------------------------------------- reading


def _table_rows(sheet: Sheet, issues: list[Issue]) -> tuple[int, int, int] | None:
    """(first header row, product column, first data row) of the plan's table."""
    for r in range(min(sheet.n_rows, _SCAN_ROWS)):
        for c in range(len(sheet.cells[r])):
            if sheet.key(r, c).startswith("producto esperado"):
                data = r + 1
                while data < sheet.n_rows and sheet.key(data, c).startswith("producto esperado"):
                    data += 1
                top = r
                while top > 0 and r - top + 1 < _MAX_HEADER_ROWS:
                    above = {sheet.key(top - 1, cc) for cc in range(len(sheet.cells[top - 1]))}
                    above.discard("")
                    if len(above) < 2 or any(k.startswith(("objetivo general", "sector lider",
                                                           "entidad lider", "politica"))
                                             for k in above):
                        break
                    top -= 1
                return top, c, data
    issues.append(Issue(sheet.label, None, "Producto esperado", None,
                        "no se encontró el encabezado «Producto "
                        f"esperado» en las primeras {_SCAN_ROWS} filas; el plan de acción lleva "
                        "sus encabezados en las filas 9 a 11 (ver data/README.md)."))
    return None


def _labelled(sheet: Sheet, rows: int, labels: tuple[str, ...], fallback: tuple[int, int]
              ) -> str:
    for r in range(min(rows, sheet.n_rows)):
        for c in range(len(sheet.cells[r])):
            key = sheet.key(r, c)
            if not any(key.startswith(label) for label in labels):
                continue
            text = sheet.text(r, c)
            if ":" in text and text.split(":", 1)[1].strip():
                return " ".join(text.split(":", 1)[1].split())
            for cc in range(c + 1, len(sheet.cells[r])):
                if not sheet.blank(r, cc) and sheet.key(r, cc) != key:
                    return " ".join(sheet.text(r, cc).split())
    text = sheet.text(*fallback) if fallback[0] < rows else ""
    if ":" in text and any(text_key(text.split(":", 1)[0]).startswith(lab) for lab in labels):
        text = text.split(":", 1)[1]
    return " ".join(text.split())


class _Reader:
    """Reads one plan sheet into the catalog's tables, remembering each value's cell."""

    def __init__(self, sheet: Sheet, layout: _Layout, first_data: int, issues: list[Issue]
                 ) -> None:
        self.sheet, self.layout, self.issues = sheet, layout, issues
        self.first_data = first_data
        self.entities = _Entities()
        self.rows: dict[str, list[dict]] = {t: [] for t in COLUMNS}
        #: per table, per row: internal column -> (sheet, row, column)
        self.sources: dict[str, list[dict[str, tuple[Sheet, int, int]]]] = \
            {t: [] for t in COLUMNS}
        self.indicator_cells: dict[str, tuple[int, int]] = {}
        self.result_cells: dict[str, tuple[int, int]] = {}

    def add(self, table: str, values: dict, cells: dict[str, tuple[int, int] | None]) -> None:
        self.rows[table].append(values)
        self.sources[table].append({k: (self.sheet, *v) for k, v in cells.items()
                                    if v is not None})

    def col(self, block: str, name: str) -> int | None:
        fields = self.layout.result if block == "result" else self.layout.product
        column = fields.get(name)
        return None if column is None else column.index

    def cell(self, row: int, block: str, name: str) -> object:
        column = self.col(block, name)
        return None if column is None else self.sheet.get(row, column)

    def text(self, row: int, block: str, name: str) -> str:
        return " ".join(cell_text(self.cell(row, block, name)).split())

    def at(self, row: int, block: str, name: str) -> tuple[int, int] | None:
        column = self.col(block, name)
        return None if column is None else (row, column)

    def error(self, row: int, column: int, message: str, header: str | None = None,
              value: object = None) -> None:
        self.issues.append(self.sheet.issue(row, column, message, header=header, value=value))

    def read(self) -> list[int]:
        """The data rows (product indicator rows), in order."""
        sheet = self.sheet
        product_block = sorted(c.index for c in self.layout.product.values()) + \
            [c.index for c in self.layout.product_targets.values()]
        product_col = self.col("product", "product")
        rows = []
        for r in range(self.first_data, sheet.n_rows):
            if all(sheet.blank(r, c) for c in product_block):
                continue  # an empty row, or one only inside a merged objective/result
            if sheet.blank(r, product_col):
                self.error(r, product_col, "la fila tiene datos del producto pero la celda "
                                           "«Producto esperado» está vacía; escriba el código y "
                                           "el nombre del producto (p. ej. «1.1.1 Zonas WiFi "
                                           "públicas») o borre la fila.",
                           header=self.layout.product["product"].header)
                continue
            rows.append(r)
        return rows

    def in_force(self, row: int, block: str) -> bool | None:
        column = self.col(block, "in_force")
        if column is None or self.sheet.blank(row, column):
            return True
        value = parse_bool(self.sheet.get(row, column))
        if value is None:
            fields = self.layout.result if block == "result" else self.layout.product
            self.error(row, column, "escriba «Vigente» o «No vigente».",
                       header=fields["in_force"].header, value=self.sheet.get(row, column))
        return value


def _split(reader: _Reader, row: int, block: str, name: str, parts: int, what: str,
           example: str) -> tuple[str, str] | None:
    column = reader.col(block, name)
    value = reader.sheet.get(row, column)
    found = split_code(value, parts)
    if found is None:
        header = (reader.layout.result if block == "result" else reader.layout.product)[name]
        reader.error(row, column, f"la celda debe empezar por el código {what} (p. ej. "
                                  f"«{example}»); no se pudo leer un código en «"
                                  f"{cell_text(value)[:60]}».", header=header.header,
                     value=cell_text(value)[:60])
    return found


def _read_structure(reader: _Reader, rows: list[int], lines: Sequence[_AxisLine],
                    axes_file: Path, fichas: Mapping[str, dict[str, str]]) -> None:
    sheet, layout = reader.sheet, reader.layout
    objectives: dict[int, int] = {}
    results: dict[str, list[tuple[int, bool]]] = {}
    parsed: list[tuple[int, int, str, str, str, str, bool]] = []
    for r in rows:
        objective = _split(reader, r, "result", "objective", 1, "del objetivo",
                           "1. Cerrar la brecha…")
        result = _split(reader, r, "result", "result", 2, "del resultado",
                        "1.1 Conectividad significativa…")
        product = _split(reader, r, "product", "product", 3, "del indicador de producto",
                         "1.1.1 Zonas WiFi públicas")
        if objective is None or result is None or product is None:
            continue
        number = int(objective[0])
        objectives.setdefault(number, r)
        result_in_force = reader.in_force(r, "result")
        results.setdefault(result[0], []).append((r, bool(result_in_force)))
        parsed.append((r, number, objective[1], result[0], result[1], product[0],
                       bool(result_in_force)))

    objective_text: dict[int, str] = {}
    for number, r in objectives.items():
        objective_text[number] = split_code(reader.cell(r, "result", "objective"), 1)[1]
        reader.add("objectives", {
            "objetivo": number, "texto": objective_text[number],
            "peso": _number(sheet, r, reader.col("result", "objective_weight"))},
            {"objective_id": reader.at(r, "result", "objective"),
             "text": reader.at(r, "result", "objective"),
             "weight": reader.at(r, "result", "objective_weight")})

    # one row per result: its in-force row (the first), else its first row
    for code, appearances in results.items():
        in_force = [r for r, flag in appearances if flag]
        r = in_force[0] if in_force else appearances[0][0]
        reader.result_cells[code] = reader.at(r, "result", "result")
        objective_of_row = next(number for row, number, *_ in parsed if row == r)
        values = {
            "codigo": code, "objetivo": objective_of_row,
            "resultado": split_code(reader.cell(r, "result", "result"), 2)[1],
            "indicador": reader.text(r, "result", "name"),
            "formula": reader.text(r, "result", "formula"),
            "unidad": reader.text(r, "result", "unit"),
            "tipo_anualizacion": reader.text(r, "result", "annualisation"),
            "periodicidad": reader.text(r, "result", "periodicity"),
            "linea_base": _number(sheet, r, reader.col("result", "baseline")),
            "anio_linea_base": reader.text(r, "result", "baseline_year"),
            "fuente_linea_base": reader.text(r, "result", "baseline_source"),
            "meta_final": _number(sheet, r, reader.col("result", "final_target")),
            "peso": _number(sheet, r, reader.col("result", "weight")),
            "entidad": reader.entities.resolve(reader.text(r, "result", "entity"),
                                               reader.at(r, "result", "entity") or (r, 0)),
            "vigente": "si" if in_force else "no",
        }
        cells = {"code": reader.at(r, "result", "result"),
                 "objective_id": reader.at(r, "result", "result"),
                 "text": reader.at(r, "result", "result"),
                 "name": reader.at(r, "result", "name"),
                 "formula": reader.at(r, "result", "formula"),
                 "unit": reader.at(r, "result", "unit"),
                 "annualisation": reader.at(r, "result", "annualisation"),
                 "periodicity": reader.at(r, "result", "periodicity"),
                 "baseline": reader.at(r, "result", "baseline"),
                 "baseline_year": reader.at(r, "result", "baseline_year"),
                 "baseline_source": reader.at(r, "result", "baseline_source"),
                 "final_target": reader.at(r, "result", "final_target"),
                 "weight": reader.at(r, "result", "weight"),
                 "entity_id": reader.at(r, "result", "entity"),
                 "in_force": reader.at(r, "result", "in_force") or
                 reader.at(r, "result", "result")}
        _unit(values, sheet, r, [reader.col("result", k) for k in ("baseline", "final_target")]
              + [c.index for c in layout.result_targets.values()], fichas.get(code))
        reader.add("results", values, cells)
        _targets(reader, code, r, layout.result_targets)

    # product indicators: the in-force row of a repeated code
    chosen: dict[str, tuple[int, bool, str, str]] = {}
    for r, _objective, _objective_text, result_code, _result_text, code, result_in_force \
            in parsed:
        flag = reader.in_force(r, "product")
        flag = bool(flag) and result_in_force
        if code in chosen:
            first_row, first_flag, *_ = chosen[code]
            column = reader.col("product", "product")
            if first_flag == flag:
                reader.error(r, column, f"el código {code} está repetido (también en la celda "
                                        f"{sheet.ref(first_row, column)}); cada indicador de "
                                        "producto va en una sola fila vigente. Si la celda "
                                        "«Producto esperado» está combinada, escriba el código "
                                        "de cada indicador en su propia celda.",
                             value=code)
                continue
            if first_flag:
                continue  # keep the in-force row seen first
        product_text = split_code(reader.cell(r, "product", "product"), 3)[1]
        chosen[code] = (r, flag, result_code, product_text)

    products: dict[tuple[str, str], str] = {}
    for code, (r, flag, result_code, product_text) in chosen.items():
        column = reader.col("product", "product")
        if not product_text:
            reader.error(r, column, "falta el nombre del producto después del código (p. ej. "
                                    "«1.1.1 Zonas WiFi públicas»).", value=code)
            continue
        key = (result_code, text_key(product_text))
        if key not in products:
            products[key] = f"P{len(products) + 1:02d}"
            reader.add("products", {"producto": products[key], "nombre": product_text,
                                    "resultado": result_code},
                       {"product_id": (r, column), "name": (r, column),
                        "result_code": reader.at(r, "result", "result")})
        reader.indicator_cells[code] = (r, column)
        axis, _ = _resolve(lines, code, "axis")
        by_locality, _ = _resolve(lines, code, "by_locality")
        layer, _ = _resolve(lines, code, "layer")
        if not axis:
            reader.error(r, column, f"el indicador {code} no tiene eje: agregue a "
                                    f"{axes_file.name} una fila «{code},<eje>» (o "
                                    f"«{code.split('.')[0]},<eje>» para todo el objetivo).",
                         value=code)
        weight = _number(sheet, r, reader.col("product", "weight"))
        if weight is None and not flag:
            weight = 0.0  # an indicator not in force does not weigh
        values = {
            "codigo": code, "producto": products[key],
            "indicador": reader.text(r, "product", "name"),
            "formula": reader.text(r, "product", "formula"),
            "unidad": reader.text(r, "product", "unit"),
            "tipo_anualizacion": reader.text(r, "product", "annualisation"),
            "periodicidad": reader.text(r, "product", "periodicity"),
            "linea_base": _number(sheet, r, reader.col("product", "baseline")),
            "anio_linea_base": reader.text(r, "product", "baseline_year"),
            "fuente_linea_base": reader.text(r, "product", "baseline_source"),
            "meta_final": _number(sheet, r, reader.col("product", "final_target")),
            "peso": weight,
            "entidad": reader.entities.resolve(reader.text(r, "product", "entity"),
                                               reader.at(r, "product", "entity") or (r, 0)),
            "corresponsable": reader.entities.resolve(
                reader.text(r, "product", "co_entity"),
                reader.at(r, "product", "co_entity") or (r, 0)),
            "vigente": "si" if flag else "no",
            "eje": axis or "",
            "por_localidad": "si" if by_locality else "no",
            "capa": layer or "",
        }
        cells = {"code": (r, column), "product_id": (r, column),
                 "name": reader.at(r, "product", "name"),
                 "formula": reader.at(r, "product", "formula"),
                 "unit": reader.at(r, "product", "unit"),
                 "annualisation": reader.at(r, "product", "annualisation"),
                 "periodicity": reader.at(r, "product", "periodicity"),
                 "baseline": reader.at(r, "product", "baseline"),
                 "baseline_year": reader.at(r, "product", "baseline_year"),
                 "baseline_source": reader.at(r, "product", "baseline_source"),
                 "final_target": reader.at(r, "product", "final_target"),
                 "weight": reader.at(r, "product", "weight") or (r, column),
                 "entity_id": reader.at(r, "product", "entity"),
                 "co_entity_id": reader.at(r, "product", "co_entity"),
                 "in_force": reader.at(r, "product", "in_force") or (r, column),
                 "axis_id": (r, column), "by_locality": (r, column), "layer": (r, column)}
        _unit(values, sheet, r, [reader.col("product", k) for k in ("baseline", "final_target")]
              + [c.index for c in layout.product_targets.values()], fichas.get(code))
        reader.add("indicators", values, cells)
        _targets(reader, code, r, layout.product_targets)


def _unit(values: dict, sheet: Sheet, row: int, columns: list[int | None],
          ficha: Mapping[str, str] | None) -> None:
    if ficha and ficha.get("unidad"):
        unit = ficha["unidad"]
        values["unidad"] = "%" if text_key(unit) in ("%", "porcentaje") else unit
    elif not values["unidad"] and _is_percent_row(sheet, row, columns):
        values["unidad"] = "%"


def _targets(reader: _Reader, code: str, row: int, columns: Mapping[int, _Column]) -> None:
    for year, column in sorted(columns.items()):
        value = _number(reader.sheet, row, column.index)
        if value is None:
            continue
        reader.add("targets", {"codigo": code, "localidad": "", "anio": year, "meta": value},
                   {"code": (row, column.index), "locality_code": (row, column.index),
                    "year": (column.leaf_row, column.index), "target": (row, column.index)})


# ---------------------------------------------------------------- issues back to cells


_ROW_REFERENCE = re.compile(r"ya está en la fila (\d+)")


def _relocate(issues: Iterable[Issue], labels: Mapping[str, str],
              sources: Mapping[str, list[dict[str, tuple[Sheet, int, int]]]],
              headers: Mapping[str, Mapping[str, str]], default: Sheet) -> list[Issue]:
    table_of = {label: table for table, label in labels.items()}
    out = []
    for issue in issues:
        table = table_of.get(issue.file)
        if table is None:
            out.append(issue)
            continue
        internal = FILE_COLUMNS[table].get(issue.column or "", issue.column or "")
        rows = sources[table]
        place = None
        if issue.row is not None and 0 <= issue.row - 2 < len(rows):
            here = rows[issue.row - 2]
            place = here.get(internal) or next(iter(here.values()), None)
        message = issue.message
        if place is not None:
            for match in _ROW_REFERENCE.finditer(message):
                other = int(match.group(1)) - 2
                if 0 <= other < len(rows) and rows[other]:
                    sheet, r, c = rows[other].get(internal) or next(iter(rows[other].values()))
                    message = message.replace(match.group(0),
                                              f"ya está en la celda {sheet.ref(r, c)}")
        if place is None:
            sheet = default
            header = headers.get(table, {}).get(internal) or issue.column
            out.append(Issue(sheet.label, None, header, issue.value, message,
                             warning=issue.warning))
            continue
        sheet, r, c = place
        header = headers.get(table, {}).get(internal) or issue.column
        out.append(Issue(sheet.label, r + 1, header, issue.value,
                         message, warning=issue.warning,
                         cell=sheet.ref(r, c)))
    return out


def _headers(layout: _Layout) -> dict[str, dict[str, str]]:
    result = {f: c.header for f, c in layout.result.items()}
    product = {f: c.header for f, c in layout.product.items()}
    return {
        "objectives": {"objective_id": result.get("objective", ""),
                       "text": result.get("objective", ""),
                       "weight": result.get("objective_weight", "")},
        "results": {"code": result.get("result", ""), "text": result.get("result", ""),
                    "entity_id": result.get("entity", ""), "in_force": result.get("in_force", ""),
                    **{k: v for k, v in result.items()}},
        "products": {"product_id": product.get("product", ""), "name": product.get("product", "")},
        "indicators": {"code": product.get("product", ""),
                       "entity_id": product.get("entity", ""),
                       "co_entity_id": product.get("co_entity", ""),
                       **{k: v for k, v in product.items()}},
        "targets": {"target": "Meta", "year": "Meta"},
    }


# ---------------------------------------------------------------- entry points


def _axes_path(workbook: Path | None, axes: str | Path | None) -> Path:
    if axes is not None:
        return Path(axes)
    if workbook is not None and (workbook.parent / AXES_FILE).is_file():
        return workbook.parent / AXES_FILE
    return DEFAULT_AXES_FILE


def _plan_sheet(sheets: Mapping[str, Sheet], name: str) -> Sheet:
    title = find_sheet(sheets, PLAN_SHEET)
    if title is None:
        for candidate, sheet in sheets.items():
            keys = {sheet.key(r, c) for r in range(min(sheet.n_rows, _SCAN_ROWS))
                    for c in range(len(sheet.cells[r]))}
            if any(k.startswith("producto esperado") for k in keys) and \
                    any(k.startswith("resultado esperado") for k in keys):
                title = candidate
                break
    if title is None:
        found = ", ".join(f"«{t}»" for t in sheets) or "ninguna"
        raise CatalogError([Issue(name, None, None, None,
                                  f"no se encontró la hoja «{PLAN_SHEET}» (ni una hoja con los "
                                  "encabezados «Resultado esperado» y «Producto esperado»); "
                                  f"hojas encontradas: {found}.")], name)
    return sheets[title].fill_merged()


def read_plan(source: str | Path | bytes, *, file_name: str | None = None,
              axes: str | Path | None = None, illustrative: bool | None = None) -> PlanWorkbook:
    """Read an action-plan workbook (``.xlsx``) into a validated catalog.

    Parameters
    ----------
    source : path or bytes
        The workbook.
    file_name : str, optional
        Name used in messages (default: the path's name).
    axes : path, optional
        The axis mapping file; default ``ejes_indicadores.csv`` beside the
        workbook, else :data:`DEFAULT_AXES_FILE`.
    illustrative : bool, optional
        The data version's flag (default False: a plan is real data).

    Returns
    -------
    PlanWorkbook

    Raises
    ------
    CatalogError
        Every error found, each naming the workbook, sheet and cell.
    """
    path = None if isinstance(source, bytes) else Path(source)
    content = source if isinstance(source, bytes) else path.read_bytes()
    name = file_name or (path.name if path is not None else "plan.xlsx")
    sheets = read_book(content, name, "xlsx", merged=True)
    sheet = _plan_sheet(sheets, name)
    issues: list[Issue] = []
    warnings: list[Issue] = []
    found = _table_rows(sheet, issues)
    if found is None:
        raise CatalogError(issues, name)
    top, product_column, first_data = found
    columns = _header_columns(sheet, top, first_data - 1)
    layout = _Layout(sheet, columns, product_column, (top, first_data - 1), issues)
    if issues:
        raise CatalogError(issues, name)

    axes_file = _axes_path(path, axes)
    if not axes_file.is_file():
        raise CatalogError([Issue(axes_file.name, None, None, None,
                                  f"no existe el archivo de ejes {axes_file}; créelo con las "
                                  "columnas «codigo,eje» (ver data/README.md).")], name)
    lines, axis_issues = read_axes_mapping(axes_file)
    if axis_issues:
        raise CatalogError(axis_issues, name)

    fichas, ficha_sheets = _read_fichas(sheets, sheet.title, warnings)
    reader = _Reader(sheet, layout, first_data, issues)
    rows = reader.read()
    if not rows and not issues:
        issues.append(sheet.issue(first_data, product_column,
                                  "el plan no "
                                  "tiene filas de indicadores debajo de los encabezados."))
    _read_structure(reader, rows, lines, axes_file, fichas)
    for code, (title, r, c) in ficha_sheets.items():
        if code not in reader.indicator_cells and code not in reader.result_cells:
            other = sheets[title]
            warnings.append(other.issue(r, c, f"la ficha técnica es del indicador {code}, que "
                                              "no está en el plan.",
                                        value=code, warning=True))
    used = {line.row for line in lines if line.code.count(".") == 2}  # an indicator's line
    matched = set()
    for code in reader.indicator_cells:
        for attribute in ("axis", "by_locality", "layer"):
            matched.add(_resolve(lines, code, attribute)[1])
    for row in sorted(used - matched):
        line = next(x for x in lines if x.row == row)
        warnings.append(Issue(axes_file.name, row, "codigo", line.code,
                              "ningún indicador del plan usa esta fila (¿código de otro "
                              "plan?).", warning=True))

    policy = _labelled(sheet, top, ("nombre de la politica", "politica publica", "politica"),
                       (3, 1))
    sector = _labelled(sheet, top, ("sector lider",), (6, 1))
    lead = _labelled(sheet, top, ("entidad lider",), (6, 7))
    objective = _labelled(sheet, top, ("objetivo general",), (7, 0))
    if lead:
        reader.entities.resolve(lead, (6, 7))
    tables = _frames(reader, sheet)
    labels = {t: f"{name} ›› {FILE_NAMES[t]}" for t in COLUMNS}
    headers = _headers(layout)
    if issues:
        # keep going to list the model's problems too, on the rows that could be read
        try:
            validate_tables(tables, source_name=name, file_labels=labels, warnings=[])
        except CatalogError as error:
            flagged = {i.cell for i in issues if i.cell}
            issues += [i for i in _relocate(error.issues, labels, reader.sources, headers,
                                            sheet) if i.cell not in flagged]
        raise CatalogError(_unique(issues), name)
    found_warnings: list[Issue] = []
    try:
        typed = validate_tables(tables, source_name=name, file_labels=labels,
                                warnings=found_warnings)
    except CatalogError as error:
        raise CatalogError(_unique(_relocate(error.issues, labels, reader.sources, headers,
                                             sheet)), name) from None
    warnings += _relocate(found_warnings, labels, reader.sources, headers, sheet)
    note = f"Plan de acción «{policy or sheet.title}»" + (f"; entidad líder: {lead}" if lead
                                                          else "")
    version = DataVersion(version_id=1, cutoff_date=_today_bogota(),
                          illustrative=bool(illustrative), source_name=name,
                          source_sha256=hashlib.sha256(content).hexdigest(), note=note)
    catalog = Catalog(**typed, version=version)
    return PlanWorkbook(catalog, policy, sector, lead, objective, sheet.title,
                        {code: values for code, values in fichas.items()}, axes_file,
                        warnings)


def _today_bogota() -> date:
    """Today in Bogotá (UTC-5, no daylight saving): a plan has no reports, so its cut-off is
    today (the store is not imported for this)."""
    return datetime.now(timezone(timedelta(hours=-5))).date()


def _unique(issues: list[Issue]) -> list[Issue]:
    seen, out = set(), []
    for issue in issues:
        key = (issue.file, issue.cell, issue.row, issue.message)
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return out


def _read_fichas(sheets: Mapping[str, Sheet], plan_title: str, warnings: list[Issue]
                 ) -> tuple[dict[str, dict[str, str]], dict[str, tuple[str, int, int]]]:
    fichas: dict[str, dict[str, str]] = {}
    where: dict[str, tuple[str, int, int]] = {}
    for title, sheet in sheets.items():
        key = text_key(title)
        if title == plan_title or not (key.startswith("ficha") or key.startswith("ft ")):
            continue
        values, cells = _ficha(sheet)
        code = None
        for source, place in (("codigo", cells.get("codigo")), ("nombre", cells.get("nombre"))):
            found = split_code(values.get(source, ""), (2, 3))
            if found:
                code, spot = found[0], place
                break
        if code is None:
            found = re.search(r"(\d+(?:\s*\.\s*\d+){1,2})\s*$", title)
            if found:
                code, spot = normalize_code(found.group(1)), (0, 0)
        if code is None:
            warnings.append(Issue(sheet.label, None, None, None,
                                  "no se encontró el código del indicador "
                                  "(«Código del indicador» o el nombre de la hoja, p. ej. "
                                  "«Ficha técnica 1.1.1»); la ficha no se usa.", warning=True))
            continue
        values["hoja"] = title
        fichas[code] = values
        where[code] = (title, *spot)
    return fichas, where


def _frames(reader: _Reader, sheet: Sheet) -> dict[str, pd.DataFrame]:
    from data.illustrative import AXES

    tables = {t: pd.DataFrame(reader.rows[t], columns=list(FILE_COLUMNS[t]), dtype=object)
              for t in COLUMNS}
    tables["axes"] = pd.DataFrame([{"eje": a, "nombre": n} for a, n in AXES], dtype=object)
    entities = []
    for entity, (acronym, name) in reader.entities.rows.items():
        entities.append({"entidad": entity, "sigla": acronym, "nombre": name})
        place = reader.entities.first.get(entity)
        reader.sources["entities"].append({"entity_id": (sheet, *place)} if place else {})
    tables["entities"] = pd.DataFrame(entities, columns=["entidad", "sigla", "nombre"],
                                      dtype=object)
    del tables["locality_baselines"]
    return tables


def load_plan(path: str | Path, *, illustrative: bool | None = None,
              warnings: list | None = None) -> Catalog:
    """The catalog of an action-plan workbook (for :func:`data.matrix.load_matrix`).

    Raises
    ------
    CatalogError
        As :func:`read_plan`.
    """
    plan = read_plan(path, illustrative=illustrative)
    if warnings is not None:
        warnings.extend(plan.warnings)
    return plan.catalog
