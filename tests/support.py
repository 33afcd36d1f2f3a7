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
