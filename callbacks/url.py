"""The URL is the page state: one callback keeps URL, controls and state store in step.

Flow: any input (URL, a filter, a map or series click, the play timer, a
"Limpiar" button, a table row) -> :func:`next_state` (pure) -> the effective
state resolved by :func:`view.cached_view` -> the URL query (not rewritten when
the URL itself was the trigger, so the back button steps through states and a
shared link stays as typed), the controls' values and options, and the state
store that every card (map, series, summary, table) listens to.

The callback takes and returns named groups (``controls``, ``clicks``,
``values``, ``options``), never positional slices. ``dcc.Location(refresh=False)``
pushes each new query to the browser history without reloading; the back
button fires ``popstate`` and the URL input.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

import flask
from dash import Input, Output, State, ctx, no_update

from callbacks.filters import (
    CLEAR_BUTTON,
    FILTER_AXIS,
    FILTER_ENTITY,
    FILTER_LOCALITY,
    FILTER_MEASURE,
    FILTER_OBJECTIVE,
    FILTER_PRODUCT,
    OPTION_IDS,
)
from callbacks.map import MAP_CLEAR, MAP_CLICK_STORE, MAP_FRAMING, MAP_LAYERS
from callbacks.series import SERIES_GRAPH
from callbacks.shell import STATE_STORE, URL
from callbacks.table import LOCALITY_GRID, TABLE_GRID
from callbacks.year import PLAY_INTERVAL, YEAR_QUARTER, YEAR_SLIDER, quarter_value, state_quarter
from data import Catalog
from data.schema import RURAL_CODES
from view import (
    Snapshot,
    ViewState,
    build_query,
    cached_view,
    current_snapshot,
    default_state,
    parse_view,
)
from view.filters import filter_options
from view.links import export_links, share_links
from view.payload import state_payload, stored_options_digest, stored_state
from view.transitions import next_year, reframe, toggle_locality, year_from_click

__all__ = [
    "CONTROLS",
    "CONTROL_IDS",
    "cached_filter_options",
    "control_values",
    "next_state",
    "page_links",
    "page_search",
    "register",
    "requested_state",
    "state_from_controls",
]

#: Controls whose values mirror the state: state field -> component id.
CONTROLS = {
    "axes": FILTER_AXIS,
    "entities": FILTER_ENTITY,
    "objective": FILTER_OBJECTIVE,
    "indicator": FILTER_PRODUCT,
    "localities": FILTER_LOCALITY,
    "year": YEAR_SLIDER,
    "quarter": YEAR_QUARTER,
    "measure": FILTER_MEASURE,
    "layers": MAP_LAYERS,
    "framing": MAP_FRAMING,
}
#: The controls' ids, in :func:`control_values` order.
CONTROL_IDS = tuple(CONTROLS.values())
#: Clicks that change the state: group name -> (component id, property).
CLICKS = {
    "map": (MAP_CLICK_STORE, "data"),
    "series": (SERIES_GRAPH, "clickData"),
    "table": (TABLE_GRID, "cellClicked"),
    "locality": (LOCALITY_GRID, "cellClicked"),
    "clear": (CLEAR_BUTTON, "n_clicks"),
    "map_clear": (MAP_CLEAR, "n_clicks"),
    "play": (PLAY_INTERVAL, "n_intervals"),
}
_NARROWING = (FILTER_AXIS, FILTER_ENTITY, FILTER_OBJECTIVE)


def _as_tuple(value: Any) -> tuple:
    if value is None or value == "":
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value if v not in (None, ""))
    return (str(value),)


def state_from_controls(values: dict[str, Any], fallback: ViewState) -> ViewState:
    """A state from the controls' values (keys: :data:`CONTROL_IDS`)."""
    objective = values.get(FILTER_OBJECTIVE)
    year = values.get(YEAR_SLIDER)
    measure = values.get(FILTER_MEASURE)
    return ViewState(
        axes=_as_tuple(values.get(FILTER_AXIS)),
        entities=_as_tuple(values.get(FILTER_ENTITY)),
        objective=None if objective in (None, "") else int(objective),
        indicator=values.get(FILTER_PRODUCT) or None,
        localities=_as_tuple(values.get(FILTER_LOCALITY)),
        year=int(year) if year is not None else fallback.year,
        quarter=state_quarter(values.get(YEAR_QUARTER, quarter_value(fallback.quarter))),
        measure=measure or fallback.measure,
        layers=_as_tuple(values.get(MAP_LAYERS)),
        framing=values.get(MAP_FRAMING) or fallback.framing,
    )


def next_state(
    current: ViewState,
    trigger: str | None,
    catalog: Catalog,
    *,
    outside_urban: tuple[str, ...] = RURAL_CODES,
    **inputs: Any,
) -> tuple[ViewState, list[str], bool]:
    """The requested state after ``trigger`` changed (pure; never raises).

    :func:`requested_state`, then the map's framing follows the selection: a
    newly selected locality in ``outside_urban`` (Sumapaz) frames the whole
    district (:func:`view.transitions.reframe`).
    """
    state, notices, done = requested_state(current, trigger, catalog, **inputs)
    previous = default_state(catalog) if trigger in (None, URL) else current
    return reframe(state, previous, outside_urban), notices, done


