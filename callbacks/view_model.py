"""What a view state shows: one pure resolution shared by the dashboard and exports.

``resolve_view(state, catalog)`` turns a :class:`~callbacks.url_state.ViewState`
into every table the page (or an export) draws: the products matching the
filters, the selected indicator's series and per-locality values, its fixed
colour scale and the status counts. The dashboard and the export routes call
the same function, so a file shows exactly what the screen shows.

The numbers come from the per-version :class:`~data.progress_cube.ProgressCube`
(dense arrays built once per data version), so a resolution takes about a
millisecond instead of the tens of milliseconds of filtering the long tables;
they equal those of :mod:`data.progress` (``tests/callbacks/test_view_model_equivalence.py``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from callbacks.url_state import DEFAULT_STATE, KnownIds, ViewState, parse_query
from data.catalog import Catalog, DataVersion
from data.progress_cube import ProgressCube, get_progress_cube, status_counts_fast
from data.schema import FIRST_YEAR, LAST_YEAR
from layers.scales import Scale, value_scale

__all__ = [
    "View",
    "cached_view",
    "default_state",
    "filtered_products",
    "known_ids",
    "parse_view",
    "resolve_view",
]

#: Shown when the filters leave no product (instead of an empty chart).
EMPTY_MESSAGE = (
    "Ningún producto cumple a la vez todos los filtros elegidos. "
    "Quite un filtro (eje, entidad u objetivo) o pulse «Limpiar»."
)
CITYWIDE_NOTE = (
    "Este indicador se reporta solo para toda la ciudad: el mapa no lo desagrega "
    "por localidad. Vea la serie y la tabla."
)


@dataclass(frozen=True)
class View:
    """Everything one state shows.

    Attributes
    ----------
    state : ViewState
        The effective state (product filled in when the URL gave none).
    notices : tuple of str
        Spanish notices about values that were corrected.
    empty : bool
        True when no product matches the filters (then ``message`` says so and
        the product-specific tables are empty).
    message : str
        Explanation to show instead of an empty chart ("" when none).
    products : DataFrame
        Status of each matching product at ``state.year`` for the selected
        localities (:func:`data.progress.product_status` plus ``entity``,
        ``entity_name``, ``axis``, ``objective``), the table's rows.
    product : dict or None
        The selected indicator: product_id, name, indicator, unit, scope,
        direction, entity, entity_name, axis.
    series : DataFrame
        :func:`data.progress.indicator_frame` of the selected product.
    values : DataFrame
        Per-locality ``[locality_code, value, target, pct, status]`` at ``state.year``.
    scale : Scale or None
        Colour scale of the product for ``state.measure``, fixed across years.
    counts, counts_by_entity, counts_by_axis : DataFrame
        :func:`data.progress.status_counts` overall, by entity (``label`` =
        acronym) and by axis (``label`` = name).
    version : DataVersion
    map_note : str
        A note for the map when it cannot show the indicator by locality.
    """

    state: ViewState
    notices: tuple[str, ...]
    empty: bool
    message: str
    products: pd.DataFrame
    product: dict | None
    series: pd.DataFrame
    values: pd.DataFrame
    scale: Scale | None
    counts: pd.DataFrame
    counts_by_entity: pd.DataFrame
    counts_by_axis: pd.DataFrame
    version: DataVersion
    map_note: str = ""


def known_ids(catalog: Catalog) -> KnownIds:
    """Valid URL ids of ``catalog`` (computed once per data version)."""
    return get_progress_cube(catalog).memo("known_ids", lambda: KnownIds.from_catalog(catalog))


def last_reported_year(catalog: Catalog) -> int:
    """The last year with any observation (the default year), within 2023-2032."""
    years = catalog.observations["year"]
    if years.empty:
        return FIRST_YEAR
    return int(min(max(int(years.max()), FIRST_YEAR), LAST_YEAR))


def default_state(catalog: Catalog) -> ViewState:
    """The state of a bare URL: everything, last year with reports."""
    year = get_progress_cube(catalog).memo("last_year", lambda: last_reported_year(catalog))
    return replace(DEFAULT_STATE, year=year)


def parse_view(query: str | None, catalog: Catalog, *, ignore=()) -> tuple[ViewState, list[str]]:
    """Parse a URL query against ``catalog`` (never raises; notices for bad values)."""
    return parse_query(
        query, known=known_ids(catalog), default=default_state(catalog), ignore=ignore
    )


def filtered_products(catalog: Catalog, state: ViewState) -> pd.DataFrame:
    """Products matching the axis, entity and objective filters, in catalog order."""
    products = catalog.products
    mask = pd.Series(True, index=products.index)
    if state.axes:
        mask &= products["axis_id"].isin(state.axes)
    if state.entities:
        mask &= products["entity_id"].isin(state.entities)
    if state.objective is not None:
        mask &= products["objective_id"] == state.objective
    return products[mask]


@dataclass(frozen=True)
class _Lookups:
    """Per-version arrays and frames that :func:`resolve_view` indexes into."""

    product_ids: np.ndarray
    axis_ids: np.ndarray
    entity_ids: np.ndarray
    objective_ids: np.ndarray
    by_locality: np.ndarray
    table_base: pd.DataFrame
    products: dict[str, dict]
    entity_acronym: dict[str, str]
    axis_name: dict[str, str]

    @classmethod
    def build(cls, catalog: Catalog, cube: ProgressCube) -> _Lookups:
        entity_acronym = catalog.entities.set_index("entity_id")["acronym"]
        entity_name = catalog.entities.set_index("entity_id")["name"]
        axis_name = catalog.axes.set_index("axis_id")["name"]
        base = cube.status_base
        base = base.assign(
            entity=base["entity_id"].map(entity_acronym),
            entity_name=base["entity_id"].map(entity_name),
            axis=base["axis_id"].map(axis_name),
        )
        info = {
            str(row["product_id"]): {
                "product_id": str(row["product_id"]),
                **{key: str(row[key]) for key in ("name", "indicator", "unit", "scope",
                                                  "direction", "entity", "entity_name",
                                                  "axis")},
            }
            for row in base.to_dict("records")
        }
        products = cube.products
        return cls(
            product_ids=products["product_id"].to_numpy(dtype=object),
            axis_ids=products["axis_id"].to_numpy(dtype=object),
            entity_ids=products["entity_id"].to_numpy(dtype=object),
            objective_ids=products["objective_id"].to_numpy(),
            by_locality=cube.by_locality,
            table_base=base,
            products=info,
            entity_acronym={str(k): v for k, v in entity_acronym.items()},
            axis_name={str(k): v for k, v in axis_name.items()},
        )

    def matching(self, state: ViewState) -> np.ndarray:
        """Positions of the products matching the filters (as :func:`filtered_products`)."""
        mask = np.ones(len(self.product_ids), dtype=bool)
        if state.axes:
            mask &= np.isin(self.axis_ids, list(state.axes))
        if state.entities:
            mask &= np.isin(self.entity_ids, list(state.entities))
        if state.objective is not None:
            mask &= self.objective_ids == state.objective
        return np.flatnonzero(mask)


def _lookups(catalog: Catalog, cube: ProgressCube) -> _Lookups:
    return cube.memo("view_lookups", lambda: _Lookups.build(catalog, cube))


def _pick_product(
    ids: list[str], local: np.ndarray, wanted: str | None
) -> tuple[str, str | None]:
    """The product to show and a notice when the wanted one had to be replaced."""
    if wanted in ids:
        return wanted, None
    by_locality = [pid for pid, is_local in zip(ids, local, strict=True) if is_local]
    chosen = by_locality[0] if by_locality else ids[0]
    if wanted is None:
        return chosen, None
    return chosen, (
        f"El producto «{wanted}» no corresponde a los filtros elegidos; se muestra «{chosen}»."
    )


def _labelled_counts(status, keys, by: str, labels: dict[str, str]) -> pd.DataFrame:
    counts = status_counts_fast(status, keys, by_name=by)
    label = [labels.get(key, key) for key in counts[by]]
    return counts.assign(label=pd.array(label, dtype="str") if label else counts[by])


def _scale(cube: ProgressCube, product_id: str, measure: str, unit: str) -> Scale:
    return cube.memo(("scale", product_id, measure), lambda: value_scale(
        cube.indicator_frame(product_id), measure, unit=unit))


def _locality_values(cube: ProgressCube, product_id: str, year: int) -> pd.DataFrame:
    return cube.memo(("values", product_id, year),
                     lambda: cube.locality_values(product_id, year))


def resolve_view(state: ViewState, catalog: Catalog) -> View:
    """Resolve ``state`` against ``catalog`` into the tables every chart draws.

    Reads the per-version :class:`~data.progress_cube.ProgressCube` by
    indexing: the same tables as :func:`data.progress.product_status`,
    :func:`~data.progress.indicator_frame` and :func:`~data.progress.status_counts`,
    in about a millisecond. The frames may be shared between views: do not mutate.
    """
    cube = get_progress_cube(catalog)
    look = _lookups(catalog, cube)
    positions = look.matching(state)
    if not len(positions):
        state = replace(state, product=None)
        empty = pd.DataFrame()
        blank = cube.product_status(state.year, product_ids=[])
        return View(
            state=state, notices=(), empty=True, message=EMPTY_MESSAGE, products=blank,
            product=None, series=empty, values=empty, scale=None,
            counts=status_counts_fast(blank["status"]), counts_by_entity=empty,
            counts_by_axis=empty, version=catalog.version,
        )
    ids = look.product_ids[positions].tolist()
    product_id, notice = _pick_product(ids, look.by_locality[positions], state.product)
    notices = (notice,) if notice else ()
    state = replace(state, product=product_id)

    arrays = cube.status_arrays(state.year, positions, state.localities)
    table = cube.fill_status(look.table_base, state.year, positions, *arrays)
    status = arrays[3]
    product = dict(look.products[product_id])
    return View(
        state=state,
        notices=notices,
        empty=False,
        message="",
        products=table,
        product=product,
        series=cube.indicator_frame(product_id),
        values=_locality_values(cube, product_id, state.year),
        scale=_scale(cube, product_id, state.measure, product["unit"]),
        counts=status_counts_fast(status),
        counts_by_entity=_labelled_counts(status, look.entity_ids[positions], "entity_id",
                                          look.entity_acronym),
        counts_by_axis=_labelled_counts(status, look.axis_ids[positions], "axis_id",
                                        look.axis_name),
        version=catalog.version,
        map_note="" if product["scope"] == "localidad" else CITYWIDE_NOTE,
    )


_CACHE: OrderedDict[tuple, View] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 256


def cached_view(state: ViewState, catalog: Catalog) -> View:
    """:func:`resolve_view` memoised per (catalog object, data version, state)."""
    key = (id(catalog), catalog.version.version_id, state)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    view = resolve_view(state, catalog)
    with _CACHE_LOCK:
        _CACHE[key] = view
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return view
