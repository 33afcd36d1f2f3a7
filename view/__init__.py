"""The view core, without Dash: state <-> URL, what a state shows, and the data snapshot.

Both the dashboard's callbacks and the server's exports read from here, so a
downloaded file shows exactly what the screen shows. Nothing here imports
Dash, ``app`` or ``callbacks`` (``tests/test_architecture.py``).
"""

from view.geo import OVERLAY_LABELS, GeoContext, get_geo_context
from view.model import (
    CITYWIDE_NOTE,
    EMPTY_MESSAGE,
    View,
    cached_view,
    counted_rows,
    default_state,
    filtered_indicators,
    known_ids,
    parse_view,
    resolve_view,
)
from view.snapshot import Snapshot, current_snapshot
from view.state import (
    DEFAULT_STATE,
    FRAMINGS,
    MEASURES,
    PARAMS,
    KnownIds,
    ViewState,
    build_query,
    parse_query,
)

__all__ = [
    "CITYWIDE_NOTE",
    "DEFAULT_STATE",
    "EMPTY_MESSAGE",
    "FRAMINGS",
    "MEASURES",
    "OVERLAY_LABELS",
    "PARAMS",
    "GeoContext",
    "KnownIds",
    "Snapshot",
    "View",
    "ViewState",
    "build_query",
    "cached_view",
    "counted_rows",
    "current_snapshot",
    "default_state",
    "filtered_indicators",
    "get_geo_context",
    "known_ids",
    "parse_query",
    "parse_view",
    "resolve_view",
]
