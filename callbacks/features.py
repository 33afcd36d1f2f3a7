"""The dashboard's callbacks, registered per app.

Feature modules declare callbacks with :func:`dashboard_callback` and
:func:`dashboard_clientside_callback` (same arguments as ``dash.callback``);
:func:`register_callbacks` attaches them to one ``dash.Dash`` app. Unlike
``dash.callback``, whose global list is consumed by the first app that serves a
request, every app of a process (tests build several) gets every callback.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable
from typing import Any

__all__ = [
    "FEATURE_MODULES",
    "UPLOAD_MODULES",
    "dashboard_callback",
    "dashboard_clientside_callback",
    "register_callbacks",
]

#: Modules of the upload page (its own Dash app at ``/subir/``).
UPLOAD_MODULES = ("callbacks.upload",)
#: Modules whose declarations make the dashboard work.
FEATURE_MODULES = (
    "callbacks.url",
    "callbacks.filters",
    "callbacks.map",
    "callbacks.series",
    "callbacks.summary",
    "callbacks.table",
)

#: (kind, declaring module, function or JS, args, kwargs) of every declaration.
_DECLARED: list[tuple[str, str, Any, tuple, dict]] = []


def dashboard_callback(*args: Any, **kwargs: Any) -> Callable:
    """Declare a server callback (arguments of ``dash.callback``); returns the function."""

    def declare(func: Callable) -> Callable:
        _DECLARED.append(("server", func.__module__, func, args, kwargs))
        return func

    return declare


def dashboard_clientside_callback(function: str, *args: Any, **kwargs: Any) -> None:
    """Declare a clientside callback (arguments of ``dash.clientside_callback``)."""
    module = sys._getframe(1).f_globals.get("__name__", "")
    _DECLARED.append(("client", module, function, args, kwargs))


def register_callbacks(app: Any, modules: Iterable[str] = FEATURE_MODULES) -> None:
    """Import ``modules`` and attach the callbacks they declare to ``app`` (once per app)."""
    modules = tuple(modules)
    for name in modules:
        importlib.import_module(name)
    if getattr(app, "_bti_callbacks_registered", False):
        return
    for kind, module, target, args, kwargs in _DECLARED:
        if module not in modules:
            continue
        if kind == "server":
            app.callback(*args, **kwargs)(target)
        else:
            app.clientside_callback(target, *args, **kwargs)
    app._bti_callbacks_registered = True
