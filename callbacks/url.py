"""The URL is the page state: one callback keeps URL, controls and state store in step.

Flow: any input (URL, a filter, a map or series click, the play timer, a
"Limpiar" button, a table row) -> :func:`next_state` (pure) -> the effective
state resolved by :func:`callbacks.view_model.cached_view` -> the URL query (not
rewritten when the URL itself was the trigger, so the back button steps through
states and a shared link stays as typed), the controls' values and the state
store that every card (map, series, summary, table) listens to.

``dcc.Location(refresh=False)`` pushes each new query to the browser history
without reloading; the back button fires ``popstate`` and the URL input.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, html, no_update

from callbacks import ids
from callbacks.features import dashboard_callback
from callbacks.filters import OPTION_IDS, cached_filter_options
from callbacks.map import toggle_locality
from callbacks.series import year_from_click
from callbacks.store import (
    state_payload,
    stored_notices,
    stored_options_digest,
    stored_state,
)
from callbacks.url_state import ViewState, build_query
from callbacks.view_model import cached_view, default_state, filtered_products, parse_view
from data.catalog import Catalog
from data.repository import get_catalog
from data.schema import FIRST_YEAR, LAST_YEAR

__all__ = [
    "CONTROL_IDS",
    "control_values",
    "next_state",
    "next_year",
    "notice_alert",
    "page_search",
    "state_from_controls",
]

#: Controls whose values mirror the state, in the callback's output order.
CONTROL_IDS = (
    ids.FILTER_AXIS,
    ids.FILTER_ENTITY,
    ids.FILTER_OBJECTIVE,
    ids.FILTER_PRODUCT,
    ids.FILTER_LOCALITY,
    ids.YEAR_SLIDER,
    ids.FILTER_MEASURE,
    ids.MAP_LAYERS,
)
_NARROWING = (ids.FILTER_AXIS, ids.FILTER_ENTITY, ids.FILTER_OBJECTIVE)


def _as_tuple(value: Any) -> tuple:
    if value is None or value == "":
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value if v not in (None, ""))
    return (str(value),)


def state_from_controls(values: dict[str, Any], fallback: ViewState) -> ViewState:
    """A state from the controls' values (keys: :data:`CONTROL_IDS`)."""
    objective = values.get(ids.FILTER_OBJECTIVE)
    year = values.get(ids.YEAR_SLIDER)
    measure = values.get(ids.FILTER_MEASURE)
    return ViewState(
        axes=_as_tuple(values.get(ids.FILTER_AXIS)),
        entities=_as_tuple(values.get(ids.FILTER_ENTITY)),
        objective=None if objective in (None, "") else int(objective),
        product=values.get(ids.FILTER_PRODUCT) or None,
        localities=_as_tuple(values.get(ids.FILTER_LOCALITY)),
        year=int(year) if year is not None else fallback.year,
        measure=measure or fallback.measure,
        layers=_as_tuple(values.get(ids.MAP_LAYERS)),
    )


def next_year(year: int) -> tuple[int, bool]:
    """One play-button step: ``(next year, reached the end)``; wraps after 2032."""
    following = FIRST_YEAR if year >= LAST_YEAR else year + 1
    return following, following >= LAST_YEAR


def next_state(
    current: ViewState,
    trigger: str | None,
    catalog: Catalog,
    *,
    search: str | None = None,
    controls: dict[str, Any] | None = None,
    map_click: dict | None = None,
    series_click: dict | None = None,
    table_click: dict | None = None,
    locality_click: dict | None = None,
) -> tuple[ViewState, list[str], bool]:
    """The requested state after ``trigger`` changed (pure; never raises).

    Parameters
    ----------
    current : ViewState
        The effective state before the change.
    trigger : str or None
        Id of the component that changed (``None``: first load).
    catalog : Catalog
    search : str, optional
        ``dcc.Location.search`` (used when the URL triggered).
    controls : dict, optional
        The controls' values, keyed by :data:`CONTROL_IDS`.
    map_click : dict, optional
        ``{"code", "additive"}`` from the map click store.
    series_click : dict, optional
        The series ``clickData``.
    table_click : dict, optional
        The products grid's ``cellClicked`` (its ``rowId`` is the product id).
    locality_click : dict, optional
        The localities grid's ``cellClicked`` (its ``rowId`` is the locality
        code); it adds or removes the locality, like Shift+click on the map.

    Returns
    -------
    (ViewState, list of str, bool)
        The requested state, the notices of a URL parse, and whether the play
        timer reached the last year.
    """
    if trigger in (None, ids.URL):
        state, notices = parse_view(search, catalog)
        return state, notices, False
    if trigger in CONTROL_IDS:
        state = state_from_controls(controls or {}, current)
        matching = set(filtered_products(catalog, state)["product_id"])
        if trigger in _NARROWING and state.product not in matching:
            state = replace(state, product=None)
        return state, [], False
    if trigger == ids.MAP_CLICK_STORE and map_click and map_click.get("code"):
        localities = toggle_locality(
            current.localities, str(map_click["code"]), bool(map_click.get("additive"))
        )
        return replace(current, localities=localities), [], False
    if trigger == ids.SERIES_GRAPH:
        year = year_from_click(series_click)
        return (current if year is None else replace(current, year=year)), [], False
    if trigger == ids.LOCALITY_GRID and locality_click and locality_click.get("rowId"):
        code = str(locality_click["rowId"])
        return replace(current, localities=toggle_locality(current.localities, code, True)), \
            [], False
    if trigger == ids.TABLE_GRID and table_click and table_click.get("rowId"):
        return replace(current, product=str(table_click["rowId"])), [], False
    if trigger == ids.CLEAR_BUTTON:
        keep = default_state(catalog)
        return replace(keep, year=current.year, measure=current.measure,
                       layers=current.layers), [], False
    if trigger == ids.MAP_CLEAR:
        return replace(current, localities=()), [], False
    if trigger == ids.PLAY_INTERVAL:
        year, done = next_year(current.year)
        return replace(current, year=year), [], done
    return current, [], False


