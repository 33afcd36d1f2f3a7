"""Filter options that cascade: each list offers what exists under the other filters.

The axis, entity, objective and product lists are *faceted*: the options of one
filter are the values that still have products once the *other* filters are
applied (choosing an axis narrows entities, objectives and products to those
that exist). A value already chosen is always kept in its list, flagged when
nothing matches, so an impossible combination arriving by URL stays visible and
the page says so instead of drawing an empty chart.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from dash import Input, Output, State, callback, ctx, no_update

from callbacks import ids
from callbacks.store import stored_state
from callbacks.url_state import ViewState
from callbacks.view_model import filtered_products
from data.catalog import Catalog
from data.repository import get_catalog
from layers.formatting import format_number

__all__ = ["filter_options", "locality_options", "play_toggle"]

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


def play_toggle(playing: bool) -> tuple[bool, str, str]:
    """After a press of the play button: ``(interval disabled, button text, aria-label)``."""
    if playing:
        return False, "❚❚ Pausar", "Pausar la animación de los años"
    return True, "▶ Reproducir", "Reproducir los años 2023 a 2032"


@callback(
    Output(ids.FILTER_AXIS, "options"),
    Output(ids.FILTER_ENTITY, "options"),
    Output(ids.FILTER_OBJECTIVE, "options"),
    Output(ids.FILTER_PRODUCT, "options"),
    Input(ids.STATE_STORE, "data"),
)
def _update_options(stored):
    options = filter_options(get_catalog(), stored_state(stored))
    return options["axes"], options["entities"], options["objectives"], options["products"]


@callback(
    Output(ids.PLAY_INTERVAL, "disabled"),
    Output(ids.PLAY_BUTTON, "children"),
    Output(ids.PLAY_BUTTON, "aria-label"),
    Input(ids.PLAY_BUTTON, "n_clicks"),
    Input(ids.STATE_STORE, "data"),
    State(ids.PLAY_INTERVAL, "disabled"),
    prevent_initial_call=True,
)
def _toggle_play(_clicks, stored, disabled):
    if ctx.triggered_id == ids.PLAY_BUTTON:
        return play_toggle(bool(disabled))
    if not disabled and stored and stored.get("play_done"):
        return play_toggle(False)
    return no_update, no_update, no_update


@callback(
    Output(ids.FILTERS_COLLAPSE, "is_open"),
    Input(ids.FILTERS_TOGGLE, "n_clicks"),
    State(ids.FILTERS_COLLAPSE, "is_open"),
    prevent_initial_call=True,
)
def _toggle_filters(_clicks, is_open):
    return not is_open
