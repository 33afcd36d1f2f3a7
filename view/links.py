"""Download links of a view: every chart in every format, its data, a zip and a report.

Pure: the dashboard places the buttons; the server routes are in
``app/routes/export.py`` (``/export/...`` and ``/reporte/localidad/...``).
"""

from __future__ import annotations

from dataclasses import replace

from view.state import DEFAULT_STATE, ViewState, build_query

__all__ = ["CHART_FORMATS", "CHART_VIEWS", "export_links"]

CHART_VIEWS = ("mapa", "serie", "entidades")
CHART_FORMATS = ("png", "svg", "pdf")
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
