"""What a view state shows: one pure resolution shared by the dashboard and exports.

``resolve_view(state, catalog)`` turns a :class:`~view.state.ViewState` into
every table the page (or an export) draws: the products matching the filters,
the selected indicator's series and per-locality values, its fixed colour scale
and the status counts. The dashboard and the export routes call the same
function, so a file shows exactly what the screen shows.

It reads the catalog's :class:`~view.snapshot.Snapshot` (built once per data
version) by indexing, in about a millisecond.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from data import Catalog, DataVersion
from data.progress import status_counts
from layers import Scale, value_scale
from view.snapshot import Snapshot
from view.state import KnownIds, ViewState, parse_query

__all__ = [
    "CITYWIDE_NOTE",
    "EMPTY_MESSAGE",
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
        localities (the cube's ``product_status`` plus ``entity``,
        ``entity_name``, ``axis``, ``objective``), the table's rows.
    product : dict or None
        The selected indicator: product_id, name, indicator, unit, scope,
        direction, entity, entity_name, axis.
    series : DataFrame
        The cube's ``indicator_frame`` of the selected product.
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
    return Snapshot.of(catalog).known_ids


def default_state(catalog: Catalog) -> ViewState:
    """The state of a bare URL: everything, last year with reports."""
    return Snapshot.of(catalog).default_state


def parse_view(query: str | None, catalog: Catalog, *, ignore=()) -> tuple[ViewState, list[str]]:
    """Parse a URL query against ``catalog`` (never raises; notices for bad values)."""
    snapshot = Snapshot.of(catalog)
    return parse_query(query, known=snapshot.known_ids, default=snapshot.default_state,
                       ignore=ignore)


def filtered_products(catalog: Catalog, state: ViewState) -> pd.DataFrame:
    """Products matching the axis, entity and objective filters, in catalog order."""
    return catalog.products.iloc[Snapshot.of(catalog).facets.matching(state)]


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
    counts = status_counts(status, keys, by_name=by)
    label = [labels.get(key, key) for key in counts[by]]
    return counts.assign(label=pd.array(label, dtype="str") if label else counts[by])


def _scale(snapshot: Snapshot, product_id: str, measure: str, unit: str) -> Scale:
    return snapshot.derived(("scale", product_id, measure), lambda: value_scale(
        snapshot.cube.indicator_frame(product_id), measure, unit=unit))


def _locality_values(snapshot: Snapshot, product_id: str, year: int) -> pd.DataFrame:
    return snapshot.derived(("values", product_id, year),
                            lambda: snapshot.cube.locality_values(product_id, year))


def resolve_view(state: ViewState, catalog: Catalog) -> View:
    """Resolve ``state`` against ``catalog`` into the tables every chart draws.

    Reads the catalog's snapshot once: positions of the matching products
    (:meth:`~view.filters.Facets.matching`), then the cube by indexing. The
    frames may be shared between views: do not mutate.
    """
    snapshot = Snapshot.of(catalog)
    cube, look = snapshot.cube, snapshot.lookups
    positions = snapshot.facets.matching(state)
    if not len(positions):
        state = replace(state, product=None)
        empty = pd.DataFrame()
        blank = cube.product_status(state.year, product_ids=[])
        return View(
            state=state, notices=(), empty=True, message=EMPTY_MESSAGE, products=blank,
            product=None, series=empty, values=empty, scale=None,
            counts=status_counts(blank["status"]), counts_by_entity=empty,
            counts_by_axis=empty, version=catalog.version,
        )
    facets = snapshot.facets
    ids = facets.product_ids[positions].tolist()
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
        values=_locality_values(snapshot, product_id, state.year),
        scale=_scale(snapshot, product_id, state.measure, product["unit"]),
        counts=status_counts(status),
        counts_by_entity=_labelled_counts(status, facets.entity_ids[positions], "entity_id",
                                          look.entity_acronym),
        counts_by_axis=_labelled_counts(status, facets.axis_ids[positions], "axis_id",
                                        look.axis_name),
        version=catalog.version,
        map_note="" if product["scope"] == "localidad" else CITYWIDE_NOTE,
    )


def cached_view(state: ViewState, catalog: Catalog) -> View:
    """:func:`resolve_view` memoised in the catalog's snapshot (bounded)."""
    return Snapshot.of(catalog).view(state, lambda s: resolve_view(s, catalog))
