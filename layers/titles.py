"""Titles, subtitles and source lines that state a selection in words (Spanish).

An exported chart must explain itself without the dashboard around it: what
is shown, for where and when, in which unit, from which data version.
"""

from __future__ import annotations

from collections.abc import Sequence

from data.catalog import DataVersion
from data.config import SEMAFORO
from data.schema import FIRST_YEAR, LAST_YEAR
from layers.formatting import format_date, format_percent, join_names
from layers.scales import MEASURE_LABELS, MEASURES

__all__ = [
    "BOUNDARIES_SOURCE",
    "DASHBOARD_NAME",
    "GROUP_LABELS",
    "ILLUSTRATIVE_FLAG",
    "PUBLISHER",
    "VIEWS",
    "describe_selection",
    "source_line",
    "status_rule_text",
]

DASHBOARD_NAME = "Tablero Bogotá Territorio Inteligente"
PUBLISHER = "Alta Consejería Distrital de TIC"
BOUNDARIES_SOURCE = "Límites: IDECA"
ILLUSTRATIVE_FLAG = "Datos ilustrativos"
#: The exportable views (the ``{vista}`` of ``/export/{vista}.{formato}``).
VIEWS = ("mapa", "serie", "entidades")
#: How status counts can be grouped, with the Spanish noun used in titles.
GROUP_LABELS = {"entidad": "entidad", "eje": "eje"}


def status_rule_text(thresholds: dict[str, float] | None = None) -> str:
    """The semáforo rule in words, from ``data.config.SEMAFORO``."""
    t = thresholds or SEMAFORO
    red, amber, green = (format_percent(t[k]) for k in ("rojo", "amarillo", "verde"))
    return (f"Semáforo del avance en el periodo: Rezagado ≤ {red} · En riesgo ≤ {amber} · "
            f"En meta ≤ {green} · Sobre-ejecución > {green} de la meta programada a la "
            "fecha")


def describe_selection(
    view: str = "mapa",
    *,
    indicator: str | None = None,
    unit: str = "",
    year: int | str,
    measure: str = "valor",
    locality_names: Sequence[str] = (),
    group_by: str = "entidad",
    filters: Sequence[str] = (),
) -> tuple[str, str]:
    """Title and subtitle of a view, in words.

    Parameters
    ----------
    view : {"mapa", "serie", "entidades"}
        Which chart.
    indicator : str, optional
        Indicator (or product) name, as people read it.
    unit : str
        Indicator unit ("zonas", "%").
    year : int or str
        The cut shown, e.g. ``"2026-T3"`` (or a year).
    measure : {"valor", "avance", "semaforo", "brecha"}
        What the map colours (``mapa`` only).
    locality_names : sequence of str
        Selected localities (highlighted on the map, lines of the series).
    group_by : {"entidad", "eje"}
        Grouping of the status bars (``entidades`` only).
    filters : sequence of str
        Extra filter phrases for the subtitle, e.g. ``("Eje: Nueva movilidad",)``.

    Returns
    -------
    (str, str)
        E.g. ``("Avance de Zonas WiFi públicas por localidad, 2026-T3",
        "Avance en el periodo (% de la meta programada a la fecha) · Unidad: zonas ·
        Corte 2026-T3")``.
    """
    if view not in VIEWS:
        raise ValueError(f"vista desconocida {view!r}; use una de {', '.join(VIEWS)}")
    name = (indicator or "Indicador").strip()
    unit_part = [f"Unidad: {unit.strip()}"] if unit and unit.strip() else []
    places = join_names(list(locality_names))
    if view == "mapa":
        if measure not in MEASURES:
            raise ValueError(f"medida desconocida {measure!r}; use una de {', '.join(MEASURES)}")
        prefix = {"valor": "", "avance": "Avance de ", "semaforo": "Semáforo de ",
                  "brecha": "Brecha de "}[measure]
        title = f"{prefix}{name} por localidad, {year}"
        rule = status_rule_text() if measure == "semaforo" else MEASURE_LABELS[measure]
        parts = [rule, *unit_part, f"Corte {year}"]
        if places:
            parts.append(f"Destacadas: {places}")
    elif view == "serie":
        where = places or "Bogotá D.C."
        title = f"{name} en {where}, {FIRST_YEAR}-{LAST_YEAR}"
        parts = ["Avance a la fecha y meta programada a la fecha, al cierre de cada año",
                 *unit_part, f"Corte marcado: {year}"]
    else:
        noun = GROUP_LABELS.get(group_by)
        if noun is None:
            raise ValueError(f"agrupación desconocida {group_by!r}; use entidad o eje")
        title = f"Semáforo de los indicadores por {noun}, {year}"
        parts = ["Número de indicadores según su avance en el periodo", f"Corte {year}"]
        if places:
            parts.append(f"Localidades: {places}")
    parts += [f for f in filters if f]
    return title, " · ".join(parts)


def source_line(
    version: DataVersion | str,
    illustrative: bool | None = None,
    *,
    dashboard: str = DASHBOARD_NAME,
) -> str:
    """The source line printed under every exported chart.

    Parameters
    ----------
    version : DataVersion or str
        The data version shown; a ``DataVersion`` is written as
        ``"Datos v3, corte 31 de octubre de 2026"``, a string is used as is.
    illustrative : bool, optional
        Whether the illustrative catalog is in use; defaults to
        ``version.illustrative`` for a ``DataVersion``.
    dashboard : str
        The dashboard's name.

    Returns
    -------
    str
        E.g. ``"Fuente: Tablero Bogotá Territorio Inteligente, Alta Consejería
        Distrital de TIC · Datos v3, corte 31 de octubre de 2026 · Límites: IDECA
        · Datos ilustrativos"``.
    """
    if isinstance(version, DataVersion):
        version_text = (f"Datos v{version.version_id}, corte {version.cut.label} "
                        f"({format_date(version.cutoff_date)})")
        if illustrative is None:
            illustrative = version.illustrative
    else:
        version_text = str(version).strip()
    parts = [f"Fuente: {dashboard}, {PUBLISHER}"]
    if version_text:
        parts.append(version_text)
    parts.append(BOUNDARIES_SOURCE)
    if illustrative:
        parts.append(ILLUSTRATIVE_FLAG)
    return " · ".join(parts)
