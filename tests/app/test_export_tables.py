"""Tests of app/exports/tables.py: the data behind a view, CSV/XLSX, injection-safe."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pandas as pd
import pytest
from openpyxl import load_workbook

from app.exports.tables import (
    metadata_rows,
    neutralise,
    to_csv_bytes,
    to_xlsx_bytes,
    view_tables,
)
from data.schema import LOCALITY_CODES
from tests.conftest import tiny_catalog
from view.model import resolve_view
from view.state import ViewState

NAMES = {code: f"Localidad {code}" for code in LOCALITY_CODES} | {"01": "Usaquén",
                                                                  "02": "Los Mártires"}
INJECTED = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _csv_rows(data: bytes, delimiter: str = ",") -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _table_part(rows: list[list[str]]) -> list[list[str]]:
    blank = rows.index([])
    return rows[blank + 1:]


@pytest.fixture
def injected_view():
    catalog = tiny_catalog()
    products = catalog.products.copy()
    products.loc[products["product_id"] == "P01", "name"] = INJECTED[0]
    products.loc[products["product_id"] == "P03", "name"] = "Trámites en Ciudad Bolívar ñ"
    catalog = replace(catalog, products=products)
    return resolve_view(ViewState(product="P01", year=2023, localities=("01", "02")), catalog), \
        catalog


@pytest.mark.parametrize("text", INJECTED)
def test_neutralise_prefixes_formula_text(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [-3.5, 0, 12, float("nan"), None, "Usaquén", "a=b"])
def test_neutralise_leaves_numbers_and_plain_text(value):
    out = neutralise(value)
    assert out is value or (isinstance(value, float) and out != out)


def test_csv_round_trips_accents_and_neutralises_formulas(injected_view):
    view, catalog = injected_view
    tables = view_tables(view, NAMES)
    data = to_csv_bytes(tables["productos"], metadata_rows(view, catalog, NAMES))
    rows = _table_part(_csv_rows(data))
    header, body = rows[0], rows[1:]
    names = [row[header.index("Producto")] for row in body]
    assert "'" + INJECTED[0] in names
    assert "Trámites en Ciudad Bolívar ñ" in names
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for row in body for cell in row)
    # numbers stay numbers (no apostrophe, parse as floats)
    values = [row[header.index("Valor")] for row in body if row[header.index("Valor")]]
    assert values and all(float(v) == float(v) for v in values)


def test_csv_negative_numbers_stay_numbers_and_text_minus_is_neutralised():
    table = pd.DataFrame({"Texto": ["-2+3", "Sumapaz"], "Valor": [-3.5, 1234.25]})
    rows = _table_part(_csv_rows(to_csv_bytes(table, [("Tablero", "x")])))
    assert rows[1] == ["'-2+3", "-3.5"]
    assert rows[2] == ["Sumapaz", "1234.25"]


def test_csv_semicolon_uses_decimal_comma():
    table = pd.DataFrame({"Lugar": ["Los Mártires"], "Valor": [1234.5], "Meta": [10.0]})
    rows = _table_part(_csv_rows(to_csv_bytes(table, [("a", "b")], semicolon=True), ";"))
    assert rows == [["Lugar", "Valor", "Meta"], ["Los Mártires", "1234,5", "10"]]


def test_csv_reads_back_with_pandas(injected_view):
    view, catalog = injected_view
    tables = view_tables(view, NAMES)
    meta = metadata_rows(view, catalog, NAMES)
    data = to_csv_bytes(tables["localidades"], meta)
    frame = pd.read_csv(io.BytesIO(data), skiprows=len(meta) + 1, encoding="utf-8-sig",
                        dtype={"Código": str})
    assert list(frame["Localidad"][:2]) == ["Usaquén", "Los Mártires"]
    assert frame["Valor"].dtype.kind == "f"
    assert frame.loc[frame["Código"] == "01", "Valor"].item() == 4.0


def test_metadata_lists_filters_sources_license_version_and_flag(injected_view):
    view, catalog = injected_view
    meta = dict(metadata_rows(view, catalog, NAMES))
    assert meta["Localidades"] == "Usaquén y Los Mártires"
    assert meta["Año"] == "2023"
    assert meta["Versión de datos"] == "v1"
    assert meta["Fecha de corte"] == "31 de octubre de 2026"
    assert meta["Datos ilustrativos"].startswith("Sí")
    assert "Licencia de los datos de avance" in meta
    assert any(key.startswith("Fuente: Localidades") and "IDECA" in value
               for key, value in meta.items())


def test_tables_are_the_view(injected_view):
    view, _ = injected_view
    tables = view_tables(view, NAMES)
    assert list(tables["productos"]["Producto (id)"]) == list(view.products["product_id"])
    assert len(tables["localidades"]) == len(view.values) == 20
    assert set(tables["serie"]["Código"]) == {"01", "02"}
    assert tables["localidades"].loc[tables["localidades"]["Código"] == "02",
                                     "Destacada"].item() == "Sí"


def test_xlsx_has_metadata_sheet_strings_not_formulas_and_numeric_cells(injected_view):
    view, catalog = injected_view
    data = to_xlsx_bytes(view_tables(view, NAMES), metadata_rows(view, catalog, NAMES))
    assert data[:4] == b"PK\x03\x04"
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Productos", "Localidades", "Serie", "Metadatos"]
    sheet = book["Productos"]
    header = [c.value for c in sheet[1]]
    name_col = header.index("Producto") + 1
    cells = [sheet.cell(row=r, column=name_col) for r in range(2, sheet.max_row + 1)]
    injected = [c for c in cells if c.value == INJECTED[0]]
    assert injected and all(c.data_type == "s" for c in injected)
    value_col = header.index("Valor") + 1
    numbers = [sheet.cell(row=r, column=value_col).value for r in range(2, sheet.max_row + 1)]
    assert any(isinstance(v, (int, float)) for v in numbers)
    meta = {row[0].value: row[1].value for row in book["Metadatos"].iter_rows(min_row=2)}
    assert meta["Versión de datos"] == "v1" and meta["Datos ilustrativos"].startswith("Sí")
