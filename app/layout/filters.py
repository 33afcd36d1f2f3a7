"""Filters panel: axis, entity, objective, product, locality and what the map colours.

On a phone the panel collapses behind a "Filtros" button; on a laptop it is a
sidebar that is always open (``assets/dashboard.css``).
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from callbacks import ids
from callbacks.filters import locality_options
from callbacks.url_state import ViewState
from layers.scales import MEASURES

__all__ = ["DROPDOWN_LABELS", "MEASURE_OPTIONS", "filters_panel"]

#: Spanish texts of the dropdowns' own interface (Dash 4 ``labels``).
DROPDOWN_LABELS = {
    "select_all": "Elegir todo",
    "deselect_all": "Quitar todo",
    "selected_count": "{num_selected} elegidos",
    "search": "Buscar",
    "clear_search": "Borrar búsqueda",
    "clear_selection": "Quitar selección",
    "no_options_found": "Ninguna opción coincide",
}

MEASURE_OPTIONS = [
    {"label": label, "value": value}
    for value, label in zip(MEASURES, ("Valor reportado", "% de la meta", "Semáforo"), strict=True)
]


def _field(label: str, control, control_id: str, help_text: str | None = None) -> html.Div:
    parts = [html.Label(label, htmlFor=control_id, className="form-label"), control]
    if help_text:
        parts.append(html.Div(help_text, className="form-text"))
    return html.Div(parts, className="filter-field mb-2")


def _dropdown(control_id: str, value, placeholder: str, *, multi: bool,
              clearable: bool = True) -> dcc.Dropdown:
    return dcc.Dropdown(
        id=control_id, options=[], value=value, multi=multi, clearable=clearable,
        placeholder=placeholder, searchable=True, optionHeight=44,
        className="filter-dropdown", labels=DROPDOWN_LABELS,
    )


def filters_panel(state: ViewState, names: dict[str, str]) -> html.Aside:
    """The panel, initialised with ``state`` (the URL callback sets the real values)."""
    fields = [
        _field("Eje", _dropdown(ids.FILTER_AXIS, list(state.axes), "Todos los ejes",
                                multi=True), ids.FILTER_AXIS),
        _field("Entidad responsable", _dropdown(ids.FILTER_ENTITY, list(state.entities),
                                                "Todas las entidades", multi=True),
               ids.FILTER_ENTITY),
        _field("Objetivo específico", _dropdown(ids.FILTER_OBJECTIVE, state.objective,
                                                "Todos los objetivos", multi=False),
               ids.FILTER_OBJECTIVE),
        _field("Producto / indicador", _dropdown(ids.FILTER_PRODUCT, state.product,
                                                 "Elija un producto", multi=False,
                                                 clearable=False),
               ids.FILTER_PRODUCT, "El mapa y la serie muestran su indicador."),
        _field("Localidad", dcc.Dropdown(
            id=ids.FILTER_LOCALITY, options=locality_options(names),
            value=list(state.localities), multi=True, placeholder="Toda la ciudad",
            className="filter-dropdown", labels=DROPDOWN_LABELS), ids.FILTER_LOCALITY,
            "También puede pulsar las localidades en el mapa."),
        html.Fieldset(
            [
                html.Legend("El mapa colorea", className="form-label fs-6"),
                dbc.RadioItems(id=ids.FILTER_MEASURE, options=MEASURE_OPTIONS,
                               value=state.measure, className="measure-radios"),
            ],
            className="filter-field mb-3",
        ),
        dbc.Button("Limpiar", id=ids.CLEAR_BUTTON, color="primary",
                   outline=True, size="sm", className="w-100",
                   title="Limpiar filtros: quita eje, entidad, objetivo, producto y localidades"),
        html.P(id=ids.FILTERS_HINT, className="form-text mt-2 mb-0",
               children="Las listas solo ofrecen lo que existe con los demás filtros."),
    ]
    return html.Aside(
        [
            html.Button(
                ["Filtros ", html.Span("▾", **{"aria-hidden": "true"})],
                id=ids.FILTERS_TOGGLE, type="button",
                className="btn btn-outline-primary filters-toggle w-100 mb-2",
                **{"aria-controls": ids.FILTERS_COLLAPSE, "aria-expanded": "false"},
            ),
            dbc.Collapse(html.Div(fields, className="filters-body"), id=ids.FILTERS_COLLAPSE,
                         is_open=False, className="filters-collapse"),
        ],
        className="filters-panel",
        **{"aria-label": "Filtros"},
    )
