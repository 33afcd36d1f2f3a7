"""Tests for data.matrix: CSV/XLSX round trip, encodings, separators."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from data.illustrative import build_illustrative_catalog
from data.matrix import load_matrix, read_csv_table, write_matrix
from data.schema import CITYWIDE, COLUMNS, FILE_NAMES
from data.validation import CatalogError


@pytest.fixture(scope="module")
def catalog():
    return build_illustrative_catalog()


def _assert_same_tables(a, b):
    for table in COLUMNS:
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))


@pytest.mark.parametrize("fmt, name", [("csv", "matriz"), ("xlsx", "matriz.xlsx")])
def test_round_trip_is_exact(catalog, tmp_path, fmt, name):
    path = write_matrix(catalog, tmp_path / name, fmt)
    loaded = load_matrix(path)
    _assert_same_tables(catalog, loaded)
    assert loaded.version.cutoff_date == catalog.version.cutoff_date
    assert loaded.version.illustrative is True
    assert len(loaded.version.source_sha256) == 64


def test_without_version_file_is_not_illustrative(catalog, tmp_path):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    (path / "version.csv").unlink()
    loaded = load_matrix(path)
    assert loaded.version.illustrative is False
    assert loaded.version.cutoff_date == loaded.observations["reported_at"].max().date()
    assert load_matrix(path, illustrative=True).version.illustrative is True


def _rewrite(path, encoding, sep, decimal=".", bom=False):
    for stem in FILE_NAMES.values():
        file = path / f"{stem}.csv"
        df = pd.read_csv(file, dtype=str, keep_default_na=False)
        for column in ("linea_base", "meta", "valor"):
            if decimal == "," and column in df.columns:
                df[column] = df[column].str.replace(".", ",", regex=False)
        raw = df.to_csv(index=False, sep=sep).encode(encoding)
        file.write_bytes((b"\xef\xbb\xbf" if bom else b"") + raw)


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin1_semicolon_decimal_comma(catalog, tmp_path, encoding):
    entities = catalog.entities.assign(name=catalog.entities["name"].str.replace("–", "-"))
    if encoding == "latin-1":  # the en dash does not exist in Latin-1
        catalog = replace(catalog, entities=entities)
    path = write_matrix(catalog, tmp_path / "m", "csv")
    _rewrite(path, encoding, ";", decimal=",")
    raw = (path / "productos.csv").read_bytes()
    assert b";" in raw and "ú".encode("latin-1") in raw and b"850,0" in raw
    _assert_same_tables(catalog, load_matrix(path))


def test_utf8_bom(catalog, tmp_path):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    _rewrite(path, "utf-8", ",", bom=True)
    assert (path / "ejes.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    _assert_same_tables(catalog, load_matrix(path))


def test_empty_locality_is_citywide(catalog, tmp_path):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    metas = pd.read_csv(path / "metas.csv", dtype=str, keep_default_na=False)
    metas.loc[metas["localidad"] == CITYWIDE, "localidad"] = ""
    metas.to_csv(path / "metas.csv", index=False)
    _assert_same_tables(catalog, load_matrix(path))


def test_headers_with_accents_and_case(catalog, tmp_path):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    metas = pd.read_csv(path / "metas.csv", dtype=str, keep_default_na=False)
    metas.columns = ["Producto", "Año", "Localidad", "Meta"]
    metas.to_csv(path / "metas.csv", index=False)
    _assert_same_tables(catalog, load_matrix(path))


def test_xlsx_with_numeric_cells(catalog, tmp_path):
    book = write_matrix(catalog, tmp_path / "m.xlsx", "xlsx")
    sheets = pd.read_excel(book, sheet_name=None, dtype=object)
    metas = sheets["metas"]
    metas["localidad"] = [None if c == CITYWIDE else int(c) for c in metas["localidad"]]
    metas["anio"] = metas["anio"].astype(float)
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for name, df in sheets.items():
            df.to_excel(writer, sheet_name=name, index=False)
    _assert_same_tables(catalog, load_matrix(book))


def test_read_csv_table_from_bytes():
    df = read_csv_table("producto;anio;valor\nP01;2024;3,5\n".encode("cp1252"), "x.csv")
    assert list(df.columns) == ["producto", "anio", "valor"]
    assert df.loc[0, "valor"] == "3,5"


def test_missing_file_named(catalog, tmp_path):
    path = write_matrix(catalog, tmp_path / "m", "csv")
    (path / "metas.csv").unlink()
    with pytest.raises(CatalogError) as err:
        load_matrix(path)
    assert err.value.issues[0].file == "metas.csv"
    assert "metas.csv" in str(err.value)


def test_missing_sheet_named(catalog, tmp_path):
    book = tmp_path / "m.xlsx"
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        pd.DataFrame({"eje": ["a"], "nombre": ["b"]}).to_excel(writer, sheet_name="ejes",
                                                               index=False)
    with pytest.raises(CatalogError) as err:
        load_matrix(book)
    assert "falta la hoja «objetivos»" in str(err.value)


def test_nonexistent_path(tmp_path):
    with pytest.raises(CatalogError, match="no existe"):
        load_matrix(tmp_path / "nada.xlsx")


def test_corrupt_xlsx(tmp_path):
    book = tmp_path / "m.xlsx"
    book.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(CatalogError, match="XLSX"):
        load_matrix(book)


def test_unknown_format(catalog, tmp_path):
    with pytest.raises(ValueError, match="formato"):
        write_matrix(catalog, tmp_path / "x", "ods")
