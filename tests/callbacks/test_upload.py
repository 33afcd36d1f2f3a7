"""The upload page's logic, tested as plain functions on a temporary store."""

from __future__ import annotations

import base64
from functools import cache

import pytest

from callbacks.upload import (
    check_upload,
    confirm_upload,
    decode_contents,
    render_check,
)
from data import repository
from data.illustrative import build_illustrative_catalog
from data.store import dump_store, list_versions

TOKEN = "tok-sdm-123"
_illustrative = cache(build_illustrative_catalog)


@pytest.fixture(autouse=True)
def store(monkeypatch, tmp_path):
    import data.illustrative

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tablero.sqlite'}")
    monkeypatch.setenv("BOGOTA_TI_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("BOGOTA_TI_MATRIX", raising=False)
    monkeypatch.setenv("BOGOTA_TI_TOKENS", f"sdm:{TOKEN},sda:tok-sda")
    monkeypatch.delenv("BOGOTA_TI_ADMIN_TOKEN", raising=False)
    monkeypatch.setattr(data.illustrative, "build_illustrative_catalog", _illustrative)
    repository.clear_cache()
    yield repository.get_engine()
    repository.clear_cache()


def data_url(text: str) -> str:
    return "data:text/csv;base64," + base64.b64encode(text.encode()).decode()


def own_product() -> str:
    """An indicator of SDM reported by locality (the token's entity)."""
    ind = _illustrative().indicators
    return ind.loc[(ind["entity_id"] == "sdm") & ind["by_locality"] & ind["in_force"],
                   "code"].iloc[0]


def report(*lines: str) -> str:
    return data_url("\n".join(["codigo,anio,trimestre,localidad,valor,texto", *lines]))


def test_decode_contents():
    assert decode_contents(data_url("abc")) == b"abc"
    assert decode_contents("sin coma") is None
    assert decode_contents("data:x;base64,@@@") is None
    assert decode_contents(None) is None


@pytest.mark.parametrize("token, message", [
    ("", "Escriba el token"),
    ("otro", "no es válido"),
])
def test_token_is_checked_first(store, token, message):
    check = check_upload(token, report(f"{own_product()},2025,1,01,5,ok"), "a.csv")
    assert not check.ok and message in check.message and check.pending is None


def test_errors_are_listed_and_nothing_is_written(store):
    before = dump_store(store)
    check = check_upload(TOKEN, report(f"{own_product()},2040,1,01,-5,x"), "a.csv")
    assert not check.ok and "2 problemas" in check.message
    assert {(e["row"], e["column"]) for e in check.errors} == {(2, "anio"), (2, "valor")}
    assert render_check(check)  # alert + table
    assert dump_store(store) == before


def test_preview_then_confirm_publishes(store):
    contents = report(f"{own_product()},2026,3,05,1,Avance del trimestre",
                      f"{own_product()},2026,3,17,1234.5,Avance")
    check = check_upload(TOKEN, contents, "a.csv")
    assert check.ok, check.errors
    assert check.summary["new"] + check.summary["changed"] == 2
    assert check.pending["base_version"] == 1
    assert [p["nuevo"] for p in check.preview] == ["1", "1.234,5"]
    assert check.preview[0]["periodo"] == "2026-T3" and check.preview[0]["texto"]
    published, message = confirm_upload(TOKEN, contents, "a.csv", "tercer trimestre",
                                        check.pending)
    assert published and "v2" in message
    record = list_versions(store)[0]
    assert (record.version_id, record.entity_id, record.note) == (2, "sdm", "tercer trimestre")
    assert repository.get_catalog().version.version_id == 2


def test_confirm_after_another_publication_is_a_conflict(store):
    contents = report(f"{own_product()},2026,3,01,5,texto")
    check = check_upload(TOKEN, contents, "a.csv")
    assert confirm_upload(TOKEN, report(f"{own_product()},2026,3,03,5,texto"), "b.csv", "",
                          check_upload(TOKEN, report(f"{own_product()},2026,3,03,5,texto"),
                                       "b.csv").pending)[0]
    before = dump_store(store)
    published, message = confirm_upload(TOKEN, contents, "a.csv", "", check.pending)
    assert not published and "la versión vigente es v2" in message
    assert dump_store(store) == before


def test_confirm_refuses_a_changed_file(store):
    check = check_upload(TOKEN, report(f"{own_product()},2026,3,01,5,x"), "a.csv")
    published, message = confirm_upload(TOKEN, report(f"{own_product()},2026,3,01,6,x"),
                                        "a.csv", "", check.pending)
    assert not published and "cambió desde la vista previa" in message
    assert [v.version_id for v in list_versions(store)] == [1]


def test_a_late_report_without_a_written_account_is_warned_before_publishing(store):
    check = check_upload(TOKEN, report(f"{own_product()},2026,3,08,0,"), "a.csv")
    assert check.ok and check.warnings
    assert any("justificación" in w["message"] or "texto" in w["message"]
               for w in check.warnings)
    rendered = str(render_check(check))
    assert "Advertencias" in rendered
