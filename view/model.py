"""What a view state shows: one pure resolution shared by the dashboard and exports.

``resolve_view(state, catalog)`` turns a :class:`~view.state.ViewState` into
every table the page (or an export, or the locality report) draws: the
indicators that count for the selection with their figures at the cut, the
citywide indicators shown apart, the selected indicator's sheet, series and
per-locality values, its colour scale, the semáforo counts and the weighted
headline progress. The dashboard and the export routes call the same function,
so a file shows exactly what the screen shows.

The counting rule (:func:`counted_rows`), in one place: with no locality
selected, every matching product indicator in force counts, at the city; with
localities selected, the indicators reported by locality count, once per
selected locality, and the citywide ones are listed apart ("Indicadores de
ciudad"), never mixed into the localities' counts.

It reads the catalog's :class:`~view.snapshot.Snapshot` (built once per data
version) by indexing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from data import Catalog, DataVersion
from data.method import METRICS, PERIODS, Period, rollup, status_of
from data.progress import PLACES, status_counts
from data.schema import CITYWIDE, YEARS
from layers import Scale, value_scale
from view.snapshot import Snapshot
from view.state import KnownIds, ViewState, parse_query

__all__ = [
    "CITYWIDE_NOTE",
    "EMPTY_MESSAGE",
    "FUTURE_NOTE",
    "View",
    "cached_view",
    "counted_rows",
    "default_state",
    "filtered_indicators",
    "known_ids",
    "parse_view",
    "resolve_view",
    "series_cuts",
    "with_facts",
]

#: Shown when the filters leave no indicator (instead of an empty chart).
EMPTY_MESSAGE = (
    "Ningún indicador cumple a la vez todos los filtros elegidos. "
    "Quite un filtro (eje, entidad u objetivo) o pulse «Limpiar»."
)
CITYWIDE_NOTE = (
    "Este indicador se reporta solo para toda la ciudad: el mapa no lo desagrega "
    "por localidad. Vea la serie y la tabla."
)
FUTURE_NOTE = (
    "{cut} es posterior al corte de los datos ({data_cut}): es un periodo futuro, sin "
    "reportes todavía. El mapa y la tabla muestran las metas programadas."
)
_PLACE = {code: i for i, code in enumerate(PLACES)}


@dataclass(frozen=True)
class View:
    """Everything one state shows.

    Attributes
    ----------
    state : ViewState
        The effective state (indicator filled in when the URL gave none).
    notices : tuple of str
        Spanish notices about values that were corrected.
    empty : bool
        True when no indicator matches the filters (then ``message`` says why).
    message : str
        Explanation to show instead of an empty chart ("" when none).
    cut, data_cut : Period
        The cut shown and the data's cut; ``future`` when the first is later.
    rows : DataFrame
        The indicators that count for the selection (:func:`counted_rows`), one
        row per indicator and place (:data:`ROW_COLUMNS`): figures at the cut
        (``mp, ma, av, phv, paf, tid, brecha, status``) and the latest written
        account (``text``, ``text_period``); :func:`with_facts` adds names.
    city_rows : DataFrame
        With localities selected: the matching citywide indicators, shown apart.
    indicator : dict or None
        The selected indicator's sheet (facts, targets, the latest account).
    series : DataFrame
        The selected indicator per year (year-end cuts; the data's cut in its
        year) for the city and each selected locality: ``year, locality_code,
        period, value, target, pct, status, future``.
    values : DataFrame
        Per locality at the cut: ``locality_code, value, target, pct, brecha,
        status`` (empty for a citywide indicator).
    scale : Scale or None
        Colour scale of the selected indicator for ``state.measure``.
    counts, counts_by_entity, counts_by_axis : DataFrame
        :func:`data.progress.status_counts` of ``rows`` (by entity: ``label`` is
        the acronym, ``name`` the full name; by axis: ``label`` the name).
    headline : DataFrame
        Weighted progress of the selection (``level`` "politica"), each
        objective and each axis: ``level, key, label, phv, paf, tid, brecha,
        coverage, status, count``.
    version : DataVersion
    map_note : str
        A note for the map (citywide indicator, or a future cut).
    facts : dict
        Code -> the indicator's facts (the snapshot's, shared: do not mutate).
    """

    state: ViewState
    notices: tuple[str, ...]
    empty: bool
    message: str
    cut: Period
    data_cut: Period
    future: bool
    rows: pd.DataFrame
    city_rows: pd.DataFrame
    indicator: dict | None
    series: pd.DataFrame
    values: pd.DataFrame
    scale: Scale | None
    counts: pd.DataFrame
    counts_by_entity: pd.DataFrame
    counts_by_axis: pd.DataFrame
    headline: pd.DataFrame
    version: DataVersion
    map_note: str = ""
    facts: dict[str, dict] = field(default_factory=dict, repr=False)

    @property
    def product(self) -> dict | None:
        """The selected indicator (alias of :attr:`indicator`, as exports name it)."""
        return self.indicator


def known_ids(catalog: Catalog) -> KnownIds:
    """Valid URL ids of ``catalog`` (computed once per data version)."""
    return Snapshot.of(catalog).known_ids


def default_state(catalog: Catalog) -> ViewState:
    """The state of a bare URL: everything, at the data's cut."""
    return Snapshot.of(catalog).default_state


