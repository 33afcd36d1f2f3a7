"""Workbooks the tests build themselves in the SDP's layouts (``data/README.md``).

:func:`plan_book` writes a small action plan with openpyxl at explicit
positions: the policy's name in B4, leading sector B7 and entity H7, general
objective A8; group headers in rows 9-10 (merged), leaf headers in row 11 (with
the spacing and line-break variants of real files); data from row 12, objective
and result cells merged down, % cells, a text target, a result shown first in
a *No vigente* row, empty formatted rows and a note below the table.

:func:`followup_book` writes a follow-up (*Avance Cuantitativo* with block
headers in row 3, years in row 4, quarters in row 5, indicators from row 6;
*Avance Cualitativo*), as ``.xlsx`` (openpyxl) or ``.xlsb``
(:func:`data.workbooks.xlsb_writer.write_xlsb`, because nothing else can write it).

The content mirrors :func:`tests.conftest.tiny_catalog`: objectives 1 (60 %) and 2
(40 %), results 1.1 and 2.1, indicators 1.1.1 (SUMA, trimestral), 1.1.2
(CRECIENTE, semestral, % unit, a text target in 2023), 2.1.1 (DECRECIENTE,
anual, no baseline) and 2.1.2 (CONSTANTE, not in force); plus 2.1.3, a product
of the old formulation of result 2.1 (*No vigente* row).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import openpyxl
from openpyxl.utils import get_column_letter

from data.workbooks.xlsb_writer import XlsbCell, write_xlsb

YEARS = tuple(range(2023, 2033))

# Leaf headers as real files write them (double spaces, line breaks, capitals).
RESULT_COLUMNS = (
    ("objective", "Objetivo específico", None),
    ("objective_weight", "Peso del objetivo\n(%)", None),
    ("result", "Resultado  esperado", None),
    ("name", "Nombre del indicador de resultado", None),
    ("in_force", "Vigente/No Vigente", None),
    ("weight", "Importancia relativa  del resultado (%)", None),
    ("formula", "Fórmula del indicador de resultado", None),
    ("sector", "Sector Responsable", None),
    ("entity", "Entidad Responsable", None),
    ("ods", "ODS", None),
    ("ods_goal", "Meta ODS", None),
    ("annualisation", "Tipo de\nanualización", None),
    ("periodicity", "PERIODICIDAD", None),
    ("baseline", "Valor", "Línea base"),
    ("baseline_year", "Año", "Línea base"),
    ("baseline_source", "Fuente", "Línea base"),
    ("start", "Fecha de inicio", None),
    ("end", "Fecha de finalización", None),
    *((f"t{y}", f"Meta {y}", "Metas del resultado") for y in YEARS),
    ("final", "Meta de resultado Final", None),
)
PRODUCT_COLUMNS = (
    ("product", "Producto  esperado", None),
    ("name", "Nombre del indicador de\nproducto", None),
    ("in_force", "Vigente / No vigente", None),
    ("weight", "Ponderación (%)", None),
    ("formula", "Fórmula del indicador de producto", None),
    ("annualisation", "Tipo de anualización", None),
    ("periodicity", "Periodicidad", None),
    ("pdd_objective", "Objetivo del Plan Distrital de Desarrollo", None),
    ("pdd_goal", "Meta del Plan Distrital de Desarrollo", None),
    ("project", "Proyecto de inversión", None),
    ("approach", "Enfoque principal", None),
    ("approach2", "Enfoque secundario", None),
    ("baseline", "Valor", "Línea base"),
    ("baseline_year", "Año", "Línea base"),
    ("baseline_source", "Fuente", "Línea base"),
    ("start", "Fecha de inicio", None),
    ("end", "Fecha de finalización", None),
    *((f"t{y}", f"Meta {y}", "Metas del producto") for y in YEARS),
    ("final", "Meta de producto Final", None),
    ("sector", "Sector", "Responsables de la ejecución"),
    ("entity", "Entidad", "Responsables de la ejecución"),
    ("office", "Dependencia ejecutora", "Responsables de la ejecución"),
    ("co_sector", "Sector", "Corresponsables de la ejecución"),
    ("co_entity", "Entidad", "Corresponsables de la ejecución"),
    ("co_office", "Dependencia", "Corresponsables de la ejecución"),
)
FIRST_DATA = 12


@dataclass(frozen=True)
class Layout:
    """The order of the plan's columns (tests move them: position is never assumed)."""

    result: tuple = RESULT_COLUMNS
    product: tuple = PRODUCT_COLUMNS

    def column(self, block: str, key: str) -> int:
        if block == "result":
            return 1 + [k for k, _, _ in self.result].index(key)
        return 1 + len(self.result) + [k for k, _, _ in self.product].index(key)


