"""Links of a view: every download (chart in every format, data, zip, report), the
page itself and its embeddable charts.

Pure: the dashboard places the menus; the server routes are in
``app/routes/export.py`` (``/export/...`` and ``/reporte/localidad/...``) and
``app/embed.py`` (``/embed/...``).
"""

from __future__ import annotations

from dataclasses import replace

from view.state import DEFAULT_STATE, ViewState, build_query

__all__ = [
    "ANIMATION_FORMATS",
    "CHART_FORMATS",
    "CHART_VIEWS",
    "EMBED_VIEWS",
    "export_links",
    "share_links",
]

CHART_VIEWS = ("mapa", "serie", "entidades")
CHART_FORMATS = ("png", "svg", "pdf")
#: The map year by year (time-lapse), from 2023 to the data's cut.
ANIMATION_FORMATS = ("gif", "mp4")
#: Charts that can be embedded live in another site (``/embed/<view>``).
EMBED_VIEWS = ("mapa", "serie")
#: A default no state has, so :func:`build_query` always writes the year.
_NO_DEFAULT = replace(DEFAULT_STATE, year=0)


def export_links(state: ViewState, *, prefix: str = "") -> dict[str, str]:
    """Hrefs of every export of ``state``.

    Parameters
    ----------
    state : ViewState
        The state the page shows (pass the effective one, with its indicator).
    prefix : str
        URL prefix of the app (``requests_pathname_prefix`` without the trailing
        slash), empty when served at the root.

    Returns
    -------
    dict
        Keys ``"mapa.png"`` ... ``"entidades.pdf"`` (each view x format),
        ``"mapa.social"``, ``"serie.social"``, ``"entidades.social"`` (1200x630 PNG),
        ``"mapa.gif"``, ``"mapa.mp4"`` (the map year by year, 2023 to the data's cut),
        ``"tabla.csv"``, ``"tabla.csv.punto-y-coma"``, ``"tabla.xlsx"``, ``"todo.zip"``
        and, when exactly one locality is selected, ``"reporte"`` (its one-page PDF).

    Examples
    --------
    >>> export_links(ViewState(indicator="1.1.1", year=2026))["mapa.png"]
    '/export/mapa.png?indicador=1.1.1&anio=2026'
    """
    query = build_query(state, default=_NO_DEFAULT)
    tail = f"?{query}" if query else ""
    joiner = "&" if query else "?"
    links: dict[str, str] = {}
    for view in CHART_VIEWS:
        for fmt in CHART_FORMATS:
            links[f"{view}.{fmt}"] = f"{prefix}/export/{view}.{fmt}{tail}"
        links[f"{view}.social"] = f"{prefix}/export/{view}.png{tail}{joiner}formato=social"
    for fmt in ANIMATION_FORMATS:  # the years come from the data: none in the link
        links[f"mapa.{fmt}"] = f"{prefix}/export/mapa.{fmt}{tail}"
    links["tabla.csv"] = f"{prefix}/export/tabla.csv{tail}"
    links["tabla.csv.punto-y-coma"] = (
        f"{prefix}/export/tabla.csv{tail}{joiner}separador=punto-y-coma"
    )
    links["tabla.xlsx"] = f"{prefix}/export/tabla.xlsx{tail}"
    links["todo.zip"] = f"{prefix}/export/todo.zip{tail}"
    if len(state.localities) == 1:
        report_query = (f"?corte={state.year}-T{state.quarter}" if state.quarter
                        else f"?anio={state.year}")
        links["reporte"] = f"{prefix}/reporte/localidad/{state.localities[0]}.pdf{report_query}"
    return links


def share_links(state: ViewState, *, default: ViewState, prefix: str = "") -> dict[str, str]:
    """The page's own link and its embeddable charts for ``state`` (paths, no origin).

    ``default`` is the page's default state (its defaults are left out of the
    query, as on the page). Keys: ``"pagina"`` and ``"embed.<view>"`` for each
    of :data:`EMBED_VIEWS`.

    Examples
    --------
    >>> share_links(ViewState(localities=("11",)), default=ViewState())["embed.mapa"]
    '/embed/mapa?localidad=11'
    """
    query = build_query(state, default=default)
    tail = f"?{query}" if query else ""
    links = {"pagina": f"{prefix}/{tail}"}
    for view in EMBED_VIEWS:
        links[f"embed.{view}"] = f"{prefix}/embed/{view}{tail}"
    return links
