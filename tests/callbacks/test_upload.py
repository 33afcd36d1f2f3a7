"""The upload page's logic, tested as plain functions on a temporary store."""

from __future__ import annotations

import base64
import threading
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


# ---------------------------------------------------------------- publishing once


def test_each_preview_draws_its_own_idempotency_key(store):
    contents = report(f"{own_product()},2026,3,01,5,x")
    first = check_upload(TOKEN, contents, "a.csv").pending["key"]
    second = check_upload(TOKEN, contents, "a.csv").pending["key"]
    assert first and second and first != second


def test_a_double_confirmation_publishes_once(store):
    contents = report(f"{own_product()},2026,3,06,7,Avance")
    pending = check_upload(TOKEN, contents, "a.csv").pending
    published, message = confirm_upload(TOKEN, contents, "a.csv", "", pending)
    assert published and message == _published_message(store)
    published, message = confirm_upload(TOKEN, contents, "a.csv", "", pending)
    assert published and "ya quedó publicado como versión v2" in message
    assert [v.version_id for v in list_versions(store)] == [2, 1]


def _published_message(store) -> str:
    record = list_versions(store)[0]
    return (f"Publicado como versión v{record.version_id} (corte "
            f"{record.cutoff_date.isoformat()}): {record.rows_added} valores nuevos y "
            f"{record.rows_changed} cambiados. El tablero ya muestra esta versión.")


def test_simultaneous_confirmations_publish_once(store):
    contents = report(f"{own_product()},2026,3,07,2,Avance")
    pending = check_upload(TOKEN, contents, "a.csv").pending
    barrier = threading.Barrier(3)
    outcomes = []

    def confirm() -> None:
        barrier.wait()
        outcomes.append(confirm_upload(TOKEN, contents, "a.csv", "", pending))

    threads = [threading.Thread(target=confirm) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [published for published, _ in outcomes] == [True] * 3
    assert sum("ya quedó publicado" in message for _, message in outcomes) == 2
    assert [v.version_id for v in list_versions(store)] == [2, 1]


@pytest.mark.parametrize("note", ["tercer\x00trimestre", "alerta\x1b[31m", "nota\u202e"])
def test_a_note_with_control_characters_is_refused(store, note):
    contents = report(f"{own_product()},2026,3,08,2,Avance")
    pending = check_upload(TOKEN, contents, "a.csv").pending
    before = dump_store(store)
    published, message = confirm_upload(TOKEN, contents, "a.csv", note, pending)
    assert not published and "La nota tiene un carácter de control" in message
    assert dump_store(store) == before


def test_a_file_name_with_control_characters_is_refused(store):
    check = check_upload(TOKEN, report(f"{own_product()},2026,3,09,2,Avance"), "a\x00.csv")
    assert not check.ok and "El nombre del archivo tiene un carácter de control" in check.message
    assert check.pending is None


def test_page_warns_while_the_store_is_down(store, tmp_path):
    import os

    from callbacks.upload import UPLOAD_STORE_NOTICE, upload_layout
    from data.store import make_engine
    from tests.support import texts

    assert UPLOAD_STORE_NOTICE not in str(upload_layout())
    garbage = tmp_path / "basura.sqlite"
    garbage.write_bytes(os.urandom(4096))
    working, broken = repository._engine, make_engine(f"sqlite:///{garbage}")
    repository._engine = broken
    repository.refresh()
    try:
        page = upload_layout()
        assert any("El almacén de datos no responde" in t for t in texts(page))
        contents = report(f"{own_product()},2026,3,10,2,Avance")
        pending = check_upload(TOKEN, contents, "a.csv").pending  # checked on the last data
        published, message = confirm_upload(TOKEN, contents, "a.csv", "", pending)
        assert not published and "no responde" in message
    finally:
        repository._engine = working
        broken.dispose()


def test_a_server_without_tokens_says_so_plainly(monkeypatch):
    from callbacks.upload import UPLOAD_TOKENS_NOTICE, tokens_notice
    from tests.support import texts

    assert tokens_notice() is None  # this server has tokens
    monkeypatch.delenv("BOGOTA_TI_TOKENS")
    notice = tokens_notice()
    assert notice.id == UPLOAD_TOKENS_NOTICE
    words = " ".join(texts(notice))
    assert "todavía no recibe reportes" in words and "BOGOTA_TI_TOKENS" in words


def test_the_page_offers_each_entitys_template():
    from callbacks.upload import template_links

    links = [node for node in template_links()._traverse() if type(node).__name__ == "A"]
    hrefs = [a.href for a in links]
    assert "/plantillas/seguimiento.xlsx?entidad=sdm" in hrefs
    assert hrefs[-1] == "/plantillas/seguimiento.xlsx"
    assert len(links) == len(_illustrative().entities) + 1


def test_upload_messages_speak_of_indicators_not_of_api_routes():
    other = _illustrative().indicators
    code = other.loc[other["entity_id"] == "sda", "code"].iloc[0]
    check = check_upload(TOKEN, report(f"{code},2025,1,01,5,ok", "9.9.9,2025,1,01,5,ok"),
                         "a.csv")
    messages = " ".join(e["message"] for e in check.errors)
    assert "plantilla de su entidad" in messages and "/api/" not in messages
