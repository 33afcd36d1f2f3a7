"""The JSON API on a minimal Flask app (only the API blueprint), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import os
import threading
from functools import cache

import pytest
from flask import Flask

from data import repository
from data.illustrative import build_illustrative_catalog
from data.store import dump_store, list_versions
from tests.report_files import HEADER, csv_bytes, with_member, xlsx_bytes

TOKENS = {"sdm": "tok-sdm-123", "sg-actic": "tok-tic-456", "sda": "tok-sda-789"}
ADMIN = "tok-admin-000"


#: Built once per session: the repository seeds every fresh store with it.
_illustrative = cache(build_illustrative_catalog)


@pytest.fixture
def api(monkeypatch, store_url, tmp_path):
    """Test client of a Flask app with only the API, on an empty store (seeded on use)."""
    import data.illustrative

    monkeypatch.setenv("DATABASE_URL", store_url)
    monkeypatch.setenv("BOGOTA_TI_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("BOGOTA_TI_MATRIX", raising=False)
    monkeypatch.setenv("BOGOTA_TI_TOKENS", ",".join(f"{e}:{t}" for e, t in TOKENS.items()))
    monkeypatch.setenv("BOGOTA_TI_ADMIN_TOKEN", ADMIN)
    monkeypatch.setattr(data.illustrative, "build_illustrative_catalog", _illustrative)
    repository.clear_cache()
    from app.routes.api import blueprint

    app = Flask(__name__)
    app.register_blueprint(blueprint)
    yield app.test_client()
    repository.clear_cache()


@pytest.fixture
def products():
    """Indicator codes of the illustrative catalog by role in these tests."""
    i = _illustrative().indicators
    i = i[i["in_force"] & (i["periodicity"] == "trimestral")]
    own = i[(i["entity_id"] == "sdm") & i["by_locality"]]
    return {
        "own": own["code"].iloc[0],
        "own2": own["code"].iloc[1],
        "other": i.loc[i["entity_id"] == "sda", "code"].iloc[0],
        "city": i.loc[(i["entity_id"] == "sdm") & ~i["by_locality"], "code"].iloc[0]
        if ((i["entity_id"] == "sdm") & ~i["by_locality"]).any() else own["code"].iloc[0],
    }


def gaps(code: str, n: int) -> list[str]:
    """``n`` CSV lines for ``code`` in places and quarters the illustrative data leaves blank."""
    reports = _illustrative().reports
    done = set(zip(*(reports.loc[reports["code"] == code, k]
                     for k in ("year", "quarter", "locality_code")), strict=True))
    free = [(y, q, f"{p:02d}") for y in (2023, 2024, 2025) for q in (1, 2, 3, 4)
            for p in range(1, 21) if (y, q, f"{p:02d}") not in done]
    return [f"{code},{y},{q},{p},{k + 1},Avance," for k, (y, q, p) in enumerate(free[:n])]


def auth(entity: str = "sdm") -> dict:
    token = ADMIN if entity == "admin" else TOKENS[entity]
    return {"Authorization": f"Bearer {token}"}


def upload(client, content: bytes, name: str = "avance.csv", headers=None, query="",
           **form):
    data = {"archivo": (io.BytesIO(content), name), **form}
    return client.post(f"/api/reportes{query}", data=data, headers=headers or auth(),
                       content_type="multipart/form-data")


# ---------------------------------------------------------------- read


def test_catalog_lists_the_ids_an_entity_needs(api):
    body = api.get("/api/catalogo").get_json()
    assert [len(body[k]) for k in ("ejes", "objetivos", "resultados", "productos",
                                   "indicadores", "entidades")] == [6, 7, 7, 36, 46, 14]
    indicator = body["indicadores"][0]
    assert {"codigo", "producto", "indicador", "unidad", "tipo_anualizacion", "periodicidad",
            "entidad", "eje", "vigente"} <= set(indicator)
    assert {"producto", "nombre", "resultado"} == set(body["productos"][0])
    assert body["localidades"][:2] == ["00", "01"] and len(body["localidades"]) == 21
    assert body["formato_reporte"]["obligatorias"] == ["codigo", "anio", "trimestre",
                                                       "localidad", "valor"]
    assert body["version"]["illustrative"] is True


def test_catalog_is_revalidated_by_version(api):
    first = api.get("/api/catalogo")
    etag = first.headers["ETag"]
    assert api.get("/api/catalogo", headers={"If-None-Match": etag}).status_code == 304


def test_version_reports_id_and_cutoff(api):
    body = api.get("/api/version").get_json()
    assert body["version_id"] == 1 and body["cutoff_date"] == "2026-10-31"
    assert body["illustrative"] is True and body["label"].startswith("v1 · corte 2026-T3")


# ---------------------------------------------------------------- auth


@pytest.mark.parametrize("headers, fragment", [
    ({}, "Falta el token"),
    ({"Authorization": "Bearer equivocado"}, "Token inválido"),
    ({"Authorization": f"Basic {TOKENS['sdm']}"}, "Token inválido"),
    ({"Authorization": "Bearer "}, "Token inválido"),
])
def test_upload_without_a_valid_token_is_401(api, products, headers, fragment):
    before = dump_store(repository.get_engine())
    response = api.post("/api/reportes", headers=headers, data={
        "archivo": (io.BytesIO(csv_bytes(f"{products['own']},2026,3,01,5,,")), "a.csv")})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert fragment in response.get_json()["error"]
    assert dump_store(repository.get_engine()) == before


def test_product_of_another_entity_is_403(api, products):
    before = dump_store(repository.get_engine())
    response = upload(api, csv_bytes(f"{products['own']},2026,3,01,5,,",
                                     f"{products['other']},2026,3,01,5,,"))
    assert response.status_code == 403
    errors = response.get_json()["errores"]
    assert [(e["row"], e["column"], e["value"]) for e in errors] == [
        (3, "codigo", products["other"])]
    assert "(sda), no de" in errors[0]["message"]
    assert dump_store(repository.get_engine()) == before


# ---------------------------------------------------------------- publish


def test_valid_upload_is_published_as_the_next_version(api, products):
    own = products["own"]
    response = upload(api, csv_bytes(f"{own},2026,3,01,123.5,Meta cumplida,2026-11-20",
                                     f"{products['city']},2026,3,,77,,"), nota="Corte nov.")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["version_id"] == 2 and body["entity_id"] == "sdm"
    assert body["source_name"] == "avance.csv" and len(body["source_sha256"]) == 64
    assert body["note"] == "Corte nov." and body["rows_received"] == 2
    assert response.headers["Location"] == "/api/versiones/2"
    assert api.get("/api/version").get_json()["version_id"] == 2
    assert [v["version_id"] for v in api.get("/api/versiones").get_json()["versiones"]] == \
        [2, 1]
    catalog = repository.get_catalog()  # the dashboard sees it without a restart
    assert catalog.version.version_id == 2
    reports = catalog.reports.set_index(["code", "year", "quarter", "locality_code"])
    assert reports.loc[(own, 2026, 3, "01"), "value"] == 123.5
    assert reports.loc[(own, 2026, 3, "01"), "text"] == "Meta cumplida"


def test_xlsx_upload(api, products):
    code, year, quarter, place, *_ = gaps(products["own"], 1)[0].split(",")
    content = xlsx_bytes([["codigo", "anio", "trimestre", "localidad", "valor", "texto"],
                          [code, int(year), int(quarter), int(place), 10, "Avance"]])
    response = upload(api, content, "avance.xlsx")
    assert response.status_code == 201 and response.get_json()["rows_added"] == 1


def test_preview_publishes_nothing(api, products):
    engine = repository.get_engine()
    current = repository.get_catalog().reports
    row = current[(current["code"] == products["own"]) & (current["locality_code"] != "00")
                  & (current["quarter"] == 3) & (current["year"] == 2026)].iloc[0]
    before = dump_store(engine)
    response = upload(api, csv_bytes(
        f"{row.code},{row.year},{row.quarter},{row.locality_code},{row.value + 1},{row.text},",
        *gaps(products["own2"], 1)), query="?vista_previa=1")
    assert response.status_code == 200
    body = response.get_json()
    assert body["resumen"] == {"new": 1, "changed": 1, "same": 0}
    assert body["version_base"] == 1
    changed = [c for c in body["cambios"] if c["cambio"] == "changed"][0]
    assert changed["valor_anterior"] == row.value and changed["valor_nuevo"] == row.value + 1
    assert dump_store(engine) == before


def test_stale_preview_base_is_a_409_conflict(api, products):
    line = f"{products['own']},2026,3,02,9,,"
    assert upload(api, csv_bytes(line), version_base="1").status_code == 201
    before = dump_store(repository.get_engine())
    response = upload(api, csv_bytes(line), version_base="1")
    assert response.status_code == 409
    assert "la versión vigente es v2" in response.get_json()["error"]
    assert dump_store(repository.get_engine()) == before


def test_concurrent_uploads_land_as_consecutive_versions(api, products):
    repository.get_engine()  # seed before the race
    app = api.application
    statuses = []
    barrier = threading.Barrier(6)

    lines = gaps(products["own"], 6)

    def send(n: int) -> None:
        barrier.wait()
        response = upload(app.test_client(), csv_bytes(lines[n]), name=f"hilo{n}.csv")
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 6
    versions = list_versions(repository.get_engine())
    assert [v.version_id for v in versions] == list(range(7, 0, -1))
    assert sorted(v.source_name for v in versions[:6]) == [f"hilo{n}.csv" for n in range(6)]
    assert [v.rows_total for v in reversed(versions[:6])] == \
        [versions[-1].rows_total + n for n in range(1, 7)]


# ---------------------------------------------------------------- bad input: nothing written


def _bad_inputs(p):
    own, other = p["own"], p["other"]
    head = ["codigo", "anio", "trimestre", "localidad", "valor"]
    tiny_xlsx = xlsx_bytes([head, [own, 2026, 3, 1, 1]])
    return [
        ("avance.txt", csv_bytes(f"{own},2026,3,01,1,,"), 422, "extensión «.txt» no aceptada"),
        ("avance.xlsx", csv_bytes(f"{own},2026,3,01,1,,"), 422, "no es un libro .xlsx"),
        ("avance.csv", tiny_xlsx, 422, "no es texto CSV"),
        ("avance.csv", b"", 422, "vacío"),
        ("avance.csv", HEADER.encode(), 422, "no tiene filas de datos"),
        ("avance.xlsx", with_member(tiny_xlsx, "xl/media/z.bin", b"\0" * 4_000_000), 422,
         "bomba zip"),
        ("avance.xlsx", with_member(tiny_xlsx, "xl/vbaProject.bin", b"x"), 422, "macros"),
        ("avance.xlsm", tiny_xlsx, 422, "macros"),
        ("avance.csv", f"codigo,anio,trimestre,localidad\n{own},2026,3,01".encode(), 422,
         "falta la columna obligatoria «valor»"),
        ("avance.csv", f"codigo,anio,trimestre,localidad,value\n{own},2026,3,01,1".encode(), 422,
         "columna no reconocida"),
        ("avance.csv", csv_bytes("9.9.9,2026,3,01,1,,"), 422, "no es el código"),
        ("avance.csv", csv_bytes(f"{own},2026,3,21,1,,"), 422, "código de localidad inválido"),
        ("avance.csv", csv_bytes(f"{other},2026,3,01,1,,"), 403, "a cargo de"),
        ("avance.csv", csv_bytes(f"{own},2026,3,01,mucho,,"), 422, "no es un número"),
        ("avance.csv", csv_bytes(f"{own},2026,3,01,-4,,"), 422, "no puede ser negativo"),
        ("avance.csv", csv_bytes(f"{own},2019,3,01,1,,"), 422, "entre 2023 y 2032"),
        ("avance.csv", csv_bytes(f"{own},2026,3,01,1,,", f"{own},2026,3,1,2,,"), 422, "repetido"),
        ("avance.csv", csv_bytes(f"{own},2026,3,01,=A1*2,,"), 422, "fórmula"),
        ("avance.xlsx", xlsx_bytes([head, [own, 2026, 3, 1, "=1+1"]]), 422, "fórmula"),
        ("avance.csv", b"\x89PNG\r\n\x1a\n\x00\x00", 422, "no es texto CSV"),
    ]


def test_every_bad_input_is_refused_and_writes_nothing(api, products):
    engine = repository.get_engine()
    before = dump_store(engine)
    for name, content, status, fragment in _bad_inputs(products):
        response = upload(api, content, name)
        body = response.get_json()
        assert response.status_code == status, (name, fragment, body)
        assert body["errores"], name
        assert all(set(e) == {"row", "column", "value", "message", "warning"}
                   for e in body["errores"])
        assert any(fragment in e["message"] for e in body["errores"]), (fragment, body)
        assert dump_store(engine) == before, fragment
    assert api.get("/api/version").get_json()["version_id"] == 1


@pytest.mark.parametrize("extra", [100, 1024 * 1024])  # caught by the file / request size
def test_file_over_10_mb_is_413(api, products, extra):
    before = dump_store(repository.get_engine())
    line = f"{products['own']},2026,3,01,1,,\n".encode()
    big = csv_bytes() + b"\n" + line * ((10 * 1024 * 1024 + extra) // len(line))
    assert len(big) > 10 * 1024 * 1024
    response = upload(api, big)
    assert response.status_code == 413
    assert "10 MB" in response.get_json()["error"]
    assert dump_store(repository.get_engine()) == before


def test_missing_file_field_is_400(api):
    response = api.post("/api/reportes", headers=auth(), data={"otro": "x"})
    assert response.status_code == 400 and "«archivo»" in response.get_json()["error"]


@pytest.mark.parametrize("seed", range(6))
def test_random_bytes_never_give_a_500(api, seed):
    content = os.urandom(200 + 50 * seed)
    for name in ("a.csv", "a.xlsx"):
        assert upload(api, content, name).status_code in (400, 403, 413, 422)


# ---------------------------------------------------------------- administration


def test_admin_token_may_report_any_product(api, products):
    response = upload(api, csv_bytes(f"{products['other']},2026,3,01,3,ok,"),
                      headers=auth("admin"))
    assert response.status_code == 201 and response.get_json()["published_by"] == "admin"


def test_restore_needs_the_lead_entity_or_admin(api, products):
    assert upload(api, csv_bytes(f"{products['own']},2026,3,01,999,,")).status_code == 201
    url = "/api/versiones/1/restaurar"
    assert api.post(url).status_code == 401
    refused = api.post(url, headers=auth("sdm"))
    assert refused.status_code == 403 and "Alta Consejería" in refused.get_json()["error"]
    response = api.post(url, headers=auth("sg-actic"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["version_id"] == 3 and body["restored_from"] == 1
    assert api.post("/api/versiones/2/restaurar", headers=auth("admin")).status_code == 201
    assert api.post("/api/versiones/99/restaurar", headers=auth("admin")).status_code == 404
    assert api.get("/api/versiones/99").status_code == 404
    assert api.get("/api/versiones/3").get_json()["kind"] == "restauracion"


# ---------------------------------------------------------------- store down: JSON 503


@pytest.fixture
def store_down(api, outage, monkeypatch):
    """The API's store seeded, then taken down (SQLite file garbage, PostgreSQL refusing)."""
    monkeypatch.setenv("DATABASE_URL", outage.url)
    repository.clear_cache()
    repository.get_catalog()
    outage.down(repository.get_engine())
    repository.refresh()
    return outage


