"""Grids of cells from XLSX and XLSB, the guards before reading, and sniffing by content."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import openpyxl
import pytest
from pyxlsb import open_workbook

from data.issues import CatalogError
from data.workbooks.sheets import (
    FOLLOWUP,
    MATRIX,
    PLAN,
    REPORT,
    TEMPLATE,
    Sheet,
    column_letter,
    find_sheet,
    read_book,
    sniff,
    split_code,
    text_key,
    workbook_format,
)
from data.workbooks.xlsb_writer import XlsbCell, write_xlsb
from tests.report_files import xlsx_bytes


@pytest.mark.parametrize("text, key", [
    ("Importancia relativa  del\nresultado (%)", "importancia relativa del resultado %"),
    (" Vigente/No Vigente ", "vigente no vigente"),
    ("AÑO", "ano"), ("% meta final", "% meta final"), (2026.0, "2026"), (None, ""),
])
def test_text_key(text, key):
    assert text_key(text) == key


@pytest.mark.parametrize("cell, parts, expected", [
    ("1. Cerrar la brecha", 1, ("1", "Cerrar la brecha")),
    ("1 . 1 Conectividad", 2, ("1.1", "Conectividad")),
    ("6 . 1 . 03 - Semáforos", 3, ("6.1.3", "Semáforos")),
    ("Objetivo específico 2: Mover", 1, ("2", "Mover")),
    ("1.1.1", (2, 3), ("1.1.1", "")),
    ("1.1 Conectividad", 1, None),
    ("Conectividad", None, None),
    ("2023 fue el año", None, None),
])
def test_split_code(cell, parts, expected):
    assert split_code(cell, parts) == expected


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == [
        "A", "Z", "AA", "AZ", "ZZ", "AAA"]


def test_find_sheet_exact_then_normalised_then_prefix():
    assert find_sheet(["Plan de acción", "PLAN DE ACCION"], "Plan de acción") == \
        "Plan de acción"
    assert find_sheet(["Notas", "plan de accion "], "Plan de acción") == "plan de accion "
    assert find_sheet(["Plan de acción v4"], "Plan de acción") == "Plan de acción v4"
    assert find_sheet(["Plan de acción v4"], "Plan de acción", prefix=False) is None


def test_merged_cells_filled_with_their_value():
    sheet = Sheet("h", "f.xlsx", [["a", None], [None, None]], percent={(0, 0)},
                  merged=((0, 0, 1, 1),)).fill_merged()
    assert sheet.cells == [["a", "a"], ["a", "a"]]
    assert sheet.percent == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert sheet.filled == {(0, 1), (1, 0), (1, 1)}
    assert sheet.where(1, 1) == "hoja «h», celda B2"


# ---------------------------------------------------------------- XLSB


def test_the_writer_makes_what_pyxlsb_reads(tmp_path):
    content = write_xlsb({"Datos": [["Código", "Valor", None, "Año"],
                                    ["1.1.1", 3.5, XlsbCell(0.25, percent=True), 2026],
                                    [None, True, XlsbCell(error="#DIV/0!"),
                                     XlsbCell(0.9, formula=True)]],
                          "Otra": [["ñandú €"]]})
    path = tmp_path / "a.xlsb"
    path.write_bytes(content)
    with open_workbook(str(path)) as book:
        assert book.sheets == ["Datos", "Otra"]
        with book.get_sheet(1) as sheet:
            rows = [[c.v for c in row] for row in sheet.rows()]
    assert rows == [["Código", "Valor", None, "Año"], ["1.1.1", 3.5, 0.25, 2026.0],
                    [None, True, "0x7", 0.9]]
    assert write_xlsb({"Datos": [["x"]]}) == write_xlsb({"Datos": [["x"]]})  # deterministic


def test_xlsb_grid_keeps_percent_formats_formulas_and_errors():
    content = write_xlsb({"Datos": [["a", XlsbCell(0.5, percent=True)],
                                    [XlsbCell(2.0, formula=True), XlsbCell(error="#N/A")]]})
    sheet = read_book(content, "a.xlsb", "xlsb")["Datos"]
    assert sheet.cells == [["a", 0.5], [2.0, "#N/A"]]
    assert sheet.percent == {(0, 1)} and sheet.formulas == {(1, 0)}


def test_xlsx_grid_keeps_percent_formats_and_formulas():
    book = openpyxl.Workbook()
    book.active.title = "Datos"
    book.active["A1"] = 0.5
    book.active["A1"].number_format = '0.0" %"'  # a literal % is not a percentage
    book.active["B1"] = 0.25
    book.active["B1"].number_format = "0%"
    book.active["C1"] = "=B1*2"
    book.active["D1"] = datetime(2026, 3, 31)
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = read_book(buffer.getvalue(), "a.xlsx", "xlsx", values=False)["Datos"]
    assert sheet.percent == {(0, 1)} and sheet.formulas == {(0, 2)}
    assert sheet.text(0, 3) == "2026-03-31"


def test_xlsb_rows_beyond_the_limit_are_refused(monkeypatch):
    import data.workbooks.sheets as sheets

    monkeypatch.setattr(sheets, "MAX_ROWS", 3)
    content = write_xlsb({"Datos": [[n] for n in range(5)]})
    with pytest.raises(CatalogError) as caught:
        read_book(content, "a.xlsb", "xlsb")
    assert "la hoja «Datos» tiene 5 filas (máximo 3)" in str(caught.value)


# ---------------------------------------------------------------- sniffing


def test_sniff_by_sheet_names_then_strings():
    assert sniff(xlsx_bytes([["x"]], sheet="avances"), "xlsx") == REPORT
    assert sniff(xlsx_bytes([["x"]], sheet="objetivos",
                            others={"indicadores": [], "resultados": [], "avances": []}),
                 "xlsx") == MATRIX
    assert sniff(xlsx_bytes([["x"]], sheet="Avance cuantitativo"), "xlsx") == FOLLOWUP
    assert sniff(xlsx_bytes([["x"]], sheet="Reporte trimestral"), "xlsx") == TEMPLATE
    assert sniff(xlsx_bytes([["x"]], sheet="PLAN DE ACCIÓN 2026"), "xlsx") == PLAN
    renamed = xlsx_bytes([["Resultado esperado", "Producto  esperado"]], sheet="Hoja1")
    assert sniff(renamed, "xlsx") == PLAN
    blocks = write_xlsb({"Hoja1": [[None, "AVANCE Y SEGUIMIENTO"]]})
    assert sniff(blocks, "xlsb") == FOLLOWUP
    assert sniff(xlsx_bytes([["codigo", "valor"]]), "xlsx") is None
    assert sniff(b"PK\x03\x04 broken", "xlsx") is None


def test_workbook_format_by_content():
    assert workbook_format(xlsx_bytes([["a"]])) == "xlsx"
    assert workbook_format(write_xlsb({"a": [["a"]]})) == "xlsb"
    assert workbook_format(b"codigo,anio\n") is None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("otra/cosa.txt", "x")
    assert workbook_format(buffer.getvalue()) is None
