"""Tables (dash-ag-grid), sortable and searchable: products, and the map as a table.

* Products: one row per product matching the filters, with its value, target,
  progress and status at the selected year for the selected localities (or the
  city). A click on a row shows that product on the map and the series.
* Localities: the map's indicator for each of the 20 localities (value, target,
  progress, status), the accessible alternative to the map. A click on a row
  adds the locality to the selection or removes it, like Shift+click on the map.

Numbers sort as numbers and read in es-CO format.
"""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, Patch, html

from callbacks.components import card
from callbacks.shell import STATE_STORE, current_view
from data.schema import LAST_YEAR, STATUSES
from layers.formatting import format_number, format_percent, format_value, join_names
from layers.theme import status_legend_label
from view import View, get_geo_context

__all__ = [
    "LOCALE_TEXT",
    "LOCALITY_GRID",
    "LOCALITY_TITLE",
    "TABLE_GRID",
    "TABLE_SEARCH",
    "TABLE_TITLE",
    "YEAR_FIELDS",
    "column_defs",
    "column_year_patch",
    "locality_column_defs",
    "locality_rows",
    "locality_title",
    "register",
    "table_card",
    "table_rows",
    "table_title",
]

TABLE_GRID = "table-grid"
#: Grid of the map's indicator by locality (the map's accessible alternative).
LOCALITY_GRID = "table-locality-grid"
LOCALITY_TITLE = "table-locality-title"
TABLE_SEARCH = "table-search"
TABLE_TITLE = "table-title"

def _number(value: Any) -> float | None:
    number = pd.to_numeric(value, errors="coerce")
    return None if pd.isna(number) else float(number)


_TEXT = {"function": "params.data ? params.data[params.colDef.field + '_text'] : ''"}
_NUMBER = {"type": "numericColumn", "valueFormatter": _TEXT, "filter": "agNumberColumnFilter",
           "getQuickFilterText": _TEXT, "minWidth": 120}
_STATUS_CLASSES = {f"status-cell status-{s.replace('_', '-')}": f"params.data.status == '{s}'"
                   for s in STATUSES}


def _measures(value: Any, target: Any, pct: Any, status: Any, unit: str) -> dict[str, Any]:
    status = status if status in STATUSES else "no_report"
    share = _number(pct)
    return {
        "value": _number(value),
        "value_text": format_value(value, unit),
        "target": _number(target),
        "target_text": format_value(target, unit),
        "pct": None if share is None else round(share * 100, 1),
        "pct_text": format_percent(share),
        "status": status,
        "status_label": status_legend_label(status),
    }


def table_rows(view: View) -> list[dict[str, Any]]:
    """Grid rows of ``view.products`` (JSON-ready; numbers also as es-CO text)."""
    selected = view.state.product
    rows = []
    for r in view.products.itertuples(index=False):
        rows.append({
            "product_id": r.product_id,
            "product": f"{r.product_id} · {r.name}",
            "indicator": r.indicator,
            "entity": getattr(r, "entity", r.entity_id),
            "entity_name": getattr(r, "entity_name", r.entity_id),
            "axis": getattr(r, "axis", r.axis_id),
            "scope": "Por localidad" if r.scope == "localidad" else "Solo ciudad",
            **_measures(r.value, r.target, r.pct, r.status, r.unit),
            "selected": r.product_id == selected,
        })
    return rows


def locality_rows(view: View, names: dict[str, str]) -> list[dict[str, Any]]:
    """One row per locality with the map's indicator at the selected year."""
    if view.empty or view.product is None or view.values.empty:
        return []
    unit = view.product["unit"]
    chosen = set(view.state.localities)
    rows = []
    for r in view.values.sort_values("locality_code").itertuples(index=False):
        code = str(r.locality_code)
        rows.append({
            "locality_code": code,
            "locality": f"{code} · {names.get(code, code)}",
            **_measures(r.value, r.target, r.pct, r.status, unit),
            "selected": code in chosen,
        })
    return rows


def locality_column_defs(year: int) -> list[dict[str, Any]]:
    """Columns of the locality grid; the value and target headers name ``year``."""
    return [
        {"field": "locality", "headerName": "Localidad", "minWidth": 190, "flex": 1,
         "pinned": "left"},
        {"field": "status_label", "headerName": "Estado", "minWidth": 130,
         "cellClassRules": _STATUS_CLASSES},
        {"field": "pct", "headerName": "Avance", **_NUMBER, "minWidth": 100},
        {"field": "value", "headerName": f"Valor {year}", **_NUMBER},
        {"field": "target", "headerName": f"Meta {year}", **_NUMBER},
    ]


def locality_title(view: View) -> str:
    """Caption of the locality grid: which indicator, which year (or why it is empty)."""
    if view.empty or view.product is None:
        return view.message
    if view.map_note:
        return view.map_note
    return f"{view.product['indicator']} por localidad · {view.state.year}"


def column_defs(year: int) -> list[dict[str, Any]]:
    """Grid columns; the value and target headers name ``year``."""
    number, status_classes = _NUMBER, _STATUS_CLASSES
    return [
        {"field": "product", "headerName": "Producto", "minWidth": 220, "flex": 2,
         "tooltipField": "indicator", "pinned": "left"},
        {"field": "status_label", "headerName": "Estado", "minWidth": 130,
         "cellClassRules": status_classes},
        {"field": "pct", "headerName": "Avance", **number, "minWidth": 100},
        {"field": "value", "headerName": f"Valor {year}", **number},
        {"field": "target", "headerName": f"Meta {year}", **number},
        {"field": "entity", "headerName": "Entidad", "minWidth": 100,
         "tooltipField": "entity_name"},
        {"field": "axis", "headerName": "Eje", "minWidth": 150},
        {"field": "indicator", "headerName": "Indicador", "minWidth": 260, "flex": 2,
         "tooltipField": "indicator"},
        {"field": "scope", "headerName": "Alcance", "minWidth": 120},
    ]


