"""The dashboard's callbacks, registered per app.

Feature modules declare callbacks with :func:`dashboard_callback` and
:func:`dashboard_clientside_callback` (same arguments as ``dash.callback``);
:func:`register_callbacks` attaches them to one ``dash.Dash`` app. Unlike
``dash.callback``, whose global list is consumed by the first app that serves a
request, every app of a process (tests build several) gets every callback.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = [
    "FEATURE_MODULES",
    "dashboard_callback",
    "dashboard_clientside_callback",
    "register_callbacks",
]

#: Modules whose declarations make the dashboard work.
FEATURE_MODULES = (
    "callbacks.url",
    "callbacks.filters",
    "callbacks.map",
    "callbacks.series",
    "callbacks.summary",
    "callbacks.table",
)

_DECLARED: list[tuple[str, Any, tuple, dict]] = []


def dashboard_callback(*args: Any, **kwargs: Any) -> Callable:
    """Declare a server callback (arguments of ``dash.callback``); returns the function."""

    def declare(func: Callable) -> Callable:
        _DECLARED.append(("server", func, args, kwargs))
        return func

    return declare


def dashboard_clientside_callback(function: str, *args: Any, **kwargs: Any) -> None:
    """Declare a clientside callback (arguments of ``dash.clientside_callback``)."""
    _DECLARED.append(("client", function, args, kwargs))


def register_callbacks(app: Any) -> None:
    """Import the feature modules and attach their callbacks to ``app`` (once per app)."""
    for name in FEATURE_MODULES:
        importlib.import_module(name)
    if getattr(app, "_bti_callbacks_registered", False):
        return
    for kind, target, args, kwargs in _DECLARED:
        if kind == "server":
            app.callback(*args, **kwargs)(target)
        else:
            app.clientside_callback(target, *args, **kwargs)
    app._bti_callbacks_registered = True
