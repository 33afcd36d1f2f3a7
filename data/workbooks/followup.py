"""Read the SDP's follow-up of products ("Seguimiento a productos", ``.xlsb`` or ``.xlsx``).

Layout (``../shared/METHODOLOGY.md``, "The workbooks"; ``data/README.md``):

* sheet *Avance Cuantitativo* (found by name, normalised, then by the block
  header «Avance y seguimiento»). On the **block row** (the row holding
  «Avance y seguimiento», the third in the SDP's files) each block header
  starts a block that runs to the next one: «Avance y seguimiento» (four quarter
  columns per year), «Avance acumulado» (one per year), «Metas programadas» (one
  per year and «Meta final»), «Meta acumulada», «% meta programada de la
  vigencia», «% meta acumulada hasta la vigencia», «% meta final» (one per year
  each). The **years** are on the next row (a year cell may be merged over its
  four quarters); an optional row below names the quarters (T1…T4, Q1…Q4,
  I…IV; else the order within the year decides). Left of the blocks, the
  columns that identify the indicator, known by their header text: «Indicador
  esperado» (the code; required), «Estado», «Entidad», «Corte» (Q1-Q4), «Año de
  reporte»... One row per indicator from the first row whose code cell holds a
  code (the sixth in the SDP's files).
* sheet *Avance Cualitativo* (optional; by name, or the first other sheet whose
  block row says «cualitativo»): the same identification columns and blocks
  «Avance cualitativo» (the written account) and «Avance en los enfoques», each
  with four quarter columns per year. A quarter's account goes with its value;
  the progress on the approaches follows it as a paragraph «Avance en los
  enfoques: …».

Numbers are read as the cells hold them; a quarterly value of an indicator
whose unit is % in a cell formatted as % is a fraction (0.25 is 25 %). The
district's own percentages are fractions as Excel keeps them (a cell showing
91,35 % holds 0.9135; a text «91,35 %» is read the same).

Values become the same report rows as an uploaded CSV (citywide) and go
through the same checks (:func:`data.workbooks.upload.check_rows`); where the
district's «% meta acumulada hasta la vigencia» or «% meta final» differ from
this project's PHV or PAF (:mod:`data.method`) by more than
:data:`ROUNDING`, or its targets differ from the plan's, each difference is
listed (:class:`Difference`) as a warning of the import.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from data.catalog import Catalog
from data.issues import Issue
from data.method import PERIODS, Period
from data.schema import CITYWIDE, FIRST_YEAR, LAST_YEAR
from data.validation import cell_text, parse_bool, parse_number, parse_quarter
from data.workbooks.sheets import Sheet, find_sheet, split_code, text_key

__all__ = [
    "COMPARED",
    "QUALITATIVE_SHEET",
    "QUANTITATIVE_SHEET",
    "ROUNDING",
    "Difference",
    "FollowUp",
    "FollowUpRow",
    "difference_issue",
    "differences",
    "orphan_texts",
    "parse_followup",
    "report_cells",
]

QUANTITATIVE_SHEET = "Avance Cuantitativo"
QUALITATIVE_SHEET = "Avance Cualitativo"
#: Largest difference between the district's percentage and ours that is rounding
#: (half a percentage point: the district shows whole or two-decimal percentages).
ROUNDING = 0.005
_SCAN_ROWS = 15
_EMPTY = {"", "-", "–", "—", "na", "n a", "no aplica", "no reporta", "sin reporte", "nd",
          "n d", "sin dato"}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = re.compile(r"(?:ano |vigencia |meta )?(\d{4})")
#: Block kinds by their header key (checked in order).
_QUANT_BLOCKS = (
    ("quarters", ("avance y seguimiento",)),
    ("pct_year", ("% meta programada", "porcentaje meta programada")),
    ("pct_accumulated", ("% meta acumulada", "porcentaje meta acumulada")),
    ("pct_final", ("% meta final", "porcentaje meta final", "% avance meta final")),
    ("accumulated_target", ("meta acumulada", "metas acumuladas")),
    ("targets", ("metas programadas", "meta programada", "metas")),
    ("accumulated", ("avance acumulado", "acumulado")),
)
_QUAL_BLOCKS = (("approaches", ("avance en los enfoques", "enfoque", "avance enfoques")),
                ("texts", ("avance cualitativo", "descripcion", "cualitativ", "avance")))
#: The district's percentage compared with ours (name shown, our figure).
COMPARED = {"pct_accumulated": ("% meta acumulada hasta la vigencia", "phv"),
            "pct_final": ("% meta final", "paf")}


@dataclass(frozen=True)
class Difference:
    """A figure of the district's workbook that differs from this project's.

    ``measure`` is the district's column («% meta final», «Meta 2026»...);
    ``theirs`` and ``ours`` are fractions for percentages, values (or texts)
    for targets; ``ours`` is NaN when this project has no figure ("sin dato").
    """

    code: str
    period: str
    measure: str
    theirs: float | str
    ours: float | str
    sheet: str
    cell: str


@dataclass
class FollowUpRow:
    """One indicator row of *Avance Cuantitativo* (0-based ``row``; ``(value, column)``)."""

    code: str
    row: int
    code_column: int
    in_force: bool | None = None
    report_year: int | None = None
    cut_quarter: int | None = None
    values: dict[tuple[int, int], tuple[float, int]] = field(default_factory=dict)
    accumulated: dict[int, tuple[float, int]] = field(default_factory=dict)
    targets: dict[int, tuple[object, int]] = field(default_factory=dict)
    final_target: tuple[object, int] | None = None
    accumulated_target: dict[int, tuple[float, int]] = field(default_factory=dict)
    percents: dict[str, dict[int, tuple[float, int]]] = field(default_factory=dict)


@dataclass
class FollowUp:
    """A follow-up workbook read: its rows, texts and what was wrong."""

    file_name: str
    quantitative: Sheet
    qualitative: Sheet | None
    rows: list[FollowUpRow]
    #: (code, year, quarter) -> (text, row, column) in the qualitative sheet
    texts: dict[tuple[str, int, int], tuple[str, int, int]]
    approaches: dict[tuple[str, int, int], tuple[str, int, int]]
    errors: list[Issue]
    warnings: list[Issue]


@dataclass(frozen=True)
class _Column:
    index: int
    year: int | None
    quarter: int | None
    label: str


@dataclass(frozen=True)
class _Block:
    kind: str
    title: str
    start: int
    columns: tuple[_Column, ...]


@dataclass(frozen=True)
class _Layout:
    block_row: int
    year_row: int
    quarter_row: int | None
    first_data: int
    blocks: tuple[_Block, ...]
    ids: dict[str, int]


def _year(value: object) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        return int(number) if number.is_integer() and 1990 <= number <= 2100 else None
    match = _YEAR.fullmatch(text_key(value))
    return int(match.group(1)) if match and 1990 <= int(match.group(1)) <= 2100 else None


def _quarter(value: object) -> int | None:
    key = text_key(value)
    if key in _ROMAN:
        return _ROMAN[key]
    key = re.sub(r"^(?:trimestre|trim)\s*", "t", key)
    key = re.sub(r"\s*trimestre$", "", key)
    return parse_quarter(key.replace(" ", ""))


def _kind(key: str, kinds: Sequence[tuple[str, tuple[str, ...]]]) -> str | None:
    for kind, prefixes in kinds:
        if any(key.startswith(p) or (p.endswith("tiv") and p in key) for p in prefixes):
            return kind
    return None


def _layout(sheet: Sheet, kinds: Sequence[tuple[str, tuple[str, ...]]], first_kind: str,
            marker: str, errors: list[Issue]) -> _Layout | None:
    block_row = start = None
    for r in range(min(sheet.n_rows, _SCAN_ROWS)):
        for c in range(len(sheet.cells[r])):
            if _kind(sheet.key(r, c), kinds) == first_kind:
                block_row, start = r, c
                break
        if block_row is not None:
            break
    if block_row is None:
        errors.append(Issue(sheet.label, None, None, None,
                            f"hoja «{sheet.title}»: no se encontró el encabezado de bloque "
                            f"«{marker}» en las primeras {_SCAN_ROWS} filas (la fila de "
                            "bloques, la tercera en los libros de la SDP)."))
        return None
    width = sheet.n_columns
    heads = [c for c in range(start, width) if not sheet.blank(block_row, c)]
    year_row = None
    for r in range(block_row + 1, min(block_row + 4, sheet.n_rows)):
        if any(_year(sheet.get(r, c)) is not None for c in range(start, width)):
            year_row = r
            break
    if year_row is None:
        errors.append(sheet.issue(block_row, start,
                                  f"{sheet.where(block_row, start)}: no se encontraron los "
                                  f"años debajo del bloque «{sheet.text(block_row, start)}» "
                                  "(la fila de años va justo debajo de la fila de bloques)."))
        return None
    quarter_row = year_row + 1 if any(
        _quarter(sheet.get(year_row + 1, c)) is not None and _year(sheet.get(year_row + 1, c))
        is None for c in range(start, width)) else None
    blocks = []
    for n, head in enumerate(heads):
        end = heads[n + 1] if n + 1 < len(heads) else width
        kind = _kind(sheet.key(block_row, head), kinds)
        if kind is None:
            continue
        columns, year, order = [], None, 0
        for c in range(head, end):
            cell = sheet.get(year_row, c)
            found = _year(cell)
            if found is not None:
                if not FIRST_YEAR <= found <= LAST_YEAR:
                    errors.append(sheet.issue(
                        year_row, c, f"{sheet.where(year_row, c)}: el año {found} está fuera "
                                     f"del horizonte de la política ({FIRST_YEAR}-{LAST_YEAR}); "
                                     "corrija el año o quite la columna.", value=found))
                    year = None
                    continue
                if found != year:  # a year repeated over its quarters is one group
                    order = 0
                year = found
            elif not sheet.blank(year_row, c):
                year = None
                columns.append(_Column(c, None, None, sheet.key(year_row, c)))
                continue
            elif kind not in ("quarters", "texts", "approaches"):
                continue  # one column per year: only where the year is written
            if year is None:
                continue
            order += 1
            quarter = None
            if kind in ("quarters", "texts", "approaches"):
                label = sheet.get(quarter_row, c) if quarter_row is not None else None
                quarter = _quarter(label) if label is not None else order
                if quarter is None or order > 4:
                    errors.append(sheet.issue(
                        year_row if quarter is not None else quarter_row, c,
                        f"{sheet.where(quarter_row or year_row, c)}: se esperaba un trimestre "
                        f"(T1 a T4) del año {year} y se encontró «{cell_text(label)}».",
                        value=label))
                    continue
            columns.append(_Column(c, year, quarter, ""))
        blocks.append(_Block(kind, sheet.text(block_row, head), head, tuple(columns)))
    return _Layout(block_row, year_row, quarter_row, 0, tuple(blocks), {})


_ID_FIELDS = (
    ("code", ("indicador esperado", "codigo del indicador", "codigo"), ()),
    ("status", ("estado", "vigente"), ()),
    ("entity", ("entidad",), ()),
    ("cut", ("corte", "trimestre de corte", "periodo de corte", "trimestre"), ()),
    ("report_year", ("ano de reporte", "ano del reporte", "vigencia del reporte",
                     "ano de corte", "vigencia"), ("ano",)),
)


def _id_columns(sheet: Sheet, layout: _Layout, top: int, bottom: int) -> dict[str, int]:
    first_block = min((b.start for b in layout.blocks), default=sheet.n_columns)
    leaves: dict[int, str] = {}
    for c in range(first_block):
        for r in range(bottom, top - 1, -1):
            if not sheet.blank(r, c):
                leaves[c] = sheet.key(r, c)
                break
    out: dict[str, int] = {}
    for name, prefixes, exact in _ID_FIELDS:
        for c, key in leaves.items():
            if c in out.values():
                continue
            if key in exact or any(key.startswith(p) for p in prefixes):
                out[name] = c
                break
    return out


def _first_data(sheet: Sheet, after: int, code_column: int) -> int:
    for r in range(after + 1, sheet.n_rows):
        if split_code(sheet.get(r, code_column), (2, 3)) is not None:
            return r
    return after + 1


def _with_ids(sheet: Sheet, layout: _Layout, errors: list[Issue], what: str) -> _Layout | None:
    header_bottom = layout.quarter_row if layout.quarter_row is not None else layout.year_row
    ids = _id_columns(sheet, layout, layout.block_row, header_bottom)
    if "code" not in ids:
        first_block = min((b.start for b in layout.blocks), default=sheet.n_columns)
        found = ", ".join(f"«{sheet.text(r, c)}»" for c in range(first_block)
                          for r in range(layout.block_row, header_bottom + 1)
                          if not sheet.blank(r, c)) or "ninguno"
        errors.append(Issue(sheet.label, layout.block_row + 1, "Indicador esperado", None,
                            f"hoja «{sheet.title}», filas {layout.block_row + 1} a "
                            f"{header_bottom + 1}: falta la columna «Indicador esperado» (el "
                            f"código de cada {what}); encabezados encontrados: {found}."))
        return None
    first = _first_data(sheet, header_bottom, ids["code"])
    return replace(layout, first_data=first, ids=ids)


# ---------------------------------------------------------------- cells


def _number(sheet: Sheet, row: int, column: int, percent_unit: bool
            ) -> tuple[str, float, object]:
    """``(status, value, raw)``: status ``ok``, ``empty`` or ``bad``."""
    raw = sheet.get(row, column)
    if raw is None or text_key(raw) in _EMPTY and not isinstance(raw, int | float):
        return "empty", math.nan, raw
    if isinstance(raw, bool):
        return "bad", math.nan, raw
    if isinstance(raw, int | float):
        value = float(raw)
        if not math.isfinite(value):
            return "bad", math.nan, raw
        if percent_unit and sheet.is_percent(row, column):
            value = round(value * 100, 10)
        return "ok", value, raw
    text = cell_text(raw)
    percent = text.endswith("%")
    status, value = parse_number(text.rstrip("%").strip() if percent else text)
    if status != "ok":
        return "bad", math.nan, raw
    if percent and not percent_unit:
        value = value / 100
    return "ok", value, raw


def _fraction(sheet: Sheet, row: int, column: int) -> float | None:
    """A district percentage as a fraction (a number as stored; «91,35 %» -> 0.9135)."""
    raw = sheet.get(row, column)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw) if math.isfinite(float(raw)) else None
    text = cell_text(raw)
    if text.endswith("%"):
        status, value = parse_number(text.rstrip("%").strip())
        return value / 100 if status == "ok" else None
    status, value = parse_number(text)
    return value if status == "ok" else None


def _target(sheet: Sheet, row: int, column: int, percent_unit: bool) -> object:
    status, value, raw = _number(sheet, row, column, percent_unit)
    if status == "ok":
        return value
    return None if status == "empty" else cell_text(raw)


# ---------------------------------------------------------------- reading


def _units(catalog: Catalog) -> dict[str, bool]:
    out = {}
    for table in (catalog.results, catalog.indicators):
        for code, unit in zip(table["code"], table["unit"], strict=True):
            out[str(code)] = text_key(unit) in ("%", "porcentaje")
    return out


def parse_followup(sheets: Mapping[str, Sheet], file_name: str, catalog: Catalog) -> FollowUp:
    """Read the follow-up's sheets (from :func:`data.workbooks.sheets.read_book`).

    Codes are checked against ``catalog`` (a code that is not in the plan is an
    error naming its cell); quarterly values, the district's targets and
    percentages are read per indicator, the qualitative sheet's texts per
    quarter. Nothing is compared here (see :func:`differences`).
    """
    errors: list[Issue] = []
    warnings: list[Issue] = []
    title = find_sheet(sheets, QUANTITATIVE_SHEET)
    if title is None:
        for candidate, sheet in sheets.items():
            if _layout(sheet, _QUANT_BLOCKS, "quarters", "Avance y seguimiento", []):
                title = candidate
                break
    if title is None:
        found = ", ".join(f"«{t}»" for t in sheets) or "ninguna"
        errors.append(Issue(file_name, None, None, None,
                            f"no se encontró la hoja «{QUANTITATIVE_SHEET}» (ni una hoja con el "
                            f"bloque «Avance y seguimiento»); hojas encontradas: {found}."))
        return FollowUp(file_name, Sheet("", file_name, []), None, [], {}, {}, errors, warnings)
    quant = sheets[title]
    layout = _layout(quant, _QUANT_BLOCKS, "quarters", "Avance y seguimiento", errors)
    layout = layout and _with_ids(quant, layout, errors, "indicador")
    rows: list[FollowUpRow] = []
    if layout is not None and not errors:
        rows = _rows(quant, layout, _units(catalog), catalog, errors)
    qual_title = find_sheet([t for t in sheets if t != title], QUALITATIVE_SHEET)
    if qual_title is None:
        for candidate, sheet in sheets.items():
            if candidate != title and _layout(sheet, _QUAL_BLOCKS, "texts",
                                              "Avance cualitativo", []) and any(
                    "cualitativ" in sheet.key(r, c) for r in range(min(sheet.n_rows, 15))
                    for c in range(len(sheet.cells[r]))):
                qual_title = candidate
                break
    qual = sheets.get(qual_title) if qual_title else None
    texts: dict = {}
    approaches: dict = {}
    if qual is None:
        warnings.append(Issue(file_name, None, None, None,
                              f"el libro no tiene la hoja «{QUALITATIVE_SHEET}»: los valores se "
                              "publican sin texto (el método exige justificar los retrasos).",
                              warning=True))
    else:
        qual_layout = _layout(qual, _QUAL_BLOCKS, "texts", "Avance cualitativo", errors)
        qual_layout = qual_layout and _with_ids(qual, qual_layout, errors, "indicador")
        if qual_layout is not None:
            texts, approaches = _texts(qual, qual_layout, catalog, errors)
    return FollowUp(file_name, quant, qual, rows, texts, approaches, errors, warnings)


def _rows(sheet: Sheet, layout: _Layout, units: Mapping[str, bool], catalog: Catalog,
          errors: list[Issue]) -> list[FollowUpRow]:
    code_col = layout.ids["code"]
    blocks = {b.kind: b for b in layout.blocks}
    value_columns = [c.index for b in layout.blocks for c in b.columns]
    seen: dict[str, int] = {}
    out = []
    for r in range(layout.first_data, sheet.n_rows):
        if sheet.row_blank(r):
            continue
        raw = sheet.get(r, code_col)
        found = split_code(raw, (2, 3))
        if found is None:
            if sheet.blank(r, code_col) and all(sheet.blank(r, c) for c in value_columns):
                continue  # a note or a total below the table
            what = "está vacía" if sheet.blank(r, code_col) else \
                f"dice «{cell_text(raw)[:40]}»"
            errors.append(sheet.issue(r, code_col, f"{sheet.where(r, code_col)}: se esperaba "
                                                   f"el código del indicador (p. ej. 1.1.1) y "
                                                   f"la celda {what}.", header="codigo",
                                      value=raw))
            continue
        code = found[0]
        if code in seen:
            errors.append(sheet.issue(r, code_col, f"{sheet.where(r, code_col)}: el indicador "
                                                   f"{code} ya está en la celda "
                                                   f"{sheet.ref(seen[code], code_col)}; deje "
                                                   "una sola fila por indicador.",
                                      header="codigo", value=code))
            continue
        seen[code] = r
        if code not in units:
            errors.append(sheet.issue(r, code_col, f"{sheet.where(r, code_col)}: el indicador "
                                                   f"{code} no está en el plan de acción "
                                                   "cargado (revise el código en la "
                                                   "plantilla de su entidad).",
                                      header="codigo",
                                      value=code))
            continue
        pct = units[code]
        item = FollowUpRow(code, r, code_col)
        if "status" in layout.ids and not sheet.blank(r, layout.ids["status"]):
            item.in_force = parse_bool(sheet.get(r, layout.ids["status"]))
        if "report_year" in layout.ids:
            item.report_year = _year(sheet.get(r, layout.ids["report_year"]))
        if "cut" in layout.ids:
            item.cut_quarter = _quarter(sheet.get(r, layout.ids["cut"]))
        for column in blocks["quarters"].columns if "quarters" in blocks else ():
            if column.year is None:
                continue
            status, value, raw = _number(sheet, r, column.index, pct)
            if status == "bad":
                errors.append(sheet.issue(
                    r, column.index, f"{sheet.where(r, column.index)}: el valor de {code} en "
                                     f"{column.year}-T{column.quarter} no es un número "
                                     f"(«{cell_text(raw)[:40]}»); escriba solo la cifra, sin "
                                     "unidades, o deje la celda vacía.", header="valor",
                    value=raw))
            elif status == "ok":
                item.values[(column.year, column.quarter)] = (value, column.index)
        for kind, target in (("accumulated", item.accumulated),
                             ("accumulated_target", item.accumulated_target)):
            for column in blocks[kind].columns if kind in blocks else ():
                status, value, _ = _number(sheet, r, column.index, pct)
                if status == "ok" and column.year is not None:
                    target[column.year] = (value, column.index)
        for column in blocks["targets"].columns if "targets" in blocks else ():
            value = _target(sheet, r, column.index, pct)
            if value is None:
                continue
            if column.year is not None:
                item.targets[column.year] = (value, column.index)
            elif "final" in column.label:
                item.final_target = (value, column.index)
        for kind in COMPARED.keys() | {"pct_year"}:
            item.percents[kind] = {}
            for column in blocks[kind].columns if kind in blocks else ():
                value = _fraction(sheet, r, column.index)
                if value is not None and column.year is not None:
                    item.percents[kind][column.year] = (value, column.index)
        out.append(item)
    return out


def _texts(sheet: Sheet, layout: _Layout, catalog: Catalog, errors: list[Issue]
           ) -> tuple[dict, dict]:
    codes = set(catalog.indicators["code"]) | set(catalog.results["code"])
    code_col = layout.ids["code"]
    texts: dict = {}
    approaches: dict = {}
    for r in range(layout.first_data, sheet.n_rows):
        found = split_code(sheet.get(r, code_col), (2, 3))
        if found is None:
            continue
        code = found[0]
        if code not in codes:
            errors.append(sheet.issue(r, code_col, f"{sheet.where(r, code_col)}: el indicador "
                                                   f"{code} no está en el plan de acción "
                                                   "cargado.", header="codigo", value=code))
            continue
        for block in layout.blocks:
            target = texts if block.kind == "texts" else approaches
            for column in block.columns:
                text = sheet.text(r, column.index)
                if text and column.year is not None:
                    target[(code, column.year, column.quarter)] = (text, r, column.index)
    return texts, approaches


# ---------------------------------------------------------------- comparison


def _period_of(item: FollowUpRow, year: int) -> Period:
    if item.report_year is not None and year == item.report_year and item.cut_quarter:
        return Period(year, item.cut_quarter)
    if item.report_year is None:
        reported = [q for (y, q) in item.values if y == year]
        if reported and year == max(y for y, _ in item.values):
            return Period(year, max(reported))
    return Period(year, 4)


def differences(followup: FollowUp, catalog: Catalog, reports: pd.DataFrame
                ) -> list[Difference]:
    """Where the district's percentages and targets differ from this project's.

    Parameters
    ----------
    followup : FollowUp
    catalog : Catalog
        The plan (targets, baselines, annualisation) and the reports published.
    reports : DataFrame
        The follow-up's typed reports (``Catalog.reports`` columns), laid over
        the catalog's before computing.

    Returns
    -------
    list of Difference
        «% meta acumulada hasta la vigencia» against PHV and «% meta final»
        against PAF at the end of each year (at the cut in the report year),
        when they differ by more than :data:`ROUNDING` or ours has no figure;
        each annual and final target that differs from the plan's.
    """
    from data.progress import build_progress_cube

    key = ["code", "year", "quarter", "locality_code"]
    merged = pd.concat([reports[catalog.reports.columns], catalog.reports], ignore_index=True)
    merged = merged.drop_duplicates(key, keep="first")
    cube = build_progress_cube(replace(catalog, reports=merged), PERIODS[-1])
    city = catalog.targets[catalog.targets["locality_code"] == CITYWIDE]
    plan_targets = {(str(c), int(y)): (float(t), str(x)) for c, y, t, x in
                    zip(city["code"], city["year"], city["target"], city["target_text"],
                        strict=True)}
    finals = {}
    for table in (catalog.results, catalog.indicators):
        for code, number, text in zip(table["code"], table["final_target"],
                                      table["final_target_text"], strict=True):
            finals[str(code)] = (float(number), str(text))
    sheet = followup.quantitative
    out: list[Difference] = []
    for item in followup.rows:
        try:
            i = cube.position(item.code)
        except KeyError:
            continue
        for kind, (measure, name) in COMPARED.items():
            for year, (theirs, column) in sorted(item.percents.get(kind, {}).items()):
                period = _period_of(item, year)
                ours = float(getattr(cube, name)[i, 0, period.index])
                if math.isnan(ours) or abs(theirs - ours) > ROUNDING + 1e-12:
                    out.append(Difference(item.code, period.label, measure, theirs, ours,
                                          sheet.title, sheet.ref(item.row, column)))
        for year, (theirs, column) in sorted(item.targets.items()):
            ours = plan_targets.get((item.code, year), (math.nan, ""))
            if _differs(theirs, ours):
                out.append(Difference(item.code, str(year), f"Meta {year}", theirs,
                                      _shown_target(ours), sheet.title,
                                      sheet.ref(item.row, column)))
        if item.final_target is not None:
            theirs, column = item.final_target
            ours = finals.get(item.code, (math.nan, ""))
            if _differs(theirs, ours):
                out.append(Difference(item.code, "final", "Meta final", theirs,
                                      _shown_target(ours), sheet.title,
                                      sheet.ref(item.row, column)))
    return out


def _differs(theirs: object, ours: tuple[float, str]) -> bool:
    number, text = ours
    if isinstance(theirs, float | int):
        if math.isnan(number):
            return True
        return abs(float(theirs) - number) > 1e-6 * max(1.0, abs(number))
    return text_key(theirs) != text_key(text)


def _shown_target(ours: tuple[float, str]) -> float | str:
    number, text = ours
    return text if math.isnan(number) and text else number


def _percent(value: float) -> str:
    return f"{value * 100:,.2f} %".replace(",", "X").replace(".", ",").replace("X", ".")


def _plain(value: object) -> str:
    if isinstance(value, float | int):
        if math.isnan(float(value)):
            return "sin meta"
        text = f"{float(value):,.4f}".rstrip("0").rstrip(".")
        return text.replace(",", "X").replace(".", ",").replace("X", ".")
    return f"«{value}»"


def difference_issue(difference: Difference, file_name: str) -> Issue:
    """A warning naming the cell, the district's figure and this project's."""
    where = f"hoja «{difference.sheet}», celda {difference.cell}"
    if difference.measure.startswith("%"):
        theirs = _percent(float(difference.theirs))
        ours = "sin dato" if isinstance(difference.ours, float) and \
            math.isnan(difference.ours) else _percent(float(difference.ours))
        message = (f"{where}: indicador {difference.code}, «{difference.measure}» en "
                   f"{difference.period}: el Distrito registra {theirs} y este tablero calcula "
                   f"{ours} (método de data/method.py); la diferencia supera el redondeo "
                   f"({_percent(ROUNDING)}). Revise metas, línea base y valores; el tablero "
                   "muestra su propio cálculo.")
    else:
        message = (f"{where}: indicador {difference.code}, «{difference.measure}»: el "
                   f"seguimiento dice {_plain(difference.theirs)} y el plan de acción cargado "
                   f"{_plain(difference.ours)}; el tablero usa la meta del plan.")
    row = int(re.sub(r"\D", "", difference.cell) or 0) or None
    return Issue(file_name, row, difference.measure, None, message, warning=True,
                 cell=difference.cell)


def report_cells(followup: FollowUp) -> list[dict]:
    """One report row per quarterly value, with the cells each field came from.

    Each item: ``codigo, anio, trimestre, localidad, valor, texto`` and
    ``cells`` (field -> (sheet, row, column)); the account is the qualitative
    sheet's text of that quarter, then «Avance en los enfoques: …».
    """
    quant, qual = followup.quantitative, followup.qualitative
    out = []
    for item in followup.rows:
        for (year, quarter), (value, column) in sorted(item.values.items()):
            key = (item.code, year, quarter)
            text, text_cell = "", (quant, item.row, column)
            if key in followup.texts:
                text, r, c = followup.texts[key]
                text_cell = (qual, r, c)
            if key in followup.approaches:
                extra, r, c = followup.approaches[key]
                text = f"{text}\n\nAvance en los enfoques: {extra}" if text else \
                    f"Avance en los enfoques: {extra}"
                if not followup.texts.get(key):
                    text_cell = (qual, r, c)
            out.append({"codigo": item.code, "anio": year, "trimestre": quarter,
                        "localidad": "", "valor": value, "texto": text,
                        "cells": {"codigo": (quant, item.row, item.code_column),
                                  "anio": (quant, item.row, column),
                                  "trimestre": (quant, item.row, column),
                                  "localidad": (quant, item.row, item.code_column),
                                  "valor": (quant, item.row, column),
                                  "texto": text_cell}})
    return out


def orphan_texts(followup: FollowUp) -> list[Issue]:
    """Warnings for texts of quarters without a value (they are not published)."""
    values = {(item.code, y, q) for item in followup.rows for (y, q) in item.values}
    out = []
    sheet = followup.qualitative
    for key, (_, r, c) in sorted(followup.texts.items()):
        if key not in values and sheet is not None:
            code, year, quarter = key
            out.append(sheet.issue(r, c, f"{sheet.where(r, c)}: hay texto para {code} en "
                                         f"{year}-T{quarter} pero no hay valor en la hoja "
                                         f"«{followup.quantitative.title}»; el texto no se "
                                         "publica sin su valor.", header="texto",
                                   warning=True))
    return out