DEFAULT = Layout()


def column(block: str, key: str, layout: Layout = DEFAULT) -> int:
    """1-based column of a field: ``column("product", "weight")``."""
    return layout.column(block, key)


def ref(block: str, key: str, row: int, layout: Layout = DEFAULT) -> str:
    """Spreadsheet name of a field's cell in a row: ``ref("product", "weight", 13)``."""
    return f"{get_column_letter(layout.column(block, key))}{row}"


# one row per product indicator; result fields only on the first row of each result
RESULTS = {
    "1.1": {"objective": "1. Conectar a la ciudad", "objective_weight": (0.6, "%"),
            "result": "1.1 Hogares conectados", "name": "Hogares con internet",
            "in_force": "Vigente", "weight": 100, "formula": "H / T * 100",
            "entity": "Alta Consejería Distrital de TIC", "annualisation": "CRECIENTE",
            "periodicity": "Anual", "baseline": (0.5, "%"), "baseline_year": 2021,
            "baseline_source": "DANE", "final": (0.8, "%"),
            **{f"t{y}": (round(0.50 + 0.03 * (y - 2022), 4), "%") for y in YEARS}},
    "2.1-old": {"objective": "2 . Mover mejor", "objective_weight": (0.4, "%"),
                "result": "2.1 Viajes rápidos (formulación anterior)", "name": "Velocidad",
                "in_force": "No vigente", "weight": 100, "entity": "SDM",
                "annualisation": "CRECIENTE", "periodicity": "Anual"},
    "2.1": {"objective": "2 . Mover mejor", "objective_weight": (0.4, "%"),
            "result": "2 . 1 Viajes más cortos", "name": "Minutos de viaje",
            "in_force": "Vigente", "weight": 100, "formula": "promedio",
            "entity": "Secretaría Distrital de Movilidad", "annualisation": "Decreciente",
            "periodicity": "anual", "baseline": 60, "baseline_year": 2021,
            "baseline_source": "SDM", "final": 45,
            **{f"t{y}": 60 - 1.5 * (y - 2022) for y in YEARS}},
}
PRODUCTS = [
    ("1.1", {"product": "1.1.1 Zonas WiFi", "name": "Zonas WiFi instaladas",
             "in_force": "Vigente", "weight": 60, "formula": "suma",
             "annualisation": "SUMA", "periodicity": "Trimestral", "baseline": 0,
             "baseline_year": 2022, "baseline_source": "ACDTIC", "final": 400,
             "entity": "Alta Consejería Distrital de TIC", "co_entity": "SDM",
             **{f"t{y}": 40 for y in YEARS}}),
    ("1.1", {"product": "1.1.2 Trámites en línea", "name": "Trámites en línea",
             "in_force": "Vigente", "weight": (0.4, "%"), "formula": "T / N * 100",
             "annualisation": "CRECIENTE", "periodicity": "Semestral",
             "baseline": (0.4, "%"), "baseline_year": 2022, "baseline_source": "SDH",
             "final": (0.9, "%"), "entity": "Secretaría Distrital de Hacienda",
             "t2023": "Levantamiento línea base",
             **{f"t{y}": (round(0.40 + 0.05 * (y - 2023), 4), "%") for y in YEARS[1:]}}),
    ("2.1-old", {"product": "2.1.3 Buses eléctricos", "name": "Buses eléctricos",
                 "in_force": "No vigente", "annualisation": "SUMA",
                 "periodicity": "Anual", "entity": "TRANSMILENIO S.A. (TMSA)"}),
    ("2.1", {"product": "2.1.1 Semáforos", "name": "Tiempo de espera",
             "in_force": "Vigente", "weight": 100, "formula": "promedio",
             "annualisation": "DECRECIENTE", "periodicity": "Anual",
             "entity": "Secretaría Distrital de Movilidad", "final": 5,
             **{f"t{y}": 50 - 5 * (y - 2023) for y in YEARS}}),
    ("2.1", {"product": "2.1.2 Semáforos", "name": "Disponibilidad",
             "in_force": "No vigente", "weight": 0, "formula": "horas / total",
             "annualisation": "CONSTANTE", "periodicity": "Trimestral", "baseline": 99,
             "baseline_year": 2022, "baseline_source": "SDM", "final": 99,
             "entity": "Secretaría Distrital de Movilidad",
             **{f"t{y}": 99 for y in YEARS}}),
]
#: Row of each product indicator in the plan sheet.
ROW = {"1.1.1": 12, "1.1.2": 13, "2.1.3": 14, "2.1.1": 15, "2.1.2": 16}


