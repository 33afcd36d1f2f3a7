"""``GET /plantillas/seguimiento.xlsx`` on a minimal Flask app (the illustrative store)."""

from __future__ import annotations

import io
from datetime import date
from functools import cache

import openpyxl
import pytest
from flask import Flask

from data import repository
from data.illustrative import build_illustrative_catalog
from data.reports import parse_report, preview_changes

_illustrative = cache(build_illustrative_catalog)


@pytest.fixture
def client(monkeypatch, tmp_path):
    import data.illustrative

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tablero.sqlite'}")
    monkeypatch.setenv("BOGOTA_TI_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("BOGOTA_TI_MATRIX", raising=False)
    monkeypatch.setattr(data.illustrative, "build_illustrative_catalog", _illustrative)
    repository.clear_cache()
    from app.routes.templates import blueprint

    app = Flask(__name__)
    app.register_blueprint(blueprint)
    yield app.test_client()
    repository.clear_cache()


def test_an_entity_gets_its_template(client):
    response = client.get("/plantillas/seguimiento.xlsx?entidad=sdm&anio=2026")
    assert response.status_code == 200
    assert response.mimetype == ("application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet")
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="seguimiento_sdm_2026.xlsx"'
    assert response.headers["Cache-Control"] == "no-store"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:2] == ["Instrucciones", "Reporte trimestral"]
    catalog = repository.get_catalog()
    parsed = parse_report(response.data, "plantilla.xlsx", catalog, "sdm",
                          today=date(2026, 11, 5))
    assert set(preview_changes(catalog, parsed)["change"]) == {"same"}


def test_without_entity_every_entity(client):
    response = client.get("/plantillas/seguimiento.xlsx?anio=2025")
    assert response.status_code == 200
    assert 'filename="seguimiento_todas_2025.xlsx"' in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["Reporte trimestral"]
    codes = {row[0] for row in sheet.iter_rows(min_row=6, values_only=True) if row[0]}
    assert len(codes) == 44 + 7  # indicators in force and results


def test_the_default_year_is_the_last_quarter_ended(client):
    from data.method import cut_of_date
    from data.store.write import today_bogota

    response = client.get("/plantillas/seguimiento.xlsx?entidad=SDM")
    year = cut_of_date(today_bogota()).year
    assert f'filename="seguimiento_sdm_{year}.xlsx"' in response.headers["Content-Disposition"]


@pytest.mark.parametrize("query, status, fragment", [
    ("entidad=sdx", 404, "La entidad «sdx» no existe en el catálogo; use uno de estos "
                         "identificadores: scj, scrd, sda"),
    ("entidad=sdm&anio=2040", 400, "«anio=2040» no es un año de la política"),
    ("entidad=sdm&anio=dos", 400, "«anio=dos» no es un año de la política"),
    ("entity=sdm", 400, "Parámetros no reconocidos: entity"),
])
def test_bad_requests_say_what_to_do(client, query, status, fragment):
    response = client.get(f"/plantillas/seguimiento.xlsx?{query}")
    assert response.status_code == status
    assert fragment in response.get_json()["error"]
