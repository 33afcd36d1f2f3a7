"""Which products the axis, entity and objective filters keep: the one rule, and its facets.

:meth:`Facets.mask` is the only place the filter rule is written. The product
list of a view, the options of the dropdowns (each list offers what exists
under the *other* filters, so choosing an axis narrows entities, objectives and
products) and the URL callback's narrowing all use it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from data import Catalog
from layers.formatting import format_number
from view.state import ViewState

__all__ = ["NO_MATCH", "Facets", "filter_options", "locality_options"]

#: Suffix of a chosen value that no product matches under the other filters.
NO_MATCH = " (sin productos con los demás filtros)"
_OBJECTIVE_CHARS = 60


@dataclass(frozen=True)
class Facets:
    """The filterable columns of a catalog's products, as arrays (catalog order).

    Attributes
    ----------
    product_ids, axis_ids, entity_ids, objective_ids : ndarray
        One entry per product.
    product_labels, product_titles : tuple of str
        Dropdown label (``"P01 · name"``) and tooltip (the indicator) per product.
    axes, entities, objectives : tuple of tuple
        ``(id, label, title)`` of each axis, entity and objective, catalog order.
    """

    product_ids: np.ndarray
    axis_ids: np.ndarray
    entity_ids: np.ndarray
    objective_ids: np.ndarray
    product_labels: tuple[str, ...]
    product_titles: tuple[str, ...]
    axes: tuple[tuple, ...]
    entities: tuple[tuple, ...]
    objectives: tuple[tuple, ...]

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> Facets:
        """Read the facets of ``catalog`` (once per data version)."""
        products = catalog.products
        return cls(
            product_ids=products["product_id"].astype(str).to_numpy(dtype=object),
            axis_ids=products["axis_id"].astype(str).to_numpy(dtype=object),
            entity_ids=products["entity_id"].astype(str).to_numpy(dtype=object),
            objective_ids=products["objective_id"].to_numpy(dtype="int64"),
            product_labels=tuple(f"{p} · {n}" for p, n in
                                 zip(products["product_id"], products["name"], strict=True)),
            product_titles=tuple(str(i) for i in products["indicator"]),
            axes=tuple((str(r.axis_id), str(r.name), str(r.name))
                       for r in catalog.axes.itertuples(index=False)),
            entities=tuple((str(r.entity_id), str(r.acronym), str(r.name))
                           for r in catalog.entities.itertuples(index=False)),
            objectives=tuple((int(r.objective_id), f"{r.objective_id}. {_short(r.text)}",
                              str(r.text)) for r in catalog.objectives.itertuples(index=False)),
        )

    def mask(self, axes: Iterable[str] = (), entities: Iterable[str] = (),
             objective: int | None = None) -> np.ndarray:
        """Boolean mask of the products in all of ``axes`` (any), ``entities`` (any) and
        ``objective``; an empty filter keeps everything."""
        keep = np.ones(len(self.product_ids), dtype=bool)
        axes, entities = list(axes), list(entities)
        if axes:
            keep &= np.isin(self.axis_ids, axes)
        if entities:
            keep &= np.isin(self.entity_ids, entities)
        if objective is not None:
            keep &= self.objective_ids == objective
        return keep

    def matching(self, state: ViewState) -> np.ndarray:
        """Positions of the products that ``state``'s filters keep."""
        return np.flatnonzero(self.mask(state.axes, state.entities, state.objective))


def _short(text: str, limit: int = _OBJECTIVE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,.;") + "…"


def _options(rows: tuple[tuple, ...], counts: Counter, chosen: tuple) -> list[dict]:
    """Dropdown options of ``rows`` that have products (or are already chosen)."""
    options = []
    for value, label, title in rows:
        count = counts.get(value, 0)
        if count == 0 and value not in chosen:
            continue
        text = f"{label} ({format_number(count)})" if count else label + NO_MATCH
        options.append({"label": text, "value": value, "title": title})
    return options


def filter_options(facets: Facets, state: ViewState) -> dict[str, list[dict]]:
    """Options of the axis, entity, objective and product dropdowns for ``state``.

    Returns
    -------
    dict
        ``{"axes", "entities", "objectives", "products"}``, each a list of
        ``{"label", "value", "title"}`` dicts. Labels carry the number of
        matching products, in es-CO format; a chosen value without products is
        kept and labelled "(sin productos con los demás filtros)".
    """
    axes, entities, objective = state.axes, state.entities, state.objective
    by_axis = Counter(facets.axis_ids[facets.mask((), entities, objective)].tolist())
    by_entity = Counter(facets.entity_ids[facets.mask(axes, (), objective)].tolist())
    by_objective = Counter(facets.objective_ids[facets.mask(axes, entities, None)].tolist())
    matching = facets.matching(state)
    matching_ids = {facets.product_ids[i] for i in matching}
    products = [{"label": facets.product_labels[i], "value": facets.product_ids[i],
                 "title": facets.product_titles[i]} for i in matching]
    if state.product is not None and state.product not in matching_ids:
        products.append({"label": f"{state.product}{NO_MATCH}", "value": state.product,
                         "title": state.product})
    return {
        "axes": _options(facets.axes, by_axis, axes),
        "entities": _options(facets.entities, by_entity, entities),
        "objectives": _options(facets.objectives, by_objective,
                               () if objective is None else (objective,)),
        "products": products,
    }


def locality_options(names: dict[str, str]) -> list[dict]:
    """Options of the locality dropdown: ``"11 · Suba"``, in code order."""
    return [{"label": f"{code} · {names[code]}", "value": code} for code in sorted(names)]
