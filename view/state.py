"""The page state <-> URL query (DESIGN.md parameters), as pure functions.

``parse_query`` never raises: unknown or malformed values fall back to the
defaults and produce a Spanish notice for the page to show. ``build_query``
writes the canonical query (fixed parameter order, sorted de-duplicated lists,
defaults omitted), so equal states give equal URLs (cache keys for exports) and
``parse_query(build_query(s)) == (s, [])`` for every valid state.

Parameters: ``eje``, ``entidad`` (lists), ``objetivo`` (int), ``indicador``
(product-indicator code; ``producto`` accepts a product id, which stands for
its first indicator in force, or an indicator code), ``localidad`` (list of
codes), ``anio`` (2023-2032), ``corte`` (``2026-T3``: year and quarter),
``medida`` (``valor``/``avance``/``semaforo``/``brecha``), ``capas`` (list),
``encuadre`` (``urbana``/``distrito``: the map's framing; by default the whole
district when Sumapaz is selected, else the urban area).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, quote

from data.method import Period
from data.schema import FIRST_YEAR, LAST_YEAR, LOCALITY_CODES, RURAL_CODES

__all__ = [
    "DEFAULT_LAYERS",
    "DEFAULT_STATE",
    "FRAMINGS",
    "MEASURES",
    "PARAMS",
    "KnownIds",
    "ViewState",
    "build_query",
    "natural_framing",
    "parse_query",
]

#: Query parameters in canonical order (``producto`` is read, never written).
PARAMS = ("eje", "entidad", "objetivo", "indicador", "producto", "localidad", "anio", "corte",
          "medida", "capas", "encuadre")
#: What the map colours: reported value, progress within the term (PHV),
#: semáforo, or gap to the ideal path (brecha).
MEASURES = ("valor", "avance", "semaforo", "brecha")
#: The map's framing: the 19 urban localities, or the whole district with Sumapaz.
FRAMINGS = ("urbana", "distrito")
#: Overlay layers every deployment has (indicator layers come from the catalog).
DEFAULT_LAYERS = ("tm-estaciones", "tm-troncales")
_DIGITS = re.compile(r"[0-9]{1,4}")


def _canon(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(set(items)))


@dataclass(frozen=True)
class ViewState:
    """Everything the page shows, as in its URL. Lists are kept sorted and unique.

    Attributes
    ----------
    axes, entities : tuple of str
        Selected axis / entity ids (empty: all).
    objective : int or None
        Selected objective id.
    indicator : str or None
        Selected product-indicator code (what the map and the series show).
    localities : tuple of str
        Selected locality codes ``"01".."20"`` (empty: whole city).
    year : int
        Selected year, 2023-2032.
    quarter : int or None
        Quarter of the cut (1-4); None: the data's cut in its year, else the
        year's end.
    measure : {"valor", "avance", "semaforo", "brecha"}
        What the map colours.
    layers : tuple of str
        Overlay layer ids switched on.
    framing : {"urbana", "distrito"}
        The map's framing.
    """

    axes: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    objective: int | None = None
    indicator: str | None = None
    localities: tuple[str, ...] = ()
    year: int = LAST_YEAR
    quarter: int | None = None
    measure: str = "avance"
    layers: tuple[str, ...] = field(default=())
    framing: str = "urbana"

    def __post_init__(self) -> None:
        for name in ("axes", "entities", "localities", "layers"):
            object.__setattr__(self, name, _canon(getattr(self, name)))

    def cut(self, data_cut: Period) -> Period:
        """The cut this state shows: its quarter, else the data's cut in its year, else T4."""
        if self.quarter is not None:
            return Period(self.year, self.quarter)
        return data_cut if self.year == data_cut.year else Period(self.year, 4)


#: Defaults of a bare URL; the caller replaces ``year`` with the data's cut year:
#: ``dataclasses.replace(DEFAULT_STATE, year=cut.year)``.
DEFAULT_STATE = ViewState()


