"""Tables (dash-ag-grid), sortable and searchable: indicators, localities, city indicators.

* Indicadores: the indicators that count for the selection (the counting rule
  of :func:`view.model.counted_rows`), with the semáforo, progress within the
  term, value and target to date, gap and the latest written account at the
  cut. A click on a row shows that indicator on the map, the series and the
  sheet.
* Localidades: the map's indicator for each of the 20 localities, the
  accessible alternative to the map. A click on a row adds the locality to the
  selection or removes it, like Shift+click on the map.
* Indicadores de ciudad: with localities selected, the citywide indicators,
  apart (they never count in a locality's semáforo).

Numbers sort as numbers and read in es-CO format.
"""

from __future__ import annotations

import json
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, Patch, html

from callbacks.components import card
from callbacks.downloads import download_menu
from callbacks.shell import STATE_STORE, current_view
from data.schema import STATUSES
from layers.formatting import format_number, format_percent, format_points, format_value, join_names
from layers.theme import status_legend_label
from view import View, get_geo_context

__all__ = [
    "CITY_GRID",
    "CITY_TITLE",
    "LOCALE_TEXT",
    "LOCALITY_GRID",
    "LOCALITY_TITLE",
    "OPTIONAL_COLUMNS",
    "TABLE_COLUMNS",
    "TABLE_GRID",
    "TABLE_SEARCH",
    "TABLE_TABS",
    "TABLE_TITLE",
    "TABS",
    "city_rows",
    "city_title",
    "column_defs",
    "column_visibility_patch",
    "locality_column_defs",
    "locality_rows",
    "locality_title",
    "panel_id",
    "place_column_patch",
    "register",
    "tab_id",
    "tab_props",
    "table_card",
    "table_rows",
    "table_tabs",
    "table_title",
]

TABLE_GRID = "table-grid"
#: Grid of the map's indicator by locality (the map's accessible alternative).
LOCALITY_GRID = "table-locality-grid"
LOCALITY_TITLE = "table-locality-title"
#: Grid of the citywide indicators when localities are selected.
CITY_GRID = "table-city-grid"
CITY_TITLE = "table-city-title"
TABLE_SEARCH = "table-search"
TABLE_TITLE = "table-title"
#: The card's tab list; each tab and panel id derives from it (:func:`tab_id`, :func:`panel_id`).
TABLE_TABS = "table-tabs"
#: The card's tabs: ``(key, label)``, the first selected on load.
TABS = (("indicadores", "Indicadores"), ("localidades", "Localidades (datos del mapa)"),
        ("ciudad", "Indicadores de ciudad"))
#: Checklist of the optional columns of the indicator grids ("Columnas").
TABLE_COLUMNS = "table-columns"
#: Columns a reader may add (field -> label); they start hidden.
OPTIONAL_COLUMNS = {"gap": "Brecha", "kind": "Tipo · periodicidad", "axis": "Eje",
                    "product": "Producto", "entity_name": "Entidad (nombre completo)",
                    "account": "Último reporte"}
_TYPES = {"SUMA": "Suma", "CRECIENTE": "Creciente", "DECRECIENTE": "Decreciente",
          "CONSTANTE": "Constante"}


def _number(value: Any) -> float | None:
    number = pd.to_numeric(value, errors="coerce")
    return None if pd.isna(number) else float(number)


_TEXT = {"function": "params.data ? params.data[params.colDef.field + '_text'] : ''"}
_NUMBER = {"type": "numericColumn", "valueFormatter": _TEXT, "filter": "agNumberColumnFilter",
           "getQuickFilterText": _TEXT, "minWidth": 96, "maxWidth": 140}
_STATUS_CLASSES = {f"status-cell status-{s.replace('_', '-')}": f"params.data.status == '{s}'"
                   for s in STATUSES}


def _measures(row: Any, unit: str) -> dict[str, Any]:
    status = row.status if row.status in STATUSES else "sin_dato"
    share = _number(row.phv)
    gap = _number(row.brecha)
    return {
        "value": _number(row.av),
        "value_text": format_value(row.av, unit),
        "target": _number(row.ma),
        "target_text": format_value(row.ma, unit),
        "pct": None if share is None else round(share * 100, 1),
        "pct_text": format_percent(share),
        "gap": None if gap is None else round(gap * 100, 1),
        "gap_text": format_points(gap, 1),
        "status": status,
        "status_label": status_legend_label(status),
    }


