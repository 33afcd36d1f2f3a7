"""The selected indicator's sheet ("Ficha"): what it measures, how, who, targets, last account.

Everything a reader needs to judge a figure: formula, type of annualisation,
periodicity, baseline and source, responsible and co-responsible entities,
weight, targets per year and final, the figures at the cut (MP, MA, AV, PHV,
PAF, TID, brecha, semáforo) and the latest written account.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, html

from callbacks.components import card
from callbacks.shell import STATE_STORE, current_view
from data.schema import CITYWIDE, STATUS_LABELS
from layers.formatting import format_number, format_percent, format_points, format_value
from layers.theme import STATUS_SYMBOLS
from view import View, get_geo_context

__all__ = ["SHEET_BODY", "SHEET_TITLE", "register", "sheet_card", "sheet_content"]

SHEET_BODY = "sheet-body"
SHEET_TITLE = "sheet-title"
_TYPES = {"SUMA": "Suma (la meta de cada año se suma a las anteriores)",
          "CRECIENTE": "Creciente (nivel a alcanzar cada año)",
          "DECRECIENTE": "Decreciente (nivel a reducir cada año)",
          "CONSTANTE": "Constante (mismo nivel cada año)"}


def _pair(term: str, value: Any) -> list:
    return [html.Dt(term), html.Dd(value if value not in (None, "") else "—")]


def _baseline(facts: dict) -> str:
    base = facts["baseline"]
    if base is None or (isinstance(base, float) and np.isnan(base)):
        return ("Sin línea base" + (" (el método usa una línea base nocional)"
                                    if facts["annualisation"] == "DECRECIENTE" else
                                    " (el método usa 0)"))
    parts = [format_value(base, facts["unit"])]
    if facts.get("baseline_year"):
        parts.append(f"año {facts['baseline_year']}")
    if facts.get("baseline_source"):
        parts.append(f"fuente: {facts['baseline_source']}")
    return " · ".join(parts)


def _target_text(value: Any, unit: str) -> str:
    return value if isinstance(value, str) else format_value(value, unit)


def _targets(facts: dict) -> html.Table:
    """Targets per year then the final one, one row each (reads well on a phone)."""
    unit, targets = facts["unit"], facts["targets"]
    final = facts["final_target_text"] or format_value(facts["final_target"], unit)
    rows = [(str(y), _target_text(targets[y], unit)) for y in sorted(targets)]
    return html.Table([
        html.Thead(html.Tr([html.Th("Año", scope="col"), html.Th("Meta", scope="col")])),
        html.Tbody([html.Tr([html.Th(y, scope="row"), html.Td(v, className="num")])
                    for y, v in [*rows, ("Final", final)]]),
    ], className="table table-sm sheet-targets")


_FIGURES = (("Meta del periodo (MP)", "mp", "value"),
            ("Meta acumulada a la fecha (MA)", "ma", "value"),
            ("Avance a la fecha (AV)", "av", "value"),
            ("Avance en el periodo (PHV)", "phv", "percent"),
            ("Avance frente a la meta final (PAF)", "paf", "percent"),
            ("Trayectoria ideal (TID)", "tid", "percent"),
            ("Brecha (PAF − TID)", "brecha", "points"),
            ("Semáforo", "status", "status"))


def _figure(figures: dict, key: str, kind: str, unit: str) -> str:
    value = figures[key]
    if kind == "value":
        return format_value(value, unit)
    if kind == "percent":
        return format_percent(value, 1)
    if kind == "points":
        return format_points(value, 1)
    return f"{STATUS_SYMBOLS[value]} {STATUS_LABELS[value]}"


def _figures(facts: dict, view: View, names: dict[str, str]) -> html.Table:
    """The figures at the cut: the place's, beside the city's when the place is a locality."""
    unit, place = facts["unit"], facts["place"]
    columns = [(names.get(place, place), facts["figures"])] if place != CITYWIDE else []
    columns.append(("Bogotá D.C.", facts["city"]))
    head = html.Thead(html.Tr([html.Th("Cifra", scope="col"),
                               *(html.Th(n, scope="col", className="num") for n, _ in columns)]))
    rows = [html.Tr([html.Th(label, scope="row"),
                     *(html.Td(_figure(f, key, kind, unit), className="num")
                       for _, f in columns)])
            for label, key, kind in _FIGURES]
    return html.Table([html.Caption(f"Corte {view.cut.label}"), head, html.Tbody(rows)],
                      className="table table-sm sheet-figures")


def sheet_content(view: View, names: dict[str, str] | None = None) -> tuple[str, list]:
    """Title and body of the sheet of ``view``'s indicator."""
    facts = view.indicator
    if view.empty or facts is None:
        return "Ficha del indicador", [html.P(view.message)]
    entity = f"{facts['entity_name']} ({facts['entity']})"
    details = html.Dl([
        *_pair("Producto", f"{facts['product_id']} · {facts['product']}"),
        *_pair("Resultado", f"{facts['result_code']} · {facts['result']}"),
        *_pair("Fórmula", facts["formula"]),
        *_pair("Unidad", facts["unit"]),
        *_pair("Tipo de anualización", _TYPES.get(facts["annualisation"],
                                                  facts["annualisation"])),
        *_pair("Periodicidad", facts["periodicity"].capitalize()),
        *_pair("Línea base", _baseline(facts)),
        *_pair("Entidad responsable", entity),
        *_pair("Entidad corresponsable", facts["co_entity_name"] or "Ninguna"),
        *_pair("Peso en su resultado", format_number(facts["weight"], None) + " %"),
        *_pair("Reporte", "Por localidad" if facts["by_locality"] else
               "Solo para toda la ciudad"),
    ], className="sheet-details")
    account = facts["text"] or "La entidad no ha escrito un reporte cualitativo hasta el corte."
    names = names or {}
    where = names.get(facts["place"], "Bogotá D.C.")
    body = [dbc.Row([
        dbc.Col(details, lg=5),
        dbc.Col([html.H3(f"Metas ({where})", className="h6"), _targets(facts)], md=6, lg=3),
        dbc.Col([
            html.H3("Cifras al corte", className="h6"),
            html.Div(_figures(facts, view, names), className="table-responsive"),
            html.H3(f"Último reporte cualitativo ({where}"
                    f"{', ' + facts['text_period'] if facts['text'] else ''})",
                    className="h6 mt-2"),
            html.Blockquote(account, className="sheet-account"),
        ], md=6, lg=4),
    ], className="g-3")]
    return f"Ficha del indicador {facts['code']}: {facts['name']}", body


def sheet_card(view: View | None = None, names: dict[str, str] | None = None) -> Any:
    """The card, filled for ``view`` when given; this module's callback follows the state."""
    title, body = sheet_content(view, names or {}) if view is not None else (
        "Ficha del indicador", [])
    return card(SHEET_TITLE, title, [html.Div(body, id=SHEET_BODY)], card_id="sheet-card")


def _update(stored: dict | None) -> tuple[str, list]:
    view, _ = current_view(stored)
    return sheet_content(view, get_geo_context().names)


def register(app) -> None:
    """Attach the sheet update to ``app``."""
    app.callback(Output(SHEET_TITLE, "children"), Output(SHEET_BODY, "children"),
                 Input(STATE_STORE, "data"))(_update)