@pytest.mark.parametrize("method, path, entity", [
    ("get", "/api/version", None),
    ("get", "/api/versiones", None),
    ("get", "/api/versiones/1", None),
    ("post", "/api/reportes", "sdm"),
    ("post", "/api/versiones/1/restaurar", "admin"),
])
def test_store_down_answers_json_503_with_retry_after(api, products, store_down, method,
                                                      path, entity):
    if path == "/api/reportes":
        response = upload(api, csv_bytes(f"{products['own']},2026,3,01,5,,"),
                          headers={**auth(entity), "Idempotency-Key": "k-503"})
    else:
        response = getattr(api, method)(path, headers=auth(entity) if entity else {})
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.is_json and int(response.headers["Retry-After"]) > 0
    assert "no responde" in response.get_json()["error"]


def test_catalog_is_still_served_while_the_store_is_down(api, store_down):
    response = api.get("/api/catalogo")
    assert response.status_code == 200
    assert response.get_json()["version"]["version_id"] == 1
    assert repository.store_status().available is False


# ---------------------------------------------------------------- hostile form fields


def test_a_second_file_in_archivo_is_400(api, products):
    before = dump_store(repository.get_engine())
    line = csv_bytes(f"{products['own']},2026,3,01,5,,")
    response = api.post("/api/reportes", headers=auth(), content_type="multipart/form-data",
                        data={"archivo": [(io.BytesIO(line), "a.csv"),
                                          (io.BytesIO(line), "b.csv")]})
    assert response.status_code == 400
    assert "se acepta uno por envío" in response.get_json()["error"]
    assert dump_store(repository.get_engine()) == before


