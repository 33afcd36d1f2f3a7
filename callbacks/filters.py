"""Filter options that cascade: each list offers what exists under the other filters.

The axis, entity, objective and product lists are *faceted*: the options of one
filter are the values that still have products once the *other* filters are
applied (choosing an axis narrows entities, objectives and products to those
that exist). A value already chosen is always kept in its list, flagged when
nothing matches, so an impossible combination arriving by URL stays visible and
the page says so instead of drawing an empty chart.

The options are written by the URL callback (``callbacks.url``) in the same
response as the values: a Dash 4 dropdown drops a value that is not among its
options, which would otherwise undo a state restored from the URL.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass

from dash import Input, Output, State

from callbacks import ids
from callbacks.features import dashboard_callback, dashboard_clientside_callback
from callbacks.url_state import ViewState
from data.catalog import Catalog
from data.schema import FIRST_YEAR, LAST_YEAR
from layers.formatting import format_number

__all__ = [
    "OPTION_IDS",
    "PLAY_TEXT",
    "cached_filter_options",
    "filter_options",
    "locality_options",
    "play_toggle",
]

#: Dropdowns whose options cascade, in :func:`filter_options` key order. Their
#: options are set by the URL callback together with their values, so a value
#: never arrives before the option that holds it.
OPTION_IDS = (ids.FILTER_AXIS, ids.FILTER_ENTITY, ids.FILTER_OBJECTIVE, ids.FILTER_PRODUCT)

_NO_MATCH = " (sin productos con los demás filtros)"
_OBJECTIVE_CHARS = 60


def _count_label(text: str, count: int) -> str:
    return f"{text} ({format_number(count)})"


def _short(text: str, limit: int = _OBJECTIVE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,.;") + "…"


def _options(rows: list, key: str, label, counts: Counter, chosen: tuple) -> list[dict]:
    """Dropdown options of ``rows`` (catalog rows) with products (or already chosen)."""
    options = []
    for row in rows:
        value = getattr(row, key)
        count = counts.get(value, 0)
        if count == 0 and value not in chosen:
            continue
        text, title = label(row)
        text = _count_label(text, count) if count else text + _NO_MATCH
        options.append({"label": text, "value": value, "title": title})
    return options


@dataclass(frozen=True)
class _Facets:
    """A catalog's tables as lists of rows (``itertuples``), read once per catalog."""

    products: list
    axes: list
    entities: list
    objectives: list


_FACETS: OrderedDict[tuple, _Facets] = OrderedDict()


def _facets(catalog: Catalog) -> _Facets:
    key = (id(catalog), catalog.version.version_id)
    with _OPTIONS_LOCK:
        hit = _FACETS.get(key)
    if hit is not None:
        return hit
    facets = _Facets(
        products=list(catalog.products[["product_id", "name", "indicator", "axis_id",
                                        "entity_id", "objective_id"]].itertuples(index=False)),
        axes=list(catalog.axes.itertuples(index=False)),
        entities=list(catalog.entities.itertuples(index=False)),
        objectives=list(catalog.objectives.itertuples(index=False)),
    )
    with _OPTIONS_LOCK:
        _FACETS[key] = facets
        while len(_FACETS) > 4:
            _FACETS.popitem(last=False)
    return facets


def _matches(row, axes: frozenset, entities: frozenset, objective: int | None) -> bool:
    """The rule of :func:`callbacks.view_model.filtered_products` for one product row."""
    return ((not axes or row.axis_id in axes)
            and (not entities or row.entity_id in entities)
            and (objective is None or row.objective_id == objective))


def filter_options(catalog: Catalog, state: ViewState) -> dict[str, list[dict]]:
    """Options of the axis, entity, objective and product dropdowns for ``state``.

    Parameters
    ----------
    catalog : Catalog
    state : ViewState
        The current (effective) state.

    Returns
    -------
    dict
        ``{"axes", "entities", "objectives", "products"}``, each a list of
        ``{"label", "value", "title"}`` dicts. Labels carry the number of
        matching products, in es-CO format; a chosen value without products is
        kept and labelled "(sin productos con los demás filtros)".

    Notes
    -----
    Counts are taken over the catalog's rows in plain Python (a few dozen
    products): pandas filtering and ``value_counts`` cost several milliseconds
    per call. ``tests/callbacks/test_filters.py`` checks the rule against
    :func:`~callbacks.view_model.filtered_products`.
    """
    facets = _facets(catalog)
    axes, entities = frozenset(state.axes), frozenset(state.entities)
    objective = state.objective
    none: frozenset = frozenset()
    by_axis, by_entity, by_objective = Counter(), Counter(), Counter()
    matching = []
    for row in facets.products:
        if _matches(row, none, entities, objective):
            by_axis[row.axis_id] += 1
        if _matches(row, axes, none, objective):
            by_entity[row.entity_id] += 1
        if _matches(row, axes, entities, None):
            by_objective[row.objective_id] += 1
        if _matches(row, axes, entities, objective):
            matching.append(row)
    objective_chosen = () if objective is None else (objective,)
    product_chosen = () if state.product is None else (state.product,)
    matching_ids = {r.product_id for r in matching}
    return {
        "axes": _options(facets.axes, "axis_id", lambda r: (r.name, r.name), by_axis,
                         state.axes),
        "entities": _options(facets.entities, "entity_id", lambda r: (r.acronym, r.name),
                             by_entity, state.entities),
        "objectives": _options(
            facets.objectives, "objective_id",
            lambda r: (f"{r.objective_id}. {_short(r.text)}", str(r.text)),
            by_objective, objective_chosen,
        ),
        "products": [
            {"label": f"{r.product_id} · {r.name}", "value": r.product_id,
             "title": str(r.indicator)}
            for r in matching
        ] + [
            {"label": f"{p}{_NO_MATCH}", "value": p, "title": p}
            for p in product_chosen if p not in matching_ids
        ],
    }


