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

import pandas as pd
from dash import Input, Output, Patch

from callbacks import ids
from callbacks.context import get_geo_context
from callbacks.features import dashboard_callback
from callbacks.store import stored_state
from callbacks.view_model import View, cached_view
from data.repository import get_catalog
from data.schema import STATUSES
from layers.formatting import format_number, format_percent, format_value, join_names
from layers.theme import status_legend_label

__all__ = [
    "YEAR_FIELDS",
    "column_defs",
    "column_year_patch",
    "locality_column_defs",
    "locality_rows",
    "locality_title",
    "table_rows",
    "table_title",
]


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

    The grids start with the full columns in the layout (``app.layout.table_card``);
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


@dashboard_callback(
    Output(ids.TABLE_GRID, "rowData"),
    Output(ids.TABLE_GRID, "columnDefs"),
    Output(ids.TABLE_TITLE, "children"),
    Output(ids.LOCALITY_GRID, "rowData"),
    Output(ids.LOCALITY_GRID, "columnDefs"),
    Output(ids.LOCALITY_TITLE, "children"),
    Input(ids.STATE_STORE, "data"),
)
def _update_tables(stored: dict | None) -> tuple[Any, ...]:
    view = cached_view(stored_state(stored), get_catalog())
    names = get_geo_context().names
    year = view.state.year
    return (
        table_rows(view), column_year_patch(column_defs(year)), table_title(view, names),
        locality_rows(view, names), column_year_patch(locality_column_defs(year)),
        locality_title(view),
    )


@dashboard_callback(
    Output(ids.TABLE_GRID, "dashGridOptions"),
    Output(ids.LOCALITY_GRID, "dashGridOptions"),
    Input(ids.TABLE_SEARCH, "value"),
    prevent_initial_call=True,
)
def _search_tables(text: str | None) -> tuple[Patch, Patch]:
    patches = Patch(), Patch()
    for patch in patches:
        patch["quickFilterText"] = text or ""
    return patches
