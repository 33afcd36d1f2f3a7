"""The SDP's follow-up of products (.xlsb and .xlsx) uploaded as a report.

The catalog is the test plan (``builders.plan_bytes``): 1.1.1 (SUMA, trimestral,
sg-actic), 1.1.2 (CRECIENTE, semestral, %, shd), 2.1.1 (DECRECIENTE, anual, sdm),
2.1.2 (not in force, sdm). "Today" is 2026-11-05.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from data.reports import ReportError, parse_report
from data.workbooks.followup import Difference, differences, parse_followup
from data.workbooks.plan import read_plan
from data.workbooks.sheets import read_book
from tests.data.workbooks.builders import (
    FollowRow,
    block_start,
    followup_book,
    followup_cells,
    plan_bytes,
    value_column,
    year_column,
)
from tests.report_files import replace_member, with_member

TODAY = date(2026, 11, 5)
QUANT = "hoja «Avance Cuantitativo»"
FORMATS = ("xlsx", "xlsb")


@pytest.fixture(scope="module")
def catalog():
    return read_plan(plan_bytes(), file_name="plan.xlsx").catalog


def wifi(**changes) -> FollowRow:
    """1.1.1: 10 a quarter from 2023-T1 to 2024-T2, and the district's figures (they agree)."""
    values = {(2023, q): 10 for q in (1, 2, 3, 4)} | {(2024, 1): 10, (2024, 2): 10}
    row = FollowRow("1.1.1", entity="Alta Consejería Distrital de TIC", values=values,
                    targets={2023: 40, 2024: 40}, final=400, accumulated={2023: 40, 2024: 20},
                    pct_accumulated={2023: 1.0, 2024: 1.0}, pct_final={2023: 0.1, 2024: 0.15},
                    texts={(2024, 2): "Se instalaron 10 zonas."},
                    approaches={(2024, 2): "Zonas en barrios de estratos 1 y 2."})
    for key, value in changes.items():
        setattr(row, key, value)
    return row


def waiting(**changes) -> FollowRow:
    row = FollowRow("2.1.1", values={(2023, 4): 48, (2024, 4): 43},
                    texts={(2023, 4): "Medición anual.", (2024, 4): "Medición anual."})
    for key, value in changes.items():
        setattr(row, key, value)
    return row


def cell(column: int, row: int) -> str:
    return f"{get_column_letter(column)}{row}"


def parse(content: bytes, catalog, fmt: str = "xlsb", entity: str | None = "admin"):
    return parse_report(content, f"seguimiento.{fmt}", catalog, entity, today=TODAY)


def refused(content: bytes, catalog, fmt: str = "xlsb", entity: str | None = "admin"
            ) -> ReportError:
    with pytest.raises(ReportError) as caught:
        parse(content, catalog, fmt, entity)
    return caught.value


def messages(error: ReportError) -> str:
    return " | ".join(i.message for i in error.issues)


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_follow_up_becomes_the_report_rows(catalog, fmt):
    parsed = parse(followup_book([wifi(), waiting()], fmt), catalog, fmt)
    assert parsed.file_format == fmt and parsed.file_name == f"seguimiento.{fmt}"
    reports = parsed.reports.set_index(["code", "year", "quarter"])
    assert len(reports) == 8 and set(parsed.reports["locality_code"]) == {"00"}
    assert reports.loc[("1.1.1", 2024, 2), "value"] == 10.0
    assert reports.loc[("1.1.1", 2024, 2), "text"] == (
        "Se instalaron 10 zonas.\n\nAvance en los enfoques: Zonas en barrios de estratos 1 y 2.")
    assert reports.loc[("2.1.1", 2024, 4), ["value", "text"]].tolist() == [43.0,
                                                                           "Medición anual."]
    assert not [w for w in parsed.warnings if "el Distrito registra" in w.message]


