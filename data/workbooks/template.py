"""The quarterly report template for the entities (``GET /plantillas/seguimiento.xlsx``).

:func:`write_template` writes an ``.xlsx`` with:

* sheet **Instrucciones** (first): what to fill, the rules of the upload, the
  entity's codes;
* sheet **Reporte trimestral**: rows 1-3 say which entity and year it is for;
  row 5 holds the headers and row 6 on one row per in-force indicator (and
  result) of the entity, and per locality for those reported by locality:
  «Código», «Indicador», «Localidad» (empty: the whole city), «Nombre de la
  localidad», «Año», «Periodicidad», «Unidad», «Meta del año», then «Valor T1»,
  «Texto T1» … «Valor T4», «Texto T4». The quarters already published that
  year are pre-filled (uploading the template unchanged changes nothing);
  quarters the periodicity does not report are shaded. Codes, localities and
  years have list/range validation, values must be numbers ≥ 0 (≤ 100 for %);
* sheet **Listas** (hidden): the lists the validation uses.

:func:`template_rows` reads a filled template back (by its header texts, not
positions) into report rows, which :func:`data.workbooks.upload.check_rows`
checks as any upload.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from data.catalog import Catalog
from data.issues import Issue
from data.names import LOCALITY_NAMES
from data.schema import CITYWIDE, FIRST_YEAR, LAST_YEAR, LOCALITY_CODES
from data.validation import cell_text
from data.workbooks.sheets import Sheet, find_sheet, text_key

__all__ = [
    "DATA_SHEET",
    "HEADERS",
    "INSTRUCTIONS_SHEET",
    "template_rows",
    "template_series",
    "write_template",
]

DATA_SHEET = "Reporte trimestral"
INSTRUCTIONS_SHEET = "Instrucciones"
_LISTS_SHEET = "Listas"
HEADERS = ("Código", "Indicador", "Localidad", "Nombre de la localidad", "Año", "Periodicidad",
           "Unidad", "Meta del año", "Valor T1", "Texto T1", "Valor T2", "Texto T2",
           "Valor T3", "Texto T3", "Valor T4", "Texto T4")
_HEADER_ROW = 5  # 1-based
_REPORTED_IN = {"trimestral": (1, 2, 3, 4), "semestral": (2, 4), "anual": (4,)}


def template_series(catalog: Catalog, entity_id: str | None) -> pd.DataFrame:
    """The rows of a template: in-force results and indicators of ``entity_id`` (all: None).

    Columns ``code, name, locality_code, periodicity, unit``; indicators reported by
    locality get the city's row and one row per locality.
    """
    rows = []
    for table, kind in ((catalog.results, "result"), (catalog.indicators, "indicator")):
        chosen = table[table["in_force"]]
        if entity_id is not None:
            chosen = chosen[chosen["entity_id"] == entity_id]
        for item in chosen.itertuples(index=False):
            by_locality = bool(getattr(item, "by_locality", False))
            for place in (CITYWIDE, *(LOCALITY_CODES if by_locality else ())):
                rows.append({"code": item.code, "name": item.name, "locality_code": place,
                             "periodicity": item.periodicity, "unit": item.unit,
                             "kind": kind})
    frame = pd.DataFrame(rows, columns=["code", "name", "locality_code", "periodicity", "unit",
                                        "kind"])
    order = frame["code"].map(lambda c: tuple(int(p) for p in str(c).split(".")))
    return frame.assign(_order=order).sort_values(["_order", "locality_code"], kind="stable") \
        .drop(columns="_order").reset_index(drop=True)


def write_template(catalog: Catalog, entity_id: str | None, year: int) -> bytes:
    """The template of ``entity_id`` (all entities: None) for ``year``, as ``.xlsx`` bytes."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    series = template_series(catalog, entity_id)
    entities = dict(zip(catalog.entities["entity_id"], catalog.entities["name"], strict=True))
    who = entities.get(entity_id, entity_id) if entity_id else "todas las entidades"
    names = LOCALITY_NAMES
    targets = catalog.targets[catalog.targets["year"] == year]
    target_of = {(c, p): (t, x) for c, p, t, x in zip(
        targets["code"], targets["locality_code"], targets["target"], targets["target_text"],
        strict=True)}
    reports = catalog.reports[catalog.reports["year"] == year]
    report_of = {(c, p, int(q)): (v, t) for c, p, q, v, t in zip(
        reports["code"], reports["locality_code"], reports["quarter"], reports["value"],
        reports["text"], strict=True)}

    book = openpyxl.Workbook()
    guide = book.active
    guide.title = INSTRUCTIONS_SHEET
    sheet = book.create_sheet(DATA_SHEET)
    lists = book.create_sheet(_LISTS_SHEET)
    lists.sheet_state = "hidden"
    bold = Font(bold=True)

    lines = [
        (f"Plantilla de seguimiento trimestral — {who} — {year}", True),
        ("", False),
        (f"Escriba los avances en la hoja «{DATA_SHEET}», una fila por indicador y lugar "
         "(la localidad vacía es toda la ciudad).", False),
        ("1. Escriba el valor alcanzado en la columna «Valor T1» … «Valor T4» del trimestre "
         "que reporta: solo la cifra, sin unidades ni %; con coma o punto decimal. Si la "
         "unidad es %, escriba 45,5 para 45,5 %.", False),
        ("2. En «Texto T1» … «Texto T4» escriba qué se hizo y, si hubo retraso, por qué (el "
         "método de seguimiento lo exige cuando el semáforo queda en rojo o amarillo). No "
         "empiece el texto con =, +, - ni @.", False),
        ("3. Reporte solo trimestres terminados (hora de Bogotá) y solo los indicadores de su "
         "entidad; los trimestres sombreados no corresponden a la periodicidad del "
         "indicador.", False),
        ("4. No cambie los encabezados ni los códigos; puede borrar filas que no reporta. No "
         "use fórmulas: escriba los valores.", False),
        ("5. Cargue el archivo en /subir/ (o con POST /api/reportes) con el token de su "
         "entidad: verá una vista previa (nuevo / cambia / sin cambio) antes de publicar. Si "
         "algo está mal, nada se publica y el mensaje dice la hoja y la celda.", False),
        ("", False),
        ("Los valores ya publicados de este año vienen escritos: si los deja igual, no "
         "cambian.", False),
        ("", False),
        ("Códigos de esta plantilla:", True),
    ]
    for code, name in series.drop_duplicates("code")[["code", "name"]].itertuples(index=False):
        lines.append((f"{code}  {name}", False))
    for r, (text, strong) in enumerate(lines, start=1):
        cell = guide.cell(row=r, column=1, value=text)
        cell.data_type = "s"
        if strong:
            cell.font = bold
    guide.column_dimensions["A"].width = 120

    sheet.cell(row=1, column=1, value="Reporte trimestral de avance").font = bold
    sheet.cell(row=2, column=1, value="Entidad:")
    sheet.cell(row=2, column=2, value=entity_id or "todas").data_type = "s"
    sheet.cell(row=2, column=3, value=who).data_type = "s"
    sheet.cell(row=3, column=1, value="Año:")
    sheet.cell(row=3, column=2, value=year)
    for c, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=_HEADER_ROW, column=c, value=header)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    grey = PatternFill("solid", fgColor="DDDDDD")
    first = _HEADER_ROW + 1
    for r, item in enumerate(series.itertuples(index=False), start=first):
        place = "" if item.locality_code == CITYWIDE else item.locality_code
        target = target_of.get((item.code, item.locality_code))
        shown = None
        if target is not None:
            shown = target[1] if isinstance(target[0], float) and math.isnan(target[0]) \
                else float(target[0])
        values = [item.code, item.name, place,
                  "Bogotá D.C." if not place else names.get(place, place), year,
                  item.periodicity, item.unit, shown]
        for c, value in enumerate(values, start=1):
            if value is None or value == "":
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
        for c in (1, 3):
            sheet.cell(row=r, column=c).number_format = "@"
        for quarter in (1, 2, 3, 4):
            value_col, text_col = 7 + 2 * quarter, 8 + 2 * quarter
            found = report_of.get((item.code, item.locality_code, quarter))
            if found is not None:
                sheet.cell(row=r, column=value_col, value=float(found[0]))
                if found[1]:
                    sheet.cell(row=r, column=text_col, value=found[1]).data_type = "s"
            if quarter not in _REPORTED_IN.get(item.periodicity, (1, 2, 3, 4)):
                sheet.cell(row=r, column=value_col).fill = grey
                sheet.cell(row=r, column=text_col).fill = grey
    last = max(first, first + len(series) - 1)
    widths = (10, 48, 10, 22, 7, 12, 14, 14) + (10, 40) * 4
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = sheet.cell(row=first, column=3)

    codes = list(dict.fromkeys(series["code"]))
    for r, code in enumerate(codes, start=1):
        lists.cell(row=r, column=1, value=code).data_type = "s"
    for r, code in enumerate(LOCALITY_CODES, start=1):
        lists.cell(row=r, column=2, value=code).data_type = "s"
    checks = [
        DataValidation(type="list", formula1=f"={_LISTS_SHEET}!$A$1:$A${max(len(codes), 1)}",
                       allow_blank=False, showErrorMessage=True,
                       errorTitle="Código no válido",
                       error="Elija un código de la lista (los indicadores de la plantilla).",
                       sqref=f"A{first}:A{last}"),
        DataValidation(type="list", formula1=f"={_LISTS_SHEET}!$B$1:$B$20", allow_blank=True,
                       showErrorMessage=True, errorTitle="Localidad no válida",
                       error="Escriba 01 a 20, o deje vacío para toda la ciudad.",
                       sqref=f"C{first}:C{last}"),
        DataValidation(type="whole", operator="between", formula1=str(FIRST_YEAR),
                       formula2=str(LAST_YEAR), showErrorMessage=True,
                       errorTitle="Año no válido",
                       error=f"El año va de {FIRST_YEAR} a {LAST_YEAR}.",
                       sqref=f"E{first}:E{last}"),
    ]
    value_cells = " ".join(f"{get_column_letter(7 + 2 * q)}{first}:"
                           f"{get_column_letter(7 + 2 * q)}{last}" for q in (1, 2, 3, 4))
    checks.append(DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                                 allow_blank=True, showErrorMessage=True,
                                 errorTitle="Valor no válido",
                                 error="Escriba solo la cifra (0 o más), sin unidades ni %.",
                                 sqref=value_cells))
    text_cells = " ".join(f"{get_column_letter(8 + 2 * q)}{first}:"
                          f"{get_column_letter(8 + 2 * q)}{last}" for q in (1, 2, 3, 4))
    checks.append(DataValidation(type="textLength", operator="lessThanOrEqual",
                                 formula1="4000", allow_blank=True, showErrorMessage=True,
                                 errorTitle="Texto demasiado largo",
                                 error="Máximo 4.000 caracteres.", sqref=text_cells))
    for check in checks:
        sheet.add_data_validation(check)
    book.active = book.index(guide)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- reading back


