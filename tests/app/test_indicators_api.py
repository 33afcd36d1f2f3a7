"""Tests of GET /api/indicadores and /api/indicadores/<codigo> through the real app."""

from __future__ import annotations

import math

import pytest

from data.method import PERIODS, Period
from data.schema import YEARS
from tests.method_reference import reference

NAN = float("nan")
FIGURES = ("mp", "ma", "av", "phv", "paf", "tid")


def _number(value) -> float:
    """A JSON figure as a float: text targets and ``null`` are no figure."""
    return float(value) if isinstance(value, (int, float)) else NAN


def _recompute(body: dict) -> dict[str, float]:
    """The metrics of an indicator from its own ``metas``, ``linea_base`` and ``reportes``."""
    targets = [_number(body["metas"].get(str(year))) for year in YEARS]
    reports = [NAN] * len(PERIODS)
    for report in body["reportes"]:
        reports[Period(report["anio"], report["trimestre"]).index] = _number(report["valor"])
    cut = Period.parse(body["metricas"]["corte"]).index
    data_cut = Period.parse(body["corte_de_los_datos"]).index
    figures = reference(body["tipo_anualizacion"], body["periodicidad"],
                        _number(body["linea_base"]["valor"]), targets,
                        _number(body["meta_final"]), reports, cut, data_cut)
    return dict(zip(FIGURES, figures, strict=True))


def _same(got, want: float) -> bool:
    if got is None:
        return math.isnan(want)
    return not math.isnan(want) and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)


def test_list_has_every_indicator_with_its_facts(client):
    body = client.get("/api/indicadores").get_json()
    items = body["indicadores"]
    levels = [i["nivel"] for i in items]
    assert levels.count("resultado") == 7 and levels.count("producto") == 46
    assert body["corte"] == "2026-T3" and body["version"] == 1
    keys = {"codigo", "nombre", "producto", "objetivo", "eje", "entidad", "tipo_anualizacion",
            "periodicidad", "peso", "unidad", "vigente", "por_localidad"}
    assert all(keys <= set(i) for i in items)
    assert {i["tipo_anualizacion"] for i in items} == {"SUMA", "CRECIENTE", "DECRECIENTE",
                                                       "CONSTANTE"}
    assert sum(not i["vigente"] for i in items) == 2


def test_list_is_revalidated_by_version(client):
    etag = client.get("/api/indicadores").headers["ETag"]
    assert client.get("/api/indicadores", headers={"If-None-Match": etag}).status_code == 304


def test_metrics_of_every_indicator_agree_with_its_own_inputs(client):
    """The API's ``metricas`` recomputed from its ``metas``, ``linea_base`` and ``reportes``."""
    items = client.get("/api/indicadores").get_json()["indicadores"]
    checked = 0
    for item in items:
        urls = [f"/api/indicadores/{item['codigo']}",
                f"/api/indicadores/{item['codigo']}?corte=2025-T2"]
        if item["por_localidad"]:
            urls += [f"/api/indicadores/{item['codigo']}?localidad=20",
                     f"/api/indicadores/{item['codigo']}?localidad=8&corte=2024-T4"]
        for url in urls:
            body = client.get(url).get_json()
            want = _recompute(body)
            for name in FIGURES:
                assert _same(body["metricas"][name], want[name]), (url, name)
            paf, tid = body["metricas"]["paf"], body["metricas"]["tid"]
            assert _same(body["metricas"]["brecha"],
                         NAN if paf is None or tid is None else paf - tid), url
            checked += 1
    assert checked > 100


def test_zero_over_zero_has_no_figure_and_no_verdict(client):
    body = client.get("/api/indicadores/3.1.2?corte=2023-T4").get_json()
    assert body["metas"]["2023"] == 0
    assert body["metricas"]["phv"] is None and body["metricas"]["semaforo"] == "sin_dato"


def test_a_future_cut_is_futuro_not_missing(client):
    body = client.get("/api/indicadores/1.1.1?corte=2029-T2").get_json()
    metrics = body["metricas"]
    assert metrics["semaforo"] == "futuro" and metrics["av"] is None
    assert metrics["ma"] is not None  # the plan still says what is due


def test_text_targets_stay_text(client):
    body = client.get("/api/indicadores/2.1.2").get_json()
    assert isinstance(body["metas"]["2023"], str) and body["metas"]["2023"]


def test_detail_shape(client):
    body = client.get("/api/indicadores/1.1.1?localidad=02&corte=2026-T3").get_json()
    assert body["codigo"] == "1.1.1" and body["localidad"] == "02"
    assert set(body["linea_base"]) == {"valor", "anio", "fuente"}
    assert set(body["metricas"]) == {"corte", *FIGURES, "brecha", "semaforo"}
    assert body["metricas"]["corte"] == "2026-T3"
    assert all(set(r) == {"anio", "trimestre", "localidad", "valor", "texto"}
               for r in body["reportes"])
    assert {r["localidad"] for r in body["reportes"]} == {"02"}


@pytest.mark.parametrize(("url", "status", "words"), [
    ("/api/indicadores/9.9.9", 404, "No existe el indicador «9.9.9»"),
    ("/api/indicadores/1.1.1?localidad=21", 400, "de 01 a 20"),
    ("/api/indicadores/1.1.1?localidad=%C2%B2", 400, "no es una localidad"),
    ("/api/indicadores/1.1.1?corte=2026-T5", 400, "corte=2026-T5"),
    ("/api/indicadores/1.1.1?corte=2040-T1", 400, "corte=2040-T1"),
    ("/api/indicadores/1.1.1?anio=2026", 400, "anio"),
    ("/api/indicadores/1.1.2?localidad=01", 400, "toda la ciudad"),
])
def test_bad_requests_are_json_with_a_message(client, url, status, words):
    response = client.get(url)
    assert response.status_code == status and response.is_json
    assert words in response.get_json()["error"]