def control_values(state: ViewState) -> list[Any]:
    """The controls' values for ``state``, in :data:`CONTROL_IDS` order."""
    return [
        list(state.axes),
        list(state.entities),
        state.objective,
        state.product,
        list(state.localities),
        state.year,
        state.measure,
        list(state.layers),
    ]


def page_search(state: ViewState, catalog: Catalog) -> str:
    """The ``location.search`` of ``state`` (``""`` for the default view)."""
    query = build_query(state, default=default_state(catalog))
    return f"?{query}" if query else ""


@dashboard_callback(
    Output(ids.URL, "search"),
    *(Output(i, "value") for i in CONTROL_IDS),
    *(Output(i, "options") for i in OPTION_IDS),
    Output(ids.STATE_STORE, "data"),
    Input(ids.URL, "search"),
    *(Input(i, "value") for i in CONTROL_IDS),
    Input(ids.MAP_CLICK_STORE, "data"),
    Input(ids.SERIES_GRAPH, "clickData"),
    Input(ids.TABLE_GRID, "cellClicked"),
    Input(ids.LOCALITY_GRID, "cellClicked"),
    Input(ids.CLEAR_BUTTON, "n_clicks"),
    Input(ids.MAP_CLEAR, "n_clicks"),
    Input(ids.PLAY_INTERVAL, "n_intervals"),
    State(ids.STATE_STORE, "data"),
)
def _sync(search, *args):
    catalog = get_catalog()
    trigger = ctx.triggered_id
    controls = dict(zip(CONTROL_IDS, args[: len(CONTROL_IDS)], strict=True))
    map_click, series_click, table_click, locality_click = args[
        len(CONTROL_IDS) : len(CONTROL_IDS) + 4
    ]
    current = stored_state(args[-1])
    requested, notices, done = next_state(
        current, trigger, catalog, search=search, controls=controls,
        map_click=map_click, series_click=series_click, table_click=table_click,
        locality_click=locality_click,
    )
    view = cached_view(requested, catalog)
    url = no_update if trigger in (None, ids.URL) else page_search(view.state, catalog)
    options, digest = cached_filter_options(catalog, view.state)
    payload = state_payload(view.state, [*notices, *view.notices], play_done=done,
                            options_digest=digest)
    # The browser holds the options of the stored state (this callback writes
    # both together). Resend them only when they changed, and always on first
    # load and URL navigation (a Dash 4 dropdown drops a value not among them).
    if trigger not in (None, ids.URL) and stored_options_digest(args[-1]) == digest:
        option_values = [no_update] * len(OPTION_IDS)
    else:
        option_values = list(options.values())
    return url, *control_values(view.state), *option_values, payload


def notice_alert(notices: list[str]) -> Any:
    """The visible notice of corrected URL values (None when there is nothing to say)."""
    if not notices:
        return None
    return dbc.Alert(
        [
            html.Strong("Se corrigió la dirección de la página. "),
            html.Span("Se muestran los valores por defecto donde había un problema:"),
            html.Ul([html.Li(n) for n in notices], className="mb-0 mt-1"),
        ],
        color="warning",
        dismissable=True,
        className="notice-alert mb-2",
    )


@dashboard_callback(Output(ids.NOTICES, "children"), Input(ids.STATE_STORE, "data"))
def _show_notices(stored: Any) -> Any:
    return notice_alert(stored_notices(stored))