_OPTIONS_CACHE: OrderedDict[tuple, tuple[dict[str, list[dict]], str]] = OrderedDict()
_OPTIONS_CACHE_SIZE = 256
_OPTIONS_LOCK = threading.Lock()


def cached_filter_options(catalog: Catalog, state: ViewState) -> tuple[dict[str, list[dict]], str]:
    """:func:`filter_options` memoised per (catalog, data version, filters), with its digest.

    The options depend only on the axis, entity, objective and product of
    ``state``. Returns ``(options, digest)``: the digest (16 hex characters)
    identifies the options, so a caller can tell whether the browser already
    holds them. The returned lists are shared: do not modify them.
    """
    key = (id(catalog), catalog.version.version_id, state.axes, state.entities,
           state.objective, state.product)
    with _OPTIONS_LOCK:
        hit = _OPTIONS_CACHE.get(key)
        if hit is not None:
            _OPTIONS_CACHE.move_to_end(key)
            return hit
    options = filter_options(catalog, state)
    digest = hashlib.sha256(
        json.dumps(options, ensure_ascii=False, sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
    with _OPTIONS_LOCK:
        _OPTIONS_CACHE[key] = (options, digest)
        while len(_OPTIONS_CACHE) > _OPTIONS_CACHE_SIZE:
            _OPTIONS_CACHE.popitem(last=False)
    return options, digest


def locality_options(names: dict[str, str]) -> list[dict]:
    """Options of the locality dropdown: ``"11 · Suba"``, in code order."""
    return [{"label": f"{code} · {names[code]}", "value": code} for code in sorted(names)]


#: Play button texts: ``(button text, aria-label)`` while stopped and while playing.
PLAY_TEXT = {
    "stopped": ("▶ Reproducir", f"Reproducir los años {FIRST_YEAR} a {LAST_YEAR}"),
    "playing": ("❚❚ Pausar", "Pausar la animación de los años"),
}


def play_toggle(playing: bool) -> tuple[bool, str, str]:
    """The play controls' props: ``(interval disabled, button text, aria-label)``."""
    text, label = PLAY_TEXT["playing" if playing else "stopped"]
    return (not playing), text, label


# A press toggles playing; the URL callback sets ``play_done`` in the store when
# the last year is reached, which stops the timer. Clientside: no round trip.
dashboard_clientside_callback(
    f"""
    function(clicks, stored, disabled) {{
        const noUpdate = window.dash_clientside.no_update;
        const triggered = window.dash_clientside.callback_context.triggered || [];
        const byButton = triggered.some(t => t.prop_id.startsWith("{ids.PLAY_BUTTON}."));
        const play = {json.dumps(list(play_toggle(True)), ensure_ascii=False)};
        const stop = {json.dumps(list(play_toggle(False)), ensure_ascii=False)};
        if (byButton) {{ return disabled ? play : stop; }}
        if (!disabled && stored && stored.play_done) {{ return stop; }}
        return [noUpdate, noUpdate, noUpdate];
    }}
    """,
    Output(ids.PLAY_INTERVAL, "disabled"),
    Output(ids.PLAY_BUTTON, "children"),
    Output(ids.PLAY_BUTTON, "aria-label"),
    Input(ids.PLAY_BUTTON, "n_clicks"),
    Input(ids.STATE_STORE, "data"),
    State(ids.PLAY_INTERVAL, "disabled"),
    prevent_initial_call=True,
)


@dashboard_callback(
    Output(ids.FILTERS_COLLAPSE, "is_open"),
    Output(ids.FILTERS_TOGGLE, "aria-expanded"),
    Input(ids.FILTERS_TOGGLE, "n_clicks"),
    State(ids.FILTERS_COLLAPSE, "is_open"),
    prevent_initial_call=True,
)
def _toggle_filters(_clicks, is_open):
    return (not is_open), ("false" if is_open else "true")
