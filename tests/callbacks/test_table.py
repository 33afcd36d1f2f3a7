"""Tests of callbacks.table: grid rows, columns and captions."""

from __future__ import annotations

import json

from callbacks.table import (
    TABS,
    city_rows,
    city_title,
    column_defs,
    locality_column_defs,
    locality_rows,
    locality_title,
    panel_id,
    place_column_patch,
    tab_id,
    tab_props,
    table_rows,
    table_tabs,
    table_title,
)
from tests.support import NAMES
from tests.support import view_of as _view


def test_rows_are_json_numbers_with_es_co_text(catalog):
    view = _view("eje=nueva-movilidad&anio=2025&indicador=6.1.4", catalog)
    rows = table_rows(view, NAMES)
    json.dumps(rows)
    assert [r["code"] for r in rows] == list(view.rows["code"])
    assert [r["code"] for r in rows if r["selected"]] == ["6.1.4"]
    for row in rows:
        if row["value"] is not None and row["value"] >= 1000:
            assert "." in row["value_text"].split(" ")[0]
        if row["pct"] is not None:
            assert row["pct_text"].endswith("%")
        assert row["status_label"].split(" ", 1)[0] in "✗!✓▲–○"
        assert row["entity_name"].endswith(f"({row['entity']})")  # full name, then acronym


def test_locality_selection_counts_local_indicators_and_lists_the_city_apart(catalog):
    city = table_rows(_view("indicador=1.1.1", catalog), NAMES)
    suba = _view("indicador=1.1.1&localidad=11", catalog)
    local = table_rows(suba, NAMES)
    assert {r["place"] for r in local} == {"Localidad 11"}
    assert len(local) < len(city)
    apart = city_rows(suba)
    assert apart and {r["place"] for r in apart} == {"Bogotá D.C."}
    assert not {r["code"] for r in apart} & {r["code"] for r in local}
    assert "no cuentan en el semáforo" in city_title(suba)


def test_columns_fit_and_lower_priority_ones_start_hidden():
    columns = {c["field"]: c for c in column_defs()}
    assert columns["indicator"]["wrapText"] and columns["indicator"]["autoHeight"]
    shown = [c["headerName"] for c in column_defs() if not c.get("hide")]
    assert shown == ["Indicador", "Entidad", "Semáforo", "Avance en el periodo",
                     "Avance a la fecha", "Meta a la fecha"]
    assert not column_defs(with_place=True)[1]["hide"]
    operations = place_column_patch(True).to_plotly_json()["operations"]
    assert operations == [{"operation": "Assign", "location": [1, "hide"],
                           "params": {"value": False}}]


def test_caption_counts_indicators_places_and_the_cut(catalog):
    view = _view("eje=nueva-movilidad&localidad=08,11&anio=2024", catalog)
    caption = table_title(view, NAMES)
    assert caption.startswith(f"{len(view.rows)} filas")
    assert "Localidad 08 y Localidad 11" in caption and "2024-T4" in caption


def test_locality_rows_are_the_map_as_a_table(catalog):
    view = _view("indicador=1.1.1&anio=2025&localidad=11", catalog)
    rows = locality_rows(view, NAMES)
    assert [r["locality_code"] for r in rows] == sorted(view.values["locality_code"])
    assert len(rows) == 20
    assert [r["locality_code"] for r in rows if r["selected"]] == ["11"]
    by_code = view.values.set_index("locality_code")
    for row in rows:
        expected = by_code.loc[row["locality_code"], "value"]
        assert (row["value"] is None) == bool(expected != expected)  # NaN -> None
    assert "Avance en el periodo" in [c["headerName"] for c in locality_column_defs()]
    assert "por localidad" in locality_title(view)


def test_citywide_indicator_has_no_locality_rows(catalog):
    view = _view("indicador=4.1.1", catalog)
    assert locality_rows(view, NAMES) == []
    assert locality_title(view) == view.map_note


def test_optional_columns_start_hidden_and_the_chooser_shows_them():
    from callbacks.table import OPTIONAL_COLUMNS, column_defs, column_visibility_patch

    columns = {c["field"]: c for c in column_defs()}
    assert all(columns[field]["hide"] for field in OPTIONAL_COLUMNS)
    assert not any(columns[f].get("hide") for f in ("indicator", "entity", "status_label",
                                                    "pct", "value", "target"))
    operations = column_visibility_patch(["gap", "account"]).to_plotly_json()["operations"]
    hidden = {op["location"][0]: op["params"]["value"] for op in operations}
    fields = [c["field"] for c in column_defs()]
    assert hidden[fields.index("gap")] is False and hidden[fields.index("account")] is False
    assert hidden[fields.index("axis")] is True
    assert set(hidden) == {fields.index(f) for f in OPTIONAL_COLUMNS}


def test_tabs_are_wai_aria_tabs_each_naming_its_panel():
    tablist, *panels = table_tabs({key: f"contenido {key}" for key, _ in TABS})
    props = tablist.to_plotly_json()["props"]
    assert props["role"] == "tablist" and props["aria-label"] == "Tablas"
    tabs = [t.to_plotly_json()["props"] for t in props["children"]]
    assert [t["children"] for t in tabs] == [label for _, label in TABS]
    assert len({t["id"] for t in tabs} | {p.id for p in panels}) == 2 * len(TABS)  # unique
    for tab, panel, (key, _) in zip(tabs, panels, TABS, strict=True):
        panel_props = panel.to_plotly_json()["props"]
        assert (tab["role"], tab["aria-controls"]) == ("tab", panel_id(key))
        assert (panel_props["role"], panel_props["aria-labelledby"]) == ("tabpanel", tab_id(key))
        first = key == TABS[0][0]
        assert tab["aria-selected"] == ("true" if first else "false")
        assert tab["tabIndex"] == ("0" if first else "-1")  # one Tab stop: the selected tab
        assert panel_props["hidden"] is (not first)
    assert tab_props("ciudad", "ciudad") == {"className": "nav-link active",
                                             "aria-selected": "true", "tabIndex": "0"}
