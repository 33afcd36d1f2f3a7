"""The entities' quarterly template: what it holds, and the round trip through parse_report."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from data.reports import ReportError, parse_report, preview_changes
from data.workbooks.template import DATA_SHEET, HEADERS, INSTRUCTIONS_SHEET, write_template

TODAY = date(2026, 11, 5)


@pytest.fixture(scope="module")
def sdm_template(catalog):
    return write_template(catalog, "sdm", 2026)


def book_of(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def parse(content: bytes, catalog, entity="sdm"):
    return parse_report(content, "plantilla.xlsx", catalog, entity, today=TODAY)


def save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def data_rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(min_row=6, values_only=True) if row[0]]


def test_instructions_come_first(sdm_template):
    book = book_of(sdm_template)
    assert book.sheetnames[:2] == [INSTRUCTIONS_SHEET, DATA_SHEET]
    assert book.active.title == INSTRUCTIONS_SHEET
    text = "\n".join(str(c.value) for c in book[INSTRUCTIONS_SHEET]["A"] if c.value)
    assert "Secretaría Distrital de Movilidad — 2026" in text
    assert "Valor T1" in text and "trimestres terminados" in text
    assert book["Listas"].sheet_state == "hidden"


def test_one_row_per_in_force_indicator_and_locality(catalog, sdm_template):
    sheet = book_of(sdm_template)[DATA_SHEET]
    assert [c.value for c in sheet[5]] == list(HEADERS)
    rows = data_rows(sheet)
    indicators = catalog.indicators
    own = indicators[(indicators["entity_id"] == "sdm") & indicators["in_force"]]
    results = catalog.results[catalog.results["entity_id"] == "sdm"]
    expected = len(results) + sum(21 if by else 1 for by in own["by_locality"])
    assert len(rows) == expected
    codes = {row[0] for row in rows}
    assert codes == set(own["code"]) | set(results["code"])
    by_locality = own[own["by_locality"]]["code"].iloc[0]
    places = [row[2] for row in rows if row[0] == by_locality]
    assert places == [None] + [f"{n:02d}" for n in range(1, 21)]
    names = [row[3] for row in rows if row[0] == by_locality]
    assert names[0] == "Bogotá D.C." and names[8] == "Kennedy"


def test_published_values_are_pre_filled(catalog, sdm_template):
    rows = data_rows(book_of(sdm_template)[DATA_SHEET])
    reports = catalog.reports.set_index(["code", "locality_code", "year", "quarter"])
    row = next(r for r in rows if r[2] is None and (r[0], "00", 2026, 3) in reports.index)
    expected = reports.loc[(row[0], "00", 2026, 3)]
    assert row[4] == 2026 and row[12] == expected["value"]
    assert (row[13] or "") == expected["text"]


def test_validation_on_codes_localities_years_and_numbers(sdm_template):
    sheet = book_of(sdm_template)[DATA_SHEET]
    kinds = {v.type: str(v.sqref) for v in sheet.data_validations.dataValidation}
    assert set(kinds) == {"list", "whole", "decimal", "textLength"}
    decimal = next(v for v in sheet.data_validations.dataValidation if v.type == "decimal")
    assert decimal.operator == "greaterThanOrEqual" and decimal.formula1 == "0"
    assert "I6:" in str(decimal.sqref) and "O6:" in str(decimal.sqref)
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert {v.formula1.split("!")[0] for v in lists} == {"=Listas"}


def test_quarters_the_periodicity_does_not_report_are_shaded(catalog, sdm_template):
    sheet = book_of(sdm_template)[DATA_SHEET]
    annual = next(r for r in range(6, sheet.max_row + 1)
                  if sheet.cell(row=r, column=6).value == "anual")
    assert sheet.cell(row=annual, column=9).fill.fgColor.rgb.endswith("DDDDDD")
    assert sheet.cell(row=annual, column=15).fill.fill_type is None


def test_an_unchanged_template_changes_nothing(catalog, sdm_template):
    parsed = parse(sdm_template, catalog)
    assert parsed.file_format == "xlsx" and len(parsed.reports) > 0
    assert set(preview_changes(catalog, parsed)["change"]) == {"same"}


def test_a_filled_template_uploads_as_it_is(catalog, sdm_template):
    book = book_of(sdm_template)
    sheet = book[DATA_SHEET]
    reports = catalog.reports.set_index(["code", "locality_code", "year", "quarter"])
    free = next(r for r in range(6, sheet.max_row + 1)
                if sheet.cell(row=r, column=6).value == "trimestral"
                and (sheet.cell(row=r, column=1).value,
                     sheet.cell(row=r, column=3).value or "00", 2026, 2) not in reports.index)
    code = sheet.cell(row=free, column=1).value
    place = sheet.cell(row=free, column=3).value or "00"
    sheet.cell(row=free, column=11, value=12.5)
    sheet.cell(row=free, column=12, value="Se instalaron 12 equipos.")
    parsed = parse(save(book), catalog)
    preview = preview_changes(catalog, parsed)
    new = preview[preview["change"] == "new"]
    assert new[["code", "locality_code", "year", "quarter", "new_value", "new_text"]] \
        .values.tolist() == [[code, place, 2026, 2, 12.5, "Se instalaron 12 equipos."]]


def test_all_entities_without_one(catalog):
    book = book_of(write_template(catalog, None, 2025))
    rows = data_rows(book[DATA_SHEET])
    assert {row[0] for row in rows} == set(catalog.indicators.loc[
        catalog.indicators["in_force"], "code"]) | set(catalog.results["code"])
    assert book[DATA_SHEET]["B2"].value == "todas"


def _filled(sdm_template, *cells):
    book = book_of(sdm_template)
    sheet = book[DATA_SHEET]
    for ref, value in cells:
        sheet[ref] = value
    return save(book)


@pytest.mark.parametrize("cells, where, fragment", [
    ((("O6", 3), ("P6", "Avance")), "O6", "el trimestre 2026-T4 aún no termina"),
    ((("M6", "=1+2"),), "M6", "la celda contiene una fórmula"),
    ((("N6", "-Retraso"), ("M6", 1)), "N6", "empieza con =, +, - o @"),
    ((("M6", "mucho"),), "M6", "no es un número"),
    ((("A6", "9.9.9"), ("M6", 2)), "A6", "no es el código de un resultado ni de un indicador"),
    ((("E6", 2019), ("M6", 2)), "E6", "el año debe estar entre 2023 y 2032"),
])
def test_mistakes_name_sheet_and_cell(catalog, sdm_template, cells, where, fragment):
    with pytest.raises(ReportError) as caught:
        parse(_filled(sdm_template, *cells), catalog)
    located = [i for i in caught.value.issues if i.cell == where]
    assert located and any(fragment in i.message for i in located), \
        [str(i) for i in caught.value.issues]
    assert all(i.message.startswith(f"hoja «{DATA_SHEET}», celda {where}: ") for i in located)


def test_another_entity_uploading_it_is_403(catalog, sdm_template):
    with pytest.raises(ReportError) as caught:
        parse(sdm_template, catalog, entity="sda")
    assert caught.value.status == 403
    first = caught.value.issues[0]
    assert first.cell.startswith("A") and first.column == "codigo"
    assert first.message.startswith(f"hoja «{DATA_SHEET}», celda {first.cell}: el indicador ")
    assert "(sdm), no de «Secretaría Distrital de Ambiente» (sda)" in first.message


def test_a_text_without_its_value_is_a_warning(catalog, sdm_template):
    parsed = parse(_filled(sdm_template, ("P7", "Sin valor todavía")), catalog)
    assert any(w.cell == "P7" and "no se publica sin su valor" in w.message
               for w in parsed.warnings)


def test_renamed_headers_are_refused(catalog, sdm_template):
    with pytest.raises(ReportError) as caught:
        parse(_filled(sdm_template, ("K5", "T2")), catalog)
    assert "falta la columna «Valor T2»" in caught.value.issues[0].message
    assert caught.value.issues[0].message.startswith(f"hoja «{DATA_SHEET}», fila 5")
