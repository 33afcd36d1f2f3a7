"""Write an example action plan and follow-up in the SDP's layouts (for demos and tests).

``python -m data.workbooks.example OUT`` writes, from the illustrative catalog
(:mod:`data.illustrative`; its names and numbers are invented):

* ``OUT/plan_de_accion.xlsx``: the action plan in the layout of
  ``data/README.md`` (sheet *Plan de acción*, headers in rows 9-11, merged
  objective and result cells, % cells, a text target, *No vigente* rows, one
  "Ficha técnica" sheet per indicator);
* ``OUT/ejes_indicadores.csv``: the axis, locality flag and map layer of each
  indicator (read beside the plan);
* ``OUT/seguimiento_2026_S1.xlsx`` and ``.xlsb``: the follow-up of the first
  semester of 2026 (sheets *Avance Cuantitativo* and *Avance Cualitativo*),
  citywide values and texts up to 2026-T2, with the district's percentages
  computed by this project's method (so the import lists no differences).

Try it: ``BOGOTA_TI_MATRIX=OUT/plan_de_accion.xlsx python -m app``, then upload
the follow-up on ``/subir/`` (or ``POST /api/reportes``) with the admin token.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from data.catalog import Catalog
from data.method import Period
from data.schema import CITYWIDE, YEARS

__all__ = [
    "followup_grid",
    "main",
    "plan_grid",
    "write_axes_file",
    "write_followup",
    "write_plan",
]

_PERCENT_UNITS = ("%", "porcentaje")
_QUALITATIVE = "Avance Cualitativo"
_QUANTITATIVE = "Avance Cuantitativo"


@dataclass
class Grid:
    """Cells of one sheet to write: ``(row, column) -> value`` (1-based), % cells, merges."""

    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    percent: set[tuple[int, int]] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)

    def put(self, row: int, column: int, value: object, *, percent: bool = False) -> None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return
        self.cells[(row, column)] = value
        if percent:
            self.percent.add((row, column))

    def merge(self, row1: int, col1: int, row2: int, col2: int) -> None:
        if (row1, col1) != (row2, col2):
            self.merges.append((row1, col1, row2, col2))


def _is_percent(unit: str) -> bool:
    return unit.strip().lower() in _PERCENT_UNITS


def _cell(value: float, unit: str) -> tuple[object, bool]:
    """A number as the SDP writes it: a percentage as a fraction in a % cell."""
    if _is_percent(unit) and isinstance(value, int | float):
        return round(float(value) / 100, 12), True
    return value, False


def _target(number: float, text: str, unit: str) -> tuple[object, bool]:
    if isinstance(number, float) and math.isnan(number):
        return (text or None), False
    return _cell(float(number), unit)


# ---------------------------------------------------------------- the plan

_RESULT_HEADERS = (
    ("objective", "Objetivo específico"), ("objective_weight", "Peso del objetivo (%)"),
    ("result", "Resultado esperado"), ("name", "Nombre del indicador\nde resultado"),
    ("in_force", "Vigente/No Vigente"),
    ("weight", "Importancia relativa  del resultado (%)"),
    ("formula", "Fórmula del indicador de resultado"), ("sector", "Sector Responsable"),
    ("entity", "Entidad Responsable"), ("ods", "ODS"), ("ods_goal", "Meta ODS"),
    ("annualisation", "Tipo de anualización"), ("periodicity", "Periodicidad"),
    ("baseline", "Valor"), ("baseline_year", "Año"), ("baseline_source", "Fuente"),
    ("start", "Fecha de inicio"), ("end", "Fecha de finalización"),
    *((f"target_{y}", f"Meta {y}") for y in YEARS), ("final", "Meta de resultado Final"),
)
_PRODUCT_HEADERS = (
    ("product", "Producto esperado"), ("name", "Nombre del indicador de producto"),
    ("in_force", "Vigente/No Vigente"), ("weight", "Ponderación (%)"),
    ("formula", "Fórmula del indicador de producto"),
    ("annualisation", "Tipo de anualización"), ("periodicity", "Periodicidad"),
    ("pdd_objective", "Objetivo del Plan Distrital de Desarrollo"),
    ("pdd_goal", "Meta del Plan Distrital de Desarrollo"),
    ("project", "Proyecto de inversión"), ("approach", "Enfoque principal"),
    ("approach2", "Enfoque secundario"),
    ("baseline", "Valor"), ("baseline_year", "Año"), ("baseline_source", "Fuente"),
    ("start", "Fecha de inicio"), ("end", "Fecha de finalización"),
    *((f"target_{y}", f"Meta {y}") for y in YEARS), ("final", "Meta de producto Final"),
    ("sector", "Sector"), ("entity", "Entidad"), ("office", "Dependencia ejecutora"),
    ("co_sector", "Sector"), ("co_entity", "Entidad"), ("co_office", "Dependencia"),
)
#: Group headers (row 10) over a run of fields of a block.
_GROUPS = {"result": (("baseline", "baseline_source", "Línea base"),
                      ("target_2023", "target_2032", "Metas del resultado")),
           "product": (("baseline", "baseline_source", "Línea base"),
                       ("target_2023", "target_2032", "Metas del producto"),
                       ("sector", "office", "Responsables de la ejecución"),
                       ("co_sector", "co_office", "Corresponsables de la ejecución"))}
_HEADER_TOP, _HEADER_GROUP, _HEADER_LEAF, _FIRST_DATA = 9, 10, 11, 12


def _columns() -> tuple[dict[str, int], dict[str, int]]:
    result = {key: i + 1 for i, (key, _) in enumerate(_RESULT_HEADERS)}
    start = len(_RESULT_HEADERS) + 1
    product = {key: start + i for i, (key, _) in enumerate(_PRODUCT_HEADERS)}
    return result, product


def _headers(grid: Grid) -> None:
    result, product = _columns()
    grid.put(_HEADER_TOP, 1, "OBJETIVOS Y RESULTADOS")
    grid.merge(_HEADER_TOP, 1, _HEADER_TOP, len(result))
    grid.put(_HEADER_TOP, len(result) + 1, "PRODUCTOS")
    grid.merge(_HEADER_TOP, len(result) + 1, _HEADER_TOP, len(result) + len(product))
    for block, headers, columns in (("result", _RESULT_HEADERS, result),
                                    ("product", _PRODUCT_HEADERS, product)):
        grouped = set()
        for first, last, title in _GROUPS[block]:
            grid.put(_HEADER_GROUP, columns[first], title)
            grid.merge(_HEADER_GROUP, columns[first], _HEADER_GROUP, columns[last])
            grouped.update(range(columns[first], columns[last] + 1))
        for key, text in headers:
            column = columns[key]
            if column in grouped:
                grid.put(_HEADER_LEAF, column, text)
            else:  # a header without a group spans rows 10-11
                grid.put(_HEADER_GROUP, column, text)
                grid.merge(_HEADER_GROUP, column, _HEADER_LEAF, column)
            grid.widths[column] = 28 if key in ("objective", "result", "product", "name") else 14


def _targets_of(catalog: Catalog) -> dict[str, dict[int, tuple[float, str]]]:
    city = catalog.targets[catalog.targets["locality_code"] == CITYWIDE]
    out: dict[str, dict[int, tuple[float, str]]] = {}
    for code, year, number, text in zip(city["code"], city["year"], city["target"],
                                        city["target_text"], strict=True):
        out.setdefault(str(code), {})[int(year)] = (float(number), str(text))
    return out


def plan_grid(catalog: Catalog, *, policy: str = "Bogotá Territorio Inteligente 2023-2032",
              lead_entity: str | None = None) -> Grid:
    """The *Plan de acción* sheet of ``catalog`` in the documented layout."""
    grid = Grid()
    entities = dict(zip(catalog.entities["entity_id"], catalog.entities["name"], strict=True))
    lead = lead_entity or entities.get("sg-actic", next(iter(entities.values()), ""))
    grid.put(1, 1, "ALCALDÍA MAYOR DE BOGOTÁ D.C. – SECRETARÍA DISTRITAL DE PLANEACIÓN")
    grid.put(2, 1, "PLAN DE ACCIÓN DE LA POLÍTICA PÚBLICA (EJEMPLO: datos inventados)")
    grid.put(4, 1, "Nombre de la política:")
    grid.put(4, 2, policy)
    grid.put(5, 1, "Documento CONPES D.C.:")
    grid.put(5, 2, "29")
    grid.put(7, 1, "Sector líder:")
    grid.put(7, 2, "Gestión Pública")
    grid.put(7, 7, "Entidad líder:")
    grid.put(7, 8, lead)
    grid.put(8, 1, "Objetivo general: Consolidar a Bogotá como un territorio inteligente que "
                   "usa los datos y la tecnología para mejorar la calidad de vida.")
    grid.merge(8, 1, 8, 12)
    _headers(grid)
    result_col, product_col = _columns()
    targets = _targets_of(catalog)
    objectives = catalog.objectives.set_index("objective_id")
    products = catalog.products.set_index("product_id")
    row = _FIRST_DATA
    for result in catalog.results.itertuples(index=False):
        indicators = catalog.indicators[catalog.indicators["product_id"].map(
            products["result_code"]) == result.code]
        first = row
        for indicator in indicators.itertuples(index=False):
            unit = str(indicator.unit)
            product_name = products.loc[indicator.product_id, "name"]
            values: dict[str, object] = {
                "product": f"{indicator.code} {product_name}", "name": indicator.name,
                "in_force": "Vigente" if indicator.in_force else "No vigente",
                "formula": indicator.formula, "annualisation": indicator.annualisation,
                "periodicity": indicator.periodicity.capitalize(),
                "pdd_objective": "Bogotá camina segura", "project": "Proyecto 8143",
                "approach": "Territorial", "baseline_year": indicator.baseline_year,
                "baseline_source": indicator.baseline_source, "start": "2023-06-01",
                "end": "2032-12-31", "sector": "—",
                "entity": entities.get(indicator.entity_id, indicator.entity_id),
                "office": "Subdirección de proyectos",
                "co_entity": entities.get(indicator.co_entity_id, "")
                if indicator.co_entity_id else None,
            }
            grid.put(row, product_col["weight"], float(indicator.weight) / 100, percent=True)
            for key, value in values.items():
                if value not in (None, ""):
                    grid.put(row, product_col[key], value)
            number, percent = _cell(indicator.baseline, unit) \
                if not math.isnan(indicator.baseline) else (None, False)
            grid.put(row, product_col["baseline"], number, percent=percent)
            final, percent = _target(indicator.final_target, indicator.final_target_text, unit)
            grid.put(row, product_col["final"], final, percent=percent)
            for year, (target, text) in targets.get(indicator.code, {}).items():
                value, percent = _target(target, text, unit)
                grid.put(row, product_col[f"target_{year}"], value, percent=percent)
            row += 1
        last = max(first, row - 1)
        objective = objectives.loc[result.objective_id]
        unit = str(result.unit)
        values = {
            "objective": f"{result.objective_id}. {objective['text']}",
            "result": f"{result.code} {result.text}", "name": result.name,
            "in_force": "Vigente" if result.in_force else "No vigente",
            "formula": result.formula, "sector": "—",
            "entity": entities.get(result.entity_id, result.entity_id), "ods": "ODS 9",
            "annualisation": result.annualisation,
            "periodicity": result.periodicity.capitalize(),
            "baseline_year": result.baseline_year, "baseline_source": result.baseline_source,
            "start": "2023-06-01", "end": "2032-12-31",
        }
        grid.put(first, result_col["objective_weight"], float(objective["weight"]) / 100,
                 percent=True)
        grid.put(first, result_col["weight"], float(result.weight))
        for key, value in values.items():
            if value not in (None, ""):
                grid.put(first, result_col[key], value)
        number, percent = _cell(result.baseline, unit) if not math.isnan(result.baseline) \
            else (None, False)
        grid.put(first, result_col["baseline"], number, percent=percent)
        final, percent = _target(result.final_target, result.final_target_text, unit)
        grid.put(first, result_col["final"], final, percent=percent)
        for year, (target, text) in targets.get(result.code, {}).items():
            value, percent = _target(target, text, unit)
            grid.put(first, result_col[f"target_{year}"], value, percent=percent)
        for key in result_col:  # the result's cells are merged down over its products
            grid.merge(first, result_col[key], last, result_col[key])
    return grid


def _ficha_grid(code: str, name: str, unit: str, formula: str, source: str) -> Grid:
    grid = Grid()
    rows = (("FICHA TÉCNICA DEL INDICADOR", None), ("Código del indicador", code),
            ("Nombre del indicador", name), ("Unidad de medida", unit),
            ("Metodología de cálculo", formula), ("Fuente de información", source or "—"),
            ("Rezago (días)", 30), ("Descripción", f"Mide: {name.lower()}."),
            ("Observaciones", "Ficha de ejemplo."))
    for r, (label, value) in enumerate(rows, start=1):
        grid.put(r, 1, label)
        grid.put(r, 2, value)
    grid.widths.update({1: 28, 2: 60})
    return grid


def write_plan(catalog: Catalog, path: str | os.PathLike[str], *, fichas: bool = True,
               extra_sheet: bool = False) -> Path:
    """Write ``catalog`` as an action-plan workbook (``.xlsx``); see :func:`plan_grid`."""
    sheets: dict[str, Grid] = {}
    if extra_sheet:
        notes = Grid()
        notes.put(1, 1, "Hoja de notas antes del plan.")
        sheets["Notas"] = notes
    sheets["Plan de acción"] = plan_grid(catalog)
    if fichas:
        for table in (catalog.results, catalog.indicators):
            for row in table.itertuples(index=False):
                sheets[f"Ficha técnica {row.code}"] = _ficha_grid(
                    row.code, row.name, row.unit, row.formula, row.baseline_source)
    return _save_xlsx(sheets, Path(path))


def write_axes_file(catalog: Catalog, path: str | os.PathLike[str]) -> Path:
    """``ejes_indicadores.csv`` with each indicator's axis, locality flag and map layer."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["codigo", "eje", "por_localidad", "capa"])
        for row in catalog.indicators.itertuples(index=False):
            writer.writerow([row.code, row.axis_id, "si" if row.by_locality else "no",
                             row.layer])
    return path


