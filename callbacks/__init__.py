"""The dashboard's features: one module per card or control group.

Each feature module holds its component ids, the layout fragment they live in
and a ``register(app)`` that attaches its callbacks to one ``dash.Dash`` app;
:func:`register_dashboard` and :func:`register_upload` are what the app factory
calls. Features read what they show from :mod:`view`; only the URL hub
(:mod:`callbacks.url`) knows the other features' ids.
"""

from __future__ import annotations

from callbacks import (
    downloads,
    filters,
    headline,
    map,
    series,
    share,
    sheet,
    shell,
    summary,
    table,
    upload,
    url,
    year,
)

__all__ = ["CACHEABLE_OUTPUTS", "DASHBOARD_FEATURES", "register_dashboard", "register_upload"]

#: The dashboard's features, in registration order.
DASHBOARD_FEATURES = (shell, url, filters, year, map, series, summary, headline, sheet, table,
                      downloads, share)

#: First output (``id.prop``) of every dashboard server callback whose answer
#: depends only on its request and the data version: a shared cache may answer
#: repeated requests (``app.cache.install_callback_cache``). Never the upload page.
CACHEABLE_OUTPUTS = frozenset({
    f"{shell.URL}.search",
    f"{shell.NOTICES}.children",
    f"{map.MAP_GRAPH}.figure",
    f"{series.SERIES_GRAPH}.figure",
    f"{summary.SUMMARY_KPIS}.children",
    f"{table.TABLE_GRID}.rowData",
    f"{headline.HEADLINE_BODY}.children",
    f"{sheet.SHEET_TITLE}.children",
    f"{year.YEAR_QUARTER}.options",
    f"{table.TABLE_GRID}.dashGridOptions",
})


def register_dashboard(app) -> None:
    """Attach every dashboard callback to ``app``."""
    for feature in DASHBOARD_FEATURES:
        feature.register(app)


def register_upload(app) -> None:
    """Attach the upload page's callbacks to ``app`` (the page's own Dash app)."""
    upload.register(app)