#: Columns whose header names the year (the only part of the columns that changes).
YEAR_FIELDS = ("value", "target")


def column_year_patch(columns: list[dict[str, Any]]) -> Patch:
    """A ``Patch`` of a grid's ``columnDefs`` that sets only the year headers of ``columns``.

    The grids start with the full columns in the layout (:func:`table_card`);
    an interaction then sends two header names instead of every column definition.
    """
    patch = Patch()
    for index, column in enumerate(columns):
        if column["field"] in YEAR_FIELDS:
            patch[index]["headerName"] = column["headerName"]
    return patch


def table_title(view: View, names: dict[str, str]) -> str:
    """The grid's caption: how many products, where and when."""
    where = join_names([names.get(c, c) for c in view.state.localities]) or "Bogotá D.C."
    count = format_number(len(view.products))
    noun = "producto" if len(view.products) == 1 else "productos"
    return f"{count} {noun} · {where} · {view.state.year}"


#: Spanish texts of the grid's own interface.
LOCALE_TEXT = {
    "noRowsToShow": "Ningún producto cumple los filtros",
    "loadingOoo": "Cargando…",
    "page": "Página",
    "of": "de",
    "to": "a",
    "filterOoo": "Filtrar…",
    "equals": "Igual a",
    "notEqual": "Distinto de",
    "contains": "Contiene",
    "notContains": "No contiene",
    "startsWith": "Empieza por",
    "endsWith": "Termina en",
    "lessThan": "Menor que",
    "greaterThan": "Mayor que",
    "inRange": "Entre",
    "andCondition": "Y",
    "orCondition": "O",
    "applyFilter": "Aplicar",
    "resetFilter": "Restablecer",
    "clearFilter": "Limpiar",
    "blank": "Vacío",
    "notBlank": "No vacío",
}


def _grid(grid_id: str, row_id: str, height: str, columns: list[dict]) -> dag.AgGrid:
    # Full columns here; the table callback only patches their year headers.
    return dag.AgGrid(
        id=grid_id,
        rowData=[],
        columnDefs=columns,
        getRowId=f"params.data.{row_id}",
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        dashGridOptions={
            "quickFilterText": "",
            "localeText": LOCALE_TEXT,
            "rowClassRules": {"row-current-product": "params.data.selected"},
            "tooltipShowDelay": 300,
            "animateRows": False,
            "ensureDomOrder": True,
        },
        className="products-grid",
        style={"height": height, "width": "100%"},
    )


def table_card() -> dbc.Card:
    """The card: a products tab and a localities tab (the map as a table)."""
    search = dbc.Input(
        id=TABLE_SEARCH, type="search", placeholder="Buscar producto, entidad, eje, localidad…",
        debounce=0.3, className="table-search mb-2",
    )
    search_label = html.Label("Buscar en las tablas", htmlFor=TABLE_SEARCH,
                              className="visually-hidden")
    products = html.Div([
        html.P(id=TABLE_TITLE, className="form-text mt-2 mb-2"),
        _grid(TABLE_GRID, "product_id", "420px", column_defs(LAST_YEAR)),
        html.P("Pulse una fila para ver ese producto en el mapa y la serie.",
               className="form-text mb-0 mt-1"),
    ])
    localities = html.Div([
        html.P(id=LOCALITY_TITLE, className="form-text mt-2 mb-2"),
        _grid(LOCALITY_GRID, "locality_code", "420px",
              locality_column_defs(LAST_YEAR)),
        html.P("Los datos del mapa en forma de tabla. Pulse una fila para añadir esa "
               "localidad a la selección o quitarla.", className="form-text mb-0 mt-1"),
    ])
    body = [
        search_label,
        search,
        dbc.Tabs(
            [dbc.Tab(products, label="Productos", tab_id="productos"),
             dbc.Tab(localities, label="Localidades (datos del mapa)", tab_id="localidades")],
            active_tab="productos",
        ),
    ]
    return card(None, "Tablas", body, card_id="table-card")


def _update_tables(stored: dict | None) -> tuple[Any, ...]:
    view, _ = current_view(stored)
    names = get_geo_context().names
    year = view.state.year
    return (
        table_rows(view), column_year_patch(column_defs(year)), table_title(view, names),
        locality_rows(view, names), column_year_patch(locality_column_defs(year)),
        locality_title(view),
    )


def _search_tables(text: str | None) -> tuple[Patch, Patch]:
    patches = Patch(), Patch()
    for patch in patches:
        patch["quickFilterText"] = text or ""
    return patches


def register(app) -> None:
    """Attach the tables' update and quick search to ``app``."""
    app.callback(
        Output(TABLE_GRID, "rowData"),
        Output(TABLE_GRID, "columnDefs"),
        Output(TABLE_TITLE, "children"),
        Output(LOCALITY_GRID, "rowData"),
        Output(LOCALITY_GRID, "columnDefs"),
        Output(LOCALITY_TITLE, "children"),
        Input(STATE_STORE, "data"),
    )(_update_tables)
    app.callback(
        Output(TABLE_GRID, "dashGridOptions"),
        Output(LOCALITY_GRID, "dashGridOptions"),
        Input(TABLE_SEARCH, "value"),
        prevent_initial_call=True,
    )(_search_tables)
