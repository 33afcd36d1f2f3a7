"""Products table (dash-ag-grid): sortable, searchable; the accessible alternative to the map.

One row per product matching the filters, with its value, target, progress and
status at the selected year for the selected localities (or the city). Numbers
sort as numbers and read in es-CO format; a click on a row shows that product
on the map and the series.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Input, Output, Patch, callback

from callbacks import ids
from callbacks.context import get_geo_context
from callbacks.store import stored_state
from callbacks.view_model import View, cached_view
from data.repository import get_catalog
from data.schema import STATUSES
from layers.formatting import format_number, format_percent, format_value, join_names
from layers.theme import status_legend_label

__all__ = ["column_defs", "table_rows", "table_title"]


def _number(value: Any) -> float | None:
    number = pd.to_numeric(value, errors="coerce")
    return None if pd.isna(number) else float(number)


def table_rows(view: View) -> list[dict[str, Any]]:
    """Grid rows of ``view.products`` (JSON-ready; numbers also as es-CO text)."""
    selected = view.state.product
    rows = []
    for r in view.products.itertuples(index=False):
        status = r.status if r.status in STATUSES else "no_report"
        pct = _number(r.pct)
        rows.append({
            "product_id": r.product_id,
            "product": f"{r.product_id} · {r.name}",
            "indicator": r.indicator,
            "entity": getattr(r, "entity", r.entity_id),
            "entity_name": getattr(r, "entity_name", r.entity_id),
            "axis": getattr(r, "axis", r.axis_id),
            "scope": "Por localidad" if r.scope == "localidad" else "Solo ciudad",
            "value": _number(r.value),
            "value_text": format_value(r.value, r.unit),
            "target": _number(r.target),
            "target_text": format_value(r.target, r.unit),
            "pct": None if pct is None else round(pct * 100, 1),
            "pct_text": format_percent(pct),
            "status": status,
            "status_label": status_legend_label(status),
            "selected": r.product_id == selected,
        })
    return rows


def column_defs(year: int) -> list[dict[str, Any]]:
    """Grid columns; the value and target headers name ``year``."""
    text = {"function": "params.data ? params.data[params.colDef.field + '_text'] : ''"}
    number = {"type": "numericColumn", "valueFormatter": text, "filter": "agNumberColumnFilter",
              "getQuickFilterText": text, "minWidth": 120}
    status_classes = {f"status-cell status-{s.replace('_', '-')}": f"params.data.status == '{s}'"
                      for s in STATUSES}
    return [
        {"field": "product", "headerName": "Producto", "minWidth": 240, "flex": 2,
         "tooltipField": "indicator", "pinned": "left"},
        {"field": "indicator", "headerName": "Indicador", "minWidth": 240, "flex": 2,
         "tooltipField": "indicator"},
        {"field": "entity", "headerName": "Entidad", "minWidth": 100, "tooltipField": "entity_name"},
        {"field": "axis", "headerName": "Eje", "minWidth": 150},
        {"field": "scope", "headerName": "Alcance", "minWidth": 120},
        {"field": "value", "headerName": f"Valor {year}", **number},
        {"field": "target", "headerName": f"Meta {year}", **number},
        {"field": "pct", "headerName": "Avance", **number, "minWidth": 100},
        {"field": "status_label", "headerName": "Estado", "minWidth": 130,
         "cellClassRules": status_classes},
    ]


def table_title(view: View, names: dict[str, str]) -> str:
    """The grid's caption: how many products, where and when."""
    where = join_names([names.get(c, c) for c in view.state.localities]) or "Bogotá D.C."
    count = format_number(len(view.products))
    noun = "producto" if len(view.products) == 1 else "productos"
    return f"{count} {noun} · {where} · {view.state.year}"


@callback(
    Output(ids.TABLE_GRID, "rowData"),
    Output(ids.TABLE_GRID, "columnDefs"),
    Output(ids.TABLE_TITLE, "children"),
    Input(ids.STATE_STORE, "data"),
)
def _update_table(stored: dict | None) -> tuple[Any, Any, Any]:
    view = cached_view(stored_state(stored), get_catalog())
    caption = table_title(view, get_geo_context().names)
    return table_rows(view), column_defs(view.state.year), caption


@callback(
    Output(ids.TABLE_GRID, "dashGridOptions"),
    Input(ids.TABLE_SEARCH, "value"),
    prevent_initial_call=True,
)
def _search_table(text: str | None) -> Patch:
    patch = Patch()
    patch["quickFilterText"] = text or ""
    return patch