def _put(sheet, row: int, col: int, value) -> None:
    if value is None:
        return
    if isinstance(value, tuple):
        number, kind = value
        cell = sheet.cell(row=row, column=col, value=number)
        cell.number_format = "0.00%" if kind == "%" else kind
        return
    cell = sheet.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"


def plan_book(*, title: str = "Plan de acción", extra_sheet: bool = False,
              fichas: bool = True, mutate: Callable | None = None,
              layout: Layout = DEFAULT) -> openpyxl.Workbook:
    """The plan as an openpyxl workbook (``mutate(sheet)`` edits the plan sheet)."""
    def column(block: str, key: str) -> int:
        return layout.column(block, key)

    book = openpyxl.Workbook()
    first = book.active
    if extra_sheet:
        first.title = "Instrucciones"
        first["A1"] = "Esta hoja va antes del plan."
        sheet = book.create_sheet(title)
    else:
        first.title = title
        sheet = first
    sheet["A1"] = "SECRETARÍA DISTRITAL DE PLANEACIÓN"
    sheet["A4"] = "Nombre de la política:"
    sheet["B4"] = "Bogotá Territorio Inteligente 2023-2032"
    sheet["A7"] = "Sector líder:"
    sheet["B7"] = "Gestión Pública"
    sheet["G7"] = "Entidad líder:"
    sheet["H7"] = "Alta Consejería Distrital de TIC"
    sheet["A8"] = "Objetivo general: Consolidar un territorio inteligente."
    sheet.merge_cells("A8:F8")
    n_result = len(layout.result)
    n_all = n_result + len(layout.product)
    sheet.cell(row=9, column=1, value="OBJETIVOS Y RESULTADOS")
    sheet.merge_cells(start_row=9, start_column=1, end_row=9, end_column=n_result)
    sheet.cell(row=9, column=n_result + 1, value="PRODUCTOS")
    sheet.merge_cells(start_row=9, start_column=n_result + 1, end_row=9, end_column=n_all)
    for block, columns in (("result", layout.result), ("product", layout.product)):
        groups: dict[str, list[int]] = {}
        for key, header, group in columns:
            c = column(block, key)
            if group is None:  # no group: the header spans rows 10-11
                sheet.cell(row=10, column=c, value=header)
                sheet.merge_cells(start_row=10, start_column=c, end_row=11, end_column=c)
            else:
                sheet.cell(row=11, column=c, value=header)
                groups.setdefault(group, []).append(c)
        for group, cols in groups.items():
            sheet.cell(row=10, column=cols[0], value=group)
            sheet.merge_cells(start_row=10, start_column=cols[0], end_row=10,
                              end_column=cols[-1])
    row = FIRST_DATA
    spans: dict[str, list[int]] = {}
    for result, values in PRODUCTS:
        for key, value in values.items():
            if any(k == key for k, _, _ in layout.product):
                _put(sheet, row, column("product", key), value)
        spans.setdefault(result, []).append(row)
        row += 1
    for result, rows in spans.items():
        for key, value in RESULTS[result].items():
            if any(k == key for k, _, _ in layout.result):
                _put(sheet, rows[0], column("result", key), value)
        for key, _, _ in layout.result:
            if key in ("objective", "objective_weight"):
                continue
            c = column("result", key)
            if len(rows) > 1:
                sheet.merge_cells(start_row=rows[0], start_column=c, end_row=rows[-1],
                                  end_column=c)
    for key in ("objective", "objective_weight"):  # objective 2 spans its two result blocks
        c = column("result", key)
        sheet.merge_cells(start_row=12, start_column=c, end_row=13, end_column=c)
        sheet.merge_cells(start_row=14, start_column=c, end_row=16, end_column=c)
    for r in range(17, 21):  # empty trailing rows that only carry a format
        sheet.cell(row=r, column=column("product", "weight")).number_format = "0.00%"
    sheet.cell(row=22, column=1, value="Fuente: Secretaría Distrital de Planeación.")
    if fichas:
        ficha = book.create_sheet("Ficha técnica 1.1.1")
        for r, (label, value) in enumerate((("Código del indicador", "1.1.1"),
                                            ("Unidad de medida", "zonas WiFi"),
                                            ("Metodología de cálculo", "Conteo"),
                                            ("Rezago (días)", 30)), start=2):
            ficha.cell(row=r, column=1, value=label)
            ficha.cell(row=r, column=2, value=value)
        other = book.create_sheet("Ficha técnica 2.1.1")
        other["A1"] = "Unidad de medida: minutos"
    if mutate is not None:
        mutate(sheet)
    return book