@dataclass(frozen=True)
class KnownIds:
    """Valid ids, supplied by the caller from the catalog (see :meth:`from_catalog`).

    ``products`` maps a product id to the indicator code it stands for (its
    first indicator in force); ``indicators`` are the codes in force.
    """

    axes: frozenset[str] = frozenset()
    entities: frozenset[str] = frozenset()
    objectives: frozenset[int] = frozenset()
    indicators: frozenset[str] = frozenset()
    products: Mapping[str, str] = field(default_factory=dict)
    layers: frozenset[str] = frozenset(DEFAULT_LAYERS)
    localities: frozenset[str] = frozenset(LOCALITY_CODES)

    @classmethod
    def from_catalog(cls, catalog: Any, layers: Iterable[str] = DEFAULT_LAYERS) -> KnownIds:
        """Ids of a :class:`data.catalog.Catalog`, plus ``layers`` and indicator layers."""
        active = catalog.indicators[catalog.indicators["in_force"]]
        indicator_layers = {str(v) for v in active["layer"] if isinstance(v, str) and v.strip()}
        first = active.drop_duplicates("product_id")
        return cls(
            axes=frozenset(str(v) for v in catalog.axes["axis_id"]),
            entities=frozenset(str(v) for v in catalog.entities["entity_id"]),
            objectives=frozenset(int(v) for v in catalog.objectives["objective_id"]),
            indicators=frozenset(str(v) for v in active["code"]),
            products=dict(zip(first["product_id"].astype(str), first["code"].astype(str),
                              strict=True)),
            layers=frozenset(layers) | frozenset(indicator_layers),
        )


def _fold(text: str) -> str:
    """Lower-case, trimmed, without accents: how user input is compared."""
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _quoted(value: str) -> str:
    return f"«{value}»"


def _match_ids(
    raw: list[str], known: Iterable[str], what: str, notices: list[str]
) -> tuple[str, ...]:
    lookup = {_fold(k): k for k in known}
    found, unknown = [], []
    for item in raw:
        match = lookup.get(_fold(item))
        (found.append(match) if match is not None else unknown.append(item))
    if unknown:
        listed = ", ".join(_quoted(u) for u in unknown)
        notices.append(f"No se reconoce {what} {listed}; se ignoró.")
    return _canon(found)


def _locality_code(item: str) -> str:
    item = item.strip()
    return item.zfill(2) if _DIGITS.fullmatch(item) and len(item) <= 2 else item


def _single(raw: list[str], what: str, notices: list[str]) -> str | None:
    if not raw:
        return None
    if len(set(raw)) > 1:
        notices.append(f"Se indicó más de un {what}; se usa {_quoted(raw[0])}.")
    return raw[0]


def _number(item: str) -> int | None:
    """An int from ASCII digits only (``"²"`` and ``"٣"`` are not numbers here)."""
    return int(item) if _DIGITS.fullmatch(item) else None


def _indicator(item: str, known: KnownIds, notices: list[str],
               noun: str = "el indicador") -> str | None:
    """An indicator code from an indicator code or a product id (case and spaces ignored)."""
    key = re.sub(r"\s+", "", _fold(item))
    codes = {_fold(c): c for c in known.indicators}
    products = {_fold(p): c for p, c in known.products.items()}
    found = codes.get(key) or products.get(key)
    if found is None:
        notices.append(f"No se reconoce {noun} {_quoted(item)}; se ignoró.")
    return found


def _parse_cut(item: str, default: ViewState, notices: list[str]) -> dict[str, int]:
    try:
        period = Period.parse(item)
    except ValueError as error:
        notices.append(f"Corte {_quoted(item)} no válido: {error} Se muestra el corte "
                       "vigente.")
        return {}
    return {"year": period.year, "quarter": period.quarter}


