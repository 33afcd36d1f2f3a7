"""Tests for data.matrix: CSV/XLSX round trip, encodings, separators, the version sheet."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import openpyxl
import pandas as pd
import pytest

from data.matrix import load_matrix, read_csv_table, write_matrix
from data.schema import COLUMNS, FILE_NAMES
from data.validation import CatalogError
from tests.conftest import tiny_catalog


@pytest.fixture(scope="module")
def catalog():
    return tiny_catalog()


def _assert_same_tables(a, b):
    for table in COLUMNS:
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table), obj=table)


def _csv(path, stem) -> pd.DataFrame:
    return read_csv_table(path / f"{stem}.csv")


def _write_csv(path, stem, df: pd.DataFrame, **kwargs) -> None:
    df.to_csv(path / f"{stem}.csv", index=False, **kwargs)


@pytest.mark.parametrize("fmt, name", [("csv", "matriz"), ("xlsx", "matriz.xlsx")])
def test_round_trip_is_exact(catalog, tmp_path, fmt, name):
    path = write_matrix(catalog, tmp_path / name, fmt)
    warnings: list = []
    loaded = load_matrix(path, warnings=warnings)
    _assert_same_tables(catalog, loaded)
    assert loaded.version.cutoff_date == catalog.version.cutoff_date == date(2026, 10, 31)
    assert loaded.version.cut.label == "2026-T3"
    assert (loaded.version.illustrative, loaded.version.version_id) == (True, 1)
    assert loaded.version.note == "catálogo de prueba"
    assert len(loaded.version.source_sha256) == 64 and loaded.version.source_name == name
    assert warnings and all(w.warning for w in warnings)  # tiny counts differ from the policy


def test_round_trip_keeps_awkward_values(catalog, tmp_path):
    indicators = catalog.indicators.copy()
    indicators.loc[0, "name"] = "=SUMA(A1) no es fórmula"
    indicators.loc[1, "final_target"] = float("nan")
    indicators.loc[1, "final_target_text"] = "Por definir"
    indicators.loc[2, "weight"] = 100 / 3 * 3
    targets = catalog.targets.copy()
    targets.loc[0, "target"] = 0.1 + 0.2
    reports = catalog.reports.copy()
    reports.loc[0, "reported_at"] = pd.NaT
    reports.loc[1, "text"] = 'Con "comillas", comas; y\nsalto de línea'
    odd = replace(catalog, indicators=indicators, targets=targets, reports=reports)
    for fmt, name in (("csv", "m"), ("xlsx", "m.xlsx")):
        _assert_same_tables(odd, load_matrix(write_matrix(odd, tmp_path / name, fmt)))


def test_file_conventions(catalog, tmp_path):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    raw = (path / "metas.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfcodigo,localidad,anio,meta\n")
    metas = _csv(path, "metas")
    city = metas[metas["codigo"] == "1.1.2"]
    assert set(city["localidad"]) == {""}  # the city is an empty locality
    assert city["meta"].iloc[0] == "Levantamiento línea base"  # a text target, as text
    indicadores = _csv(path, "indicadores")
    assert set(indicadores["vigente"]) == {"si", "no"}
    assert indicadores.loc[2, "linea_base"] == ""  # no baseline: an empty cell
    book = openpyxl.load_workbook(write_matrix(catalog, tmp_path / "m.xlsx", "xlsx"))
    assert book.sheetnames == [*FILE_NAMES.values(), "version"]
    cells = {c.value: c.data_type for row in book["metas"].iter_rows(min_row=2) for c in row}
    assert cells["Levantamiento línea base"] == "s" and cells[40] == "n"
    assert cells["01"] == "s"  # locality codes stay text


def test_without_version_file_the_cutoff_is_the_last_report_date(catalog, tmp_path):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    (path / "version.csv").unlink()
    loaded = load_matrix(path)
    assert loaded.version.illustrative is False and loaded.version.version_id == 1
    assert loaded.version.cutoff_date == date(2026, 1, 31)
    assert load_matrix(path, illustrative=True).version.illustrative is True


def test_without_dates_the_cutoff_is_the_end_of_the_last_reported_quarter(catalog, tmp_path):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    (path / "version.csv").unlink()
    _write_csv(path, "avances", _csv(path, "avances").assign(fecha_reporte=""))
    assert load_matrix(path).version.cutoff_date == date(2026, 6, 30)  # 1.1.2, 2026-T2


def test_bad_version_fields_are_named(catalog, tmp_path):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    _write_csv(path, "version", pd.DataFrame({"campo": ["version", "fecha_corte",
                                                        "ilustrativo"],
                                              "valor": ["dos", "31-31-2026", "tal vez"]}))
    with pytest.raises(CatalogError) as caught:
        load_matrix(path)
    assert [(i.row, i.value) for i in caught.value.issues] == [
        (2, "dos"), (3, "31-31-2026"), (4, "tal vez")]


def _rewrite(path, encoding, sep, decimal=".", bom=b""):
    for stem in FILE_NAMES.values():
        df = _csv(path, stem)
        if decimal == ",":
            for column in ("linea_base", "meta", "meta_final", "valor", "peso"):
                if column in df.columns:
                    df[column] = df[column].str.replace(".", ",", regex=False)
        raw = df.to_csv(index=False, sep=sep).encode(encoding)
        (path / f"{stem}.csv").write_bytes(bom + raw)


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin1_semicolon_decimal_comma(catalog, tmp_path, encoding):
    indicators = catalog.indicators.copy()
    indicators.loc[0, "baseline"] = 12.5
    catalog = replace(catalog, indicators=indicators)
    path = write_matrix(catalog, tmp_path / "m", "csv")
    _rewrite(path, encoding, ";", decimal=",")
    raw = (path / "indicadores.csv").read_bytes()
    assert b";" in raw and "á".encode("latin-1") in raw and b"12,5" in raw
    _assert_same_tables(catalog, load_matrix(path))


@pytest.mark.parametrize("encoding, bom, sep", [("utf-8", b"", ","),
                                                ("utf-16-le", b"\xff\xfe", "\t")])
def test_utf8_without_bom_and_utf16_with_tabs(catalog, tmp_path, encoding, bom, sep):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    _rewrite(path, encoding, sep, bom=bom)
    _assert_same_tables(catalog, load_matrix(path))


@pytest.mark.parametrize("city", ["", "00", "0"])
def test_city_locality_spellings(catalog, tmp_path, city):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    metas = _csv(path, "metas")
    metas.loc[metas["localidad"] == "", "localidad"] = city
    _write_csv(path, "metas", metas)
    _assert_same_tables(catalog, load_matrix(path))


def test_headers_with_accents_case_and_other_order(catalog, tmp_path):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    metas = _csv(path, "metas")
    metas.columns = ["Código", "Localidad", "Año", "Meta"]
    _write_csv(path, "metas", metas[["Año", "Código", "Meta", "Localidad"]].assign(nota="x"))
    _assert_same_tables(catalog, load_matrix(path))


def test_xlsx_with_numeric_cells(catalog, tmp_path):
    book_path = write_matrix(catalog, tmp_path / "m.xlsx", "xlsx")
    book = openpyxl.load_workbook(book_path)
    sheet = book["metas"]
    for row in sheet.iter_rows(min_row=2):
        place, year = row[1], row[2]
        place.value = int(place.value) if place.value else None
        year.value = float(year.value)
    for row in book["resultados"].iter_rows(min_row=2):
        row[0].value = float(row[0].value)  # "1.1" typed as a number
    book.save(book_path)
    _assert_same_tables(catalog, load_matrix(book_path))


def test_blank_rows_keep_the_row_numbers(catalog, tmp_path):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    lines = (path / "avances.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[3] = lines[3].replace(",2023,", ",2050,", 1)
    (path / "avances.csv").write_text("\n".join(lines[:2] + ["", ",,,,,,"] + lines[2:]),
                                      encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_matrix(path)
    assert [(i.file, i.row, i.column) for i in caught.value.issues] == [
        ("avances.csv", 6, "anio")]


def test_read_csv_table_from_bytes():
    df = read_csv_table("codigo;anio;valor\n1.1.1;2024;3,5\n".encode("cp1252"), "x.csv")
    assert list(df.columns) == ["codigo", "anio", "valor"]
    assert df.loc[0, "valor"] == "3,5"


def test_read_csv_table_refuses_an_unterminated_quote():
    with pytest.raises(CatalogError, match="línea 3 tiene comillas"):
        read_csv_table(b'codigo,valor\n1.1.1,1\n1.1.1,"2\n', "x.csv")


def test_locality_baselines_file_is_optional(catalog, tmp_path):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    (path / "lineas_base_localidad.csv").unlink()
    assert load_matrix(path).locality_baselines.empty


def test_missing_file_named(catalog, tmp_path):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    (path / "metas.csv").unlink()
    with pytest.raises(CatalogError) as caught:
        load_matrix(path)
    assert caught.value.issues[0].file == "metas.csv"
    assert "metas.csv" in str(caught.value)


def test_missing_sheet_named(tmp_path):
    book = tmp_path / "m.xlsx"
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        pd.DataFrame({"eje": ["a"], "nombre": ["b"]}).to_excel(writer, sheet_name="ejes",
                                                               index=False)
    with pytest.raises(CatalogError) as caught:
        load_matrix(book)
    assert "falta la hoja «objetivos»" in str(caught.value)
    assert "lineas_base_localidad" not in str(caught.value)


def test_errors_in_a_workbook_name_sheet_and_row(catalog, tmp_path):
    book_path = write_matrix(catalog, tmp_path / "m.xlsx", "xlsx")
    book = openpyxl.load_workbook(book_path)
    assert book["indicadores"]["M1"].value == "entidad"
    book["indicadores"]["M3"] = "nadie"  # 1.1.2
    book.save(book_path)
    with pytest.raises(CatalogError) as caught:
        load_matrix(book_path)
    (issue,) = caught.value.issues
    assert (issue.file, issue.row, issue.column, issue.value) == (
        "m.xlsx › indicadores", 3, "entidad", "nadie")


def test_nonexistent_path(tmp_path):
    with pytest.raises(CatalogError, match="no existe"):
        load_matrix(tmp_path / "nada.xlsx")


def test_corrupt_xlsx(tmp_path):
    book = tmp_path / "m.xlsx"
    book.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(CatalogError, match="XLSX"):
        load_matrix(book)


def test_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="formato"):
        write_matrix(tiny_catalog(), tmp_path / "x", "ods")