def to_bytes(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def plan_bytes(**kwargs) -> bytes:
    return to_bytes(plan_book(**kwargs))


# ---------------------------------------------------------------- follow-up

ID_HEADERS = ("Estado", "Indicador esperado", "Nombre del indicador", "Sector", "Entidad",
              "Ponderación", "Línea base", "Tipo de anualización", "Periodicidad",
              "Fecha de inicio", "Fecha de finalización", "Corte", "Año de reporte")
BLOCKS = (("Avance y seguimiento", 40), ("Avance acumulado", 10), ("Metas programadas", 11),
          ("Meta acumulada", 10), ("% meta programada de la vigencia", 10),
          ("% meta acumulada hasta la vigencia", 10), ("% meta final", 10))


def block_start(name: str) -> int:
    """1-based first column of a block of *Avance Cuantitativo*."""
    column_ = len(ID_HEADERS) + 1
    for block, width in BLOCKS:
        if block == name:
            return column_
        column_ += width
    raise KeyError(name)


def value_column(year: int, quarter: int) -> int:
    return block_start("Avance y seguimiento") + 4 * (year - 2023) + quarter - 1


def year_column(block: str, year: int) -> int:
    return block_start(block) + year - 2023


@dataclass
class FollowRow:
    """One indicator of the follow-up: values by (year, quarter), percentages by year."""

    code: str
    entity: str = "Secretaría Distrital de Movilidad"
    status: str = "Vigente"
    cut: str = "Q2"
    year: int = 2024
    values: dict[tuple[int, int], object] = field(default_factory=dict)
    targets: dict[int, object] = field(default_factory=dict)
    final: object = None
    accumulated: dict[int, object] = field(default_factory=dict)
    pct_accumulated: dict[int, object] = field(default_factory=dict)
    pct_final: dict[int, object] = field(default_factory=dict)
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    approaches: dict[tuple[int, int], str] = field(default_factory=dict)
    percent_values: bool = False


def followup_cells(rows: list[FollowRow], *, quarter_labels: bool = True,
                   merged_years: bool = True) -> dict[str, dict]:
    """``{sheet: {"cells": {(r, c): value}, "percent": set, "merges": list}}`` (1-based)."""
    quant: dict = {"cells": {}, "percent": set(), "merges": []}
    qual: dict = {"cells": {}, "percent": set(), "merges": []}
    q = quant["cells"]
    q[(1, 1)] = "SEGUIMIENTO A PRODUCTOS"
    for c, text in enumerate(ID_HEADERS, start=1):
        q[(3, c)] = text
        quant["merges"].append((3, c, 5, c))
    for block, width in BLOCKS:
        start = block_start(block)
        q[(3, start)] = block
        quant["merges"].append((3, start, 3, start + width - 1))
        if block == "Avance y seguimiento":
            for y, year in enumerate(YEARS):
                first = start + 4 * y
                q[(4, first)] = year
                if merged_years:
                    quant["merges"].append((4, first, 4, first + 3))
                else:
                    for k in range(1, 4):
                        q[(4, first + k)] = year
                if quarter_labels:
                    for k in range(4):
                        q[(5, first + k)] = f"T{k + 1}"
        else:
            for y, year in enumerate(YEARS):
                q[(4, start + y)] = year
            if block == "Metas programadas":
                q[(4, start + 10)] = "Meta final"
    for r, item in enumerate(rows, start=6):
        for c, value in enumerate((item.status, item.code, f"Indicador {item.code}", "Movilidad",
                                   item.entity, None, None, None, None, None, None, item.cut,
                                   item.year), start=1):
            if value is not None:
                q[(r, c)] = value
        for (year, quarter), value in item.values.items():
            q[(r, value_column(year, quarter))] = value
            if item.percent_values:
                quant["percent"].add((r, value_column(year, quarter)))
        for year, value in item.targets.items():
            q[(r, year_column("Metas programadas", year))] = value
        if item.final is not None:
            q[(r, block_start("Metas programadas") + 10)] = item.final
        for year, value in item.accumulated.items():
            q[(r, year_column("Avance acumulado", year))] = value
        for block, values in (("% meta acumulada hasta la vigencia", item.pct_accumulated),
                              ("% meta final", item.pct_final)):
            for year, value in values.items():
                q[(r, year_column(block, year))] = value
                quant["percent"].add((r, year_column(block, year)))
    t = qual["cells"]
    for c, text in enumerate(("Indicador esperado", "Nombre del indicador"), start=1):
        t[(3, c)] = text
    for b, block in enumerate(("Avance cualitativo", "Avance en los enfoques")):
        start = 3 + 40 * b
        t[(3, start)] = block
        for y, year in enumerate(YEARS):
            t[(4, start + 4 * y)] = year
            for k in range(4):
                t[(5, start + 4 * y + k)] = f"T{k + 1}"
    for r, item in enumerate(rows, start=6):
        t[(r, 1)] = item.code
        for (year, quarter), text in item.texts.items():
            t[(r, 3 + 4 * (year - 2023) + quarter - 1)] = text
        for (year, quarter), text in item.approaches.items():
            t[(r, 43 + 4 * (year - 2023) + quarter - 1)] = text
    return {"Avance Cuantitativo": quant, "Avance Cualitativo": qual}


def followup_book(rows: list[FollowRow], fmt: str = "xlsx", *, sheets: dict | None = None,
                  **kwargs) -> bytes:
    """The follow-up as ``.xlsx`` or ``.xlsb`` bytes (``sheets`` overrides the cells)."""
    sheets = sheets or followup_cells(rows, **kwargs)
    if fmt == "xlsb":
        grids = {}
        for title, spec in sheets.items():
            height = max((r for r, _ in spec["cells"]), default=1)
            width = max((c for _, c in spec["cells"]), default=1)
            grid = [[None] * width for _ in range(height)]
            for (r, c), value in spec["cells"].items():
                grid[r - 1][c - 1] = XlsbCell(value, percent=True) \
                    if (r, c) in spec["percent"] else value
            grids[title] = grid
        return write_xlsb(grids)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, spec in sheets.items():
        sheet = book.create_sheet(title)
        for (r, c), value in spec["cells"].items():
            cell = sheet.cell(row=r, column=c, value=value)
            if (r, c) in spec["percent"]:
                cell.number_format = "0.00%"
        for r1, c1, r2, c2 in spec["merges"]:
            sheet.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    return to_bytes(book)