# ---------------------------------------------------------------- the follow-up


_ID_HEADERS = ("Estado", "Indicador esperado", "Nombre del indicador", "Sector", "Entidad",
               "Ponderación", "Línea base", "Tipo de anualización", "Periodicidad",
               "Fecha de inicio", "Fecha de finalización", "Corte", "Año de reporte")
_BLOCKS = ("Avance y seguimiento", "Avance acumulado", "Metas programadas", "Meta acumulada",
           "% meta programada de la vigencia", "% meta acumulada hasta la vigencia",
           "% meta final")


def _figures(catalog: Catalog, cut: Period) -> dict[str, dict[str, dict[int, float]]]:
    """Per code: accumulated value, accumulated target and the three percentages per year."""
    from data.progress import build_progress_cube

    reports = catalog.reports[[Period(int(y), int(q)) <= cut for y, q in
                               zip(catalog.reports["year"], catalog.reports["quarter"],
                                   strict=True)]]
    cube = build_progress_cube(replace(catalog, reports=reports), cut)
    out: dict[str, dict[str, dict[int, float]]] = {}
    for code in catalog.indicators["code"]:
        i = cube.position(code)
        figures: dict[str, dict[int, float]] = {k: {} for k in
                                                ("acc", "ma", "vig", "phv", "paf")}
        kind = catalog.indicators.set_index("code").loc[code, "annualisation"]
        for y, year in enumerate(YEARS):
            if year > cut.year:
                break
            period = Period(year, 4) if year < cut.year else cut
            t = period.index
            quarters = cube.reports[i, 0, y * 4:t + 1] if year == cut.year else \
                cube.reports[i, 0, y * 4:y * 4 + 4]
            if not np.isnan(quarters).all():
                figures["acc"][year] = float(np.nansum(quarters)) if kind == "SUMA" else \
                    float(quarters[~np.isnan(quarters)][-1])
            figures["ma"][year] = float(cube.ma[i, 0, t])
            for name in ("phv", "paf"):
                figures[name][year] = float(getattr(cube, name)[i, 0, t])
            target = cube.targets[i, 0, y]
            if year in figures["acc"] and target and not np.isnan(target):
                figures["vig"][year] = figures["acc"][year] / target
        out[code] = figures
    return out