def parse_view(query: str | None, catalog: Catalog, *, ignore=()) -> tuple[ViewState, list[str]]:
    """Parse a URL query against ``catalog`` (never raises; notices for bad values)."""
    snapshot = Snapshot.of(catalog)
    return parse_query(query, known=snapshot.known_ids, default=snapshot.default_state,
                       ignore=ignore)


def filtered_indicators(catalog: Catalog, state: ViewState) -> pd.DataFrame:
    """The product indicators in force matching the axis, entity and objective filters."""
    snapshot = Snapshot.of(catalog)
    codes = snapshot.facets.codes[snapshot.facets.matching(state)]
    return snapshot.facts.loc[list(codes)]


def _cut_index(cut: Period) -> int:
    return min(max(cut.index, 0), len(PERIODS) - 1)


def counted_rows(snapshot: Snapshot, codes: Sequence[str], localities: Sequence[str],
                 cut: Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The counting rule: ``(rows that count, citywide rows shown apart)``.

    No locality: every indicator of ``codes`` at the city, nothing apart. With
    localities: the indicators reported by locality, once per locality; the
    citywide ones apart, at the city.
    """
    codes = list(codes)
    if not localities:
        return _figures(snapshot, codes, [CITYWIDE], cut), _figures(snapshot, [], [CITYWIDE],
                                                                    cut)
    local = snapshot.by_locality
    return (_figures(snapshot, [c for c in codes if local[c]], list(localities), cut),
            _figures(snapshot, [c for c in codes if not local[c]], [CITYWIDE], cut))


#: Columns of a view's rows (:func:`counted_rows`); the facts of each indicator
#: are in ``Snapshot.facts`` (:func:`with_facts` joins them).
ROW_COLUMNS = ("code", "locality_code", "entity_id", "axis_id", "objective_id",
               "global_weight", *METRICS, "status", "text", "text_period")


def _figures(snapshot: Snapshot, codes: Sequence[str], places: Sequence[str],
             cut: Period) -> pd.DataFrame:
    """``codes`` x ``places`` with every figure at ``cut`` and the latest account."""
    cube, t = snapshot.cube, _cut_index(cut)
    series = np.array([cube._position[c] for c in codes], dtype=int)
    place = np.array([_PLACE[p] for p in places], dtype=int)
    s = np.repeat(series, len(place))
    p = np.tile(place, len(series))
    facts = snapshot.fact_arrays
    rows = np.repeat(np.array([snapshot.fact_row[c] for c in codes], dtype=int), len(place))
    columns: dict[str, np.ndarray] = {
        "code": facts["code"][rows],
        "locality_code": np.asarray(PLACES, dtype=object)[p],
        "entity_id": facts["entity_id"][rows],
        "axis_id": facts["axis_id"][rows],
        "objective_id": facts["objective_id"][rows],
        "global_weight": facts["global_weight"][rows],
    }
    for name in METRICS:
        columns[name] = getattr(cube, name)[s, p, t]
    columns["status"] = cube.status[s, p, t]
    columns["text"] = snapshot.accounts[s, p, t]
    period = snapshot.account_period[s, p, t]
    columns["text_period"] = np.array([PERIODS[i].label if i >= 0 else "" for i in period],
                                      dtype=object)
    return pd.DataFrame(columns)


def with_facts(rows: pd.DataFrame, snapshot: Snapshot) -> pd.DataFrame:
    """``rows`` with every fact of their indicators (names, entity, type...) beside them."""
    extra = snapshot.facts.drop(columns=[c for c in ("entity_id", "axis_id", "objective_id",
                                                     "global_weight") if c in rows])
    return rows.join(extra.drop(columns="code"), on="code")


def series_cuts(data_cut: Period) -> list[Period]:
    """The cut of each year on the series: its last quarter, the data's cut in its year."""
    return [data_cut if year == data_cut.year else Period(year, 4) for year in YEARS]


def _series(snapshot: Snapshot, code: str, places: Sequence[str]) -> pd.DataFrame:
    cube = snapshot.cube
    i = cube._position[code]
    cuts = series_cuts(snapshot.data_cut)
    rows = []
    for place in places:
        p = _PLACE[place]
        for cut in cuts:
            t = _cut_index(cut)
            rows.append((cut.year, place, cut.label, float(cube.av[i, p, t]),
                         float(cube.ma[i, p, t]), float(cube.phv[i, p, t]),
                         str(cube.status[i, p, t]), cut > snapshot.data_cut))
    return pd.DataFrame(rows, columns=["year", "locality_code", "period", "value", "target",
                                       "pct", "status", "future"])


def _locality_values(snapshot: Snapshot, code: str, cut: Period) -> pd.DataFrame:
    cube = snapshot.cube
    i, t = cube._position[code], _cut_index(cut)
    return pd.DataFrame({
        "locality_code": list(PLACES[1:]),
        "value": cube.av[i, 1:, t], "target": cube.ma[i, 1:, t], "pct": cube.phv[i, 1:, t],
        "brecha": cube.brecha[i, 1:, t], "status": cube.status[i, 1:, t].astype(str),
    })


def _scale(snapshot: Snapshot, code: str, measure: str, unit: str) -> Scale:
    def build() -> Scale:
        cube = snapshot.cube
        i = cube._position[code]
        past = slice(0, snapshot.data_cut.index + 1)
        values = np.concatenate([cube.av[i, 1:, past].ravel(), cube.ma[i, 1:, :].ravel()])
        frame = pd.DataFrame({"locality_code": "01", "value": values})
        return value_scale(frame, measure, unit=unit)

    return snapshot.derived(("scale", code, measure), build)


def _labelled_counts(rows: pd.DataFrame, by: str, labels: dict, names: dict | None = None
                     ) -> pd.DataFrame:
    counts = status_counts(rows["status"].to_numpy(), rows[by].to_numpy(), by_name=by)
    keys = counts[by].tolist()
    counts["label"] = [labels.get(k, k) for k in keys]
    if names is not None:
        counts["name"] = [names.get(k, k) for k in keys]
    return counts


def _headline(rows: pd.DataFrame, snapshot: Snapshot) -> pd.DataFrame:
    """Weighted progress of the selection, each objective and each axis."""
    figures = {name: rows[name].to_numpy(dtype=float) for name in ("phv", "paf", "tid")}
    weights = rows["global_weight"].to_numpy(dtype=float)
    out = []
    levels = (("politica", None, {None: "Política"}),
              ("objetivo", rows["objective_id"].to_numpy(), snapshot.objective_names),
              ("eje", rows["axis_id"].to_numpy(), snapshot.axis_names))
    for level, groups, labels in levels:
        rolled = {name: rollup(values, weights, groups) for name, values in figures.items()}
        present = set(rolled["phv"])
        for key in [k for k in labels if k in present]:
            phv, coverage = rolled["phv"][key]
            paf, tid = rolled["paf"][key][0], rolled["tid"][key][0]
            count = len(rows) if groups is None else int((groups == key).sum())
            out.append((level, key, str(labels[key]), phv, paf, tid, paf - tid, coverage,
                        status_of(phv), count))
    return pd.DataFrame(out, columns=["level", "key", "label", "phv", "paf", "tid", "brecha",
                                      "coverage", "status", "count"])


def _pick(codes: list[str], local: np.ndarray, wanted: str | None
          ) -> tuple[str, str | None]:
    """The indicator to show and a notice when the wanted one had to be replaced."""
    if wanted in codes:
        return wanted, None
    by_locality = [c for c, is_local in zip(codes, local, strict=True) if is_local]
    chosen = by_locality[0] if by_locality else codes[0]
    if wanted is None:
        return chosen, None
    return chosen, (f"El indicador «{wanted}» no corresponde a los filtros elegidos; se "
                    f"muestra «{chosen}».")


def _sheet(snapshot: Snapshot, code: str, cut: Period,
           localities: Sequence[str] = ()) -> dict:
    """The indicator's sheet: facts, targets, figures and latest account of one place.

    The place is the selected locality when exactly one is selected and the
    indicator is reported by locality, else the city (``"place"`` says which);
    ``"city"`` always holds the citywide figures.
    """
    by_locality = snapshot.by_locality[code]
    place = localities[0] if by_locality and len(localities) == 1 else CITYWIDE
    facts = dict(snapshot.derived(("sheet", code, place),
                                  lambda: _static_sheet(snapshot, code, place)))
    t = _cut_index(cut)
    figures = {}
    for where in {CITYWIDE, place}:
        figures[where] = snapshot.cube.figures(code, where, t)
        figures[where]["status"] = figures[where].pop("semaforo")
    facts["city"], facts["figures"], facts["place"] = figures[CITYWIDE], figures[place], place
    i, p = snapshot.cube._position[code], int(place)
    facts["text"] = str(snapshot.accounts[i, p, t])
    period = int(snapshot.account_period[i, p, t])
    facts["text_period"] = PERIODS[period].label if period >= 0 else ""
    return facts


def _static_sheet(snapshot: Snapshot, code: str, place: str = CITYWIDE) -> dict:
    facts = snapshot.facts.loc[code].to_dict()
    catalog = snapshot.catalog
    targets = catalog.targets
    mine = targets[(targets["code"] == code) & (targets["locality_code"] == place)]
    facts["targets"] = {int(r.year): (r.target_text if np.isnan(r.target) else float(r.target))
                        for r in mine.itertuples(index=False)}
    if place != CITYWIDE:
        bases = catalog.locality_baselines
        row = bases[(bases["code"] == code) & (bases["locality_code"] == place)]
        if len(row):
            facts.update(baseline=float(row["baseline"].iloc[0]), baseline_year="",
                         baseline_source="", final_target=float(row["final_target"].iloc[0]),
                         final_target_text=str(row["final_target_text"].iloc[0]))
    facts["indicator"] = facts["name"]
    facts["scope"] = "localidad" if facts["by_locality"] else "ciudad"
    return facts


def _empty_frame(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.iloc[:0]


def resolve_view(state: ViewState, catalog: Catalog) -> View:
    """Resolve ``state`` against ``catalog`` into the tables every chart draws.

    Reads the catalog's snapshot once: positions of the matching indicators
    (:meth:`~view.filters.Facets.matching`), then the cube by indexing. The
    frames may be shared between views: do not mutate.
    """
    snapshot = Snapshot.of(catalog)
    data_cut = snapshot.data_cut
    cut = state.cut(data_cut)
    future = cut > data_cut
    facets = snapshot.facets
    positions = facets.matching(state)
    codes = facets.codes[positions].tolist()
    rows, city_rows = counted_rows(snapshot, codes, state.localities, cut)
    if not codes:
        state = replace(state, indicator=None)
        empty = pd.DataFrame()
        return View(
            state=state, notices=(), empty=True, message=EMPTY_MESSAGE, cut=cut,
            data_cut=data_cut, future=future, rows=rows, city_rows=city_rows, indicator=None,
            series=empty, values=empty, scale=None, counts=status_counts(np.array([])),
            counts_by_entity=empty, counts_by_axis=empty, headline=_headline(rows, snapshot),
            version=catalog.version, facts=snapshot.fact_dicts,
        )
    local = np.array([snapshot.by_locality[c] for c in codes], dtype=bool)
    code, notice = _pick(codes, local, state.indicator)
    state = replace(state, indicator=code)
    sheet = _sheet(snapshot, code, cut, state.localities)
    places = [CITYWIDE, *(state.localities if sheet["by_locality"] else ())]
    values = (_locality_values(snapshot, code, cut) if sheet["by_locality"]
              else pd.DataFrame(columns=["locality_code", "value", "target", "pct", "brecha",
                                         "status"]))
    note = CITYWIDE_NOTE if not sheet["by_locality"] else ""
    if future:
        note = FUTURE_NOTE.format(cut=cut.label, data_cut=data_cut.label)
    return View(
        state=state,
        notices=(notice,) if notice else (),
        empty=False,
        message="",
        cut=cut,
        data_cut=data_cut,
        future=future,
        rows=rows,
        city_rows=city_rows,
        indicator=sheet,
        series=_series(snapshot, code, places),
        values=values,
        scale=_scale(snapshot, code, state.measure, sheet["unit"]),
        counts=status_counts(rows["status"].to_numpy()),
        counts_by_entity=_labelled_counts(rows, "entity_id", snapshot.entity_acronyms,
                                          snapshot.entity_names),
        counts_by_axis=_labelled_counts(rows, "axis_id", snapshot.axis_names),
        headline=_headline(rows, snapshot),
        version=catalog.version,
        map_note=note,
        facts=snapshot.fact_dicts,
    )


def cached_view(state: ViewState, catalog: Catalog) -> View:
    """:func:`resolve_view` memoised in the catalog's snapshot (bounded)."""
    return Snapshot.of(catalog).view(state, lambda s: resolve_view(s, catalog))
