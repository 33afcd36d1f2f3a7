"""Tests for data.validation: every bad input names file, row and column.

The tables are those of ``tiny_catalog()`` written as the matrix's CSV files and
read back as text (Spanish headers), then edited cell by cell.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from data.matrix import read_csv_table, write_matrix
from data.schema import COLUMNS, FILE_NAMES
from data.validation import (
    CatalogError,
    Issue,
    normalize_header,
    rename_file_columns,
    report_issues,
    validate_catalog,
    validate_tables,
)
from tests.conftest import tiny_catalog


@pytest.fixture(scope="module")
def catalog():
    return tiny_catalog()


@pytest.fixture(scope="module")
def text_tables(catalog, tmp_path_factory):
    folder = write_matrix(catalog, tmp_path_factory.mktemp("m") / "matriz", "csv")
    return {table: read_csv_table(folder / f"{stem}.csv") for table, stem in FILE_NAMES.items()}


@pytest.fixture
def tables(text_tables):
    """Fresh copies of the text tables (Spanish headers), safe to edit."""
    return {table: df.copy() for table, df in text_tables.items()}


def _where(df: pd.DataFrame, **match) -> int:
    mask = pd.Series(True, index=df.index)
    for column, value in match.items():
        mask &= df[column] == value
    return int(df.index[mask][0])


def _errors(tables, **kwargs) -> CatalogError:
    with pytest.raises(CatalogError) as caught:
        validate_tables(tables, **kwargs)
    return caught.value


def _find(error: CatalogError, file: str, column: str) -> Issue:
    found = [i for i in error.issues if i.file == file and i.column == column]
    assert found, str(error)
    return found[0]


def _warnings(tables) -> list[Issue]:
    warnings: list = []
    validate_tables(tables, warnings=warnings)
    return warnings


# ---------------------------------------------------------------- valid input


def test_text_tables_are_typed_exactly_as_the_catalog(catalog, tables):
    out = validate_tables(tables)
    assert list(out) == list(COLUMNS)
    for table in COLUMNS:
        pd.testing.assert_frame_equal(out[table], getattr(catalog, table), obj=table)


def test_typed_catalog_is_valid(catalog):
    warnings: list = []
    validate_catalog(catalog, warnings=warnings)
    assert warnings and all(w.warning for w in warnings)  # counts differ from the policy's


def test_locality_baselines_may_be_absent(tables):
    del tables["locality_baselines"]
    out = validate_tables(tables)
    assert out["locality_baselines"].empty
    assert list(out["locality_baselines"].columns) == list(COLUMNS["locality_baselines"])
    assert out["locality_baselines"]["baseline"].dtype == "float64"


def test_optional_columns_may_be_missing(tables):
    tables["indicators"] = tables["indicators"].drop(
        columns=["formula", "unidad", "linea_base", "anio_linea_base", "fuente_linea_base",
                 "meta_final", "capa", "corresponsable"])
    tables["reports"] = tables["reports"].drop(columns=["texto", "fecha_reporte"])
    tables["locality_baselines"] = tables["locality_baselines"].drop(columns=["meta_final"])
    out = validate_tables(tables)
    assert out["indicators"]["baseline"].isna().all()
    assert (out["indicators"]["unit"] == "").all() and (out["reports"]["text"] == "").all()
    assert out["reports"]["reported_at"].isna().all()


def test_cell_variants_are_accepted(tables):
    ind, res = tables["indicators"], tables["results"]
    ind.loc[0, "codigo"] = " 1 . 1 . 1 "
    ind.loc[0, "tipo_anualizacion"] = "Suma"
    ind.loc[1, "periodicidad"] = "SEMESTRAL"
    ind.loc[0, "vigente"] = "Vigente"
    ind.loc[1, "vigente"] = "Sí"
    ind.loc[3, "vigente"] = "NO VIGENTE"
    ind.loc[0, "por_localidad"] = "x"
    ind.loc[1, "por_localidad"] = "0"
    res.loc[0, "tipo_anualizacion"] = "Creciente"
    res.loc[1, "tipo_anualizacion"] = "decreciente"
    res.loc[0, "vigente"] = "TRUE"
    targets = tables["targets"]
    targets.loc[0, "meta"] = "40,0"
    targets.loc[_where(targets, codigo="1.1.1", localidad="01", anio="2023"), "localidad"] = "1"
    reports = tables["reports"]
    reports.loc[0, "trimestre"] = "T4"
    reports.loc[1, "trimestre"] = "Q4"
    reports.loc[0, "fecha_reporte"] = "31/01/2026"
    out = validate_tables(tables)
    assert out["indicators"]["code"].iloc[0] == "1.1.1"
    assert list(out["indicators"]["annualisation"][:2]) == ["SUMA", "CRECIENTE"]
    assert out["indicators"]["periodicity"].iloc[1] == "semestral"
    assert list(out["indicators"]["in_force"]) == [True, True, True, False]
    assert list(out["results"]["annualisation"]) == ["CRECIENTE", "DECRECIENTE"]
    assert out["targets"]["target"].iloc[0] == 40.0
    assert list(out["reports"]["quarter"][:2]) == [4, 4]
    assert out["reports"]["reported_at"].iloc[0] == pd.Timestamp("2026-01-31")


@pytest.mark.parametrize("text, number", [("1.234,5", 1234.5), ("1234,5", 1234.5),
                                          ("1234.5", 1234.5), ("1,234.5", 1234.5),
                                          ("1.234.567", 1234567.0), (" 12 ", 12.0)])
def test_numbers_in_es_co_and_plain_notation(tables, text, number):
    tables["targets"].loc[0, "meta"] = text
    assert validate_tables(tables)["targets"]["target"].iloc[0] == number


def test_text_target_is_kept_as_text(tables):
    out = validate_tables(tables)
    row = out["targets"][(out["targets"]["code"] == "1.1.2") & (out["targets"]["year"] == 2023)]
    assert pd.isna(row["target"].iloc[0])
    assert row["target_text"].iloc[0] == "Levantamiento línea base"


def test_text_final_target_is_kept_as_text(tables):
    tables["indicators"].loc[2, "meta_final"] = "Por definir"
    out = validate_tables(tables)["indicators"]
    assert pd.isna(out["final_target"].iloc[2])
    assert out["final_target_text"].iloc[2] == "Por definir"


def test_text_target_that_looks_like_a_typo_is_a_warning(tables):
    tables["targets"].loc[3, "meta"] = "12O"
    (warning,) = [w for w in _warnings(tables) if w.column == "meta"]
    assert (warning.row, warning.value) == (5, "12O")
    assert "se guarda como meta de texto" in warning.message


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "words"),
    [
        ("indicators", 0, "entidad", "sdx", "no existe en la tabla «entidades»"),
        ("indicators", 1, "corresponsable", "nadie", "no existe en la tabla «entidades»"),
        ("indicators", 0, "eje", "movilidad", "no existe en la tabla «ejes»"),
        ("indicators", 0, "producto", "P99", "no existe en la tabla «productos»"),
        ("indicators", 0, "tipo_anualizacion", "SUMADA", "use uno de: SUMA, CRECIENTE"),
        ("indicators", 0, "periodicidad", "mensual", "use uno de: trimestral, semestral"),
        ("indicators", 0, "vigente", "quizás", "escriba si o no"),
        ("indicators", 0, "peso", "120", "no puede ser mayor que 100"),
        ("indicators", 0, "peso", "-1", "no puede ser menor que 0"),
        ("indicators", 0, "linea_base", "Infinity", "no es un número finito"),
        ("indicators", 0, "codigo", "1.1", "«N.1.k»"),
        ("indicators", 2, "codigo", "1.1.9", "no corresponde al resultado 2.1"),
        ("results", 0, "codigo", "2.1", "debe pertenecer al objetivo 2"),
        ("results", 0, "codigo", "1.2", "«N.1»"),
        ("results", 1, "objetivo", "9", "no existe en la tabla «objetivos»"),
        ("objectives", 0, "objetivo", "uno", "número entero"),
        ("objectives", 0, "peso", "sesenta", "no es un número"),
        ("products", 0, "resultado", "3.1", "no existe en la tabla «resultados»"),
        ("targets", 0, "anio", "2040", "entre 2023 y 2032"),
        ("targets", 0, "localidad", "21", "01 a 20"),
        ("targets", 0, "meta", "inf", "no es un número finito"),
        ("targets", 0, "meta", "1e309", "no es un número finito"),
        ("targets", 0, "meta", "", "la meta está vacía"),
        ("targets", 0, "codigo", "8.1.1", "no es el código de un resultado ni de un indicador"),
        ("locality_baselines", 0, "localidad", "", "solo por localidad"),
        ("locality_baselines", 0, "codigo", "1.1.2", "no se reporta por localidad"),
        ("locality_baselines", 0, "linea_base", "nan", "no es un número finito"),
        ("reports", 0, "valor", "doce", "no es un número"),
        ("reports", 0, "valor", "-1", "no puede ser negativo"),
        ("reports", 0, "valor", "NaN", "no es un número finito"),
        ("reports", 0, "trimestre", "5", "trimestre inválido"),
        ("reports", 0, "fecha_reporte", "ayer", "fecha inválida"),
        ("reports", 0, "codigo", "7.1.1", "no es el código de un resultado ni de un indicador"),
    ],
)
def test_bad_cell_is_named(tables, table, row, column, value, words):
    tables[table].loc[row, column] = value
    issue = _find(_errors(tables), FILE_NAMES[table], column)
    assert (issue.row, issue.value) == (row + 2, value)
    assert words in issue.message, issue.message
    assert not issue.warning


def test_percent_value_over_100(tables):
    row = _where(tables["reports"], codigo="1.1.2")
    tables["reports"].loc[row, "valor"] = "140"
    assert "la unidad es «%»" in _find(_errors(tables), "avances", "valor").message


def test_locality_row_of_a_citywide_indicator(tables):
    targets = tables["targets"]
    targets.loc[_where(targets, codigo="1.1.2", anio="2025"), "localidad"] = "05"
    reports = tables["reports"]
    reports.loc[_where(reports, codigo="2.1.1", anio="2024"), "localidad"] = "05"
    error = _errors(tables)
    assert "no se reporta por localidad" in _find(error, "metas", "localidad").message
    assert "no se reporta por localidad" in _find(error, "avances", "localidad").message


def test_duplicate_rows_name_the_first_one(tables):
    reports = tables["reports"]
    tables["reports"] = pd.concat([reports, reports.iloc[[4]]], ignore_index=True)
    issue = _find(_errors(tables), "avances", "codigo")
    assert issue.row == len(reports) + 2
    assert "repetido (ya está en la fila 6)" in issue.message
    assert f"avances, fila {issue.row}, columna «codigo»" in str(_errors(tables))


def test_duplicate_ids(tables):
    tables["entities"].loc[1, "entidad"] = "sg-actic"
    tables["objectives"].loc[1, "objetivo"] = "1"
    error = _errors(tables)
    assert "repetido" in _find(error, "entidades", "entidad").message
    assert "repetido" in _find(error, "objetivos", "objetivo").message


def test_two_invalid_years_give_no_spurious_duplicate(tables):
    tables["reports"].loc[0, "anio"] = "2040"
    tables["reports"].loc[1, "anio"] = "2040"
    tables["reports"].loc[1, "localidad"] = ""  # same key as row 2 but for the year
    error = _errors(tables)
    assert [(i.row, i.column) for i in error.issues] == [(2, "anio"), (3, "anio")]
    assert "repetido" not in str(error)


def test_missing_column_and_table(tables):
    tables["targets"] = tables["targets"].rename(columns={"meta": "valor_meta"})
    del tables["axes"]
    error = _errors(tables, source_name="matriz.xlsx")
    issue = _find(error, "matriz.xlsx › metas", "meta")
    assert issue.row == 1 and "valor_meta" in issue.message
    assert any("falta la tabla «ejes»" in i.message for i in error.issues)


def test_every_error_is_collected_and_listed(tables):
    tables["reports"].loc[0, "anio"] = "2040"
    tables["reports"].loc[1, "valor"] = "x"
    tables["indicators"].loc[0, "entidad"] = "nadie"
    error = _errors(tables)
    assert len(error.issues) == 3 and str(error).count("\n- ") == 3


def test_blank_rows_keep_the_file_numbering(tables):
    reports = tables["reports"]
    blank = pd.DataFrame([[""] * len(reports.columns)], columns=reports.columns)
    bad = reports.iloc[[0]].assign(valor="x")
    tables["reports"] = pd.concat([reports.iloc[:2], blank, bad], ignore_index=True)
    tables["reports"].loc[3, "trimestre"] = "1"
    assert _find(_errors(tables), "avances", "valor").row == 5


# ---------------------------------------------------------------- warnings


def test_weights_that_do_not_add_up_are_warnings(tables):
    tables["objectives"].loc[1, "peso"] = "30"
    tables["indicators"].loc[1, "peso"] = "35,5"
    warnings = _warnings(tables)
    (objectives,) = [w for w in warnings if w.file == "objetivos" and "pesos" in w.message]
    assert (objectives.column, objectives.value) == ("peso", "90")
    assert objectives.message.startswith("los pesos de los objetivos suman 90 y deberían "
                                            "sumar 100")
    (result,) = [w for w in warnings if w.file == "indicadores"]
    assert "los indicadores vigentes del resultado 1.1 suman 95,5" in result.message


def test_weights_within_the_margin_and_not_in_force_are_fine(tables):
    tables["objectives"].loc[1, "peso"] = "40,4"
    tables["indicators"].loc[3, "peso"] = "50"  # 2.1.2 is not in force
    assert not [w for w in _warnings(tables) if "pesos" in w.message]


def test_counts_different_from_the_policy_are_warnings_not_errors(tables):
    warnings = _warnings(tables)
    counts = {w.file: w.message for w in warnings if "la política declara" in w.message}
    assert "la política declara 14 entidades y la tabla tiene 3" in counts["entidades"]
    assert set(counts) == {"ejes", "objetivos", "resultados", "productos", "entidades"}


def test_report_of_indicator_not_in_force_is_a_warning(tables):
    tables["reports"].loc[0, "codigo"] = "2.1.2"
    tables["reports"].loc[0, "localidad"] = ""
    tables["reports"].loc[0, "anio"] = "2026"
    warnings = [w for w in _warnings(tables) if "no está vigente" in w.message]
    assert [(w.file, w.row, w.column, w.value) for w in warnings] == [
        ("avances", 2, "codigo", "2.1.2")]


def test_warnings_are_not_in_the_error(tables):
    tables["reports"].loc[0, "valor"] = "x"
    warnings: list = []
    with pytest.raises(CatalogError) as caught:
        validate_tables(tables, warnings=warnings)
    assert all(not i.warning for i in caught.value.issues) and warnings


# ---------------------------------------------------------------- typed input, headers


def test_validate_catalog_names_the_row(catalog):
    indicators = catalog.indicators.copy()
    indicators.loc[1, "entity_id"] = "nadie"
    with pytest.raises(CatalogError) as caught:
        validate_catalog(replace(catalog, indicators=indicators), "prueba")
    issue = _find(caught.value, "prueba › indicadores", "entidad")
    assert issue.row == 3


def test_typed_infinite_value_is_an_error(catalog):
    reports = catalog.reports.copy()
    reports.loc[0, "value"] = float("inf")
    with pytest.raises(CatalogError, match="no es un número finito"):
        validate_catalog(replace(catalog, reports=reports))


def test_rename_file_columns():
    df = pd.DataFrame({"Código": ["1.1.1"], "AÑO": ["2026"], "Trimestre": ["3"],
                       "localidad": [""], "VALOR": ["1"], "extra": ["x"]})
    out, issues = rename_file_columns(df, "reports", "r.csv")
    assert issues == []
    assert list(out.columns) == list(COLUMNS["reports"])
    assert out.loc[0, "text"] == "" and out.loc[0, "value"] == "1"
    out, issues = rename_file_columns(df.drop(columns=["VALOR"]).assign(valor_2="1", Valor="1",
                                                                        valor="2"),
                                      "reports", "r.csv")
    assert [i.message for i in issues] == ["la columna «valor» está repetida; deje una sola."]


def test_normalize_header():
    assert normalize_header(" Línea Base ") == "linea_base"
    assert normalize_header("\ufeffCódigo") == "codigo"
    assert normalize_header("tipo  anualización") == normalize_header("Tipo_Anualizacion")
    assert normalize_header("fecha__reporte") == "fecha_reporte"


def test_issue_text_and_dict():
    issue = Issue("metas.csv", 7, "anio", "2040", "fuera de rango.")
    assert str(issue) == "metas.csv, fila 7, columna «anio» (valor «2040»): fuera de rango."
    assert issue.to_dict()["fila"] == 7


# ---------------------------------------------------------------- uploaded reports


def test_report_issues_types_an_upload(catalog):
    upload = pd.DataFrame({
        "codigo": ["1.1.1", "1.1"], "anio": ["2026", 2025.0], "trimestre": ["T3", 4],
        "localidad": ["11", None], "valor": ["12", "57,5"], "texto": ["", "ok"],
        "fecha_reporte": ["2026-10-01", "31/10/2026"],
    })
    typed, issues = report_issues(upload, catalog, "reporte.csv")
    assert issues == []
    assert list(typed.columns) == list(COLUMNS["reports"])
    assert (typed.dtypes == catalog.reports.dtypes).all()
    assert list(typed["locality_code"]) == ["11", "00"]
    assert list(typed["quarter"]) == [3, 4] and list(typed["value"]) == [12.0, 57.5]
    assert typed["reported_at"].iloc[1] == pd.Timestamp(2026, 10, 31)


def test_report_issues_errors_and_missing_columns(catalog):
    upload = pd.DataFrame({
        "codigo": ["P99", "1.1.1", "1.1.1"], "anio": ["2026", "2040", "2026"],
        "trimestre": ["1", "1", "1"], "localidad": ["11", "11", "21"],
        "valor": ["1", "2", "tres"], "fecha_reporte": ["", "", "ayer"],
    })
    typed, issues = report_issues(upload, catalog, "reporte.csv", file_rows=[4, 6, 9])
    assert typed is not None
    assert {(i.row, i.column) for i in issues} == {
        (4, "codigo"), (6, "anio"), (9, "localidad"), (9, "valor"), (9, "fecha_reporte")}
    typed, issues = report_issues(pd.DataFrame({"codigo": ["1.1.1"]}), catalog, "r.csv")
    assert typed is None
    assert {i.column for i in issues} == {"anio", "trimestre", "localidad", "valor"}