def test_xlsb_and_xlsx_read_the_same(catalog):
    rows = [wifi(), waiting()]
    a = parse(followup_book(rows, "xlsx"), catalog, "xlsx").reports
    b = parse(followup_book(rows, "xlsb"), catalog, "xlsb").reports
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("fmt", FORMATS)
def test_blocks_are_read_per_indicator(catalog, fmt):
    sheets = read_book(followup_book([wifi()], fmt), "s", fmt)
    followup = parse_followup(sheets, "s", catalog)
    assert followup.errors == []
    (row,) = followup.rows
    assert (row.code, row.report_year, row.cut_quarter, row.in_force) == ("1.1.1", 2024, 2,
                                                                          True)
    assert {k: v for k, (v, _) in row.targets.items()} == {2023: 40.0, 2024: 40.0}
    assert row.final_target[0] == 400.0
    assert {k: v for k, (v, _) in row.accumulated.items()} == {2023: 40.0, 2024: 20.0}
    assert {k: v for k, (v, _) in row.percents["pct_final"].items()} == {2023: 0.1,
                                                                         2024: 0.15}
    assert followup.texts[("1.1.1", 2024, 2)][0] == "Se instalaron 10 zonas."


@pytest.mark.parametrize("fmt", FORMATS)
def test_percent_cells_of_a_percent_indicator_are_percentages(catalog, fmt):
    procedures = FollowRow("1.1.2", entity="Hacienda", values={(2023, 2): 0.42, (2023, 4): 0.45},
                           percent_values=True, texts={(2023, 2): "a", (2023, 4): "b"})
    parsed = parse(followup_book([procedures], fmt), catalog, fmt)
    assert parsed.reports["value"].tolist() == [42.0, 45.0]


@pytest.mark.parametrize("labels, merged", [(False, True), (True, False), (False, False)])
def test_quarters_without_labels_or_merged_years(catalog, labels, merged):
    content = followup_book([wifi()], "xlsx", quarter_labels=labels, merged_years=merged)
    reference = parse(followup_book([wifi()], "xlsx"), catalog, "xlsx").reports
    pd.testing.assert_frame_equal(parse(content, catalog, "xlsx").reports, reference)


def test_a_renamed_xlsb_is_read_by_its_content(catalog):
    parsed = parse(followup_book([wifi()], "xlsb"), catalog, "xlsx")
    assert parsed.file_format == "xlsb" and len(parsed.reports) == 6


# ---------------------------------------------------------------- the district's own figures


@pytest.mark.parametrize("fmt", FORMATS)
def test_differences_with_our_method_are_listed(catalog, fmt):
    row = wifi(pct_accumulated={2023: 1.0, 2024: 0.9}, targets={2023: 40, 2024: 45})
    parsed = parse(followup_book([row], fmt), catalog, fmt)
    found = [w for w in parsed.warnings if w.column in ("% meta acumulada hasta la vigencia",
                                                         "Meta 2024")]
    pct = cell(year_column("% meta acumulada hasta la vigencia", 2024), 6)
    target = cell(year_column("Metas programadas", 2024), 6)
    assert [(w.cell, w.warning) for w in found] == [(target, True), (pct, True)]
    assert "el seguimiento dice 45 y el plan de acción cargado 40" in found[0].message
    assert found[1].message == (
        f"{QUANT}, celda {pct}: indicador 1.1.1, «% meta acumulada hasta la vigencia» en "
        "2024-T2: el Distrito registra 90,00 % y este tablero calcula 100,00 % (método de "
        "data/method.py); la diferencia supera el redondeo (0,50 %). Revise metas, línea base y "
        "valores; el tablero muestra su propio cálculo.")


