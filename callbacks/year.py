"""The year bar: slider 2023-2032 and a play button (a ``dcc.Interval`` steps the years).

A press toggles playing, in the browser (no round trip); the URL callback sets
``play_done`` in the state store when the last year is reached, which stops
the timer.
"""

from __future__ import annotations

import json

from dash import Input, Output, State, dcc, html

from callbacks.shell import STATE_STORE
from data.schema import FIRST_YEAR, LAST_YEAR, YEARS

__all__ = ["PLAY_BUTTON", "PLAY_INTERVAL", "PLAY_MS", "PLAY_TEXT", "YEAR_SLIDER",
           "play_toggle", "register", "year_bar"]

YEAR_SLIDER = "year-slider"
PLAY_BUTTON = "year-play"
PLAY_INTERVAL = "year-interval"
#: Milliseconds between years while playing.
PLAY_MS = 1400
#: Play button texts: ``(button text, aria-label)`` while stopped and while playing.
PLAY_TEXT = {
    "stopped": ("▶ Reproducir", f"Reproducir los años {FIRST_YEAR} a {LAST_YEAR}"),
    "playing": ("❚❚ Pausar", "Pausar la animación de los años"),
}


def play_toggle(playing: bool) -> tuple[bool, str, str]:
    """The play controls' props: ``(interval disabled, button text, aria-label)``."""
    text, label = PLAY_TEXT["playing" if playing else "stopped"]
    return (not playing), text, label


def year_bar(year: int) -> html.Div:
    """The year control, initialised with ``year``."""
    text, label = PLAY_TEXT["stopped"]
    return html.Div(
        [
            html.Label("Año", htmlFor=YEAR_SLIDER, className="year-label"),
            html.Button(text, id=PLAY_BUTTON, type="button",
                        className="btn btn-primary btn-sm play-button",
                        **{"aria-label": label}),
            html.Div(
                dcc.Slider(
                    id=YEAR_SLIDER, min=FIRST_YEAR, max=LAST_YEAR, step=1, value=year,
                    marks={y: str(y) for y in YEARS}, included=False, updatemode="mouseup",
                    allow_direct_input=False,
                ),
                className="year-slider",
            ),
            dcc.Interval(id=PLAY_INTERVAL, interval=PLAY_MS, disabled=True),
        ],
        className="year-bar",
    )


_PLAY_JS = f"""
function(clicks, stored, disabled) {{
    const noUpdate = window.dash_clientside.no_update;
    const triggered = window.dash_clientside.callback_context.triggered || [];
    const byButton = triggered.some(t => t.prop_id.startsWith("{PLAY_BUTTON}."));
    const play = {json.dumps(list(play_toggle(True)), ensure_ascii=False)};
    const stop = {json.dumps(list(play_toggle(False)), ensure_ascii=False)};
    if (byButton) {{ return disabled ? play : stop; }}
    if (!disabled && stored && stored.play_done) {{ return stop; }}
    return [noUpdate, noUpdate, noUpdate];
}}
"""


def register(app) -> None:
    """Attach the play toggle (clientside) to ``app``."""
    app.clientside_callback(
        _PLAY_JS,
        Output(PLAY_INTERVAL, "disabled"),
        Output(PLAY_BUTTON, "children"),
        Output(PLAY_BUTTON, "aria-label"),
        Input(PLAY_BUTTON, "n_clicks"),
        Input(STATE_STORE, "data"),
        State(PLAY_INTERVAL, "disabled"),
        prevent_initial_call=True,
    )
