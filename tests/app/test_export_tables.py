"""Tests of app/exports/tables.py: the data behind a view, CSV/XLSX, injection-safe."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pandas as pd
import pytest
from openpyxl import load_workbook

from app.exports.tables import (
    AUTHOR,
    metadata_rows,
    neutralise,
    to_csv_bytes,
    to_xlsx_bytes,
    view_tables,
)
from data.schema import LOCALITY_CODES, STATUS_LABELS
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
    """The table after the metadata lines (``metadatos=1``) and their blank line."""
    blank = rows.index([])
    return rows[blank + 1:]


@pytest.fixture
def injected_view():
    catalog = tiny_catalog()
    indicators = catalog.indicators.copy()
    indicators.loc[indicators["code"] == "1.1.1", "name"] = INJECTED[0]
    products = catalog.products.copy()
    products.loc[products["product_id"] == "P01", "name"] = "Trámites en Ciudad Bolívar ñ"
    catalog = replace(catalog, indicators=indicators, products=products)
    state = ViewState(indicator="1.1.1", year=2023, quarter=4, localities=("01", "02"))
    return resolve_view(state, catalog), catalog


@pytest.mark.parametrize("text", INJECTED)
def test_neutralise_prefixes_formula_text(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [-3.5, 0, 12, float("nan"), None, "Usaquén", "a=b"])
def test_neutralise_leaves_numbers_and_plain_text(value):
    out = neutralise(value)
    assert out is value or (isinstance(value, float) and out != out)


def test_csv_round_trips_accents_and_neutralises_formulas(injected_view):
    view, _catalog = injected_view
    data = to_csv_bytes(view_tables(view, NAMES)["indicadores"])
    rows = _csv_rows(data)
    header, body = rows[0], rows[1:]
    assert len(body) == 2  # 1.1.1 in each selected locality
    assert {row[header.index("indicador")] for row in body} == {"'" + INJECTED[0]}
    assert {row[header.index("producto")] for row in body} == {
        "P01 · Trámites en Ciudad Bolívar ñ"}
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for row in body for cell in row)
    # numbers stay numbers (no apostrophe, parse as floats)
    values = [row[header.index("avance_a_la_fecha")] for row in body]
    assert sorted(float(v) for v in values) == [8.0, 27.0]


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
    view, _catalog = injected_view
    data = to_csv_bytes(view_tables(view, NAMES)["localidades"])
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig",
                        dtype={"codigo_localidad": str})
    assert list(frame["localidad"][:2]) == ["Usaquén", "Los Mártires"]
    assert frame["avance_a_la_fecha"].dtype.kind == "f"
    expected = view.values.set_index("locality_code")["value"]
    assert frame.set_index("codigo_localidad")["avance_a_la_fecha"].loc["02"] == \
        expected.loc["02"] == 27.0


def test_csv_with_metadata_puts_them_first(injected_view):
    view, catalog = injected_view
    meta = metadata_rows(view, catalog, NAMES)
    rows = _csv_rows(to_csv_bytes(view_tables(view, NAMES)["localidades"], meta))
    assert [tuple(r) for r in rows[:len(meta)]] == meta
    assert _table_part(rows)[0][:2] == ["codigo_localidad", "localidad"]


def test_metadata_lists_filters_sources_license_version_and_flag(injected_view):
    view, catalog = injected_view
    meta = dict(metadata_rows(view, catalog, NAMES))
    assert meta["Localidades"] == "Usaquén y Los Mártires"
    assert meta["Corte mostrado"] == "2023-T4"
    assert meta["Indicador del mapa y la serie"] == f"1.1.1 · {INJECTED[0]}"
    assert meta["Versión de datos"] == "v1"
    assert meta["Corte de los datos"] == "2026-T3 (fecha de corte 31 de octubre de 2026)"
    assert meta["Datos ilustrativos"].startswith("Sí")
    assert "Licencia de los datos de avance" in meta
    assert "nunca 100 %" in meta["Método"]
    assert "aparte" in meta["Conteo por localidad"]
    assert any(key.startswith("Fuente: Localidades") and "IDECA" in value
               for key, value in meta.items())


def test_tables_are_the_view(injected_view):
    view, _ = injected_view
    tables = view_tables(view, NAMES)
    assert list(tables) == ["indicadores", "localidades", "serie", "ciudad"]
    assert list(zip(tables["indicadores"]["codigo"], tables["indicadores"]["codigo_localidad"],
                    strict=True)) == \
        list(zip(view.rows["code"], view.rows["locality_code"], strict=True))
    assert sorted(tables["ciudad"]["codigo"]) == ["1.1.2", "2.1.1"]  # shown apart
    assert set(tables["ciudad"]["lugar"]) == {"Bogotá D.C."}
    assert len(tables["localidades"]) == len(view.values) == 20
    assert set(tables["serie"]["codigo_localidad"]) == set(view.series["locality_code"])
    assert tables["localidades"].loc[tables["localidades"]["codigo_localidad"] == "02",
                                     "destacada"].item() == "Sí"
    status = dict(zip(view.rows["locality_code"], view.rows["status"], strict=True))
    shown = dict(zip(tables["indicadores"]["codigo_localidad"],
                     tables["indicadores"]["semaforo"], strict=True))
    assert shown == {k: STATUS_LABELS[v] for k, v in status.items()}


def test_xlsx_document_properties_carry_title_author_and_data_version(injected_view):
    view, catalog = injected_view
    data = to_xlsx_bytes(view_tables(view, NAMES), metadata_rows(view, catalog, NAMES),
                         title="1.1.1 Zonas WiFi · corte 2026-T3", subject="Seguimiento",
                         version="v3 · corte 2026-T3 · ilustrativos")
    props = load_workbook(io.BytesIO(data)).properties
    assert props.title == "1.1.1 Zonas WiFi · corte 2026-T3" and props.subject == "Seguimiento"
    assert props.creator == "Alcaldía Mayor de Bogotá – Tablero Bogotá Territorio Inteligente"
    assert "versión de datos 3" in props.keywords and "corte 2026-T3" in props.keywords
    assert "versión de datos 3" in props.description


def test_xlsx_has_metadata_sheet_strings_not_formulas_and_numeric_cells(injected_view):
    view, catalog = injected_view
    data = to_xlsx_bytes(view_tables(view, NAMES), metadata_rows(view, catalog, NAMES),
                         title="Tablero", version="v1")
    assert data[:4] == b"PK\x03\x04"
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Indicadores", "Localidades", "Serie", "Ciudad", "Metadatos"]
    assert book.properties.creator == AUTHOR and book.properties.title == "Tablero"
    sheet = book["Indicadores"]
    header = [c.value for c in sheet[1]]
    name_col = header.index("indicador") + 1
    cells = [sheet.cell(row=r, column=name_col) for r in range(2, sheet.max_row + 1)]
    assert cells and all(c.value == INJECTED[0] and c.data_type == "s" for c in cells)
    value_col = header.index("avance_a_la_fecha") + 1
    numbers = [sheet.cell(row=r, column=value_col).value for r in range(2, sheet.max_row + 1)]
    assert sorted(numbers) == [8, 27]
    meta = {row[0].value: row[1].value for row in book["Metadatos"].iter_rows(min_row=2)}
    assert meta["Versión de datos"] == "v1" and meta["Datos ilustrativos"].startswith("Sí")
