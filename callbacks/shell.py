"""The page's shell: the one ``dcc.Location``, the state store every card listens to,
and the notices about corrected URL values.

Every feature reads its view with :func:`current_view` (the state store's
payload resolved against the current data version).
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from view import Snapshot, View, cached_view, current_snapshot
from view.payload import stored_notices, stored_state

__all__ = ["NOTICES", "STATE_STORE", "URL", "current_view", "location", "notice_alert",
           "notices", "register", "state_store"]

#: The one ``dcc.Location``.
URL = "url-location"
#: ``dcc.Store`` with the effective state: ``{"state", "notices", "play_done", "options"}``.
STATE_STORE = "state-store"
NOTICES = "notices-area"


def current_view(stored: Any) -> tuple[View, Snapshot]:
    """The view of a state-store payload on the current data version, and its snapshot."""
    snapshot = current_snapshot()
    state = stored_state(stored, snapshot.default_state)
    return cached_view(state, snapshot.catalog), snapshot


def location() -> dcc.Location:
    """The page's one ``dcc.Location`` (``refresh=False``: history without reloads)."""
    return dcc.Location(id=URL, refresh=False)


def state_store() -> dcc.Store:
    """The state store, written by the URL callback (:mod:`callbacks.url`)."""
    return dcc.Store(id=STATE_STORE)


def notices() -> html.Div:
    """Where notices about corrected URL values appear: a polite live region."""
    return html.Div(id=NOTICES, role="status", **{"aria-live": "polite"})


def notice_alert(notices: list[str]) -> Any:
    """The visible notice of corrected URL values (None when there is nothing to say)."""
    if not notices:
        return None
    return dbc.Alert(
        [
            html.Strong("Se corrigió la dirección de la página. "),
            html.Span("Se muestran los valores por defecto donde había un problema:"),
            html.Ul([html.Li(n) for n in notices], className="mb-0 mt-1"),
        ],
        color="warning",
        dismissable=True,
        className="notice-alert mb-2",
    )


def _show_notices(stored: Any) -> Any:
    return notice_alert(stored_notices(stored))


def register(app) -> None:
    """Attach the notices callback to ``app``."""
    app.callback(Output(NOTICES, "children"), Input(STATE_STORE, "data"))(_show_notices)
