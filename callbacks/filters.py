"""Filters: axis, entity, objective, product, locality and what the map colours.

On a phone the panel collapses behind a "Filtros" button; on a laptop it is a
sidebar that is always open (``assets/dashboard.css``). The options of the
axis, entity, objective and product lists cascade (:func:`view.filters.filter_options`);
the URL callback (:mod:`callbacks.url`) writes them together with the values, so a
Dash 4 dropdown never drops a value that arrives before its option.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from callbacks.components import DROPDOWN_LABELS
from layers.scales import MEASURES
from view import ViewState
from view.filters import locality_options

__all__ = [
    "CLEAR_BUTTON",
    "FILTERS_COLLAPSE",
    "FILTERS_HINT",
    "FILTERS_TOGGLE",
    "FILTER_AXIS",
    "FILTER_ENTITY",
    "FILTER_LOCALITY",
    "FILTER_MEASURE",
    "FILTER_OBJECTIVE",
    "FILTER_PRODUCT",
    "MEASURE_OPTIONS",
    "MEASURE_TEXT",
    "OPTION_IDS",
    "filters_panel",
    "register",
]

FILTERS_TOGGLE = "filters-toggle"
FILTERS_COLLAPSE = "filters-collapse"
FILTERS_HINT = "filters-hint"
FILTER_AXIS = "filters-axis"
FILTER_ENTITY = "filters-entity"
FILTER_OBJECTIVE = "filters-objective"
FILTER_PRODUCT = "filters-product"
FILTER_LOCALITY = "filters-locality"
FILTER_MEASURE = "filters-measure"
CLEAR_BUTTON = "filters-clear"

#: Dropdowns whose options cascade, keyed like :func:`view.filters.filter_options`.
OPTION_IDS = {"axes": FILTER_AXIS, "entities": FILTER_ENTITY, "objectives": FILTER_OBJECTIVE,
              "indicators": FILTER_PRODUCT}

#: What the map can colour, as people read it (values of ``layers.scales.MEASURES``).
MEASURE_TEXT = {
    "avance": "Avance en el periodo (%)",
    "semaforo": "Semáforo",
    "brecha": "Brecha frente a la trayectoria ideal",
    "valor": "Avance a la fecha (valor)",
}
MEASURE_OPTIONS = [{"label": MEASURE_TEXT[value], "value": value}
                   for value in ("avance", "semaforo", "brecha", "valor") if value in MEASURES]


def _field(label: str, control, control_id: str, help_text: str | None = None) -> html.Div:
    # the slot keeps the control's height while its script loads (no layout shift)
    # the label also names the dropdown's button (assets/a11y.js: aria-labelledby)
    parts = [html.Label(label, htmlFor=control_id, id=f"{control_id}-label",
                        className="form-label"),
             html.Div(control, className="control-slot")]
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
        _field("Eje", _dropdown(FILTER_AXIS, list(state.axes), "Todos los ejes",
                                multi=True), FILTER_AXIS),
        _field("Entidad responsable", _dropdown(FILTER_ENTITY, list(state.entities),
                                                "Todas las entidades", multi=True),
               FILTER_ENTITY),
        _field("Objetivo específico", _dropdown(FILTER_OBJECTIVE, state.objective,
                                                "Todos los objetivos", multi=False),
               FILTER_OBJECTIVE),
        _field("Indicador de producto", _dropdown(FILTER_PRODUCT, state.indicator,
                                                  "Elija un indicador", multi=False,
                                                  clearable=False),
               FILTER_PRODUCT, "El mapa, la serie y la ficha muestran este indicador."),
        _field("Localidad", dcc.Dropdown(
            id=FILTER_LOCALITY, options=locality_options(names),
            value=list(state.localities), multi=True, placeholder="Toda la ciudad",
            className="filter-dropdown", labels=DROPDOWN_LABELS), FILTER_LOCALITY,
            "También puede pulsar las localidades en el mapa."),
        html.Fieldset(
            [
                html.Legend("El mapa colorea", className="form-label fs-6"),
                dbc.RadioItems(id=FILTER_MEASURE, options=MEASURE_OPTIONS,
                               value=state.measure, className="measure-radios"),
            ],
            className="filter-field mb-3",
        ),
        dbc.Button("Limpiar", id=CLEAR_BUTTON, color="primary",
                   outline=True, size="sm", className="w-100",
                   title="Limpiar filtros: quita eje, entidad, objetivo, indicador y localidades"),
        html.P(id=FILTERS_HINT, className="form-text mt-2 mb-0",
               children="Las listas solo ofrecen lo que existe con los demás filtros."),
    ]
    return html.Aside(
        [
            html.Button(
                ["Filtros ", html.Span("▾", **{"aria-hidden": "true"})],
                id=FILTERS_TOGGLE, type="button",
                className="btn btn-outline-primary filters-toggle w-100 mb-2",
                **{"aria-controls": FILTERS_COLLAPSE, "aria-expanded": "false"},
            ),
            dbc.Collapse(html.Div(fields, className="filters-body"), id=FILTERS_COLLAPSE,
                         is_open=False, className="filters-collapse"),
        ],
        className="filters-panel",
        **{"aria-label": "Filtros"},
    )


def _toggle_filters(_clicks, is_open):
    return (not is_open), ("false" if is_open else "true")


def register(app) -> None:
    """Attach the panel's collapse toggle (phones) to ``app``."""
    app.callback(
        Output(FILTERS_COLLAPSE, "is_open"),
        Output(FILTERS_TOGGLE, "aria-expanded"),
        Input(FILTERS_TOGGLE, "n_clicks"),
        State(FILTERS_COLLAPSE, "is_open"),
        prevent_initial_call=True,
    )(_toggle_filters)