def _indicator_rows(frame: pd.DataFrame, view: View, names: dict[str, str]) -> list[dict]:
    selected = view.state.indicator
    out = []
    for r in frame.itertuples(index=False):
        f = view.facts[r.code]
        place = names.get(r.locality_code, "Bogotá D.C.")
        out.append({
            "row_id": f"{r.code}|{r.locality_code}",
            "code": r.code,
            "indicator": f"{r.code} · {f['name']}",
            "product": f"{f['product_id']} · {f['product']}",
            "entity": f["entity"],
            "entity_name": f"{f['entity_name']} ({f['entity']})",
            "axis": f["axis"],
            "place": place,
            "kind": f"{_TYPES.get(f['annualisation'], f['annualisation'])} · "
                    f"{f['periodicity']}",
            "account": (f"{r.text_period}: {r.text}" if r.text else "Sin texto de reporte"),
            **_measures(r, f["unit"]),
            "selected": r.code == selected,
        })
    return out


def table_rows(view: View, names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Grid rows of ``view.rows`` (JSON-ready; numbers also as es-CO text)."""
    return _indicator_rows(view.rows, view, names or {})


def city_rows(view: View) -> list[dict[str, Any]]:
    """Grid rows of ``view.city_rows``: the citywide indicators shown apart."""
    return _indicator_rows(view.city_rows, view, {})


def locality_rows(view: View, names: dict[str, str]) -> list[dict[str, Any]]:
    """One row per locality with the map's indicator at the cut."""
    if view.empty or view.indicator is None or view.values.empty:
        return []
    unit = view.indicator["unit"]
    chosen = set(view.state.localities)
    values = view.values.rename(columns={"value": "av", "target": "ma", "pct": "phv"})
    rows = []
    for r in values.sort_values("locality_code").itertuples(index=False):
        code = str(r.locality_code)
        rows.append({
            "locality_code": code,
            "locality": f"{code} · {names.get(code, code)}",
            **_measures(r, unit),
            "selected": code in chosen,
        })
    return rows


def locality_column_defs() -> list[dict[str, Any]]:
    """Columns of the locality grid."""
    return [
        {"field": "locality", "headerName": "Localidad", "minWidth": 170, "flex": 2,
         "pinned": "left"},
        {"field": "status_label", "headerName": "Semáforo", "minWidth": 140, "flex": 1,
         "cellClassRules": _STATUS_CLASSES},
        {"field": "pct", "headerName": "Avance en el periodo", **_NUMBER},
        {"field": "value", "headerName": "Avance a la fecha", **_NUMBER},
        {"field": "target", "headerName": "Meta a la fecha", **_NUMBER},
        {"field": "gap", "headerName": "Brecha", **_NUMBER},
    ]


def locality_title(view: View) -> str:
    """Caption of the locality grid: which indicator, which cut (or why it is empty)."""
    if view.empty or view.indicator is None:
        return view.message
    if not view.indicator["by_locality"]:
        return view.map_note
    return (f"{view.indicator['code']} {view.indicator['name']} por localidad · "
            f"corte {view.cut.label}")


def column_defs(with_place: bool = False, shown: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Columns of the indicator grids; the locality column (index 1) shows ``with_place``.

    The indicator wraps; the :data:`OPTIONAL_COLUMNS` start hidden unless in
    ``shown`` (the "Columnas" chooser adds them).
    """
    columns = [
        {"field": "indicator", "headerName": "Indicador", "minWidth": 240, "flex": 3,
         "wrapText": True, "autoHeight": True, "tooltipField": "product", "pinned": "left"},
        {"field": "entity", "headerName": "Entidad", "minWidth": 90, "maxWidth": 120,
         "tooltipField": "entity_name"},
        {"field": "status_label", "headerName": "Semáforo", "minWidth": 158, "flex": 1,
         "cellClassRules": _STATUS_CLASSES},
        {"field": "pct", "headerName": "Avance en el periodo", **_NUMBER},
        {"field": "value", "headerName": "Avance a la fecha", **_NUMBER, "maxWidth": 170},
        {"field": "target", "headerName": "Meta a la fecha", **_NUMBER, "maxWidth": 170},
        {"field": "gap", "headerName": "Brecha", **_NUMBER},
        {"field": "kind", "headerName": "Tipo · periodicidad", "minWidth": 170},
        {"field": "axis", "headerName": "Eje", "minWidth": 150},
        {"field": "product", "headerName": "Producto", "minWidth": 220, "wrapText": True,
         "autoHeight": True},
        {"field": "entity_name", "headerName": "Entidad (nombre)", "minWidth": 240,
         "wrapText": True, "autoHeight": True},
        {"field": "account", "headerName": "Último reporte", "minWidth": 260, "flex": 2,
         "wrapText": True, "autoHeight": True},
    ]
    for column in columns:
        if column["field"] in OPTIONAL_COLUMNS:
            column["hide"] = column["field"] not in shown
    columns.insert(1, {"field": "place", "headerName": "Localidad", "minWidth": 120,
                       "maxWidth": 170, "hide": not with_place})
    return columns


def column_visibility_patch(shown: list[str] | None) -> Patch:
    """A ``Patch`` of ``columnDefs`` showing the optional columns in ``shown`` only."""
    shown = tuple(shown or ())
    patch = Patch()
    for index, column in enumerate(column_defs()):
        if column["field"] in OPTIONAL_COLUMNS:
            patch[index]["hide"] = column["field"] not in shown
    return patch


def place_column_patch(with_place: bool) -> Patch:
    """A ``Patch`` of the grid's ``columnDefs`` that only shows or hides the locality."""
    patch = Patch()
    patch[1]["hide"] = not with_place
    return patch


def table_title(view: View, names: dict[str, str]) -> str:
    """The grid's caption: how many indicators, where and when."""
    where = join_names([names.get(c, c) for c in view.state.localities]) or "Bogotá D.C."
    count = format_number(len(view.rows))
    noun = "fila" if len(view.rows) == 1 else "filas"
    what = "indicadores reportados por localidad" if view.state.localities else \
        "indicadores de producto vigentes"
    return f"{count} {noun} · {what} · {where} · corte {view.cut.label}"


def city_title(view: View) -> str:
    """Caption of the citywide grid."""
    if not view.state.localities:
        return ("Sin localidad elegida: todos los indicadores están en la pestaña "
                "«Indicadores».")
    return (f"{format_number(len(view.city_rows))} indicadores que se reportan solo para toda "
            "la ciudad: no cuentan en el semáforo de la localidad.")


#: Spanish texts of the grid's own interface.
LOCALE_TEXT = {
    "noRowsToShow": "Ningún indicador cumple los filtros",
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
    return dag.AgGrid(
        id=grid_id,
        rowData=[],
        columnDefs=columns,
        getRowId=f"params.data.{row_id}",
        defaultColDef={"sortable": True, "resizable": True, "filter": True,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={
            "quickFilterText": "",
            "includeHiddenColumnsInQuickFilter": True,
            "localeText": LOCALE_TEXT,
            "rowClassRules": {"row-current-product": "params.data.selected"},
            "tooltipShowDelay": 300,
            "animateRows": False,
            # accessibility (issue 13): rows and cells in the DOM in reading order; the
            # grid is one Tab stop (Tab leaves it from a header or a cell, the arrow keys
            # move inside, as AG Grid's keyboard navigation describes)
            "ensureDomOrder": True,
            "tabToNextCell": {"function": "false"},
            "tabToNextHeader": {"function": "false"},
        },
        className="products-grid",
        style={"height": height, "width": "100%"},
    )


def table_card() -> dbc.Card:
    """The card: indicators, localities (the map as a table) and citywide indicators."""
    search = dbc.Input(
        id=TABLE_SEARCH, type="search",
        placeholder="Buscar indicador, entidad, eje, localidad…",
        debounce=0.3, className="table-search mb-2",
    )
    search_label = html.Label("Buscar en las tablas", htmlFor=TABLE_SEARCH,
                              className="visually-hidden")
    chooser = html.Details([
        html.Summary("Columnas", className="btn btn-sm btn-outline-secondary download-summary"),
        html.Div(dbc.Checklist(id=TABLE_COLUMNS, value=[],
                               options=[{"label": label, "value": field}
                                        for field, label in OPTIONAL_COLUMNS.items()]),
                 className="share-body columns-body"),
    ], className="download-menu columns-menu")
    indicators = html.Div([
        html.P(id=TABLE_TITLE, className="form-text mt-2 mb-2"),
        _grid(TABLE_GRID, "row_id", "460px", column_defs()),
        html.P("Pulse una fila para ver ese indicador en el mapa, la serie y la ficha.",
               className="form-text mb-0 mt-1"),
    ])
    localities = html.Div([
        html.P(id=LOCALITY_TITLE, className="form-text mt-2 mb-2"),
        _grid(LOCALITY_GRID, "locality_code", "460px", locality_column_defs()),
        html.P("Los datos del mapa en forma de tabla. Pulse una fila para añadir esa "
               "localidad a la selección o quitarla.", className="form-text mb-0 mt-1"),
    ])
    city = html.Div([
        html.P(id=CITY_TITLE, className="form-text mt-2 mb-2"),
        _grid(CITY_GRID, "row_id", "360px", column_defs()),
    ])
    body = [
        search_label,
        html.Div([search, chooser], className="table-tools"),
        *table_tabs({"indicadores": indicators, "localidades": localities, "ciudad": city}),
    ]
    return card(None, "Tablas", body, card_id="table-card", tools=download_menu("tabla"))


def tab_id(key: str) -> str:
    """Id of the tab (``role="tab"`` button) of :data:`TABS` ``key``."""
    return f"{TABLE_TABS}-{key}"


def panel_id(key: str) -> str:
    """Id of the tab panel of :data:`TABS` ``key``."""
    return f"{TABLE_TABS}-{key}-panel"


def tab_props(key: str, active: str) -> dict[str, Any]:
    """The props of tab ``key`` when ``active`` is the selected one (one Tab stop)."""
    selected = key == active
    return {"className": "nav-link active" if selected else "nav-link",
            "aria-selected": "true" if selected else "false",
            "tabIndex": "0" if selected else "-1"}


def table_tabs(panels: dict[str, Any], active: str = TABS[0][0]) -> list[html.Div]:
    """The WAI-ARIA tabs of the card: a tab list and one panel per :data:`TABS` key.

    Each tab names its panel (``aria-controls``) and each panel its tab
    (``aria-labelledby``); only the selected tab is in the Tab order, the arrow
    keys move between tabs (``assets/a11y.js``) and a click selects (clientside).
    """
    tabs = [html.Button(label, id=tab_id(key), type="button", role="tab",
                        **{"aria-controls": panel_id(key)}, **tab_props(key, active))
            for key, label in TABS]
    shown = [html.Div(panels[key], id=panel_id(key), role="tabpanel", className="table-panel",
                      hidden=key != active, **{"aria-labelledby": tab_id(key)})
             for key, _ in TABS]
    return [html.Div(tabs, id=TABLE_TABS, role="tablist", className="nav nav-tabs",
                     **{"aria-label": "Tablas"}), *shown]


def _update_tables(stored: dict | None) -> tuple[Any, ...]:
    view, _ = current_view(stored)
    names = get_geo_context().names
    return (
        table_rows(view, names), place_column_patch(bool(view.state.localities)),
        table_title(view, names), locality_rows(view, names), locality_title(view),
        city_rows(view), city_title(view),
    )


def _show_columns(shown: list[str] | None) -> tuple[Patch, Patch]:
    return column_visibility_patch(shown), column_visibility_patch(shown)


def _search_tables(text: str | None) -> tuple[Patch, Patch, Patch]:
    patches = Patch(), Patch(), Patch()
    for patch in patches:
        patch["quickFilterText"] = text or ""
    return patches


_TABS_JS = """
function() {
    const keys = KEYS;
    const tabId = k => "PREFIX-" + k;
    const clicked = window.dash_clientside.callback_context.triggered_id;
    const active = keys.find(k => tabId(k) === clicked) || keys[0];
    const out = [];
    for (const k of keys) {
        const on = k === active;
        out.push(on ? "nav-link active" : "nav-link", on ? "true" : "false", on ? "0" : "-1");
    }
    for (const k of keys) { out.push(k !== active); }
    return out;
}
""".replace("KEYS", json.dumps([key for key, _ in TABS])).replace("PREFIX", TABLE_TABS)


def register(app) -> None:
    """Attach the tables' tabs, update and quick search to ``app``."""
    app.clientside_callback(
        _TABS_JS,
        *[Output(tab_id(key), prop) for key, _ in TABS
          for prop in ("className", "aria-selected", "tabIndex")],
        *[Output(panel_id(key), "hidden") for key, _ in TABS],
        *[Input(tab_id(key), "n_clicks") for key, _ in TABS],
        prevent_initial_call=True,
    )
    app.callback(
        Output(TABLE_GRID, "rowData"),
        Output(TABLE_GRID, "columnDefs"),
        Output(TABLE_TITLE, "children"),
        Output(LOCALITY_GRID, "rowData"),
        Output(LOCALITY_TITLE, "children"),
        Output(CITY_GRID, "rowData"),
        Output(CITY_TITLE, "children"),
        Input(STATE_STORE, "data"),
    )(_update_tables)
    app.callback(
        Output(TABLE_GRID, "columnDefs", allow_duplicate=True),
        Output(CITY_GRID, "columnDefs"),
        Input(TABLE_COLUMNS, "value"),
        prevent_initial_call=True,
    )(_show_columns)
    app.callback(
        Output(TABLE_GRID, "dashGridOptions"),
        Output(LOCALITY_GRID, "dashGridOptions"),
        Output(CITY_GRID, "dashGridOptions"),
        Input(TABLE_SEARCH, "value"),
        prevent_initial_call=True,
    )(_search_tables)
