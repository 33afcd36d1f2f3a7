"""Parsing and checking uploaded progress reports (no database involved)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from data.reports import (
    CHANGE_LABELS,
    MAX_BYTES,
    ReportError,
    issue_json,
    parse_report,
    preview_changes,
)
from tests.conftest import tiny_catalog
from tests.report_files import HEADER, csv_bytes, with_member, xlsx_bytes


@pytest.fixture(scope="module")
def catalog():
    return tiny_catalog()


def rejected(content: bytes, name: str, catalog, entity: str | None = "sdm") -> ReportError:
    with pytest.raises(ReportError) as caught:
        parse_report(content, name, catalog, entity)
    return caught.value


def only_message(error: ReportError) -> str:
    return " | ".join(issue.message for issue in error.issues)


# ---------------------------------------------------------------- accepted files


def test_csv_utf8_with_comma(catalog):
    parsed = parse_report(csv_bytes("P01,2025,1,12.5,2026-11-01", "P02,2025,,60,"),
                          "avance.csv", catalog, "sdm")
    obs = parsed.observations
    assert list(obs["product_id"]) == ["P01", "P02"]
    assert list(obs["locality_code"]) == ["01", "00"]
    assert list(obs["value"]) == [12.5, 60.0]
    assert obs["reported_at"].iloc[0] == pd.Timestamp("2026-11-01")
    assert pd.isna(obs["reported_at"].iloc[1])
    assert parsed.file_format == "csv" and len(parsed.sha256) == 64


def test_csv_latin1_with_semicolon_and_decimal_comma(catalog):
    content = csv_bytes("P01;2025;03;1.234,5;31/10/2026",
                        header="Producto;Año;Localidad;Valor;Fecha_reporte",
                        encoding="latin-1")
    obs = parse_report(content, "avance.csv", catalog, "sdm").observations
    assert obs["value"].iloc[0] == 1234.5
    assert obs["reported_at"].iloc[0] == pd.Timestamp("2026-10-31")


def test_xlsx_with_typed_cells(catalog):
    content = xlsx_bytes([["producto", "anio", "localidad", "valor", "fecha_reporte"],
                          ["P01", 2025, "07", 3, datetime(2026, 11, 2)],
                          [None, None, None, None, None],
                          ["P01", 2026, 8, 4.5, None]], sheet="avances")
    parsed = parse_report(content, "Avance.XLSX", catalog, "sdm")
    obs = parsed.observations
    assert list(obs["locality_code"]) == ["07", "08"] and list(obs["value"]) == [3.0, 4.5]
    assert parsed.file_format == "xlsx"


def test_administrator_may_report_any_product(catalog):
    parsed = parse_report(csv_bytes("P01,2025,1,1,", "P03,2025,2,1,"), "a.csv", catalog, None)
    assert len(parsed.observations) == 2


def test_preview_lists_new_changed_and_same_values(catalog):
    parsed = parse_report(csv_bytes("P01,2023,01,4,", "P01,2023,02,7,", "P01,2030,03,1,"),
                          "a.csv", catalog, "sdm")
    preview = preview_changes(catalog, parsed)
    rows = {(r.year, r.locality_code): (r.old_value, r.new_value, r.change)
            for r in preview.itertuples()}
    assert rows[(2023, "01")] == (4.0, 4.0, "same")
    assert rows[(2023, "02")] == (6.0, 7.0, "changed")
    assert rows[(2030, "03")][1:] == (1.0, "new") and pd.isna(rows[(2030, "03")][0])
    assert set(preview["product"]) == {"Zonas WiFi"}
    assert set(CHANGE_LABELS) == {"new", "changed", "same"}


# ---------------------------------------------------------------- rejected files


def test_oversized_file_is_413(catalog):
    content = csv_bytes(*["P01,2025,01,1,"] * (MAX_BYTES // 14 + 10))
    error = rejected(content, "grande.csv", catalog)
    assert error.status == 413 and "máximo es 10 MB" in only_message(error)


@pytest.mark.parametrize("name, message", [
    ("avance.txt", "extensión «.txt» no aceptada"),
    ("avance", "sin extensión"),
    ("avance.pdf", "cargue un archivo .csv o .xlsx"),
    ("avance.xls", "Excel 97-2003"),
    ("avance.xlsm", "macros"),
])
def test_wrong_extension(catalog, name, message):
    error = rejected(csv_bytes("P01,2025,01,1,"), name, catalog)
    assert error.status == 422 and message in only_message(error)


@pytest.mark.parametrize("content, name, message", [
    (b"producto,anio\nP01,2025", "avance.xlsx", "no es un libro .xlsx"),
    (b"PK\x03\x04garbage", "avance.xlsx", "dañado"),
    (b"%PDF-1.7 binary", "avance.csv", "no es texto CSV"),
    (b"producto\x00anio", "avance.csv", "no es texto CSV"),
])
def test_content_that_does_not_match_the_extension(catalog, content, name, message):
    assert message in only_message(rejected(content, name, catalog))


def test_xlsx_renamed_as_csv(catalog):
    content = xlsx_bytes([["producto", "anio", "localidad", "valor"], ["P01", 2025, 1, 1]])
    assert "¿un Excel o PDF renombrado?" in only_message(rejected(content, "a.csv", catalog))


@pytest.mark.parametrize("content", [b"", b"   \n\n", HEADER.encode(), b"\n\n,,,\n"])
def test_empty_file(catalog, content):
    error = rejected(content, "avance.csv", catalog)
    assert "vacío" in only_message(error) or "no tiene filas de datos" in only_message(error)


def test_zip_bomb_is_refused_before_parsing(catalog):
    bomb = with_member(xlsx_bytes([["producto"]]), "xl/media/zeros.bin", b"\0" * 4_000_000)
    assert "bomba zip" in only_message(rejected(bomb, "avance.xlsx", catalog))


def test_macros_are_refused(catalog):
    content = with_member(xlsx_bytes([["producto"]]), "xl/vbaProject.bin", b"macro")
    assert "macros" in only_message(rejected(content, "avance.xlsx", catalog))


def test_xml_entities_are_refused(catalog):
    content = with_member(xlsx_bytes([["producto"]]), "xl/extra.xml",
                          b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    assert "DOCTYPE" in only_message(rejected(content, "avance.xlsx", catalog))


def test_missing_column(catalog):
    error = rejected(csv_bytes("P01,2025,01", header="producto,anio,localidad"), "a.csv",
                     catalog)
    issue = error.issues[0]
    assert (issue.row, issue.column) == (1, "valor")
    assert "falta la columna obligatoria «valor»" in issue.message


def test_renamed_column(catalog):
    error = rejected(csv_bytes("P01,2025,01,3", header="producto,anio,localidad,value"),
                     "a.csv", catalog)
    messages = only_message(error)
    assert "columna no reconocida" in messages and "¿Quiso decir «valor»?" in messages
    assert "falta la columna obligatoria «valor»" in messages


@pytest.mark.parametrize("line, column, message", [
    ("P99,2025,01,1,", "producto", "no existe en la tabla «productos»"),
    ("P01,2025,25,1,", "localidad", "código de localidad inválido"),
    ("P01,2025,01,diez,", "valor", "no es un número"),
    ("P01,2025,01,-3,", "valor", "no puede ser negativo"),
    ("P01,2025,01,,", "valor", "obligatorio"),
    ("P01,2022,01,1,", "anio", "entre 2023 y 2032"),
    ("P01,2033,01,1,", "anio", "entre 2023 y 2032"),
    ("P01,dos mil,01,1,", "anio", "número entero"),
    ("P01,2025,01,1,31-31-2026", "fecha_reporte", "fecha inválida"),
    ("P02,2025,03,1,", "localidad", "alcance «ciudad»"),
    ("P01,2025,01,=1+1,", "valor", "fórmula"),
    ("P01,2025,01,@SUM(A1),", "valor", "fórmula"),
    ('"=HYPERLINK(""http://x"")",2025,01,1,', "producto", "fórmula"),
])
def test_row_errors_name_row_column_and_value(catalog, line, column, message):
    error = rejected(csv_bytes("P01,2024,01,1,", line), "a.csv", catalog)
    assert error.status == 422
    issues = [i for i in error.issues if i.row == 3 and i.column == column]
    assert issues, error.issues
    assert message in issues[0].message
    assert len([i for i in error.issues if (i.row, i.column) == (3, column)]) == 1


def test_duplicate_rows(catalog):
    error = rejected(csv_bytes("P01,2025,01,1,", "P01,2025,1,2,"), "a.csv", catalog)
    assert [i.row for i in error.issues] == [3]
    assert "repetido" in error.issues[0].message


def test_formula_cell_in_xlsx(catalog):
    content = xlsx_bytes([["producto", "anio", "localidad", "valor"],
                          ["P01", 2025, "01", "=2*3"]], sheet="avances")
    error = rejected(content, "a.xlsx", catalog)
    assert [(i.row, i.column, i.value) for i in error.issues] == [(2, "valor", "=2*3")]
    assert "Pegar valores" in error.issues[0].message


def test_product_of_another_entity_is_403(catalog):
    error = rejected(csv_bytes("P01,2025,01,1,", "P03,2025,01,1,"), "a.csv", catalog, "sdm")
    assert error.status == 403
    assert [(i.row, i.column, i.value) for i in error.issues] == [(3, "producto", "P03")]
    assert "a cargo de la entidad «sdh»" in error.issues[0].message


def test_row_numbers_follow_the_file_across_blank_lines(catalog):
    content = csv_bytes("P01,2025,01,1,", "", ",,,,", "P01,2026,01,x,")
    error = rejected(content, "a.csv", catalog)
    assert [(i.row, i.column) for i in error.issues] == [(5, "valor")]


def test_every_error_is_reported_at_once(catalog):
    error = rejected(csv_bytes("P99,2025,01,1,", "P01,2040,01,-1,", "P01,2025,77,1,"),
                     "a.csv", catalog)
    assert {(i.row, i.column) for i in error.issues} == {
        (2, "producto"), (3, "anio"), (3, "valor"), (4, "localidad")}


def test_issue_json_shape(catalog):
    error = rejected(csv_bytes("P01,2025,01,abc,"), "a.csv", catalog)
    assert issue_json(error.issues[0]) == {
        "row": 2, "column": "valor", "value": "abc",
        "message": error.issues[0].message}


def test_tokens_map_to_their_entity_or_admin():
    from data.config import load_settings
    from data.reports import ADMIN, entity_for_token

    settings = load_settings({"BOGOTA_TI_TOKENS": "sdm:abc:1, sda:xyz",
                              "BOGOTA_TI_ADMIN_TOKEN": "root"})
    assert entity_for_token("abc:1", settings) == "sdm"
    assert entity_for_token(" xyz ", settings) == "sda"
    assert entity_for_token("root", settings) == ADMIN
    assert entity_for_token("abc", settings) is None
    assert entity_for_token("", settings) is None and entity_for_token(None, settings) is None
    assert entity_for_token("root", load_settings({})) is None


def test_file_name_is_reduced_to_a_short_base_name(catalog):
    parsed = parse_report(csv_bytes("P01,2025,1,1,"), "C:\\fakepath\\" + "x" * 300 + ".csv",
                          catalog, "sdm")
    assert parsed.file_name.endswith("x.csv") and len(parsed.file_name) == 200
    assert "\\" not in parsed.file_name
