"""Tests of GET /healthz and the ``python -m app`` entry point."""

from __future__ import annotations

import subprocess
import sys

from app.__main__ import main


def test_healthz_reports_counts_and_version(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
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