def followup_grid(catalog: Catalog, year: int, semester: int) -> tuple[Grid, Grid]:
    """The *Avance Cuantitativo* and *Avance Cualitativo* sheets of one semester."""
    cut = Period(year, 2 * semester)
    entities = dict(zip(catalog.entities["entity_id"], catalog.entities["name"], strict=True))
    figures = _figures(catalog, cut)
    targets = _targets_of(catalog)
    city = catalog.reports[catalog.reports["locality_code"] == CITYWIDE]
    reports = {(c, int(y), int(q)): (float(v), str(t)) for c, y, q, v, t in
               zip(city["code"], city["year"], city["quarter"], city["value"], city["text"],
                   strict=True) if Period(int(y), int(q)) <= cut}
    quant, qual = Grid(), Grid()
    title = ("SEGUIMIENTO A PRODUCTOS – POLÍTICA PÚBLICA BOGOTÁ TERRITORIO INTELIGENTE "
             f"(EJEMPLO) – {year} semestre {semester}")
    quant.put(1, 1, title)
    qual.put(1, 1, title)
    for c, text in enumerate(_ID_HEADERS, start=1):
        quant.put(3, c, text)
        quant.merge(3, c, 5, c)
    column = len(_ID_HEADERS) + 1
    starts: dict[str, int] = {}
    for block in _BLOCKS:
        starts[block] = column
        width = 40 if block == "Avance y seguimiento" else \
            11 if block == "Metas programadas" else 10
        quant.put(3, column, block)
        quant.merge(3, column, 3, column + width - 1)
        if block == "Avance y seguimiento":
            for y, yr in enumerate(YEARS):
                quant.put(4, column + 4 * y, yr)
                quant.merge(4, column + 4 * y, 4, column + 4 * y + 3)
                for q in range(4):
                    quant.put(5, column + 4 * y + q, f"T{q + 1}")
        else:
            for y, yr in enumerate(YEARS):
                quant.put(4, column + y, yr)
            if block == "Metas programadas":
                quant.put(4, column + 10, "Meta final")
        column += width
    for c, text in enumerate(("Indicador esperado", "Nombre del indicador", "Entidad"),
                             start=1):
        qual.put(3, c, text)
        qual.merge(3, c, 5, c)
    for b, block in enumerate(("Avance cualitativo", "Avance en los enfoques")):
        start = 4 + 40 * b
        qual.put(3, start, block)
        qual.merge(3, start, 3, start + 39)
        for y, yr in enumerate(YEARS):
            qual.put(4, start + 4 * y, yr)
            qual.merge(4, start + 4 * y, 4, start + 4 * y + 3)
            for q in range(4):
                qual.put(5, start + 4 * y + q, f"T{q + 1}")
    row = 6
    for ind in catalog.indicators.itertuples(index=False):
        unit = str(ind.unit)
        ids = ("Vigente" if ind.in_force else "No vigente", ind.code, ind.name, "—",
               entities.get(ind.entity_id, ind.entity_id), None, None, ind.annualisation,
               ind.periodicity.capitalize(), "2023-06-01", "2032-12-31", f"Q{cut.quarter}",
               year)
        for c, value in enumerate(ids, start=1):
            quant.put(row, c, value)
        quant.put(row, 6, float(ind.weight) / 100, percent=True)
        if not math.isnan(ind.baseline):
            _number(quant, row, 7, ind.baseline, unit)
        for c, value in enumerate((ind.code, ind.name, entities.get(ind.entity_id, "")),
                                  start=1):
            qual.put(row, c, value)
        figure = figures[ind.code]
        for y, yr in enumerate(YEARS):
            for q in range(1, 5):
                found = reports.get((ind.code, yr, q))
                if found is None:
                    continue
                col = starts["Avance y seguimiento"] + 4 * y + q - 1
                _number(quant, row, col, found[0], unit)
                qual.put(row, 4 + 4 * y + q - 1, found[1] or None)
                if q in (2, 4) and found[1]:
                    qual.put(row, 44 + 4 * y + q - 1, "Enfoque territorial: acciones en "
                                                      "las 20 localidades.")
            if yr in figure["acc"]:
                _number(quant, row, starts["Avance acumulado"] + y, figure["acc"][yr], unit)
            number, text = targets.get(ind.code, {}).get(yr, (float("nan"), ""))
            value, percent = _target(number, text, unit)
            quant.put(row, starts["Metas programadas"] + y, value, percent=percent)
            if yr in figure["ma"]:
                _number(quant, row, starts["Meta acumulada"] + y, figure["ma"][yr], unit)
            for block, name in (("% meta programada de la vigencia", "vig"),
                                ("% meta acumulada hasta la vigencia", "phv"),
                                ("% meta final", "paf")):
                if yr in figure[name] and not math.isnan(figure[name][yr]):
                    quant.put(row, starts[block] + y, round(figure[name][yr], 6),
                              percent=True)
        final, percent = _target(ind.final_target, ind.final_target_text, unit)
        quant.put(row, starts["Metas programadas"] + 10, final, percent=percent)
        row += 1
    return quant, qual


