"""The dashboard's feature modules; importing them registers their callbacks."""

from __future__ import annotations

import importlib

__all__ = ["FEATURE_MODULES", "register_callbacks"]

#: Modules whose ``dash.callback`` decorators make the dashboard work.
FEATURE_MODULES = (
    "callbacks.url",
    "callbacks.filters",
    "callbacks.map",
    "callbacks.series",
    "callbacks.summary",
    "callbacks.table",
)


def register_callbacks() -> None:
    """Import every feature module (idempotent: Python imports each once)."""
    for name in FEATURE_MODULES:
        importlib.import_module(name)
