"""Headline progress: the policy, each objective and each axis, weighted by the plan.

Roll-ups follow the plan's weights (objective x result x indicator, see
:func:`view.snapshot.indicator_facts`) over the indicators that count for the
selection; indicators without a figure are left out and the weights of the
others renormalised (the coverage column says how much weight had a figure).
A plain table, readable by a screen reader and on a phone.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Input, Output, html

from callbacks.components import card
from callbacks.shell import STATE_STORE, current_view
from data.schema import STATUS_LABELS
from layers.formatting import format_percent, format_points, join_names, shorten
from layers.theme import STATUS_SYMBOLS
from view import View, get_geo_context

__all__ = ["HEADLINE_BODY", "HEADLINE_NOTE", "NAME_CHARS", "headline_card", "headline_note",
           "headline_table", "register"]

HEADLINE_BODY = "headline-body"
HEADLINE_NOTE = "headline-note"
_SECTIONS = (("politica", None), ("objetivo", "Por objetivo"), ("eje", "Por eje"))


def _status(status: str) -> html.Span:
    return html.Span(f"{STATUS_SYMBOLS[status]} {STATUS_LABELS[status]}",
                     className=f"status-chip status-{status.replace('_', '-')}")


#: Characters of an objective's text shown in the table (the whole text is its tooltip).
NAME_CHARS = 48


def _row(row: Any, first: bool) -> html.Tr:
    name = (f"{int(row.key)}. {shorten(row.label, NAME_CHARS)}" if row.level == "objetivo"
            else row.label)
    header = html.Th(html.Strong(name) if first else name, scope="row",
                     className="headline-name", title=row.label)
    cells = [format_percent(row.phv), format_percent(row.paf), format_percent(row.tid),
             format_points(row.brecha, 1)]
    return html.Tr([header, *(html.Td(c, className="num") for c in cells),
                    html.Td(_status(row.status)),
                    html.Td(format_percent(row.coverage), className="num")],
                   className="headline-total" if first else None)


def headline_table(headline: pd.DataFrame) -> html.Table:
    """The roll-ups as one table, the policy first, then objectives and axes."""
    head = html.Thead(html.Tr([
        html.Th("", scope="col"),
        html.Th("Periodo", scope="col", className="num",
                title="Avance en el periodo: avance a la fecha frente a la meta a la fecha"),
        html.Th("Meta final", scope="col", className="num",
                title="Avance frente a la meta final"),
        html.Th("Ideal", scope="col", className="num",
                title="Trayectoria ideal: la meta a la fecha frente a la meta final"),
        html.Th("Brecha", scope="col", className="num",
                title="Avance frente a la meta final menos la trayectoria ideal"),
        html.Th("Semáforo", scope="col"),
        html.Th("Con dato", scope="col", className="num",
                title="Parte del peso con cifra al corte"),
    ]))
    body = []
    for level, title in _SECTIONS:
        rows = headline[headline["level"] == level]
        if rows.empty:
            continue
        if title:
            body.append(html.Tr(html.Th(title, colSpan=7, scope="colgroup",
                                        className="headline-section")))
        body += [_row(r, level == "politica") for r in rows.itertuples(index=False)]
    return html.Table([head, html.Tbody(body)], className="headline-table table table-sm")


def headline_note(view: View, names: dict[str, str]) -> str:
    """What the roll-up covers, in words."""
    where = join_names([names.get(c, c) for c in view.state.localities]) or "Bogotá D.C."
    filtered = view.state.axes or view.state.entities or view.state.objective is not None
    scope = "de la selección" if filtered else "de la política"
    return (f"Avance ponderado {scope} por los pesos del plan de acción · {where} · corte "
            f"{view.cut.label}. Periodo: avance a la fecha frente a la meta programada a la "
            "fecha (semáforo). Meta final: avance frente a la meta final. Ideal: lo que la "
            "meta a la fecha representa de la meta final. Brecha = meta final − ideal, en "
            "puntos. Con dato: parte del peso con cifra al corte.")


def headline_card(view: View | None = None, names: dict[str, str] | None = None) -> Any:
    """The card, filled for ``view`` when given; this module's callback follows the state."""
    table, note = _content(view, names or {}) if view is not None else (None, "")
    body = [html.P(note, id=HEADLINE_NOTE, className="form-text mt-0 mb-2"),
            # a narrow card scrolls the table sideways: the region takes focus so the
            # keyboard scrolls it too (WCAG 2.1.1; axe scrollable-region-focusable)
            html.Div(table, id=HEADLINE_BODY, className="headline-body table-responsive",
                     tabIndex="0", role="region",
                     **{"aria-label": "Tabla de avance ponderado (desplazable)"})]
    return card(None, "Avance ponderado", body, card_id="headline-card")


def _content(view: View, names: dict[str, str]) -> tuple[Any, str]:
    if view.headline.empty or not len(view.rows):
        return html.P(view.message or "Sin indicadores para ponderar."), ""
    return headline_table(view.headline), headline_note(view, names)


def _update(stored: dict | None) -> tuple[Any, str]:
    view, _ = current_view(stored)
    return _content(view, get_geo_context().names)


def register(app) -> None:
    """Attach the headline update to ``app``."""
    app.callback(Output(HEADLINE_BODY, "children"), Output(HEADLINE_NOTE, "children"),
                 Input(STATE_STORE, "data"))(_update)
