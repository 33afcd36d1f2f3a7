"""Parsing and checking uploaded progress reports (no database involved).

The tiny catalog's cut is 2026-T3; its indicators belong to sg-actic (1.1.1, 1.1),
sdh (1.1.2) and sdm (2.1.1, 2.1.2, 2.1). "Today" is injected.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import data.reports as reports_module
from data.reports import (
    ADMIN,
    CHANGE_LABELS,
    MAX_BYTES,
    ParsedReport,
    ReportError,
    issue_json,
    parse_report,
    preview_changes,
    publish_report,
)
from tests.conftest import tiny_catalog
from tests.report_files import (
    HEADER,
    SHEET_XML,
    csv_bytes,
    member,
    replace_member,
    with_bad_crc,
    with_member,
    xlsx_bytes,
)

TODAY = date(2026, 11, 5)
ROWS = [["codigo", "anio", "trimestre", "localidad", "valor", "texto"],
        ["1.1.1", 2026, 3, "01", 12, "Avance"]]


@pytest.fixture(scope="module")
def catalog():
    return tiny_catalog()


def parse(content: bytes, catalog, name: str = "a.csv", entity: str | None = "sg-actic",
          today: date = TODAY):
    return parse_report(content, name, catalog, entity, today=today)


def rejected(content: bytes, name: str, catalog, entity: str | None = "sg-actic",
             today: date = TODAY) -> ReportError:
    with pytest.raises(ReportError) as caught:
        parse(content, catalog, name, entity, today)
    return caught.value


@pytest.fixture
def unparsed(monkeypatch):
    """Fail the test if the workbook gets parsed (a refusal must come before any parsing)."""
    import openpyxl

    def parsed(*_args, **_kwargs):
        raise AssertionError("the workbook was parsed before being refused")

    monkeypatch.setattr(openpyxl, "load_workbook", parsed)


def messages(error: ReportError) -> str:
    return " | ".join(issue.message for issue in error.issues)


# ---------------------------------------------------------------- accepted files


def test_csv_utf8_with_comma(catalog):
    parsed = parse(csv_bytes("1.1.1,2026,3,1,12.5,Instaladas 3 zonas,2026-10-15",
                             "1.1.1,2026,T2,,60,Retraso por lluvias,",
                             "1 . 1 . 1,2025,Q4,20,1,Cierre,"), catalog)
    rows = parsed.reports
    assert list(rows.columns) == list(catalog.reports.columns)
    assert (rows.dtypes == catalog.reports.dtypes).all()
    assert list(rows["code"]) == ["1.1.1"] * 3
    assert list(rows["quarter"]) == [3, 2, 4]
    assert list(rows["locality_code"]) == ["01", "00", "20"]
    assert list(rows["value"]) == [12.5, 60.0, 1.0]
    assert rows["reported_at"].iloc[0] == pd.Timestamp("2026-10-15")
    assert pd.isna(rows["reported_at"].iloc[1])
    assert parsed.file_format == "csv" and len(parsed.sha256) == 64
    assert isinstance(parsed, ParsedReport) and parsed.size_bytes > 0


def test_csv_latin1_with_semicolon_decimal_comma_and_accented_headers(catalog):
    content = csv_bytes("1.1.1;2026;3;03;1.234,5;Instalación en Suba;31/10/2026",
                        header="Código;Año;Trimestre;Localidad;Valor;Texto;Fecha reporte",
                        encoding="latin-1")
    rows = parse(content, catalog).reports
    assert rows["value"].iloc[0] == 1234.5
    assert rows["text"].iloc[0] == "Instalación en Suba"
    assert rows["reported_at"].iloc[0] == pd.Timestamp("2026-10-31")


def test_csv_cp1252(catalog):
    content = csv_bytes("1.1.1,2026,3,,40,Año – avance “según plan”,", encoding="cp1252")
    assert parse(content, catalog).reports["text"].iloc[0] == "Año – avance “según plan”"


@pytest.mark.parametrize("encoding, bom", [("utf-16-le", b"\xff\xfe"),
                                           ("utf-16-be", b"\xfe\xff")])
def test_utf16_unicode_text_with_tabs_is_accepted(catalog, encoding, bom):
    content = csv_bytes("1.1.1\t2026\t3\t02\t7,5\tZonas en Kennedy ñ\t",
                        header=HEADER.replace(",", "\t"), encoding=encoding, bom=bom)
    rows = parse(content, catalog).reports
    assert (rows["locality_code"].iloc[0], rows["value"].iloc[0]) == ("02", 7.5)
    assert rows["text"].iloc[0] == "Zonas en Kennedy ñ"


def test_utf8_bom_is_accepted(catalog):
    rows = parse(csv_bytes("1.1.1,2026,3,,40,ok,", bom=b"\xef\xbb\xbf"), catalog).reports
    assert rows["code"].iloc[0] == "1.1.1"


def test_xlsx_with_typed_cells_reads_the_avances_sheet(catalog):
    content = xlsx_bytes(
        [["nota"], ["esta hoja no se lee"]], sheet="instrucciones",
        others={"Avances": [["codigo", "anio", "trimestre", "localidad", "valor", "texto",
                             "fecha_reporte"],
                            ["1.1.1", 2026, 3, "07", 3, "ok", datetime(2026, 10, 2)],
                            [None] * 7,
                            ["1.1.1", 2026.0, "T2", 8, 4.5, "ok", None]]})
    parsed = parse(content, catalog, "Avance.XLSX")
    rows = parsed.reports
    assert list(rows["locality_code"]) == ["07", "08"] and list(rows["value"]) == [3.0, 4.5]
    assert rows["reported_at"].iloc[0] == pd.Timestamp("2026-10-02")
    assert parsed.file_format == "xlsx"


@pytest.mark.parametrize("entity", [None, ADMIN])
def test_administrator_may_report_any_indicator(catalog, entity):
    parsed = parse(csv_bytes("1.1.1,2026,3,,40,ok,", "2.1.1,2025,4,,41,ok,",
                             "1.1.2,2026,2,,56,ok,"), catalog, entity=entity)
    assert len(parsed.reports) == 3


def test_preview_lists_new_changed_and_same_values(catalog):
    parsed = parse(csv_bytes("1.1.1,2023,4,01,8,,", "1.1.1,2023,4,02,28,,",
                             "1.1.1,2023,4,,35,Otro texto,", "1.1.1,2026,3,03,1,ok,"),
                   catalog)
    preview = preview_changes(catalog, parsed)
    assert list(preview.columns) == ["code", "name", "year", "quarter", "locality_code",
                                     "old_value", "new_value", "old_text", "new_text",
                                     "change"]
    rows = {(r.year, r.quarter, r.locality_code): (r.old_value, r.new_value, r.change)
            for r in preview.itertuples()}
    assert rows[(2023, 4, "01")] == (8.0, 8.0, "same")
    assert rows[(2023, 4, "02")] == (27.0, 28.0, "changed")
    assert rows[(2023, 4, "00")] == (35.0, 35.0, "changed")  # only the text changed
    assert rows[(2026, 3, "03")][1:] == (1.0, "new") and pd.isna(rows[(2026, 3, "03")][0])
    city = preview[preview["locality_code"] == "00"].iloc[0]
    assert (city["old_text"], city["new_text"]) == ("Instalación conforme al plan.",
                                                    "Otro texto")
    assert set(preview["name"]) == {"Zonas WiFi instaladas"}
    assert set(CHANGE_LABELS) == {"new", "changed", "same"}


def test_publish_goes_to_the_store(catalog, monkeypatch):
    import data.store

    calls = []
    monkeypatch.setattr(data.store, "publish_reports",
                        lambda engine, rows, **kw: calls.append((engine, rows, kw)) or "v2",
                        raising=False)
    parsed = parse(csv_bytes("1.1.1,2026,3,,40,ok,"), catalog)
    assert publish_report("engine", parsed, "sg-actic", note="n" * 3000,
                          expected_version=1) == "v2"
    engine, rows, kw = calls[0]
    assert engine == "engine" and rows is parsed.reports
    assert kw == {"by": "sg-actic", "entity_id": "sg-actic", "source_name": "a.csv",
                  "source_sha256": parsed.sha256, "note": "n" * 2000, "expected_version": 1}
    publish_report("engine", parsed, ADMIN)
    assert calls[1][2]["entity_id"] is None


# ---------------------------------------------------------------- warnings


def test_red_status_without_text_is_a_warning(catalog):
    parsed = parse(csv_bytes("1.1.1,2026,3,,10,,"), catalog)
    (warning,) = parsed.warnings
    assert warning.warning and (warning.row, warning.column) == (2, "texto")
    assert "el estado quedaría en rojo (Rezagado) y el reporte no trae texto" in warning.message
    assert "escriba en «texto» la justificación del retraso" in warning.message


def test_amber_status_without_text_is_a_warning(catalog):
    # 1.1.1 city, 2026-T3: MA = 150, AV = 55 + x; x = 50 gives PHV = 0.70 (amarillo)
    parsed = parse(csv_bytes("1.1.1,2026,3,,50,,"), catalog)
    assert ["amarillo (En riesgo)" in w.message for w in parsed.warnings] == [True]


def test_red_status_with_text_or_green_status_gives_no_warning(catalog):
    assert parse(csv_bytes("1.1.1,2026,3,,10,Contratación demorada,"), catalog).warnings == []
    assert parse(csv_bytes("1.1.1,2026,3,,100,,"), catalog).warnings == []  # PHV 1.03


@pytest.mark.parametrize("line, entity, words", [
    ("1.1.2,2026,3,,60,ok,", "sdh", "periodicidad semestral: se reporta en T2 y T4, no en T3"),
    ("2.1.1,2026,2,,41,ok,", "sdm", "periodicidad anual: se reporta en T4, no en T2"),
])
def test_value_in_a_quarter_the_periodicity_does_not_report(catalog, line, entity, words):
    parsed = parse(csv_bytes(line), catalog, entity=entity)
    assert any(words in w.message and w.column == "trimestre" for w in parsed.warnings)


def test_report_of_an_indicator_not_in_force_is_a_warning(catalog):
    parsed = parse(csv_bytes("2.1.2,2026,3,,99,ok,"), catalog, entity="sdm")
    assert any("no está vigente" in w.message for w in parsed.warnings)
    assert len(parsed.reports) == 1


# ---------------------------------------------------------------- quarters and ownership


def test_quarter_not_ended_is_refused(catalog):
    error = rejected(csv_bytes("1.1.1,2026,4,,40,ok,"), "a.csv", catalog)
    assert error.status == 422
    assert messages(error) == ("el trimestre 2026-T4 aún no termina; repórtelo desde el 1 de "
                               "enero de 2027.")
    error = rejected(csv_bytes("1.1.1,2026,3,,40,ok,"), "a.csv", catalog,
                     today=date(2026, 9, 30))
    assert "repórtelo desde el 1 de octubre de 2026" in messages(error)
    assert len(parse(csv_bytes("1.1.1,2026,3,,40,ok,"), catalog,
                     today=date(2026, 10, 1)).reports) == 1


def test_indicator_of_another_entity_is_403(catalog):
    error = rejected(csv_bytes("1.1.1,2026,3,,40,ok,", "2.1.1,2025,4,,41,ok,",
                               "1.1.2,2026,2,,55,ok,"), "a.csv", catalog, "sg-actic")
    assert error.status == 403
    assert [(i.row, i.column, i.value) for i in error.issues] == [
        (3, "codigo", "2.1.1"), (4, "codigo", "1.1.2")]
    assert "a cargo de «Secretaría Distrital de Movilidad» (sdm)" in error.issues[0].message
    assert "no de «Alta Consejería Distrital de TIC» (sg-actic)" in error.issues[0].message
    assert "«Secretaría Distrital de Hacienda» (sdh)" in error.issues[1].message


def test_result_of_another_entity_is_403(catalog):
    error = rejected(csv_bytes("2.1,2025,4,,59,ok,"), "a.csv", catalog, "sg-actic")
    assert error.status == 403 and "el resultado 2.1" in messages(error)


# ---------------------------------------------------------------- rejected files


def test_oversized_file_is_413(catalog):
    content = csv_bytes(*["1.1.1,2026,3,01,1,,"] * (MAX_BYTES // 18 + 10))
    error = rejected(content, "grande.csv", catalog)
    assert error.status == 413 and "el máximo es 10 MB" in messages(error)


@pytest.mark.parametrize("name, message", [
    ("avance.txt", "extensión «.txt» no aceptada"),
    ("avance", "sin extensión"),
    ("avance.pdf", "cargue un archivo .csv o .xlsx"),
    ("avance.xls", "Excel 97-2003"),
    ("avance.xlsm", "macros"),
])
def test_wrong_extension(catalog, name, message):
    error = rejected(csv_bytes("1.1.1,2026,3,01,1,,"), name, catalog)
    assert error.status == 422 and message in messages(error)


@pytest.mark.parametrize("content, name, message", [
    (b"codigo,anio\n1.1.1,2025", "avance.xlsx", "no es un libro .xlsx"),
    (b"PK\x03\x04garbage", "avance.xlsx", "no es un ZIP válido"),
    (b"%PDF-1.7 binary", "avance.csv", "no es texto CSV"),
    (b"codigo\x00anio\n", "avance.csv", "caracteres nulos"),
])
def test_content_that_does_not_match_the_extension(catalog, content, name, message):
    assert message in messages(rejected(content, name, catalog))


def test_xlsx_renamed_as_csv(catalog):
    content = xlsx_bytes(ROWS)
    assert "¿un Excel o PDF renombrado?" in messages(rejected(content, "a.csv", catalog))


@pytest.mark.parametrize("content", [b"", b"   \n\n", HEADER.encode(), b"\n\n,,,\n"])
def test_empty_file(catalog, content):
    error = rejected(content, "avance.csv", catalog)
    assert "vacío" in messages(error) or "no tiene filas de datos" in messages(error)


def test_unterminated_quote_names_the_line_and_publishes_nothing(catalog):
    content = csv_bytes("1.1.1,2026,3,01,1,ok,", '1.1.1,2026,3,08,"100,', "1.1.1,2026,3,09,2,,")
    error = rejected(content, "a.csv", catalog)
    assert error.status == 422
    assert "la fila que empieza en la línea 3 tiene comillas (\") sin cerrar" in messages(error)


def test_text_after_a_closing_quote_is_refused(catalog):
    error = rejected(csv_bytes('1.1.1,2026,3,01,"1"2,,'), "a.csv", catalog)
    assert "la fila que empieza en la línea 2 está mal formada" in messages(error)


def test_quoted_multiline_text_is_one_row(catalog):
    parsed = parse(csv_bytes('1.1.1,2026,3,01,1,"Primera línea\nsegunda, con coma",'),
                   catalog)
    assert parsed.reports["text"].iloc[0] == "Primera línea\nsegunda, con coma"


def test_too_many_csv_columns(catalog):
    content = csv_bytes("1.1.1,2026,3,01,1,," + "," * 60)
    assert "el máximo es 50" in messages(rejected(content, "a.csv", catalog))


def test_too_many_csv_rows(catalog, monkeypatch):
    monkeypatch.setattr(reports_module, "MAX_ROWS", 3)
    content = csv_bytes(*[f"1.1.1,2026,3,{n:02d},1,ok," for n in range(1, 6)])
    assert "más de 3 filas de datos" in messages(rejected(content, "a.csv", catalog))


@pytest.mark.parametrize("value", ["inf", "Infinity", "-inf", "1e309", "NaN", "nan"])
def test_values_must_be_finite(catalog, value):
    error = rejected(csv_bytes(f"1.1.1,2026,3,01,{value},ok,"), "a.csv", catalog)
    assert [(i.row, i.column, i.value) for i in error.issues] == [(2, "valor", value)]
    assert "no es un número finito" in error.issues[0].message


def test_infinite_number_cell_in_xlsx(catalog):
    base = xlsx_bytes(ROWS)
    sheet = member(base, SHEET_XML).replace(b'<c r="E2" t="n"><v>12</v>',
                                            b'<c r="E2" t="n"><v>1E+309</v>')
    assert b"1E+309" in sheet
    error = rejected(replace_member(base, SHEET_XML, sheet), "a.xlsx", catalog)
    assert [(i.row, i.column) for i in error.issues] == [(2, "valor")]
    assert "no es un número finito" in messages(error)


# ---------------------------------------------------------------- hostile workbooks


def test_zip_bomb_is_refused_before_parsing(catalog):
    bomb = with_member(xlsx_bytes(ROWS), "xl/media/zeros.bin", b"\0" * 4_000_000)
    message = messages(rejected(bomb, "avance.xlsx", catalog))
    assert "bomba zip" in message and f"el máximo es {reports_module.MAX_RATIO}" in message


def test_total_uncompressed_size_is_bounded(catalog, monkeypatch):
    monkeypatch.setattr(reports_module, "MAX_UNCOMPRESSED", 20_000)
    content = with_member(xlsx_bytes(ROWS), "xl/media/a.bin", bytes(range(256)) * 100)
    message = messages(rejected(content, "a.xlsx", catalog))
    assert "se expande a" in message and "y el máximo es 0,0 MB (posible «bomba zip»)" in message


def test_large_xml_parts_other_than_the_sheet_are_bounded(catalog, monkeypatch):
    monkeypatch.setattr(reports_module, "MAX_XML_PART", 2_000)
    base = xlsx_bytes(ROWS)
    styles = member(base, "xl/styles.xml")
    assert len(styles) > 2_000
    sheet = member(base, SHEET_XML)
    big_sheet = replace_member(base, SHEET_XML, sheet.replace(b"<sheetData>",
                                                              b" " * 3_000 + b"<sheetData>"))
    message = messages(rejected(big_sheet, "a.xlsx", catalog))
    assert "la parte interna «" in message and "el máximo es 0,0 MB" in message
    assert SHEET_XML not in message  # the sheet read is streamed, not loaded whole


def test_too_many_members(catalog, monkeypatch):
    monkeypatch.setattr(reports_module, "MAX_MEMBERS", 5)
    assert "partes internas y el máximo es 5" in messages(
        rejected(xlsx_bytes(ROWS), "a.xlsx", catalog))


def test_member_with_bad_crc_is_refused(catalog):
    error = rejected(with_bad_crc(xlsx_bytes(ROWS)), "a.xlsx", catalog)
    assert error.status == 422
    assert f"la parte interna «{SHEET_XML}» no pasa la verificación (CRC)" in messages(error)


def test_macros_are_refused(catalog):
    content = with_member(xlsx_bytes(ROWS), "xl/vbaProject.bin", b"macro")
    assert "macros" in messages(rejected(content, "avance.xlsx", catalog))


def test_macro_enabled_content_type_is_refused(catalog):
    base = xlsx_bytes(ROWS)
    types = member(base, "[Content_Types].xml").replace(
        b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
    content = replace_member(base, "[Content_Types].xml", types)
    assert "habilitado para macros" in messages(rejected(content, "a.xlsx", catalog))


def test_truncated_sheet_xml(catalog):
    base = xlsx_bytes(ROWS)
    sheet = member(base, SHEET_XML)
    content = replace_member(base, SHEET_XML, sheet[:len(sheet) * 2 // 3])
    error = rejected(content, "a.xlsx", catalog)
    assert error.status == 422 and "está dañada (XML mal formado o cortado)" in messages(error)


def test_garbled_sheet_xml(catalog):
    base = xlsx_bytes(ROWS)
    sheet = member(base, SHEET_XML).replace(b"<sheetData>", b"<sheetData><row r='x'><<<")
    error = rejected(replace_member(base, SHEET_XML, sheet), "a.xlsx", catalog)
    assert error.status == 422 and "dañad" in messages(error)


def test_garbage_member_that_claims_to_be_xml(catalog):
    content = replace_member(xlsx_bytes(ROWS), "xl/styles.xml", b"\x00\x01 not xml")
    assert "no es XML válido" in messages(rejected(content, "a.xlsx", catalog))


def test_utf16_xml_with_doctype_is_refused(catalog):
    evil = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
            "<x>&a;</x>").encode("utf-16")
    assert b"<!DOCTYPE" not in evil  # a byte search would miss it
    for content in (with_member(xlsx_bytes(ROWS), "xl/extra.xml", evil),
                    replace_member(xlsx_bytes(ROWS), "xl/workbook.xml", evil)):
        assert "DOCTYPE/ENTITY" in messages(rejected(content, "a.xlsx", catalog))


def test_billion_laughs_is_refused_without_expanding(catalog, unparsed):
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    base = xlsx_bytes(ROWS)
    sheet = member(base, SHEET_XML)
    evil = (b'<?xml version="1.0"?><!DOCTYPE worksheet [' + "".join(lol).encode() + b"]>"
            + sheet.replace(b"<t>codigo</t>", b"<t>&lol9;</t>"))
    error = rejected(replace_member(base, SHEET_XML, evil), "a.xlsx", catalog)
    assert "DOCTYPE/ENTITY" in messages(error)


def test_huge_declared_dimension_is_refused_before_parsing(catalog, unparsed):
    base = xlsx_bytes(ROWS)
    sheet = member(base, SHEET_XML).replace(b'<dimension ref="A1:F2"/>',
                                            b'<dimension ref="A1:XFD50001"/>')
    content = replace_member(base, SHEET_XML, sheet)
    assert len(content) < 5_000
    error = rejected(content, "a.xlsx", catalog)
    assert "declara A1:XFD50001: 50.000 filas de datos (máximo 20.000), 16.384 columnas "\
           "(máximo 50)" in messages(error)


def test_declared_rows_are_bounded(catalog, unparsed):
    base = xlsx_bytes(ROWS)
    sheet = member(base, SHEET_XML).replace(b'<dimension ref="A1:F2"/>',
                                            b'<dimension ref="A1:F50002"/>')
    error = rejected(replace_member(base, SHEET_XML, sheet), "a.xlsx", catalog)
    assert "declara A1:F50002: 50.001 filas de datos (máximo 20.000)" in messages(error)


@pytest.mark.parametrize("ref, words", [("A1:BA10", "53 columnas (máximo 50)"),
                                        ("A1:AX10000", "500.000 celdas (máximo 200.000)")])
def test_declared_columns_and_cells_are_bounded(catalog, ref, words):
    base = xlsx_bytes(ROWS)
    sheet = member(base, SHEET_XML).replace(b'<dimension ref="A1:F2"/>',
                                            f'<dimension ref="{ref}"/>'.encode())
    assert words in messages(rejected(replace_member(base, SHEET_XML, sheet), "a.xlsx",
                                      catalog))


def test_rows_beyond_the_limit_without_a_dimension(catalog, monkeypatch):
    monkeypatch.setattr(reports_module, "MAX_ROWS", 3)
    base = xlsx_bytes([ROWS[0]] + [["1.1.1", 2026, 3, f"{n:02d}", 1, "ok"]
                                   for n in range(1, 7)])
    sheet = member(base, SHEET_XML).replace(b'<dimension ref="A1:F7"/>', b"")
    error = rejected(replace_member(base, SHEET_XML, sheet), "a.xlsx", catalog)
    assert "más de 3 filas de datos" in messages(error)


def test_a_declared_size_smaller_than_the_data_hides_no_row(catalog):
    base = xlsx_bytes(ROWS + [["1.1.1", 2026, 3, "02", "x", "ok"]])
    sheet = member(base, SHEET_XML).replace(b'<dimension ref="A1:F3"/>',
                                            b'<dimension ref="A1:A1"/>')
    error = rejected(replace_member(base, SHEET_XML, sheet), "a.xlsx", catalog)
    assert [(i.row, i.column) for i in error.issues] == [(3, "valor")]


def test_data_far_to_the_right_is_refused(catalog):
    base = xlsx_bytes(ROWS)
    sheet = member(base, SHEET_XML).replace(
        b'<dimension ref="A1:F2"/>', b"").replace(
        b"</row></sheetData>", b'<c r="XFD2" t="n"><v>1</v></c></row></sheetData>')
    error = rejected(replace_member(base, SHEET_XML, sheet), "a.xlsx", catalog)
    assert "16.384 columnas y el máximo es 50" in messages(error)


def test_formula_cell_in_xlsx(catalog):
    content = xlsx_bytes([ROWS[0], ["1.1.1", 2026, 3, "01", "=2*3", "ok"]], sheet="avances")
    error = rejected(content, "a.xlsx", catalog)
    assert [(i.row, i.column, i.value) for i in error.issues] == [(2, "valor", "=2*3")]
    assert "Pegar valores" in error.issues[0].message
    assert error.issues[0].cell == "E2" and "a.xlsx, celda E2, columna «valor»" in str(error)


# ---------------------------------------------------------------- headers and rows


def test_missing_column(catalog):
    error = rejected(csv_bytes("1.1.1,2026,3,01", header="codigo,anio,trimestre,localidad"),
                     "a.csv", catalog)
    (issue,) = error.issues
    assert (issue.row, issue.column) == (1, "valor")
    assert "falta la columna obligatoria «valor»" in issue.message


def test_renamed_column(catalog):
    error = rejected(csv_bytes("1.1.1,2026,3,01,3",
                               header="codigo,anio,trimestre,localidad,value"), "a.csv", catalog)
    assert "columna no reconocida" in messages(error)
    assert "¿Quiso decir «valor»?" in messages(error)
    assert "falta la columna obligatoria «valor»" in messages(error)


@pytest.mark.parametrize("line, column, message", [
    ("9.9.9,2026,3,01,1,,", "codigo", "no es el código de un resultado ni de un indicador"),
    ("1.1.1,2026,3,25,1,,", "localidad", "código de localidad inválido"),
    ("1.1.1,2026,5,01,1,,", "trimestre", "trimestre inválido"),
    ("1.1.1,2026,,01,1,,", "trimestre", "obligatorio"),
    ("1.1.1,2026,3,01,diez,,", "valor", "no es un número"),
    ("1.1.1,2026,3,01,-3,,", "valor", "no puede ser negativo"),
    ("1.1.1,2026,3,01,,,", "valor", "obligatorio"),
    ("1.1.1,2022,3,01,1,,", "anio", "entre 2023 y 2032"),
    ("1.1.1,2033,3,01,1,,", "anio", "entre 2023 y 2032"),
    ("1.1.1,dos mil,3,01,1,,", "anio", "año entero"),
    ("1.1.1,2026,3,01,1,,31-31-2026", "fecha_reporte", "fecha inválida"),
    ("1.1.2,2026,2,03,1,,", "localidad", "no se reporta por localidad"),
    ("1.1.2,2026,2,,140,,", "valor", "la unidad es «%»"),
    ("1.1.1,2026,3,01,=1+1,,", "valor", "fórmula"),
    ("1.1.1,2026,3,01,@SUM(A1),,", "valor", "fórmula"),
    ('"=HYPERLINK(""http://x"")",2026,3,01,1,,', "codigo", "fórmula"),
])
def test_row_errors_name_row_column_and_value(catalog, line, column, message):
    error = rejected(csv_bytes("1.1.1,2026,2,01,1,ok,", line), "a.csv", catalog, None)
    assert error.status == 422
    issues = [i for i in error.issues if i.row == 3 and i.column == column]
    assert issues, error.issues
    assert message in issues[0].message
    assert len(issues) == 1


def test_duplicate_rows(catalog):
    error = rejected(csv_bytes("1.1.1,2026,3,01,1,ok,", "1.1.1,2026,T3,1,2,ok,"), "a.csv",
                     catalog)
    assert [i.row for i in error.issues] == [3]
    assert "repetido (ya está en la fila 2)" in error.issues[0].message


def test_two_invalid_years_give_no_spurious_duplicate(catalog):
    error = rejected(csv_bytes("1.1.1,2040,3,01,1,ok,", "1.1.1,2041,3,01,1,ok,"), "a.csv",
                     catalog)
    assert [(i.row, i.column) for i in error.issues] == [(2, "anio"), (3, "anio")]
    assert "repetido" not in messages(error)


def test_row_numbers_follow_the_file_across_blank_lines(catalog):
    content = csv_bytes("1.1.1,2026,3,01,1,ok,", "", ",,,,,,", "1.1.1,2026,3,02,x,ok,")
    error = rejected(content, "a.csv", catalog)
    assert [(i.row, i.column) for i in error.issues] == [(5, "valor")]


def test_every_error_is_reported_at_once(catalog):
    error = rejected(csv_bytes("9.9.9,2026,3,01,1,,", "1.1.1,2040,3,01,-1,,",
                               "1.1.1,2026,3,77,1,,"), "a.csv", catalog)
    assert {(i.row, i.column) for i in error.issues} == {
        (2, "codigo"), (3, "anio"), (3, "valor"), (4, "localidad")}


def test_issue_json_shape(catalog):
    error = rejected(csv_bytes("1.1.1,2026,3,01,abc,,"), "a.csv", catalog)
    assert issue_json(error.issues[0]) == {
        "row": 2, "column": "valor", "value": "abc", "message": error.issues[0].message,
        "warning": False}


def test_tokens_map_to_their_entity_or_admin():
    from data.config import load_settings
    from data.reports import entity_for_token

    settings = load_settings({"BOGOTA_TI_TOKENS": "sdm:abc:1, sda:xyz",
                              "BOGOTA_TI_ADMIN_TOKEN": "root"})
    assert entity_for_token("abc:1", settings) == "sdm"
    assert entity_for_token(" xyz ", settings) == "sda"
    assert entity_for_token("root", settings) == ADMIN
    assert entity_for_token("abc", settings) is None
    assert entity_for_token("", settings) is None and entity_for_token(None, settings) is None
    assert entity_for_token("root", load_settings({})) is None


def test_file_name_is_reduced_to_a_short_base_name(catalog):
    parsed = parse(csv_bytes("1.1.1,2026,3,1,1,ok,"), catalog,
                   "C:\\fakepath\\" + "x" * 300 + ".csv")
    assert parsed.file_name.endswith("x.csv") and len(parsed.file_name) == 200
    assert "\\" not in parsed.file_name


# ---------------------------------------------------------------- never an unhandled error

_VALID_XLSX = xlsx_bytes(ROWS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from(["a.csv", "a.xlsx"]))
def test_arbitrary_bytes_give_a_report_error_or_a_report(content, name):
    try:
        parse_report(HEADER.encode() + b"\n" + content, name, tiny_catalog(), None,
                     today=TODAY)
    except ReportError as error:
        assert error.issues and all(i.message for i in error.issues)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_VALID_XLSX) - 1), st.integers(0, 255)),
                min_size=1, max_size=4))
def test_damaged_workbooks_give_a_report_error(flips):
    raw = bytearray(_VALID_XLSX)
    for position, value in flips:
        raw[position] = value
    try:
        parse_report(bytes(raw), "a.xlsx", tiny_catalog(), None, today=TODAY)
    except ReportError as error:
        assert error.issues and all(i.message for i in error.issues)
