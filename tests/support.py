"""Helpers shared by the view and callback tests."""

from __future__ import annotations

from data.catalog import Catalog
from data.schema import LOCALITY_CODES
from view.model import View, parse_view, resolve_view

#: Placeholder names for the 20 localities.
NAMES = {code: f"Localidad {code}" for code in LOCALITY_CODES}


def view_of(query: str, catalog: Catalog) -> View:
    """The view a URL query shows on ``catalog``."""
    return resolve_view(parse_view(query, catalog)[0], catalog)


def texts(component) -> list[str]:
    """Every string inside a Dash component tree, depth first."""
    if component is None:
        return []
    if isinstance(component, str):
        return [component]
    if isinstance(component, (int, float)):
        return [str(component)]
    if isinstance(component, (list, tuple)):
        return [t for child in component for t in texts(child)]
    return texts(getattr(component, "children", None))


def table_rows(table) -> list[list[str]]:
    """The rows of an ``html.Table`` (head and body) as lists of cell texts."""
    rows = []
    for part in table.children:
        if getattr(part, "children", None) is None or type(part).__name__ == "Caption":
            continue
        body = part.children if isinstance(part.children, list) else [part.children]
        for row in body:
            cells = row.children if isinstance(row.children, list) else [row.children]
            rows.append([" ".join(texts(cell)) for cell in cells])
    return rows