def _number(grid: Grid, row: int, column: int, value: float, unit: str) -> None:
    number, percent = _cell(value, unit)
    grid.put(row, column, number, percent=percent)


def write_followup(catalog: Catalog, path: str | os.PathLike[str], *, year: int = 2026,
                   semester: int = 1) -> Path:
    """Write the follow-up of ``year``/``semester`` as ``.xlsx`` or ``.xlsb`` (by suffix)."""
    quant, qual = followup_grid(catalog, year, semester)
    sheets = {_QUANTITATIVE: quant, _QUALITATIVE: qual}
    path = Path(path)
    if path.suffix.lower() == ".xlsb":
        from data.workbooks.xlsb_writer import XlsbCell, write_xlsb

        def rows(grid: Grid) -> list[list[object]]:
            height = max((r for r, _ in grid.cells), default=0)
            width = max((c for _, c in grid.cells), default=0)
            out = [[None] * width for _ in range(height)]
            for (r, c), value in grid.cells.items():
                out[r - 1][c - 1] = XlsbCell(value, percent=True) if (r, c) in grid.percent \
                    else value
            return out

        return _atomic(path, write_xlsb({t: rows(g) for t, g in sheets.items()}))
    return _save_xlsx(sheets, path)


# ---------------------------------------------------------------- saving


