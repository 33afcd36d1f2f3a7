"""Tests of callbacks.register_dashboard: every app of a process gets every callback."""

from __future__ import annotations

import dash

from callbacks import ids, register_dashboard


def _outputs(app: dash.Dash) -> str:
    return " ".join(app.callback_map)


def test_two_apps_both_get_the_callbacks():
    first, second = dash.Dash(__name__), dash.Dash(__name__)
    register_dashboard(first)
    register_dashboard(second)
    for app in (first, second):
        outputs = _outputs(app)
        assert f"{ids.STATE_STORE}.data" in outputs
        assert f"{ids.MAP_GRAPH}.figure" in outputs
        assert f"{ids.TABLE_GRID}.rowData" in outputs
    assert len(first.callback_map) == len(second.callback_map)
