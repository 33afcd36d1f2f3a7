"""Tests for data.validation: each bad input names file, row and column."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from data.illustrative import build_illustrative_catalog
from data.matrix import load_matrix, write_matrix
from data.validation import (
    CatalogError,
    Issue,
    normalize_header,
    validate_catalog,
    validate_observations,
)


@pytest.fixture(scope="module")
def catalog():
    return build_illustrative_catalog()


@pytest.fixture
def matrix(catalog, tmp_path):
    return write_matrix(catalog, tmp_path / "matriz", "csv")


def _edit(path, stem, edit):
    file = path / f"{stem}.csv"
    df = pd.read_csv(file, dtype=str, keep_default_na=False)
    df = edit(df)
    df.to_csv(file, index=False)


def _set_cells(path, stem, cells):
    """Overwrite cells ``{(index, column): value}`` of ``stem``.csv (index 0 = row 2)."""
    def edit(df):
        for (index, column), value in cells.items():
            df.loc[index, column] = value
        return df

    _edit(path, stem, edit)


def _issues(path):
    with pytest.raises(CatalogError) as err:
        load_matrix(path)
    return err.value


def _find(error, column):
    found = [i for i in error.issues if i.column == column]
    assert found, str(error)
    return found[0]


def test_duplicate_rows(matrix):
    _edit(matrix, "avances", lambda df: pd.concat([df, df.iloc[[4]]], ignore_index=True))
    error = _issues(matrix)
    issue = _find(error, "producto")
    assert issue.file == "avances.csv"
    n_rows = len(pd.read_csv(matrix / "avances.csv"))
    assert issue.row == n_rows + 1  # last data row; header is row 1
    assert "repetido" in issue.message
    assert f"avances.csv, fila {issue.row}, columna «producto»" in str(error)


@pytest.mark.parametrize(
    ("stem", "index", "column", "value", "words"),
    [
        ("productos", 2, "entidad", "sdx", ("entidades",)),
        ("metas", 0, "anio", "2040", ("2023", "2032")),
        ("avances", 0, "localidad", "21", ("01 a 20",)),
        ("avances", 3, "valor", "doce", ("no es un número",)),
        ("metas", 0, "meta", "-5", ("negativo",)),
    ],
    ids=["unknown_entity", "year_2040", "locality_21", "non_numeric_value",
         "negative_target"],
)
def test_bad_cell_is_named(matrix, stem, index, column, value, words):
    _set_cells(matrix, stem, {(index, column): value})
    issue = _find(_issues(matrix), column)
    assert (issue.file, issue.row, issue.value) == (f"{stem}.csv", index + 2, value)
    assert all(word in issue.message for word in words), issue.message


def test_unknown_axis_and_objective(matrix):
    _set_cells(matrix, "productos", {(0, "eje"): "movilidad", (1, "objetivo"): "9"})
    error = _issues(matrix)
    assert _find(error, "eje").row == 2
    assert _find(error, "objetivo").row == 3


def test_missing_column(matrix):
    _edit(matrix, "metas", lambda df: df.rename(columns={"meta": "valor_meta"}))
    issue = _find(_issues(matrix), "meta")
    assert issue.file == "metas.csv"
    assert "falta la columna" in issue.message and "valor_meta" in issue.message


@pytest.mark.parametrize(
    ("product", "column", "value", "words"),
    [
        ("P08", "valor", "140", "entre 0 y 100"),  # unit "%"
        ("P07", "localidad", "05", "alcance «ciudad»"),  # citywide product
    ],
    ids=["percent_over_100", "citywide_product_with_locality"],
)
def test_bad_report_of_product(matrix, product, column, value, words):
    def edit(df):
        row = df.index[df["producto"] == product][0]
        df.loc[row, column] = value
        return df

    _edit(matrix, "avances", edit)
    assert words in _find(_issues(matrix), column).message


def test_bad_choice_values(matrix):
    _set_cells(matrix, "productos",
               {(0, "sentido"): "arriba", (1, "alcance"): "barrio", (2, "agregacion"): "max"})
    error = _issues(matrix)
    for column in ("sentido", "alcance", "agregacion"):
        assert "use uno de" in _find(error, column).message


def test_declared_counts(matrix):
    _edit(matrix, "entidades", lambda df: df.iloc[:-1])
    error = _issues(matrix)
    messages = [i.message for i in error.issues if i.file == "entidades.csv"]
    assert any("14 entidades" in m and "13" in m for m in messages)


def test_missing_target_year(matrix):
    _edit(matrix, "metas", lambda df: df[~((df["producto"] == "P07") & (df["anio"] == "2030"))])
    error = _issues(matrix)
    assert any("P07" in i.message and "2030" in i.message for i in error.issues)


def test_all_issues_collected_and_listed(matrix):
    _set_cells(matrix, "avances", {(0, "anio"): "2040", (1, "valor"): "x"})
    error = _issues(matrix)
    assert len(error.issues) >= 2
    assert str(error).count("\n- ") >= 2


def test_validate_catalog_ok_and_bad(catalog):
    validate_catalog(catalog)
    products = catalog.products.copy()
    products.loc[0, "entity_id"] = "nadie"
    with pytest.raises(CatalogError) as err:
        validate_catalog(replace(catalog, products=products), "prueba")
    issue = _find(err.value, "entidad")
    assert issue.row == 2 and "prueba" in issue.file


def test_validate_observations_upload(catalog):
    upload = pd.DataFrame({
        "producto": ["P01", "P07"], "anio": ["2026", "2026"], "localidad": ["11", ""],
        "valor": ["12", "1.500,5"], "fecha_reporte": ["2026-10-01", "31/10/2026"],
    })
    typed = validate_observations(upload, catalog, "reporte.csv")
    assert list(typed["locality_code"]) == ["11", "00"]
    assert list(typed["value"]) == [12.0, 1500.5]
    assert typed["reported_at"].iloc[1] == pd.Timestamp(2026, 10, 31)


def test_validate_observations_errors(catalog):
    upload = pd.DataFrame({
        "producto": ["P99", "P01", "P01"], "anio": ["2026", "2040", "2026"],
        "localidad": ["11", "11", "21"], "valor": ["1", "2", "tres"],
        "fecha_reporte": ["", "", "ayer"],
    })
    with pytest.raises(CatalogError) as err:
        validate_observations(upload, catalog, "reporte.csv")
    where = {(i.row, i.column) for i in err.value.issues}
    assert {(2, "producto"), (3, "anio"), (4, "localidad"), (4, "valor"),
            (4, "fecha_reporte")} <= where
    assert all(isinstance(i, Issue) and i.file == "reporte.csv" for i in err.value.issues)


def test_validate_observations_missing_column(catalog):
    with pytest.raises(CatalogError) as err:
        validate_observations(pd.DataFrame({"producto": ["P01"]}), catalog, "r.csv")
    assert {i.column for i in err.value.issues} == {"anio", "localidad", "valor"}


def test_issue_text_and_dict():
    issue = Issue("metas.csv", 7, "anio", "2040", "fuera de rango.")
    assert str(issue) == "metas.csv, fila 7, columna «anio» (valor «2040»): fuera de rango."
    assert issue.to_dict()["fila"] == 7


def test_normalize_header():
    assert normalize_header(" Línea Base ") == "linea_base"
    assert normalize_header("\ufeffProducto") == "producto"