def test_differences_as_data(catalog):
    row = wifi(pct_final={2023: 0.1, 2024: 0.2}, pct_accumulated={2023: 1.004})
    followup = parse_followup(read_book(followup_book([row], "xlsx"), "s", "xlsx"), "s", catalog)
    reports = parse(followup_book([row], "xlsx"), catalog, "xlsx").reports
    assert differences(followup, catalog, reports) == [
        Difference("1.1.1", "2024-T2", "% meta final", 0.2, pytest.approx(0.15),
                   "Avance Cuantitativo", cell(year_column("% meta final", 2024), 6))]


def test_a_figure_we_cannot_compute_is_listed_as_sin_dato(catalog):
    row = waiting(pct_final={2023: 0.2})  # 2.1.1 has a notional baseline: PAF exists
    row2 = FollowRow("1.1.2", entity="Hacienda", values={(2023, 2): 41}, texts={(2023, 2): "x"},
                     pct_accumulated={2023: 0.5})  # 2023 target is text: no figure
    parsed = parse(followup_book([row, row2], "xlsx"), catalog, "xlsx")
    no_figure = [w for w in parsed.warnings if "sin dato" in w.message]
    assert len(no_figure) == 1 and "indicador 1.1.2" in no_figure[0].message


# ---------------------------------------------------------------- the upload's rules


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_entity_publishes_only_its_indicators(catalog, fmt):
    error = refused(followup_book([wifi(), waiting()], fmt), catalog, fmt, entity="sdm")
    assert error.status == 403
    assert error.issues[0].cell == "B6"
    assert error.issues[0].message.startswith(f"{QUANT}, celda B6: el indicador 1.1.1 está a "
                                              "cargo de")
    own = parse(followup_book([waiting()], fmt), catalog, fmt, entity="sdm")
    assert len(own.reports) == 2


def test_a_quarter_not_ended_names_its_cell(catalog):
    row = waiting(values={(2026, 4): 30})
    error = refused(followup_book([row], "xlsb"), catalog)
    (issue,) = error.issues
    assert issue.cell == cell(value_column(2026, 4), 6)
    assert "el trimestre 2026-T4 aún no termina" in issue.message


def test_an_indicator_not_in_force_is_a_warning(catalog):
    parsed = parse(followup_book([FollowRow("2.1.2", values={(2024, 1): 99})], "xlsb"),
                   catalog)
    (warning,) = [w for w in parsed.warnings if "no está vigente" in w.message]
    assert warning.cell == "B6" and warning.message.startswith(f"{QUANT}, celda B6: ")


def test_a_text_without_its_value_is_a_warning(catalog):
    row = waiting(texts={(2023, 4): "Medición anual.", (2025, 4): "Sin medición."})
    parsed = parse(followup_book([row], "xlsx"), catalog, "xlsx")
    (warning,) = [w for w in parsed.warnings if "no hay valor" in w.message]
    where = cell(3 + 4 * (2025 - 2023) + 3, 6)  # the block starts in column C
    assert warning.message.startswith(f"hoja «Avance Cualitativo», celda {where}: hay texto "
                                      "para 2.1.1 en 2025-T4")


def test_without_the_qualitative_sheet_the_values_go_without_text(catalog):
    sheets = followup_cells([waiting()])
    del sheets["Avance Cualitativo"]
    parsed = parse(followup_book([], "xlsb", sheets=sheets), catalog)
    assert parsed.reports["text"].tolist() == ["", ""]
    assert any("no tiene la hoja «Avance Cualitativo»" in w.message for w in parsed.warnings)


def test_a_red_status_without_text_warns_at_the_text_cell(catalog):
    row = wifi(values={(2023, q): 1 for q in (1, 2, 3, 4)}, texts={}, approaches={},
               pct_accumulated={}, pct_final={})
    parsed = parse(followup_book([row], "xlsb"), catalog)
    red = [w for w in parsed.warnings if "rojo" in w.message]
    assert red and red[0].message.startswith(f"{QUANT}, celda {cell(value_column(2023, 1), 6)}")


# ---------------------------------------------------------------- damaged follow-ups