@pytest.mark.parametrize("name, note, fragment", [
    ("ava\x00nce.csv", "", "El nombre del archivo tiene un carácter de control (U+0000"),
    ("avance\x1b[31m.csv", "", "U+001B"),
    ("avance\u202eslx.csv", "", "U+202E"),
    ("avance.csv", "corte\x00nov", "La nota tiene un carácter de control (U+0000"),
    ("avance.csv", "alerta\x07", "U+0007"),
])
def test_control_characters_in_name_or_note_are_422(api, products, name, note, fragment):
    before = dump_store(repository.get_engine())
    response = upload(api, csv_bytes(f"{products['own']},2026,3,01,5,,"), name, nota=note)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert fragment in body["error"]
    assert "\x00" not in body["errores"][0]["value"]
    assert dump_store(repository.get_engine()) == before


def test_a_note_with_line_breaks_is_kept(api, products):
    response = upload(api, csv_bytes(f"{products['own']},2026,3,01,5,,"),
                      nota="Corte de noviembre.\r\nRevisado por la oficina.")
    assert response.status_code == 201
    assert response.get_json()["note"] == "Corte de noviembre.\r\nRevisado por la oficina."


# ---------------------------------------------------------------- Idempotency-Key


def test_a_retried_publication_with_the_same_key_is_replayed(api, products):
    content = csv_bytes(f"{products['own']},2026,3,04,12,Avance,")
    headers = {**auth(), "Idempotency-Key": "0b6f3c1e-reintento"}
    first = upload(api, content, headers=headers, version_base="1")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    before = dump_store(repository.get_engine())
    again = upload(api, content, headers=headers, version_base="1")
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert dump_store(repository.get_engine()) == before
    other = upload(api, content, headers={**auth("admin"), "Idempotency-Key":
                                          "0b6f3c1e-reintento"})  # another caller's key
    assert other.status_code == 201 and other.get_json()["version_id"] == 3


