"""Which indicators the axis, entity and objective filters keep: the one rule, and its facets.

The filters act on the product indicators in force (an indicator's axis, its
responsible entity, its result's objective). :meth:`Facets.mask` is the only
place the rule is written: the indicators of a view, the options of the
dropdowns (each list offers what exists under the *other* filters, so choosing
an axis narrows entities, objectives and indicators) and the URL callback's
narrowing all use it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from data import Catalog
from layers.formatting import format_number, shorten
from view.state import ViewState

__all__ = ["NO_MATCH", "Facets", "filter_options", "locality_options"]

#: Suffix of a chosen value that no indicator matches under the other filters.
NO_MATCH = " · sin indicadores con los demás filtros"
_OBJECTIVE_CHARS = 60


@dataclass(frozen=True)
class Facets:
    """The filterable columns of a catalog's indicators in force, as arrays (catalog order).

    Attributes
    ----------
    codes, axis_ids, entity_ids, objective_ids : ndarray
        One entry per indicator in force.
    labels, titles : tuple of str
        Dropdown label (``"1.1.1 · name"``) and tooltip (the product) per indicator.
    axes, entities, objectives : tuple of tuple
        ``(id, label, title)`` of each axis, entity and objective, catalog order.
    """

    codes: np.ndarray
    axis_ids: np.ndarray
    entity_ids: np.ndarray
    objective_ids: np.ndarray
    labels: tuple[str, ...]
    titles: tuple[str, ...]
    axes: tuple[tuple, ...]
    entities: tuple[tuple, ...]
    objectives: tuple[tuple, ...]

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> Facets:
        """Read the facets of ``catalog`` (once per data version)."""
        active = catalog.indicators[catalog.indicators["in_force"]]
        result_of = catalog.products.set_index("product_id")["result_code"]
        objective_of = catalog.results.set_index("code")["objective_id"]
        product_name = catalog.products.set_index("product_id")["name"]
        objectives = active["product_id"].map(result_of).map(objective_of)
        return cls(
            codes=active["code"].astype(str).to_numpy(dtype=object),
            axis_ids=active["axis_id"].astype(str).to_numpy(dtype=object),
            entity_ids=active["entity_id"].astype(str).to_numpy(dtype=object),
            objective_ids=objectives.fillna(-1).to_numpy(dtype="int64"),
            labels=tuple(f"{c} · {n}" for c, n in
                                 zip(active["code"], active["name"], strict=True)),
            titles=tuple(f"{p} · {product_name.get(p, p)}"
                                 for p in active["product_id"]),
            axes=tuple((str(r.axis_id), str(r.name), str(r.name))
                       for r in catalog.axes.itertuples(index=False)),
            entities=tuple((str(r.entity_id), f"{r.name} ({r.acronym})", str(r.name))
                           for r in catalog.entities.itertuples(index=False)),
            objectives=tuple(
                (int(r.objective_id), f"{r.objective_id}. {shorten(r.text, _OBJECTIVE_CHARS)}",
                 str(r.text)) for r in catalog.objectives.itertuples(index=False)),
        )

    def mask(self, axes: Iterable[str] = (), entities: Iterable[str] = (),
             objective: int | None = None) -> np.ndarray:
        """Boolean mask of the indicators in all of ``axes`` (any), ``entities`` (any) and
        ``objective``; an empty filter keeps everything."""
        keep = np.ones(len(self.codes), dtype=bool)
        axes, entities = list(axes), list(entities)
        if axes:
            keep &= np.isin(self.axis_ids, axes)
        if entities:
            keep &= np.isin(self.entity_ids, entities)
        if objective is not None:
            keep &= self.objective_ids == objective
        return keep

    def matching(self, state: ViewState) -> np.ndarray:
        """Positions of the indicators that ``state``'s filters keep."""
        return np.flatnonzero(self.mask(state.axes, state.entities, state.objective))


def _options(rows: tuple[tuple, ...], counts: Counter, chosen: tuple) -> list[dict]:
    """Dropdown options of ``rows`` that have indicators (or are already chosen)."""
    options = []
    for value, label, title in rows:
        count = counts.get(value, 0)
        if count == 0 and value not in chosen:
            continue
        text = f"{label} · {format_number(count)}" if count else label + NO_MATCH
        options.append({"label": text, "value": value, "title": title})
    return options


def filter_options(facets: Facets, state: ViewState) -> dict[str, list[dict]]:
    """Options of the axis, entity, objective and indicator dropdowns for ``state``.

    Returns
    -------
    dict
        ``{"axes", "entities", "objectives", "indicators"}``, each a list of
        ``{"label", "value", "title"}`` dicts. Labels carry the number of
        matching indicators, in es-CO format; a chosen value without indicators
        is kept and labelled "(sin indicadores con los demás filtros)".
    """
    axes, entities, objective = state.axes, state.entities, state.objective
    by_axis = Counter(facets.axis_ids[facets.mask((), entities, objective)].tolist())
    by_entity = Counter(facets.entity_ids[facets.mask(axes, (), objective)].tolist())
    by_objective = Counter(facets.objective_ids[facets.mask(axes, entities, None)].tolist())
    matching = facets.matching(state)
    matching_ids = {facets.codes[i] for i in matching}
    indicators = [{"label": facets.labels[i], "value": facets.codes[i],
                 "title": facets.titles[i]} for i in matching]
    if state.indicator is not None and state.indicator not in matching_ids:
        indicators.append({"label": f"{state.indicator}{NO_MATCH}", "value": state.indicator,
                         "title": state.indicator})
    return {
        "axes": _options(facets.axes, by_axis, axes),
        "entities": _options(facets.entities, by_entity, entities),
        "objectives": _options(facets.objectives, by_objective,
                               () if objective is None else (objective,)),
        "indicators": indicators,
    }


def locality_options(names: dict[str, str]) -> list[dict]:
    """Options of the locality dropdown: ``"11 · Suba"``, in code order."""
    return [{"label": f"{code} · {names[code]}", "value": code} for code in sorted(names)]
