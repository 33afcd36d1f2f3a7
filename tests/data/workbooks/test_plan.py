"""The SDP's action plan read as the catalog (workbooks built by ``builders``)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from data.issues import CatalogError
from data.matrix import load_matrix
from data.workbooks.plan import read_plan
from tests.data.workbooks.builders import (
    DEFAULT,
    PRODUCT_COLUMNS,
    RESULT_COLUMNS,
    ROW,
    Layout,
    column,
    followup_book,
    plan_book,
    plan_bytes,
    ref,
    to_bytes,
)

SHEET = "hoja «Plan de acción»"


def read(content: bytes, **kwargs):
    return read_plan(content, file_name="plan.xlsx", **kwargs)


def refused(content: bytes, **kwargs) -> CatalogError:
    with pytest.raises(CatalogError) as caught:
        read(content, **kwargs)
    return caught.value


def by_code(frame, code):
    return frame.set_index("code").loc[code]


@pytest.fixture(scope="module")
def plan():
    return read(plan_bytes())


# ---------------------------------------------------------------- the documented layout


def test_rows_above_the_table(plan):
    assert plan.policy_name == "Bogotá Territorio Inteligente 2023-2032"
    assert plan.lead_sector == "Gestión Pública"
    assert plan.lead_entity == "Alta Consejería Distrital de TIC"
    assert plan.general_objective == "Consolidar un territorio inteligente."
    assert plan.sheet == "Plan de acción"
    version = plan.catalog.version
    assert version.illustrative is False and version.version_id == 1
    assert version.source_name == "plan.xlsx" and len(version.source_sha256) == 64
    assert "Bogotá Territorio Inteligente" in version.note


def test_objectives_from_merged_cells_with_percent_weights(plan):
    objectives = plan.catalog.objectives
    assert objectives[["objective_id", "text", "weight"]].values.tolist() == [
        [1, "Conectar a la ciudad", 60.0], [2, "Mover mejor", 40.0]]


def test_result_keeps_its_in_force_row_over_the_no_vigente_one(plan):
    results = plan.catalog.results
    assert results["code"].tolist() == ["1.1", "2.1"]
    moving = by_code(results, "2.1")
    assert (moving["text"], moving["name"], moving["entity_id"]) == (
        "Viajes más cortos", "Minutos de viaje", "sdm")
    assert moving["in_force"] and moving["annualisation"] == "DECRECIENTE"
    assert moving["baseline"] == 60 and moving["final_target"] == 45


def test_percent_cells_are_percentages(plan):
    homes = by_code(plan.catalog.results, "1.1")
    assert (homes["unit"], homes["baseline"], homes["final_target"]) == ("%", 50.0, 80.0)
    procedures = by_code(plan.catalog.indicators, "1.1.2")
    assert procedures["weight"] == 40.0 and procedures["baseline"] == 40.0
    assert procedures["final_target"] == 90.0 and procedures["unit"] == "%"
    targets = plan.catalog.targets.set_index(["code", "year"])
    assert targets.loc[("1.1", 2023), "target"] == 53.0
    assert targets.loc[("1.1.2", 2026), "target"] == 55.0


def test_a_text_target_stays_text(plan):
    target = plan.catalog.targets.set_index(["code", "year"]).loc[("1.1.2", 2023)]
    assert math.isnan(target["target"]) and target["target_text"] == "Levantamiento línea base"


def test_product_indicators_products_and_flags(plan):
    indicators = plan.catalog.indicators
    assert indicators["code"].tolist() == ["1.1.1", "1.1.2", "2.1.3", "2.1.1", "2.1.2"]
    assert dict(zip(indicators["code"], indicators["in_force"], strict=True)) == {
        "1.1.1": True, "1.1.2": True, "2.1.3": False, "2.1.1": True, "2.1.2": False}
    products = plan.catalog.products.set_index("product_id")
    product_of = dict(zip(indicators["code"], indicators["product_id"], strict=True))
    assert product_of["2.1.1"] == product_of["2.1.2"]  # one product, two indicators
    assert products.loc[product_of["2.1.1"]].tolist() == ["Semáforos", "2.1"]
    assert products.loc[product_of["2.1.3"], "result_code"] == "2.1"
    wifi = by_code(indicators, "1.1.1")
    assert (wifi["annualisation"], wifi["periodicity"], wifi["final_target"]) == (
        "SUMA", "trimestral", 400.0)
    assert math.isnan(by_code(indicators, "2.1.1")["baseline"])


def test_entities_are_recognised_by_name_or_acronym(plan):
    indicators = plan.catalog.indicators
    owners = dict(zip(indicators["code"], indicators["entity_id"], strict=True))
    assert owners == {"1.1.1": "sg-actic", "1.1.2": "shd", "2.1.3": "tmsa", "2.1.1": "sdm",
                      "2.1.2": "sdm"}
    assert by_code(indicators, "1.1.1")["co_entity_id"] == "sdm"
    assert set(plan.catalog.entities["entity_id"]) == {"sg-actic", "shd", "tmsa", "sdm"}


def test_technical_sheets_add_the_unit(plan):
    assert by_code(plan.catalog.indicators, "1.1.1")["unit"] == "zonas WiFi"
    assert by_code(plan.catalog.indicators, "2.1.1")["unit"] == "minutos"
    assert plan.technical_sheets["1.1.1"]["rezago"] == "30"
    assert plan.technical_sheets["2.1.1"]["hoja"] == "Ficha técnica 2.1.1"


def test_axes_come_from_the_default_mapping(plan):
    axes = dict(zip(plan.catalog.indicators["code"], plan.catalog.indicators["axis_id"],
                    strict=True))
    assert axes == {code: "ciudadania-digital" for code in axes}  # objectives 1 and 2
    assert len(plan.catalog.axes) == 6
    assert plan.axes_file.name == "ejes_indicadores.csv"


def test_reports_are_empty_and_the_counts_warn(plan):
    assert plan.catalog.reports.empty
    messages = [w.message for w in plan.warnings]
    assert any("la política declara 36 productos y la tabla tiene 4" in m for m in messages)


# ---------------------------------------------------------------- variants of real files


def test_a_sheet_before_the_plan_and_a_normalised_title():
    plan = read(plan_bytes(title="PLAN DE ACCION ", extra_sheet=True))
    assert plan.sheet == "PLAN DE ACCION " and len(plan.catalog.indicators) == 5


def test_the_sheet_is_found_by_its_headers_when_renamed():
    plan = read(plan_bytes(title="Hoja2", extra_sheet=True))
    assert plan.sheet == "Hoja2" and len(plan.catalog.results) == 2


def test_columns_are_found_by_header_not_position(plan):
    product = list(PRODUCT_COLUMNS)
    moved = [product.pop(next(i for i, c in enumerate(product) if c[0] == key))
             for key in ("weight", "periodicity")]
    product = product[:1] + moved[::-1] + product[1:] + [("notes", "Observaciones", None)]
    result = list(RESULT_COLUMNS)
    result.insert(3, ("bpin", "Código BPIN", None))
    shuffled = read(plan_bytes(layout=Layout(tuple(result), tuple(product))))
    for table in ("objectives", "results", "products", "indicators", "targets", "entities"):
        assert getattr(shuffled.catalog, table).equals(getattr(plan.catalog, table)), table


def test_labels_above_the_table_may_move():
    def mutate(sheet):
        sheet["G7"], sheet["H7"] = None, None
        sheet["J6"] = "Entidad líder"
        sheet["L6"] = "Secretaría Distrital de Movilidad"

    plan = read(plan_bytes(mutate=mutate))
    assert plan.lead_entity == "Secretaría Distrital de Movilidad"


def test_load_matrix_reads_a_plan_by_content(tmp_path):
    path = tmp_path / "matriz_sin_extension"
    path.write_bytes(plan_bytes())
    warnings: list = []
    catalog = load_matrix(path, warnings=warnings)
    assert catalog.version.illustrative is False and len(catalog.indicators) == 5
    assert any("productos" in w.message for w in warnings)


def test_load_matrix_refuses_a_follow_up(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(followup_book([]))
    with pytest.raises(CatalogError) as caught:
        load_matrix(path)
    assert "es un libro de seguimiento a productos, no un catálogo" in str(caught.value)
    assert "plan de acción de la SDP" in str(caught.value)


# ---------------------------------------------------------------- the axis mapping


def test_the_mapping_beside_the_workbook_and_the_longest_code_wins(tmp_path):
    (tmp_path / "ejes_indicadores.csv").write_text(
        "codigo,eje,por_localidad,capa\n1,ciudadania-digital,,\n"
        "1.1.2,Gobernanza inteligente,si,\n2,nueva-movilidad,,tm-estaciones\n"
        "2.1.2,,no,\n", encoding="utf-8")
    path = tmp_path / "plan.xlsx"
    path.write_bytes(plan_bytes())
    indicators = read_plan(path).catalog.indicators.set_index("code")
    assert indicators.loc["1.1.1", "axis_id"] == "ciudadania-digital"
    assert indicators.loc["1.1.2", ["axis_id", "by_locality"]].tolist() == [
        "gobernanza-inteligente", True]
    assert indicators.loc["2.1.2", ["axis_id", "layer", "by_locality"]].tolist() == [
        "nueva-movilidad", "tm-estaciones", False]


def test_an_indicator_without_axis_names_its_cell_and_the_file(tmp_path):
    mapping = tmp_path / "ejes.csv"
    mapping.write_text("codigo,eje\n1,ciudadania-digital\n", encoding="utf-8")
    error = refused(plan_bytes(), axes=mapping)
    cell = ref("product", "product", ROW["2.1.1"])
    located = [i.message for i in error.issues if i.cell == cell]
    assert located == ["el indicador 2.1.1 no tiene eje: agregue a ejes.csv una fila "
                       "«2.1.1,<eje>» (o «2,<eje>» para todo el objetivo)."]
    assert f"plan.xlsx › {SHEET}, celda {cell}" in str(error)


def test_an_unknown_axis_names_the_mapping_row(tmp_path):
    mapping = tmp_path / "ejes.csv"
    mapping.write_text("codigo,eje\n1,ciudadania-digital\n2,movilidad voladora\n",
                       encoding="utf-8")
    (issue,) = refused(plan_bytes(), axes=mapping).issues
    assert (issue.file, issue.row, issue.column, issue.value) == (
        "ejes.csv", 3, "eje", "movilidad voladora")
    assert "nueva-movilidad" in issue.message


# ---------------------------------------------------------------- damaged plans


def _set(block: str, key: str, row: int, value, *more):
    def mutate(sheet):
        sheet.cell(row=row, column=column(block, key)).value = value
        for other_key, other_value in zip(more[::2], more[1::2], strict=True):
            sheet.cell(row=row, column=column(block, other_key)).value = other_value
    return mutate


def _unheader(block: str, key: str):
    def mutate(sheet):
        c = column(block, key)
        for merged in list(sheet.merged_cells.ranges):
            if merged.min_col == c == merged.max_col:
                sheet.unmerge_cells(str(merged))
        for r in (10, 11):
            sheet.cell(row=r, column=c).value = None
    return mutate


def _rename_header(block: str, key: str, text: str):
    def mutate(sheet):
        sheet.cell(row=11, column=column(block, key)).value = text
    return mutate


DAMAGED = [
    ("code that does not parse", _set("product", "product", 12, "Zonas WiFi"),
     ref("product", "product", 12), "debe empezar por el código del indicador de producto"),
    ("objective without number", _set("result", "objective", 12, "Conectar a la ciudad"),
     ref("result", "objective", 12), "debe empezar por el código del objetivo"),
    ("target year out of range", _rename_header("product", "t2032", "Meta 2035"),
     ref("product", "t2032", 11), "el año 2035 de la columna «Meta 2035» está fuera"),
    ("repeated in-force code", _set("product", "product", 16, "2.1.1 Semáforos", "in_force",
                                    "Vigente"),
     ref("product", "product", 16), "el código 2.1.1 está repetido (también en la celda "
                                    f"{ref('product', 'product', 15)})"),
    ("unknown annualisation", _set("product", "annualisation", 13, "Creciente anual"),
     ref("product", "annualisation", 13), "valor no permitido; use uno de: SUMA"),
    ("weight in words", _set("product", "weight", 12, "sesenta"),
     ref("product", "weight", 12), "no es un número"),
    ("result of another objective", _set("result", "result", 12, "3.1 Hogares conectados"),
     ref("result", "result", 12), "debe pertenecer al objetivo 3, no al 1"),
    ("indicator under another result", _set("product", "product", 13, "2.1.9 Trámites"),
     ref("product", "product", 13), "no corresponde al resultado 1.1"),
    ("in force neither yes nor no", _set("product", "in_force", 12, "Quizás"),
     ref("product", "in_force", 12), "escriba «Vigente» o «No vigente»"),
    ("product cell emptied", _set("product", "product", 13, None),
     ref("product", "product", 13), "la celda «Producto esperado» está vacía"),
    ("result year out of range", _rename_header("result", "t2023", "Meta 2022"),
     ref("result", "t2023", 11), "el año 2022 de la columna «Meta 2022» está fuera"),
]


@pytest.mark.parametrize("mutate, cell, fragment", [d[1:] for d in DAMAGED],
                         ids=[d[0] for d in DAMAGED])
def test_every_damaged_plan_names_sheet_and_cell(mutate, cell, fragment):
    error = refused(plan_bytes(mutate=mutate))
    located = [i for i in error.issues if i.cell == cell]
    assert located, [str(i) for i in error.issues]
    assert any(fragment in i.message for i in located), [i.message for i in located]
    assert all(i.file == f"plan.xlsx › {SHEET}" for i in located)
    assert f"plan.xlsx › {SHEET}, celda {cell}" in str(error)


def test_a_missing_header_names_what_was_looked_for_and_what_was_found():
    error = refused(plan_bytes(mutate=_unheader("product", "annualisation")))
    (issue,) = error.issues
    assert issue.column == "Tipo de anualización" and issue.row == 11
    assert issue.file == f"plan.xlsx › {SHEET}"
    assert "filas 9 a 11: falta la columna «Tipo de anualización» en el bloque del producto" \
        in issue.message
    assert "encabezados encontrados: «OBJETIVOS Y RESULTADOS»" not in issue.message
    assert "«Producto esperado»" in issue.message and "«Ponderación (%)»" in issue.message


def test_a_weight_that_does_not_add_up_is_a_warning_naming_the_result():
    plan = read(plan_bytes(mutate=_set("product", "weight", 13, 0.3)))
    (warning,) = [w for w in plan.warnings if "suman" in w.message]
    assert warning.warning and warning.column == "Ponderación (%)"
    assert "los pesos de los indicadores vigentes del resultado 1.1 suman 90" in \
        warning.message


def test_a_plan_without_indicator_rows():
    def mutate(sheet):
        for merged in list(sheet.merged_cells.ranges):
            if merged.min_row >= 12:
                sheet.unmerge_cells(str(merged))
        for row in range(12, 17):
            for c in range(1, sheet.max_column + 1):
                sheet.cell(row=row, column=c).value = None

    error = refused(plan_bytes(mutate=mutate))
    assert "el plan no tiene filas de indicadores debajo de los encabezados" in str(error)


def test_a_workbook_without_the_plan_lists_its_sheets():
    book = plan_book()
    book["Plan de acción"].title = "Otra cosa"
    for row in book["Otra cosa"].iter_rows(min_row=9, max_row=11):
        for cell in row:
            if cell.value is not None and "esperado" in str(cell.value).lower():
                cell.value = "x"
    error = refused(to_bytes(book))
    assert "no se encontró la hoja «Plan de acción»" in str(error)
    assert "«Otra cosa», «Ficha técnica 1.1.1»" in str(error)


def test_the_shipped_mapping_file_is_valid():
    from data.workbooks.plan import DEFAULT_AXES_FILE, read_axes_mapping

    lines, issues = read_axes_mapping(DEFAULT_AXES_FILE)
    assert issues == [] and [line.code for line in lines] == [str(n) for n in range(1, 8)]
    assert Path(DEFAULT_AXES_FILE).name == "ejes_indicadores.csv"


def test_builder_default_layout_is_the_documented_one():
    # the documented positions the README promises (rows 9-11, data from row 12)
    assert DEFAULT.column("result", "objective") == 1
    assert ref("product", "product", 12).endswith("12")
