"""Tests of callbacks.table: grid rows, columns and caption."""

from __future__ import annotations

import json

from callbacks.table import (
    column_defs,
    locality_column_defs,
    locality_rows,
    locality_title,
    table_rows,
    table_title,
)
from tests.support import NAMES
from tests.support import view_of as _view


def test_rows_are_json_numbers_with_es_co_text(catalog):
    view = _view("eje=nueva-movilidad&anio=2025&producto=P27", catalog)
    rows = table_rows(view)
    json.dumps(rows)
    assert [r["product_id"] for r in rows] == list(view.products["product_id"])
    assert [r["product_id"] for r in rows if r["selected"]] == ["P27"]
    for row in rows:
        if row["value"] is not None and row["value"] >= 1000:
            assert "." in row["value_text"].split(" ")[0]
        if row["pct"] is not None:
            assert row["pct_text"].endswith("%")
        assert row["status_label"].split(" ", 1)[0] in "✓!✗–"


def test_rows_follow_the_locality_selection(catalog):
    city = {r["product_id"]: r["value"] for r in table_rows(_view("producto=P01", catalog))}
    suba = {r["product_id"]: r["value"]
            for r in table_rows(_view("producto=P01&localidad=11", catalog))}
    assert city["P01"] != suba["P01"]
    assert city["P07"] == suba["P07"]  # citywide product keeps its city value


def test_columns_name_the_year(catalog):
    headers = [c["headerName"] for c in column_defs(2027)]
    assert "Valor 2027" in headers and "Meta 2027" in headers and "Estado" in headers
    assert "Indicador" in headers and "Entidad" in headers and "Eje" in headers


def test_caption_counts_products_and_places(catalog):
    view = _view("eje=nueva-movilidad&localidad=08,11&anio=2024", catalog)
    caption = table_title(view, NAMES)
    assert caption.startswith(f"{len(view.products)} productos")
    assert "Localidad 08 y Localidad 11" in caption and "2024" in caption


def test_locality_rows_are_the_map_as_a_table(catalog):
    view = _view("producto=P01&anio=2025&localidad=11", catalog)
    rows = locality_rows(view, NAMES)
    assert [r["locality_code"] for r in rows] == sorted(view.values["locality_code"])
    assert len(rows) == 20
    assert [r["locality_code"] for r in rows if r["selected"]] == ["11"]
    by_code = view.values.set_index("locality_code")
    for row in rows:
        expected = by_code.loc[row["locality_code"], "value"]
        assert (row["value"] is None) == bool(expected != expected)  # NaN -> None
    assert "Valor 2025" in [c["headerName"] for c in locality_column_defs(2025)]
    assert "por localidad" in locality_title(view)


def test_citywide_indicator_has_no_locality_rows(catalog):
    view = _view("producto=P07", catalog)
    assert locality_rows(view, NAMES) == []
    assert locality_title(view) == view.map_note


def test_column_year_patch_sets_only_the_year_headers():
    from callbacks.table import column_year_patch

    for build in (column_defs, locality_column_defs):
        columns = build(2030)
        operations = column_year_patch(columns).to_plotly_json()["operations"]
        patched = [dict(c) for c in build(2023)]
        for op in operations:
            assert op["operation"] == "Assign"
            index, key = op["location"]
            patched[index][key] = op["params"]["value"]
        assert patched == columns
        assert len(operations) == 2
