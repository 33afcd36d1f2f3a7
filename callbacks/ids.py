"""Component ids of the dashboard: kebab-case, prefixed by feature, defined once.

Layout fragments (``app/layout``) and callbacks import these constants; an id
never appears as a bare string elsewhere.
"""

__all__ = [
    "ADD_TO_SELECTION",
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
    "LOCALITY_GRID",
    "LOCALITY_TITLE",
    "MAP_BOXES",
    "MAP_CARD_TITLE",
    "MAP_CLEAR",
    "MAP_CLICK_STORE",
    "MAP_FRAMED",
    "MAP_FRAMING",
    "MAP_GRAPH",
    "MAP_LAYERS",
    "MAP_NOTE",
    "NOTICES",
    "PLAY_BUTTON",
    "PLAY_INTERVAL",
    "SERIES_CARD_TITLE",
    "SERIES_GRAPH",
    "STATE_STORE",
    "SUMMARY_GRAPH",
    "SUMMARY_GROUP",
    "SUMMARY_KPIS",
    "SUMMARY_NOTE",
    "TABLE_GRID",
    "TABLE_SEARCH",
    "TABLE_TITLE",
    "URL",
    "YEAR_SLIDER",
]

#: The one ``dcc.Location``.
URL = "url-location"
#: ``dcc.Store`` with the effective state: ``{"query", "notices", "message"}``.
STATE_STORE = "state-store"
NOTICES = "notices-area"

FILTERS_TOGGLE = "filters-toggle"
FILTERS_COLLAPSE = "filters-collapse"
FILTERS_HINT = "filters-hint"
FILTER_AXIS = "filters-axis"
FILTER_ENTITY = "filters-entity"
FILTER_OBJECTIVE = "filters-objective"
FILTER_PRODUCT = "filters-product"
FILTER_LOCALITY = "filters-locality"
FILTER_MEASURE = "filters-measure"
CLEAR_BUTTON = "filters-clear"
YEAR_SLIDER = "year-slider"
PLAY_BUTTON = "year-play"
PLAY_INTERVAL = "year-interval"

MAP_GRAPH = "map-graph"
MAP_CARD_TITLE = "map-title"
MAP_CLEAR = "map-clear"
MAP_NOTE = "map-note"
MAP_LAYERS = "map-layers"
MAP_FRAMING = "map-framing"
#: ``dcc.Store`` with the framing boxes (see ``callbacks.map.framing_boxes``).
MAP_BOXES = "map-boxes"
#: ``dcc.Store`` the framing clientside callback writes (the framing applied).
MAP_FRAMED = "map-framed"
#: ``dcc.Store`` a clientside callback fills with ``{"code", "additive", "ts"}`` on click.
MAP_CLICK_STORE = "map-click-store"
ADD_TO_SELECTION = "map-add-to-selection"

SERIES_GRAPH = "series-graph"
SERIES_CARD_TITLE = "series-title"

SUMMARY_KPIS = "summary-kpis"
SUMMARY_GRAPH = "summary-graph"
SUMMARY_GROUP = "summary-group"
SUMMARY_NOTE = "summary-note"

TABLE_GRID = "table-grid"
#: Grid of the map's indicator by locality (the map's accessible alternative).
LOCALITY_GRID = "table-locality-grid"
LOCALITY_TITLE = "table-locality-title"
TABLE_SEARCH = "table-search"
TABLE_TITLE = "table-title"
