"""The indicators as stable JSON for others to build on (``/api/indicadores``).

Pure: from a snapshot to plain dicts (``None`` where there is no figure, never
NaN), so the route only serialises. Percentages are fractions, as in the
district's method.
"""

from __future__ import annotations

import math
from typing import Any

from data.method import METRICS, PERIODS, Period
from data.schema import CITYWIDE
from view.snapshot import Snapshot

__all__ = ["IndicatorNotFound", "indicator_detail", "indicator_list"]


class IndicatorNotFound(LookupError):
    """No result or product indicator has that code."""


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def indicator_list(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Every result and product indicator: code, name, product, objective, axis, entity,
    type, periodicity, weight, unit, in force, reported by locality."""
    catalog = snapshot.catalog
    out = []
    for r in catalog.results.itertuples(index=False):
        out.append({
            "codigo": r.code, "nivel": "resultado", "nombre": r.name, "producto": None,
            "resultado": r.code, "objetivo": int(r.objective_id), "eje": None,
            "entidad": r.entity_id, "corresponsable": None, "tipo_anualizacion": r.annualisation,
            "periodicidad": r.periodicity, "peso": _plain(r.weight), "unidad": r.unit,
            "vigente": bool(r.in_force), "por_localidad": False,
        })
    for f in snapshot.facts.itertuples(index=False):
        out.append({
            "codigo": f.code, "nivel": "producto", "nombre": f.name, "producto": f.product_id,
            "resultado": f.result_code, "objetivo": int(f.objective_id), "eje": f.axis_id,
            "entidad": f.entity_id, "corresponsable": f.co_entity_id or None,
            "tipo_anualizacion": f.annualisation, "periodicidad": f.periodicity,
            "peso": _plain(f.weight), "unidad": f.unit, "vigente": bool(f.in_force),
            "por_localidad": bool(f.by_locality),
        })
    return out


def _target(value: float, text: str) -> Any:
    return text if isinstance(value, float) and math.isnan(value) and text else _plain(value)


def indicator_detail(snapshot: Snapshot, code: str, place: str = CITYWIDE,
                     cut: Period | None = None) -> dict[str, Any]:
    """One indicator in one place: baseline, targets, reports and metrics at ``cut``.

    Raises
    ------
    IndicatorNotFound
        When ``code`` is not an indicator of the catalog.
    ValueError
        When ``place`` is a locality and the indicator is not reported by locality.
    """
    catalog, cube = snapshot.catalog, snapshot.cube
    try:
        i = cube.position(code)
    except KeyError as error:
        raise IndicatorNotFound(str(error)) from None
    entry = next(item for item in indicator_list(snapshot) if item["codigo"] == code)
    if place != CITYWIDE and not entry["por_localidad"]:
        raise ValueError(f"el indicador {code} se reporta solo para toda la ciudad; quite "
                         "«localidad» o use un indicador reportado por localidad.")
    cut = cut or snapshot.data_cut
    p = 0 if place == CITYWIDE else int(place)
    targets = catalog.targets
    mine = targets[(targets["code"] == code) & (targets["locality_code"] == place)]
    if place == CITYWIDE:
        table = catalog.results if entry["nivel"] == "resultado" else catalog.indicators
        row = table.set_index("code").loc[code]
        baseline = {"valor": _plain(row["baseline"]), "anio": row["baseline_year"] or None,
                    "fuente": row["baseline_source"] or None}
        final = _target(row["final_target"], row["final_target_text"])
    else:
        bases = catalog.locality_baselines
        rows = bases[(bases["code"] == code) & (bases["locality_code"] == place)]
        first = rows.iloc[0] if len(rows) else None
        baseline = {"valor": None if first is None else _plain(first["baseline"]),
                    "anio": None, "fuente": None}
        final = None if first is None else _target(first["final_target"],
                                                   first["final_target_text"])
    reports = catalog.reports
    mine_reports = reports[(reports["code"] == code) & (reports["locality_code"] == place)]
    t = min(max(cut.index, 0), len(PERIODS) - 1)
    metrics: dict[str, Any] = {"corte": cut.label}
    for name in METRICS:
        metrics[name] = _plain(float(getattr(cube, name)[i, p, t]))
    metrics["semaforo"] = str(cube.status[i, p, t])
    return {
        **entry,
        "localidad": place,
        "linea_base": baseline,
        "metas": {str(int(r.year)): _target(r.target, r.target_text)
                  for r in mine.sort_values("year").itertuples(index=False)},
        "meta_final": final,
        "reportes": [
            {"anio": int(r.year), "trimestre": int(r.quarter), "localidad": r.locality_code,
             "valor": _plain(r.value), "texto": r.text}
            for r in mine_reports.sort_values(["year", "quarter"]).itertuples(index=False)
        ],
        "metricas": metrics,
        "corte_de_los_datos": snapshot.data_cut.label,
        "version": snapshot.version_id,
    }