_FIELDS = {"codigo": "codigo", "localidad": "localidad", "ano": "anio"}


def _header_row(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    for r in range(min(sheet.n_rows, 20)):
        keys = {sheet.key(r, c): c for c in range(len(sheet.cells[r])) if sheet.key(r, c)}
        if "codigo" in keys and "valor t1" in keys:
            return r, keys
    return None


def template_rows(sheets: Mapping[str, Sheet], name: str) -> tuple[list, list[Issue]]:
    """Report rows of a filled template (one per value written) and the warnings.

    Returns
    -------
    (list of data.workbooks.upload.SourceRow, list of Issue)

    Raises
    ------
    data.reports.ReportError
        When the sheet or its headers are missing.
    """
    from data.reports import ReportError
    from data.workbooks.upload import SourceRow

    title = find_sheet(sheets, DATA_SHEET)
    found = None
    if title is not None:
        found = _header_row(sheets[title])
    if found is None:
        for candidate, sheet in sheets.items():
            found = _header_row(sheet)
            if found is not None:
                title = candidate
                break
    if found is None:
        raise ReportError([Issue(name, None, None, None,
                                 f"no se encontró la hoja «{DATA_SHEET}» con los encabezados "
                                 "«Código» y «Valor T1» … «Texto T4»; descargue de nuevo la "
                                 "plantilla de /plantillas/seguimiento.xlsx.")], name)
    sheet = sheets[title]
    header, keys = found
    missing = [h for h in ("Código", "Localidad", "Año", "Valor T1", "Valor T2", "Valor T3",
                           "Valor T4") if text_key(h) not in keys]
    if missing:
        shown = ", ".join(f"«{sheet.text(header, c)}»" for c in sorted(keys.values()))
        raise ReportError([Issue(name, header + 1, missing[0], None,
                                 f"hoja «{sheet.title}», fila {header + 1}: falta la columna "
                                 f"«{missing[0]}»; encabezados encontrados: {shown}. No cambie "
                                 "los encabezados de la plantilla.")], name)
    code_c, place_c, year_c = keys["codigo"], keys["localidad"], keys["ano"]
    rows: list = []
    warnings: list[Issue] = []
    for r in range(header + 1, sheet.n_rows):
        for quarter in (1, 2, 3, 4):
            value_c = keys[f"valor t{quarter}"]
            text_c = keys.get(f"texto t{quarter}")
            value = sheet.get(r, value_c)
            text = sheet.get(r, text_c) if text_c is not None else None
            if sheet.blank(r, value_c):
                if text_c is not None and not sheet.blank(r, text_c):
                    warnings.append(sheet.issue(
                        r, text_c, f"{sheet.where(r, text_c)}: hay texto en «Texto "
                                   f"T{quarter}» pero «Valor T{quarter}» está vacío; el texto "
                                   "no se publica sin su valor.", header="texto",
                        warning=True))
                continue
            place = sheet.get(r, place_c)
            cells = {"codigo": (sheet, r, code_c), "anio": (sheet, r, year_c),
                     "trimestre": (sheet, r, value_c), "localidad": (sheet, r, place_c),
                     "valor": (sheet, r, value_c),
                     "texto": (sheet, r, text_c if text_c is not None else value_c)}
            formula = frozenset(f for f, c in (("valor", value_c), ("texto", text_c))
                                if c is not None and (r, c) in sheet.formulas)
            rows.append(SourceRow(sheet.get(r, code_c), sheet.get(r, year_c), quarter,
                                  "" if place is None else cell_text(place), value,
                                  "" if text is None else (text if isinstance(text, str)
                                                           else cell_text(text)),
                                  cells, formula))
    return rows, [replace(i, file=name) for i in warnings]
