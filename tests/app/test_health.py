"""Tests of GET /healthz and the ``python -m app`` entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_counts_and_version(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["failed"] == []
    assert body["checks"]["store"]["ok"] is True
    assert body["checks"]["store"]["backend"] == "sqlite"
    assert response.headers["Cache-Control"] == "no-store"
    assert body["counts"] == {"localities": 20, "axes": 6, "objectives": 7,
                              "products": 36, "entities": 14, "result_indicators": 7,
                              "product_indicators": 46, "product_indicators_in_force": 44}
    assert body["cut"] == "2026-T3"
    assert body["illustrative"] is True
    assert "ilustrativos" in body["data_version"]


def test_app_refuses_to_start_on_invalid_matrix(tmp_path, app_cache, capsys, monkeypatch):
    bad = tmp_path / "matriz.csv"
    bad.write_text("esto no es una matriz\n", encoding="utf-8")
    monkeypatch.setenv("BOGOTA_TI_MATRIX", str(bad))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'otra.sqlite'}")
    from data import repository

    repository.clear_cache()
    try:
        assert main(["--port", "0"]) == 2
    finally:
        monkeypatch.delenv("BOGOTA_TI_MATRIX")
        monkeypatch.delenv("DATABASE_URL")
        repository.clear_cache()
    assert "No se puede iniciar el tablero" in capsys.readouterr().err


def test_help_lists_host_and_port():
    out = subprocess.run([sys.executable, "-m", "app", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "--host" in out and "--port" in out


# ---------------------------------------------------------------- honest health


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nobody listens once closed: connections are refused


class BrokenStore:
    """The running app's engine swapped for one on a store that does not answer."""

    def __init__(self, kind: str, url: str) -> None:
        from data import repository
        from data.store import make_engine

        self.kind = kind
        self.working, self.broken = repository._engine, make_engine(url)
        repository._engine = self.broken
        repository.refresh()

    def restore(self) -> None:
        from data import repository

        repository._engine = self.working
        self.broken.dispose()
        repository.refresh()


@pytest.fixture(params=["sqlite", "postgres"])
def broken_store(request, client, tmp_path):
    """The running app's store stops answering: a garbage SQLite file or a refused port."""
    from data import repository

    assert client.get("/healthz").status_code == 200  # the catalog is loaded
    if request.param == "sqlite":
        garbage = tmp_path / "tablero.sqlite"
        garbage.write_bytes(os.urandom(8192))
        url = f"sqlite:///{garbage}"
    else:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/test"
    broken = BrokenStore(request.param, url)
    try:
        yield broken
    finally:
        broken.restore()
        assert repository.check_store().available


def test_healthz_names_the_store_when_it_is_down(client, broken_store):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert body["status"] == "degraded" and body["failed"] == ["store"]
    assert body["checks"]["store"]["ok"] is False
    assert body["checks"]["store"]["since"]
    assert ("no es una base de datos" if broken_store.kind == "sqlite" else "no responde") in \
        body["error"]
    # the data still served: the last catalog loaded
    assert body["counts"]["product_indicators"] == 46 and body["version_id"] >= 1


def test_healthz_is_ok_again_once_the_store_answers(client, broken_store):
    assert client.get("/healthz").status_code == 503
    broken_store.restore()
    response = client.get("/healthz")  # every call checks the store now
    assert response.status_code == 200 and response.get_json()["status"] == "ok"
    assert response.get_json()["checks"]["store"]["error"] is None


def test_page_says_the_data_may_be_stale_while_the_store_is_down(client, broken_store):
    import json

    layout = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    assert "store-notice" in layout
    assert "El almacén de datos no responde" in layout
    assert "se muestran los últimos datos cargados" in layout


def test_page_has_no_store_notice_when_the_store_answers(client):
    assert client.get("/healthz").status_code == 200
    assert "store-notice" not in client.get("/_dash-layout").get_data(as_text=True)


