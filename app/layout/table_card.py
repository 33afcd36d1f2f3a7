"""Table card: the products matching the filters, sortable and searchable (dash-ag-grid)."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from app.layout.common import card
from callbacks import ids
from callbacks.table import column_defs, locality_column_defs
from data.schema import LAST_YEAR

__all__ = ["table_card"]

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
        id=ids.TABLE_SEARCH, type="search", placeholder="Buscar producto, entidad, eje, localidad…",
        debounce=0.3, className="table-search mb-2",
    )
    search_label = html.Label("Buscar en las tablas", htmlFor=ids.TABLE_SEARCH,
                              className="visually-hidden")
    products = html.Div([
        html.P(id=ids.TABLE_TITLE, className="form-text mt-2 mb-2"),
        _grid(ids.TABLE_GRID, "product_id", "420px", column_defs(LAST_YEAR)),
        html.P("Pulse una fila para ver ese producto en el mapa y la serie.",
               className="form-text mb-0 mt-1"),
    ])
    localities = html.Div([
        html.P(id=ids.LOCALITY_TITLE, className="form-text mt-2 mb-2"),
        _grid(ids.LOCALITY_GRID, "locality_code", "420px",
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