def test_the_same_key_with_another_file_is_422(api, products):
    headers = {**auth(), "Idempotency-Key": "clave-1"}
    assert upload(api, csv_bytes(f"{products['own']},2026,3,05,1,,"),
                  headers=headers).status_code == 201
    before = dump_store(repository.get_engine())
    response = upload(api, csv_bytes(f"{products['own']},2026,3,05,2,,"), headers=headers)
    assert response.status_code == 422
    assert "ya se usó para publicar otro archivo" in response.get_json()["error"]
    assert dump_store(repository.get_engine()) == before


@pytest.mark.parametrize("key", ["", "con espacio", "x" * 201, "clave\u00f1"])
def test_a_malformed_key_is_400(api, products, key):
    before = dump_store(repository.get_engine())
    response = upload(api, csv_bytes(f"{products['own']},2026,3,05,1,,"),
                      headers={**auth(), "Idempotency-Key": key})
    assert response.status_code == 400 and "Idempotency-Key" in response.get_json()["error"]
    assert dump_store(repository.get_engine()) == before


def test_concurrent_requests_with_one_key_publish_once(api, products):
    repository.get_engine()  # seed before the race
    app = api.application
    content = csv_bytes(f"{products['own']},2026,3,06,3,,")
    barrier = threading.Barrier(4)
    answers = []

    def send() -> None:
        barrier.wait()
        response = upload(app.test_client(), content,
                          headers={**auth(), "Idempotency-Key": "doble-clic"})
        answers.append((response.status_code, response.get_json()["version_id"],
                        response.headers.get("Idempotent-Replayed")))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers, key=lambda a: a[2] or "") == [(201, 2, None)] + [(201, 2, "true")] * 3
    assert [v.version_id for v in list_versions(repository.get_engine())] == [2, 1]


def test_a_publication_committed_before_the_connection_dropped_is_safe_to_retry(
        api, products, monkeypatch):
    """The commit lands, the answer is lost (503); the retry with the key answers it."""
    from sqlalchemy.exc import OperationalError

    import data.submit

    real = data.submit.publish_report
    dropped = []

    def commit_then_drop(*args, **kwargs):
        record = real(*args, **kwargs)
        if not dropped:
            dropped.append(record.version_id)
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))
        return record

    monkeypatch.setattr(data.submit, "publish_report", commit_then_drop)
    content = csv_bytes(f"{products['own']},2026,3,07,9,,")
    headers = {**auth(), "Idempotency-Key": "tras-el-corte"}
    lost = upload(api, content, headers=headers, version_base="1")
    assert lost.status_code == 503 and lost.headers["Retry-After"]
    assert "misma clave" in lost.get_json()["error"]
    retry = upload(api, content, headers=headers, version_base="1")
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json()["version_id"] == dropped[0] == 2
    assert [v.version_id for v in list_versions(repository.get_engine())] == [2, 1]
