"""Shared helpers of the callback tests."""

from __future__ import annotations

from callbacks.view_model import View, parse_view, resolve_view
from data.catalog import Catalog
from data.schema import LOCALITY_CODES

#: Placeholder names for the 20 localities.
NAMES = {code: f"Localidad {code}" for code in LOCALITY_CODES}


def view_of(query: str, catalog: Catalog) -> View:
    """The view a URL query shows on ``catalog``."""
    return resolve_view(parse_view(query, catalog)[0], catalog)
