"""Where notices about corrected URL values appear (filled by ``callbacks.url``)."""

from __future__ import annotations

from dash import html

from callbacks import ids

__all__ = ["notices"]


def notices() -> html.Div:
    """A polite live region, empty until a notice arrives."""
    return html.Div(id=ids.NOTICES, role="status", **{"aria-live": "polite"})