def requested_state(
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
    """The state a change asks for, before the framing follows the selection.

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
        The indicators grid's ``cellClicked`` (its ``rowId`` is the indicator code
        and place, ``"1.1.1|08"``).
    locality_click : dict, optional
        The localities grid's ``cellClicked`` (its ``rowId`` is the locality
        code); it adds or removes the locality, like Shift+click on the map.

    Returns
    -------
    (ViewState, list of str, bool)
        The requested state, the notices of a URL parse, and whether the play
        timer reached the last year.
    """
    if trigger in (None, URL):
        state, notices = parse_view(search, catalog)
        return state, notices, False
    if trigger in CONTROL_IDS:
        state = state_from_controls(controls or {}, current)
        facets = Snapshot.of(catalog).facets
        matching = set(facets.codes[facets.matching(state)])
        if trigger in _NARROWING and state.indicator not in matching:
            state = replace(state, indicator=None)
        return state, [], False
    if trigger == MAP_CLICK_STORE and map_click and map_click.get("code"):
        localities = toggle_locality(
            current.localities, str(map_click["code"]), bool(map_click.get("additive"))
        )
        return replace(current, localities=localities), [], False
    if trigger == SERIES_GRAPH:
        year = year_from_click(series_click)
        return (current if year is None else replace(current, year=year)), [], False
    if trigger == LOCALITY_GRID and locality_click and locality_click.get("rowId"):
        code = str(locality_click["rowId"])
        return replace(current, localities=toggle_locality(current.localities, code, True)), \
            [], False
    if trigger == TABLE_GRID and table_click and table_click.get("rowId"):
        code = str(table_click["rowId"]).split("|", 1)[0]
        return replace(current, indicator=code), [], False
    if trigger == CLEAR_BUTTON:
        keep = default_state(catalog)
        return replace(keep, year=current.year, quarter=current.quarter,
                       measure=current.measure, layers=current.layers,
                       framing=current.framing), [], False
    if trigger == MAP_CLEAR:
        return replace(current, localities=()), [], False
    if trigger == PLAY_INTERVAL:
        year, done = next_year(current.year, last=default_state(catalog).year)
        return replace(current, year=year, quarter=None), [], done
    return current, [], False


def control_values(state: ViewState) -> list[Any]:
    """The controls' values for ``state``, in :data:`CONTROL_IDS` order."""
    return [
        list(state.axes),
        list(state.entities),
        state.objective,
        state.indicator,
        list(state.localities),
        state.year,
        quarter_value(state.quarter),
        state.measure,
        list(state.layers),
        state.framing,
    ]


def page_search(state: ViewState, catalog: Catalog) -> str:
    """The ``location.search`` of ``state`` (``""`` for the default view)."""
    query = build_query(state, default=default_state(catalog))
    return f"?{query}" if query else ""


def page_links(state: ViewState, catalog: Catalog) -> dict[str, str]:
    """Download, share and embed links of ``state`` (:mod:`view.links`), under the
    server's root."""
    prefix = flask.request.script_root if flask.has_request_context() else ""
    return {**export_links(state, prefix=prefix),
            **share_links(state, default=default_state(catalog), prefix=prefix)}


def cached_filter_options(catalog: Catalog, state: ViewState) -> tuple[dict[str, list[dict]], str]:
    """:func:`view.filters.filter_options` memoised in the snapshot, with its digest.

    The options depend only on the axis, entity, objective and indicator of
    ``state``. Returns ``(options, digest)``: the digest (16 hex characters)
    identifies the options, so the callback can tell whether the browser
    already holds them. The returned lists are shared: do not modify them.
    """
    snapshot = Snapshot.of(catalog)

    def build() -> tuple[dict[str, list[dict]], str]:
        options = filter_options(snapshot.facets, state)
        text = json.dumps(options, ensure_ascii=False, sort_keys=True, default=str)
        return options, hashlib.sha256(text.encode()).hexdigest()[:16]

    key = (state.axes, state.entities, state.objective, state.indicator)
    return snapshot.options(key, build)


def _sync(search: str | None, controls: dict[str, Any], clicks: dict[str, Any],
          stored: Any) -> dict[str, Any]:
    snapshot = current_snapshot()
    catalog = snapshot.catalog
    trigger = ctx.triggered_id
    current = stored_state(stored, snapshot.default_state)
    requested, notices, done = next_state(
        current, trigger, catalog, search=search,
        controls={CONTROLS[name]: value for name, value in controls.items()},
        map_click=clicks["map"], series_click=clicks["series"], table_click=clicks["table"],
        locality_click=clicks["locality"],
    )
    view = cached_view(requested, catalog)
    options, digest = cached_filter_options(catalog, view.state)
    # The browser holds the options of the stored state (this callback writes
    # both together). Resend them only when they changed, and always on first
    # load and URL navigation (a Dash 4 dropdown drops a value not among them).
    first = trigger in (None, URL)
    unchanged = not first and stored_options_digest(stored) == digest
    return {
        "url": no_update if first else page_search(view.state, catalog),
        "values": dict(zip(CONTROLS, control_values(view.state), strict=True)),
        "options": {name: no_update if unchanged else options[name] for name in OPTION_IDS},
        "store": state_payload(view.state, [*notices, *view.notices], play_done=done,
                               options_digest=digest, links=page_links(view.state, catalog)),
    }


def register(app) -> None:
    """Attach the URL <-> state callback to ``app``."""
    app.callback(
        output={
            "url": Output(URL, "search"),
            "values": {name: Output(cid, "value") for name, cid in CONTROLS.items()},
            "options": {name: Output(cid, "options") for name, cid in OPTION_IDS.items()},
            "store": Output(STATE_STORE, "data"),
        },
        inputs={
            "search": Input(URL, "search"),
            "controls": {name: Input(cid, "value") for name, cid in CONTROLS.items()},
            "clicks": {name: Input(cid, prop) for name, (cid, prop) in CLICKS.items()},
            "stored": State(STATE_STORE, "data"),
        },
    )(_sync)
