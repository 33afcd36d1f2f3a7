"""Year slider 2023-2032 with a play button (a ``dcc.Interval`` steps the years)."""

from __future__ import annotations

from dash import dcc, html

from callbacks import ids
from data.schema import FIRST_YEAR, LAST_YEAR, YEARS

__all__ = ["PLAY_MS", "year_bar"]

#: Milliseconds between years while playing.
PLAY_MS = 1400


def year_bar(year: int) -> html.Div:
    """The year control, initialised with ``year``."""
    return html.Div(
        [
            html.Label("Año", htmlFor=ids.YEAR_SLIDER, className="year-label"),
            html.Button("▶ Reproducir", id=ids.PLAY_BUTTON, type="button",
                        className="btn btn-primary btn-sm play-button",
                        **{"aria-label": f"Reproducir los años {FIRST_YEAR} a {LAST_YEAR}"}),
            html.Div(
                dcc.Slider(
                    id=ids.YEAR_SLIDER, min=FIRST_YEAR, max=LAST_YEAR, step=1, value=year,
                    marks={y: str(y) for y in YEARS}, included=False, updatemode="mouseup",
                    allow_direct_input=False,
                ),
                className="year-slider",
            ),
            dcc.Interval(id=ids.PLAY_INTERVAL, interval=PLAY_MS, disabled=True),
        ],
        className="year-bar",
    )
