"""Tests for data.repository: seeding the store, version pick-up, refusal of invalid data."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy.exc import OperationalError

from data import repository
from data.illustrative import build_illustrative_catalog
from data.matrix import write_matrix
from data.store import list_versions, make_engine, publish_observations
from data.validation import CatalogError


@pytest.fixture(autouse=True)
def fresh(monkeypatch, tmp_path):
    monkeypatch.delenv("BOGOTA_TI_MATRIX", raising=False)
    monkeypatch.setenv("BOGOTA_TI_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tablero.sqlite'}")
    repository.clear_cache()
    yield
    repository.clear_cache()


def test_illustrative_by_default(tmp_path):
    catalog = repository.get_catalog()
    assert catalog.version.illustrative is True and catalog.version.version_id == 1
    assert repository.get_catalog() is catalog  # cached
    assert repository.current_version() == catalog.version
    assert (tmp_path / "tablero.sqlite").is_file()


def test_default_store_lives_in_the_cache_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL")
    repository.get_catalog()
    assert (tmp_path / "cache" / "tablero.sqlite").is_file()


def test_matrix_from_environment(monkeypatch, tmp_path):
    path = write_matrix(build_illustrative_catalog(), tmp_path / "m", "csv")
    (path / "version.csv").unlink()
    monkeypatch.setenv("BOGOTA_TI_MATRIX", str(path))
    catalog = repository.get_catalog()
    assert catalog.version.illustrative is False
    assert catalog.version.source_name == "m"
    assert catalog.counts()["products"] == 36


def test_matrix_replaces_an_illustrative_store(monkeypatch, tmp_path):
    assert repository.get_catalog().version.illustrative is True
    repository.clear_cache()
    path = write_matrix(build_illustrative_catalog(), tmp_path / "m", "csv")
    (path / "version.csv").unlink()
    monkeypatch.setenv("BOGOTA_TI_MATRIX", str(path))
    catalog = repository.get_catalog()
    assert catalog.version.version_id == 2 and catalog.version.illustrative is False
    repository.clear_cache()
    assert repository.get_catalog().version.version_id == 2  # not published twice
    assert [v.illustrative for v in list_versions(repository.get_engine())] == [False, True]


def test_invalid_matrix_refuses(monkeypatch, tmp_path):
    path = write_matrix(build_illustrative_catalog(), tmp_path / "m", "csv")
    metas = pd.read_csv(path / "metas.csv", dtype=str, keep_default_na=False)
    metas.loc[0, "anio"] = "2040"
    metas.to_csv(path / "metas.csv", index=False)
    monkeypatch.setenv("BOGOTA_TI_MATRIX", str(path))
    with pytest.raises(CatalogError, match="metas.csv, fila 2"):
        repository.get_catalog()
    with pytest.raises(CatalogError):  # nothing cached after a failure
        repository.current_version()


def test_new_version_is_picked_up_without_restart(monkeypatch, tmp_path):
    monkeypatch.setattr(repository, "CHECK_INTERVAL_S", 3600.0)
    first = repository.get_catalog()
    other_worker = make_engine(f"sqlite:///{tmp_path / 'tablero.sqlite'}")
    try:
        product = first.products["product_id"].iloc[0]
        publish_observations(other_worker, pd.DataFrame(
            {"product_id": [product], "year": [2027], "locality_code": ["01"],
             "value": [1.0]}), by="sg-actic", cutoff_date=date(2026, 12, 1))
    finally:
        other_worker.dispose()
    assert repository.get_catalog() is first  # within the check interval
    monkeypatch.setattr(repository, "CHECK_INTERVAL_S", 0.0)
    second = repository.get_catalog()
    assert second.version.version_id == 2 and second.version.cutoff_date == date(2026, 12, 1)
    assert repository.current_version() == second.version


def test_store_outage_keeps_serving_the_last_catalog(monkeypatch):
    first = repository.get_catalog()
    monkeypatch.setattr(repository, "CHECK_INTERVAL_S", 0.0)

    def down(_engine):
        raise OperationalError("SELECT 1", {}, Exception("conexión rechazada"))

    monkeypatch.setattr("data.store.current_version_id", down)
    assert repository.get_catalog() is first


def test_forked_worker_uses_its_own_connections(tmp_path):
    import os

    first = repository.get_catalog()
    engine = repository.get_engine()
    pid = os.fork()
    if pid == 0:  # child: must not touch the parent's pooled connections
        code = 1
        try:
            repository.after_fork()
            other = make_engine(f"sqlite:///{tmp_path / 'tablero.sqlite'}")
            product = first.products["product_id"].iloc[0]
            publish_observations(other, pd.DataFrame(
                {"product_id": [product], "year": [2028], "locality_code": ["02"],
                 "value": [3.0]}), by="sg-actic")
            other.dispose()
            code = 0 if repository.get_catalog().version.version_id == 2 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert repository.get_engine() is engine
    repository.refresh()
    assert repository.get_catalog().version.version_id == 2