def parse_query(
    query: str | None,
    *,
    known: KnownIds,
    default: ViewState = DEFAULT_STATE,
    ignore: Iterable[str] = (),
) -> tuple[ViewState, list[str]]:
    """Read a view state from a URL query, never raising.

    Parameters
    ----------
    query : str or None
        The query, with or without the leading ``"?"`` (``dcc.Location.search``).
        Keys and values tolerate case, accents and surrounding spaces; lists may
        be comma-separated and/or repeated (``localidad=11,08&localidad=1``).
    known : KnownIds
        Valid ids; anything else is dropped with a notice.
    default : ViewState
        Used for absent or invalid parameters (pass the data's cut year as
        ``default.year``).
    ignore : iterable of str
        Extra parameters the caller handles itself (e.g. ``ancho``, ``alto`` of
        exports); they produce no notice.

    Returns
    -------
    (ViewState, list of str)
        The state and the notices (Spanish, one sentence each; empty if all was valid).
    """
    notices: list[str] = []
    raw: dict[str, list[str]] = {}
    ignored = {_fold(i) for i in ignore}
    text = (query or "").strip()
    text = text[1:] if text.startswith("?") else text
    pairs = parse_qsl(text, keep_blank_values=True)
    for key, value in pairs:
        name = _fold(key)
        if name in ignored:
            continue
        if name not in PARAMS:
            notices.append(f"Se ignoró el parámetro desconocido {_quoted(key.strip())}.")
            continue
        raw.setdefault(name, []).append(value)
    values = {name: _split(items) for name, items in raw.items()}

    state: dict[str, Any] = {}
    if "eje" in values:
        state["axes"] = _match_ids(values["eje"], known.axes, "el eje", notices)
    if "entidad" in values:
        state["entities"] = _match_ids(values["entidad"], known.entities, "la entidad", notices)
    if "localidad" in values:
        codes = [_locality_code(v) for v in values["localidad"]]
        state["localities"] = _match_ids(codes, known.localities, "la localidad", notices)
    if "capas" in values:
        state["layers"] = _match_ids(values["capas"], known.layers, "la capa", notices)
    for name in ("producto", "indicador"):  # indicador wins over producto
        if name in values:
            noun = "el producto o indicador" if name == "producto" else "el indicador"
            item = _single(values[name], noun.removeprefix("el "), notices)
            state["indicator"] = None if item is None else (
                _indicator(item, known, notices, noun) or default.indicator)
    if "objetivo" in values:
        item = _single(values["objetivo"], "objetivo", notices)
        if item is None:
            state["objective"] = None
        else:
            number = _number(item)
            if number is not None and number in known.objectives:
                state["objective"] = number
            else:
                notices.append(f"No se reconoce el objetivo {_quoted(item)}; se ignoró.")
    if "anio" in values:
        item = _single(values["anio"], "año", notices)
        if item is not None:
            year = _number(item)
            if year is not None and FIRST_YEAR <= year <= LAST_YEAR:
                state["year"] = year
            else:
                notices.append(
                    f"El año {_quoted(item)} no es válido (use {FIRST_YEAR}-{LAST_YEAR}); "
                    f"se muestra {default.year}."
                )
    if "corte" in values:
        item = _single(values["corte"], "corte", notices)
        if item is not None:
            state.update(_parse_cut(item, default, notices))
    if "medida" in values:
        item = _single(values["medida"], "medida", notices)
        if item is not None:
            if _fold(item) in MEASURES:
                state["measure"] = _fold(item)
            else:
                notices.append(
                    f"La medida {_quoted(item)} no existe (use valor, avance, semaforo o "
                    f"brecha); se muestra {default.measure}."
                )
    natural = natural_framing(state.get("localities", default.localities), default.framing)
    state["framing"] = natural
    if "encuadre" in values:
        item = _single(values["encuadre"], "encuadre", notices)
        if item is not None:
            if _fold(item) in FRAMINGS:
                state["framing"] = _fold(item)
            else:
                notices.append(f"El encuadre {_quoted(item)} no existe (use urbana o "
                               f"distrito); se muestra {natural}.")
    return replace(default, **state), notices


def natural_framing(localities: Iterable[str], default: str = "urbana") -> str:
    """The framing a selection implies: the whole district when it holds a rural
    locality (Sumapaz), else ``default``. ``encuadre`` is written only when the
    state's framing differs from it."""
    return "distrito" if set(localities) & set(RURAL_CODES) else default


def _list_value(items: Iterable[str]) -> str:
    return ",".join(quote(str(i), safe="-_.~") for i in items)


def build_query(state: ViewState, *, default: ViewState = DEFAULT_STATE) -> str:
    """The canonical query of ``state``, without ``"?"``; empty when all is default.

    Parameters are written in :data:`PARAMS` order, lists comma-separated and
    sorted, values that equal ``default`` omitted; an empty value (``capas=``)
    means "none" where the default is not empty. A state with a quarter writes
    ``corte`` (which carries the year) instead of ``anio``.

    Examples
    --------
    >>> build_query(ViewState(localities=("11", "08"), year=2026, measure="valor"))
    'localidad=08,11&anio=2026&medida=valor'
    """
    quarter = state.quarter
    values: dict[str, str | None] = {
        "eje": _list_value(state.axes) if state.axes != default.axes else None,
        "entidad": _list_value(state.entities) if state.entities != default.entities else None,
        "objetivo": None
        if state.objective == default.objective
        else ("" if state.objective is None else str(state.objective)),
        "indicador": None
        if state.indicator == default.indicator
        else ("" if state.indicator is None else quote(state.indicator, safe="-_.~")),
        "producto": None,
        "localidad": _list_value(state.localities)
        if state.localities != default.localities
        else None,
        "anio": str(state.year) if quarter is None and state.year != default.year else None,
        "corte": None if quarter is None else Period(state.year, quarter).label,
        "medida": state.measure if state.measure != default.measure else None,
        "capas": _list_value(state.layers) if state.layers != default.layers else None,
        "encuadre": state.framing
        if state.framing != natural_framing(state.localities, default.framing) else None,
    }
    return "&".join(f"{name}={values[name]}" for name in PARAMS if values[name] is not None)