def test_healthz_names_redis_when_it_does_not_answer(client, monkeypatch):
    monkeypatch.setenv("REDIS_URL", f"redis://:clave@127.0.0.1:{_closed_port()}/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["redis"] and body["checks"]["redis"]["ok"] is False
    assert "Redis" in body["error"] and "clave" not in body["error"]
    assert body["checks"]["store"]["ok"] is True


def test_healthz_checks_redis_when_configured(client, monkeypatch):
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("Redis no responde en 127.0.0.1:6379")
    monkeypatch.setenv("REDIS_URL", url)
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["checks"]["redis"] == {"ok": True, "configured": True, "error": None}


def test_healthz_says_when_exports_cannot_render(client, monkeypatch):
    import app.exports.render

    monkeypatch.setattr(app.exports.render, "topojson_url", lambda: None)
    monkeypatch.setenv("BROWSER_PATH", "/no/existe/chromium")
    response = client.get("/healthz")
    assert response.status_code == 200  # the dashboard itself is fine
    exports = response.get_json()["checks"]["exports"]
    assert exports["ok"] is False and exports["topojson"] is False
    assert exports["browser"] == "/no/existe/chromium" and exports["browser_found"] is False
    assert any("make setup" in p for p in exports["problems"])


def test_healthz_says_when_exports_can_render(client):
    from app.readiness import export_readiness

    readiness = export_readiness()
    if not readiness.ok:
        pytest.skip("faltan Chromium o el mapa base (make system-deps setup)")
    assert client.get("/healthz").get_json()["checks"]["exports"]["ok"] is True


# ---------------------------------------------------------------- start-up


def _start_env(tmp_path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("BOGOTA_TI_MATRIX", "REDIS_URL")}
    env.update(DATABASE_URL=database_url, BOGOTA_TI_CACHE=str(tmp_path / "cache"),
               PORT=str(_closed_port()))
    return env


def _bad_store_urls(tmp_path) -> dict[str, tuple[str, str]]:
    garbage = tmp_path / "basura.sqlite"
    garbage.write_bytes(os.urandom(4096))
    return {
        "sqlite": (f"sqlite:///{garbage}", "no es una base de datos SQLite válida"),
        "postgres": (f"postgresql://postgres:secreto@127.0.0.1:{_closed_port()}/test",
                     "no responde"),
    }


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_python_m_app_refuses_an_unreachable_store_in_one_line(tmp_path, kind):
    url, fragment = _bad_store_urls(tmp_path)[kind]
    done = subprocess.run([sys.executable, "-m", "app", "--port", "0"],
                          env=_start_env(tmp_path, url), capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("No se puede iniciar el tablero.") and fragment in lines[0]
    assert "secreto" not in done.stderr


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_gunicorn_refuses_an_unreachable_store_in_one_line(tmp_path, kind):
    url, fragment = _bad_store_urls(tmp_path)[kind]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    done = subprocess.run([str(gunicorn), "-c", "app/gunicorn.conf.py", "app.server:server"],
                          env=_start_env(tmp_path, url), capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert [line for line in done.stderr.splitlines()
            if line.startswith("No se puede iniciar el tablero.") and fragment in line]


def test_python_m_app_warns_when_map_exports_cannot_work(monkeypatch, capsys):
    import app.exports.render
    import app.startup

    served = []

    class Stub:
        def run(self, **kwargs):
            served.append(kwargs)

    monkeypatch.setattr(app.startup, "build_app", lambda: Stub())
    monkeypatch.setattr(app.exports.render, "topojson_url", lambda: None)
    monkeypatch.setenv("BROWSER_PATH", "/usr/bin/chromium-que-no-existe")
    assert main(["--port", "0"]) == 0
    assert served  # it still serves
    err = capsys.readouterr().err
    assert err.startswith("Aviso:") and len(err.strip().splitlines()) == 1
    assert "no funcionarán" in err and "«make setup»" in err
    assert "/usr/bin/chromium-que-no-existe" in err
