"""The district's workbooks end to end: a plan as ``BOGOTA_TI_MATRIX``, follow-ups through
``POST /api/reportes`` and the upload page, on SQLite and PostgreSQL.

The plan is :mod:`data.workbooks.example`'s (the illustrative structure, no reports);
every refused upload leaves the store byte-identical (``dump_store``).
"""

from __future__ import annotations

import base64
import io
from functools import cache

import pytest
from flask import Flask

from data import repository
from data.illustrative import build_illustrative_catalog
from data.store import dump_store
from data.workbooks.example import write_axes_file, write_followup, write_plan
from data.workbooks.plan import read_plan
from tests.data.workbooks.builders import FollowRow, followup_book, value_column
from tests.report_files import with_member

TOKENS = {"sdm": "tok-sdm-123", "sda": "tok-sda-789"}
ADMIN = "tok-admin-000"

_illustrative = cache(build_illustrative_catalog)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example plan (beside its axis file) and follow-ups of 2026-S1."""
    folder = tmp_path_factory.mktemp("plan")
    catalog = _illustrative()
    write_axes_file(catalog, folder / "ejes_indicadores.csv")
    return {"plan": write_plan(catalog, folder / "plan_de_accion.xlsx"),
            "xlsb": write_followup(catalog, folder / "seguimiento.xlsb"),
            "xlsx": write_followup(catalog, folder / "seguimiento.xlsx")}


@pytest.fixture
def api(monkeypatch, store_url, tmp_path, example):
    """The API on an empty store that the plan seeds on first use."""
    monkeypatch.setenv("DATABASE_URL", store_url)
    monkeypatch.setenv("BOGOTA_TI_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("BOGOTA_TI_MATRIX", str(example["plan"]))
    monkeypatch.setenv("BOGOTA_TI_TOKENS", ",".join(f"{e}:{t}" for e, t in TOKENS.items()))
    monkeypatch.setenv("BOGOTA_TI_ADMIN_TOKEN", ADMIN)
    repository.clear_cache()
    from app.routes.api import blueprint

    app = Flask(__name__)
    app.register_blueprint(blueprint)
    yield app.test_client()
    repository.clear_cache()


def auth(entity: str = "sdm") -> dict:
    return {"Authorization": f"Bearer {ADMIN if entity == 'admin' else TOKENS[entity]}"}


def upload(client, content: bytes, name: str, entity: str = "sdm", query: str = ""):
    return client.post(f"/api/reportes{query}", headers=auth(entity),
                       data={"archivo": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def sdm_rows() -> list[FollowRow]:
    """6.1.1 (sdm, quarterly) with 2025 reported; 6.1.3 (sdm, annual) with 2025-T4."""
    return [FollowRow("6.1.1", values={(2025, q): 150 + 10 * q for q in (1, 2, 3, 4)},
                      texts={(2025, q): "Intersecciones intervenidas." for q in (1, 2, 3, 4)},
                      year=2025, cut="Q4"),
            FollowRow("6.1.3", values={(2025, 4): 58}, texts={(2025, 4): "Encuesta anual."},
                      year=2025, cut="Q4")]


def test_a_plan_seeds_the_store_without_the_illustrative_flag(api, example):
    version = api.get("/api/version").get_json()
    assert version["illustrative"] is False and "ilustrativos" not in version["label"]
    body = api.get("/api/catalogo").get_json()
    counts = read_plan(example["plan"]).catalog.counts()
    assert len(body["indicadores"]) == counts["product_indicators"] == 46
    assert len(body["resultados"]) == counts["result_indicators"] == 7
    assert len(body["productos"]) == counts["products"] == 36
    assert repository.get_catalog().reports.empty


@pytest.mark.parametrize("fmt", ["xlsb", "xlsx"])
def test_the_sdp_follow_up_publishes_and_the_dashboard_sees_it(api, example, fmt):
    content = example[fmt].read_bytes()
    preview = upload(api, content, f"seguimiento.{fmt}", "admin", "?vista_previa=1")
    assert preview.status_code == 200, preview.get_json()
    assert preview.get_json()["resumen"]["new"] == 365
    response = upload(api, content, f"seguimiento.{fmt}", "admin")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["version_id"] == 2 and body["rows_received"] == 365
    catalog = repository.get_catalog()  # no restart
    assert catalog.version.version_id == 2 and len(catalog.reports) == 365
    last = catalog.reports.sort_values(["year", "quarter"]).iloc[-1]
    assert (last["year"], last["quarter"]) == (2026, 2)  # the follow-up of 2026-S1


def test_an_entity_publishes_its_own_follow_up_rows(api):
    response = upload(api, followup_book(sdm_rows(), "xlsb"), "seguimiento_sdm.xlsb")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["entity_id"] == "sdm"
    reports = repository.get_catalog().reports.set_index(["code", "year", "quarter"])
    assert reports.loc[("6.1.1", 2025, 3), "value"] == 180.0


def test_differences_with_the_district_are_in_the_preview(api):
    rows = sdm_rows()
    rows[0].pct_final = {2025: 0.9}
    response = upload(api, followup_book(rows, "xlsb"), "s.xlsb", query="?vista_previa=1")
    assert response.status_code == 200
    notes = [w["message"] for w in response.get_json()["advertencias"]]
    assert any("indicador 6.1.1, «% meta final» en 2025-T4: el Distrito registra 90,00 %" in n
               for n in notes), notes


def _damaged():
    rows = sdm_rows()
    other = [*rows, FollowRow("5.1.1", values={(2025, 1): 40}, year=2025, cut="Q4")]
    ahead = _next_quarter()
    future = [FollowRow("6.1.1", values={ahead: 5}, year=ahead[0], cut=f"Q{ahead[1]}")]
    unknown = [FollowRow("9.9.1", values={(2025, 1): 5})]
    words = sdm_rows()
    words[0].values[(2025, 2)] = "ciento sesenta"
    good = followup_book(rows, "xlsb")
    return [
        ("other entity", followup_book(other, "xlsb"), "s.xlsb", 403, "está a cargo de", "B8"),
        ("future quarter", followup_book(future, "xlsb"), "s.xlsb", 422, "aún no termina",
         f"{_col(*ahead)}6"),
        ("not in the plan", followup_book(unknown, "xlsx"), "s.xlsx", 422,
         "no está en el plan de acción", "B6"),
        ("value in words", followup_book(words, "xlsb"), "s.xlsb", 422, "no es un número",
         f"{_col(2025, 2)}6"),
        ("macros", with_member(good, "xl/vbaProject.bin", b"x"), "s.xlsb", 422, "macros",
         None),
        ("truncated", good[:len(good) // 2], "s.xlsb", 422, "dañad", None),
    ]


def _next_quarter() -> tuple[int, int]:
    """The quarter after the one running today in Bogotá (it has not ended)."""
    from data.method import PERIODS, cut_of_date
    from data.store.write import today_bogota

    index = cut_of_date(today_bogota()).index + 2
    if index >= len(PERIODS):
        pytest.skip("el plan terminó: no hay trimestres futuros")
    return PERIODS[index].year, PERIODS[index].quarter


def _col(year: int, quarter: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(value_column(year, quarter))


def test_every_damaged_follow_up_is_refused_and_writes_nothing(api):
    engine = repository.get_engine()
    before = dump_store(engine)
    for label, content, name, status, fragment, cell in _damaged():
        response = upload(api, content, name)
        body = response.get_json()
        assert response.status_code == status, (label, body)
        assert any(fragment in e["message"] for e in body["errores"]), (label, body)
        if cell is not None:
            assert any(e["message"].startswith(f"hoja «Avance Cuantitativo», celda {cell}: ")
                       for e in body["errores"]), (label, body)
        assert dump_store(engine) == before, label
    assert api.get("/api/version").get_json()["version_id"] == 1


def test_the_upload_page_takes_the_same_path(api):
    from callbacks.upload import check_upload

    content = followup_book(sdm_rows(), "xlsb")
    data_url = "data:application/octet-stream;base64," + base64.b64encode(content).decode()
    check = check_upload(TOKENS["sdm"], data_url, "seguimiento.xlsb")
    assert check.ok, check.errors
    assert check.summary == {"new": 5, "changed": 0, "same": 0}
    refused = check_upload(TOKENS["sda"], data_url, "seguimiento.xlsb")
    assert not refused.ok and refused.errors[0]["message"].startswith(
        "hoja «Avance Cuantitativo», celda B6: ")


def test_healthz_counts_match_the_plan(app_cache, monkeypatch, tmp_path, example):
    from app.routes.health import blueprint

    monkeypatch.setenv("BOGOTA_TI_MATRIX", str(example["plan"]))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'plan.sqlite'}")
    repository.clear_cache()
    try:
        app = Flask(__name__)
        app.register_blueprint(blueprint)
        body = app.test_client().get("/healthz").get_json()
    finally:
        repository.clear_cache()
    assert body["counts"] == {"localities": 20, **read_plan(example["plan"]).catalog.counts()}
    assert body["illustrative"] is False and "ilustrativos" not in body["data_version"]

