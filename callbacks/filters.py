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

import json
from dataclasses import replace

import pandas as pd
from dash import Input, Output, State

from callbacks import ids
from callbacks.features import dashboard_callback, dashboard_clientside_callback
from callbacks.url_state import ViewState
from callbacks.view_model import filtered_products
from data.catalog import Catalog
from data.schema import FIRST_YEAR, LAST_YEAR
from layers.formatting import format_number

__all__ = ["OPTION_IDS", "PLAY_TEXT", "filter_options", "locality_options", "play_toggle"]

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


def _options(
    table: pd.DataFrame, key: str, label, counts: pd.Series, chosen: tuple
) -> list[dict]:
    """Dropdown options of ``table`` rows with products (or already chosen)."""
    options = []
    for row in table.itertuples(index=False):
        value = getattr(row, key)
        count = int(counts.get(value, 0))
        if count == 0 and value not in chosen:
            continue
        text, title = label(row)
        text = _count_label(text, count) if count else text + _NO_MATCH
        options.append({"label": text, "value": value, "title": title})
    return options


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
    """
    without_axes = filtered_products(catalog, replace(state, axes=()))
    without_entities = filtered_products(catalog, replace(state, entities=()))
    without_objective = filtered_products(catalog, replace(state, objective=None))
    matching = filtered_products(catalog, state)
    objective_chosen = () if state.objective is None else (state.objective,)
    product_chosen = () if state.product is None else (state.product,)
    return {
        "axes": _options(
            catalog.axes, "axis_id", lambda r: (r.name, r.name),
            without_axes["axis_id"].value_counts(), state.axes,
        ),
        "entities": _options(
            catalog.entities, "entity_id", lambda r: (r.acronym, r.name),
            without_entities["entity_id"].value_counts(), state.entities,
        ),
        "objectives": _options(
            catalog.objectives, "objective_id",
            lambda r: (f"{r.objective_id}. {_short(r.text)}", str(r.text)),
            without_objective["objective_id"].value_counts(), objective_chosen,
        ),
        "products": [
            {"label": f"{r.product_id} · {r.name}", "value": r.product_id,
             "title": str(r.indicator)}
            for r in matching.itertuples(index=False)
        ] + [
            {"label": f"{p}{_NO_MATCH}", "value": p, "title": p}
            for p in product_chosen if p not in set(matching["product_id"])
        ],
    }


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