def _mutated(change) -> bytes:
    sheets = followup_cells([wifi(), waiting()])
    change(sheets["Avance Cuantitativo"]["cells"])
    return sheets


def _cells(**updates):
    def change(cells):
        for (r, c), value in updates["items"]:
            if value is None:
                cells.pop((r, c), None)
            else:
                cells[(r, c)] = value
    return change


DAMAGED = [
    ("code not in the plan", [((7, 2), "9.9.9")], "B7",
     "el indicador 9.9.9 no está en el plan de acción cargado"),
    ("code that does not parse", [((7, 2), "tiempo de espera")], "B7",
     "se esperaba el código del indicador (p. ej. 1.1.1) y la celda dice «tiempo de espera»"),
    ("value in words", [((6, value_column(2024, 1)), "diez")], cell(value_column(2024, 1), 6),
     "el valor de 1.1.1 en 2024-T1 no es un número («diez»)"),
    ("negative value", [((6, value_column(2024, 1)), -5)], cell(value_column(2024, 1), 6),
     "no puede ser negativo"),
    ("year out of range", [((4, value_column(2032, 1)), 2035)], cell(value_column(2032, 1), 4),
     "el año 2035 está fuera del horizonte de la política"),
    ("repeated indicator", [((7, 2), "1.1.1")], "B7",
     "el indicador 1.1.1 ya está en la celda B6"),
    ("fifth quarter", [((5, value_column(2023, 4)), "T5")], cell(value_column(2023, 4), 5),
     "se esperaba un trimestre (T1 a T4) del año 2023"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("updates, where, fragment", [d[1:] for d in DAMAGED],
                         ids=[d[0] for d in DAMAGED])
def test_every_damaged_follow_up_names_sheet_and_cell(catalog, fmt, updates, where, fragment):
    content = followup_book([], fmt, sheets=_mutated(_cells(items=updates)))
    error = refused(content, catalog, fmt)
    assert error.status == 422
    located = [i for i in error.issues if i.cell == where]
    assert located, [str(i) for i in error.issues]
    assert any(fragment in i.message for i in located), [i.message for i in located]
    assert all(i.message.startswith(f"{QUANT}, celda {where}: ") for i in located)


@pytest.mark.parametrize("fmt", FORMATS)
def test_without_the_block_header(catalog, fmt):
    content = followup_book([], fmt, sheets=_mutated(_cells(
        items=[((3, block_start("Avance y seguimiento")), "Avances")])))
    error = refused(content, catalog, fmt)
    assert f"{QUANT}: no se encontró el encabezado de bloque «Avance y seguimiento»" in \
        messages(error)


def test_without_the_code_column(catalog):
    content = followup_book([], "xlsb", sheets=_mutated(_cells(items=[((3, 2), "Nombre corto")])))
    (issue,) = refused(content, catalog).issues
    assert issue.message.startswith(f"{QUANT}, filas 3 a 5: falta la columna «Indicador "
                                    "esperado»")
    assert "«Estado», «Nombre corto», «Nombre del indicador»" in issue.message


def test_a_follow_up_without_any_value(catalog):
    error = refused(followup_book([FollowRow("2.1.1")], "xlsb"), catalog)
    assert "no tiene ningún valor trimestral que publicar" in messages(error)


# ---------------------------------------------------------------- the file itself


def _members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_truncated_binary_sheet_is_refused(catalog):
    content = followup_book([wifi()], "xlsb")
    sheet = _members(content)["xl/worksheets/sheet1.bin"]
    damaged = replace_member(content, "xl/worksheets/sheet1.bin", sheet[:len(sheet) // 3])
    assert "la hoja «Avance Cuantitativo» está cortada o dañada" in \
        messages(refused(damaged, catalog))


def test_garbage_in_a_binary_part_is_refused_as_damaged(catalog):
    content = followup_book([wifi()], "xlsb")
    sheet = bytearray(_members(content)["xl/worksheets/sheet1.bin"])
    sheet[40:48] = b"\xff" * 8
    error = refused(replace_member(content, "xl/worksheets/sheet1.bin", bytes(sheet)), catalog)
    assert error.status == 422


def test_macros_in_an_xlsb_are_refused(catalog):
    content = with_member(followup_book([wifi()], "xlsb"), "xl/vbaProject.bin", b"macro")
    assert "macros" in messages(refused(content, catalog))


def test_doctype_in_an_xlsb_part_is_refused_before_reading(catalog, monkeypatch):
    import pyxlsb.reader

    monkeypatch.setattr(pyxlsb.reader.BIFF12Reader, "__init__",
                        lambda *a, **k: pytest.fail("read before being checked"))
    content = followup_book([wifi()], "xlsb")
    rels = _members(content)["xl/_rels/workbook.bin.rels"]
    evil = rels.replace(b"?>", b'?><!DOCTYPE r [<!ENTITY a "aaaa">]>', 1)
    error = refused(replace_member(content, "xl/_rels/workbook.bin.rels", evil), catalog)
    assert "DOCTYPE/ENTITY" in messages(error)


def test_a_huge_declared_dimension_is_refused(catalog):
    import struct

    content = followup_book([wifi()], "xlsb")
    sheet = _members(content)["xl/worksheets/sheet1.bin"]
    start = sheet.index(b"\x94\x01\x10") + 3  # BrtWsDim: 16 bytes of rows and columns
    huge = sheet[:start] + struct.pack("<4I", 0, 1_000_000, 0, 16_383) + sheet[start + 16:]
    error = refused(replace_member(content, "xl/worksheets/sheet1.bin", huge), catalog)
    assert "declara" not in messages(error)
    assert "1.000.001 filas (máximo 5.000)" in messages(error)


def test_a_plan_uploaded_as_a_report_is_refused(catalog):
    error = refused(plan_bytes(), catalog, "xlsx")
    assert "el libro es un plan de acción, no un reporte de avance" in messages(error)


def test_an_avances_workbook_still_goes_the_usual_way(catalog):
    from tests.report_files import xlsx_bytes

    content = xlsx_bytes([["codigo", "anio", "trimestre", "localidad", "valor", "texto"],
                          ["2.1.1", 2025, 4, "", 41, "ok"]])
    parsed = parse(content, catalog, "xlsx")
    assert parsed.file_format == "xlsx" and parsed.reports["value"].tolist() == [41.0]


def test_an_xlsb_that_is_not_a_follow_up_names_the_formats(catalog):
    from data.workbooks.xlsb_writer import write_xlsb

    error = refused(write_xlsb({"Hoja1": [["a", "b"], [1, 2]]}), catalog)
    assert "no se reconoce el contenido del libro .xlsb" in messages(error)
    assert "Se acepta un reporte .csv o .xlsx" in messages(error)


def test_an_avances_workbook_named_xlsb_says_so(catalog):
    from tests.report_files import xlsx_bytes

    content = xlsx_bytes([["codigo", "anio", "trimestre", "localidad", "valor"],
                          ["2.1.1", 2025, 4, "", 41]])
    error = refused(content, catalog, "xlsb")
    assert "el archivo se llama .xlsb pero es un libro .xlsx" in messages(error)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.bin", "xl/workbook.bin",
                                  "xl/sharedStrings.bin", "xl/styles.bin"])
def test_garbled_binary_parts_never_escape_as_another_error(catalog, part):
    import random

    content = followup_book([wifi(), waiting()], "xlsb")
    original = _members(content)[part]
    for seed in range(12):
        rng = random.Random(seed)
        data = bytearray(original)
        for _ in range(1 + seed):
            data[rng.randrange(len(data))] = rng.randrange(256)
        garbled = replace_member(content, part, bytes(data))
        try:
            parse(garbled, catalog)
        except ReportError as error:
            assert error.status in (403, 422) and error.issues
