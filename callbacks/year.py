"""The year bar: slider 2023-2032, quarter of the cut, and a play button.

The slider marks the years after the data's cut as future (○, muted): they
show the targets, never "sin dato". Playback (a ``dcc.Interval`` steps the
years) runs from 2023 to the cut's year and stops there; a press toggles
playing in the browser (no round trip); the URL callback sets ``play_done`` in
the state store when the cut's year is reached, which stops the timer. With
``prefers-reduced-motion: reduce`` playback still steps one year per
:data:`PLAY_MS` (it only runs when pressed, and pauses with the same button), but
nothing slides: ``assets/dashboard.css`` sets every transition and animation to 0 s
and the map's patches carry no Plotly transition.
"""

from __future__ import annotations

import json

from dash import Input, Output, State, dcc, html

from callbacks.shell import STATE_STORE
from data.method import Period
from data.schema import FIRST_YEAR, LAST_YEAR, QUARTERS, YEARS
from view import current_snapshot

__all__ = ["LAST_CUT", "PLAY_BUTTON", "PLAY_INTERVAL", "PLAY_MS", "PLAY_TEXT", "YEAR_LABEL",
           "YEAR_QUARTER", "YEAR_SLIDER", "play_toggle", "quarter_options", "quarter_value",
           "register", "state_quarter", "year_bar", "year_marks"]

YEAR_SLIDER = "year-slider"
#: The slider's visible label ("Año", read "Año de corte"), which names its thumb.
YEAR_LABEL = "year-slider-label"
YEAR_QUARTER = "year-quarter"
#: Value of the quarter control for "the latest cut of the year".
LAST_CUT = "ultimo"
PLAY_BUTTON = "year-play"
PLAY_INTERVAL = "year-interval"
#: Milliseconds between years while playing.
PLAY_MS = 1400
#: Play button texts: ``(button text, aria-label)`` while stopped and while playing.
PLAY_TEXT = {
    "stopped": ("▶ Reproducir", f"Reproducir los años desde {FIRST_YEAR} hasta el corte"),
    "playing": ("❚❚ Pausar", "Pausar la animación de los años"),
}


def quarter_value(quarter: int | None) -> str:
    """The quarter control's value for a state's quarter (None: :data:`LAST_CUT`)."""
    return LAST_CUT if quarter is None else str(quarter)


def state_quarter(value: object) -> int | None:
    """A state's quarter from the control's value (anything unexpected: None)."""
    text = str(value or "")
    return int(text) if text in {str(q) for q in QUARTERS} else None


def quarter_options(year: int, data_cut: Period) -> list[dict]:
    """Options of the quarter control; quarters after the data's cut say "futuro"."""
    options = [{"label": "Último corte del año", "value": LAST_CUT}]
    for quarter in QUARTERS:
        period = Period(year, quarter)
        future = " (futuro)" if period > data_cut else ""
        options.append({"label": f"{period.label}{future}", "value": str(quarter)})
    return options


def year_marks(data_cut: Period) -> dict[int, dict]:
    """Slider marks: the years up to the cut plain, later ones muted with ○."""
    return {year: ({"label": str(year)} if year <= data_cut.year else
                   {"label": f"{year} ○", "style": {"color": "#5A6270",
                                                     "fontStyle": "italic"}})
            for year in YEARS}


def play_toggle(playing: bool) -> tuple[bool, str, str]:
    """The play controls' props: ``(interval disabled, button text, aria-label)``."""
    text, label = PLAY_TEXT["playing" if playing else "stopped"]
    return (not playing), text, label


def year_bar(year: int, data_cut: Period) -> html.Div:
    """The year control, initialised with ``year``; ``data_cut`` marks the future."""
    text, label = PLAY_TEXT["stopped"]
    return html.Div(
        [
            # names the slider's thumb "Año de corte" (assets/a11y.js: aria-labelledby)
            html.Label(["Año", html.Span(" de corte", className="visually-hidden")],
                       htmlFor=YEAR_SLIDER, id=YEAR_LABEL, className="year-label"),
            html.Button(text, id=PLAY_BUTTON, type="button",
                        className="btn btn-primary btn-sm play-button",
                        **{"aria-label": label}),
            html.Div(
                dcc.Slider(
                    id=YEAR_SLIDER, min=FIRST_YEAR, max=LAST_YEAR, step=1, value=year,
                    marks=year_marks(data_cut), included=False, updatemode="mouseup",
                    allow_direct_input=False,
                ),
                className="year-slider",
                # years from this one on read "futuro: solo metas" (assets/a11y.js)
                **{"data-future-from": str(data_cut.year + 1)},
            ),
            html.Div([
                html.Label("Trimestre", htmlFor=YEAR_QUARTER, id=f"{YEAR_QUARTER}-label",
                           className="visually-hidden"),
                dcc.Dropdown(id=YEAR_QUARTER, options=quarter_options(year, data_cut),
                             value=LAST_CUT, clearable=False, searchable=False,
                             className="year-quarter"),
            ], className="year-quarter-field"),
            html.P(["Corte de los datos: ", html.Strong(data_cut.label),
                    html.Span(" · ○ años futuros: solo metas", className="text-muted")],
                   className="year-cut small mb-0"),
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


def _quarter_options(year: int | None) -> list[dict]:
    cut = current_snapshot().data_cut
    return quarter_options(int(year) if year else cut.year, cut)


def register(app) -> None:
    """Attach the play toggle (clientside) and the quarter options to ``app``."""
    app.callback(Output(YEAR_QUARTER, "options"), Input(YEAR_SLIDER, "value"))(
        _quarter_options)
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
