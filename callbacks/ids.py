"""Every component id of the dashboard, gathered from the features that define them.

An index for tests and readers: each id is defined once, in its feature module;
no feature imports this module.
"""

from __future__ import annotations

from callbacks.filters import (
    CLEAR_BUTTON,
    FILTER_AXIS,
    FILTER_ENTITY,
    FILTER_LOCALITY,
    FILTER_MEASURE,
    FILTER_OBJECTIVE,
    FILTER_PRODUCT,
    FILTERS_COLLAPSE,
    FILTERS_HINT,
    FILTERS_TOGGLE,
)
from callbacks.headline import HEADLINE_BODY, HEADLINE_NOTE
from callbacks.map import (
    ADD_TO_SELECTION,
    MAP_CARD_TITLE,
    MAP_CLEAR,
    MAP_CLICK_STORE,
    MAP_FRAMING,
    MAP_GRAPH,
    MAP_LAYERS,
    MAP_NOTE,
)
from callbacks.series import SERIES_CARD_TITLE, SERIES_GRAPH
from callbacks.sheet import SHEET_BODY, SHEET_TITLE
from callbacks.shell import NOTICES, STATE_STORE, URL
from callbacks.summary import SUMMARY_GRAPH, SUMMARY_GROUP, SUMMARY_KPIS, SUMMARY_NOTE
from callbacks.table import (
    CITY_GRID,
    CITY_TITLE,
    LOCALITY_GRID,
    LOCALITY_TITLE,
    TABLE_GRID,
    TABLE_SEARCH,
    TABLE_TITLE,
)
from callbacks.year import PLAY_BUTTON, PLAY_INTERVAL, YEAR_QUARTER, YEAR_SLIDER

__all__ = [
    "ADD_TO_SELECTION",
    "CITY_GRID",
    "CITY_TITLE",
    "CLEAR_BUTTON",
    "FILTERS_COLLAPSE",
    "FILTERS_HINT",
    "FILTERS_TOGGLE",
    "FILTER_AXIS",
    "FILTER_ENTITY",
    "FILTER_LOCALITY",
    "FILTER_MEASURE",
    "FILTER_OBJECTIVE",
    "FILTER_PRODUCT",
    "HEADLINE_BODY",
    "HEADLINE_NOTE",
    "LOCALITY_GRID",
    "LOCALITY_TITLE",
    "MAP_CARD_TITLE",
    "MAP_CLEAR",
    "MAP_CLICK_STORE",
    "MAP_FRAMING",
    "MAP_GRAPH",
    "MAP_LAYERS",
    "MAP_NOTE",
    "NOTICES",
    "PLAY_BUTTON",
    "PLAY_INTERVAL",
    "SERIES_CARD_TITLE",
    "SERIES_GRAPH",
    "SHEET_BODY",
    "SHEET_TITLE",
    "STATE_STORE",
    "SUMMARY_GRAPH",
    "SUMMARY_GROUP",
    "SUMMARY_KPIS",
    "SUMMARY_NOTE",
    "TABLE_GRID",
    "TABLE_SEARCH",
    "TABLE_TITLE",
    "URL",
    "YEAR_QUARTER",
    "YEAR_SLIDER",
]