def _atomic(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; this is a plain output file
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def workbook_bytes(sheets: Mapping[str, Grid]) -> bytes:
    """An ``.xlsx`` with ``sheets`` (title -> :class:`Grid`): % cells as ``0.00%``, merges."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, grid in sheets.items():
        sheet = book.create_sheet(title)
        for (r, c), value in sorted(grid.cells.items()):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if (r, c) in grid.percent:
                cell.number_format = "0.00%"
        for r1, c1, r2, c2 in grid.merges:
            sheet.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
            sheet.cell(row=r1, column=c1).alignment = Alignment(vertical="top", wrap_text=True)
        for column, width in grid.widths.items():
            sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width = width
        if title == "Plan de acción":
            for r in range(_HEADER_TOP, _HEADER_LEAF + 1):
                for c in range(1, sheet.max_column + 1):
                    sheet.cell(row=r, column=c).font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _save_xlsx(sheets: Mapping[str, Grid], path: Path) -> Path:
    return _atomic(path, workbook_bytes(sheets))


def main(argv: list[str] | None = None) -> int:
    """Command line: write the example plan, axis file and follow-ups into a folder."""
    from data.illustrative import build_illustrative_catalog

    parser = argparse.ArgumentParser(
        prog="python -m data.workbooks.example",
        description="Escribe un plan de acción y un seguimiento de ejemplo en el formato de la "
                    "SDP (datos inventados del catálogo ilustrativo).")
    parser.add_argument("out", type=Path, help="carpeta de salida")
    parser.add_argument("--anio", type=int, default=2026, help="año del seguimiento")
    parser.add_argument("--semestre", type=int, choices=(1, 2), default=1)
    args = parser.parse_args(argv)
    catalog = build_illustrative_catalog()
    written = [write_plan(catalog, args.out / "plan_de_accion.xlsx"),
               write_axes_file(catalog, args.out / "ejes_indicadores.csv")]
    stem = f"seguimiento_{args.anio}_S{args.semestre}"
    for suffix in (".xlsx", ".xlsb"):
        written.append(write_followup(catalog, args.out / f"{stem}{suffix}", year=args.anio,
                                      semester=args.semestre))
    for path in written:
        print(f"Escrito {path}")
    print(f"Pruebe: BOGOTA_TI_MATRIX={written[0]} python -m app")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
