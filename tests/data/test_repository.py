"""Tests for data.repository: seeding the store, version pick-up, refusal of invalid data.

The seed builder is replaced by :func:`tests.conftest.tiny_catalog` (a matrix
path in ``BOGOTA_TI_MATRIX`` makes it a non-illustrative catalog named after
the path), so these tests exercise the repository and the store only, not the
readers of files.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.exc import OperationalError

from data import repository
from data.issues import CatalogError, Issue
from data.store import list_versions, make_engine, publish_reports
from tests.conftest import tiny_catalog

#: Name of a matrix the fake reader refuses.
INVALID = "invalida"


def fake_seed(settings):
    """Stand-in for ``repository._build_seed``: tiny catalog, or a "matrix" from its path."""
    catalog = tiny_catalog()
    path: Path | None = settings.matrix_path
    if path is None:
        return catalog
    if path.name == INVALID:
        raise CatalogError([Issue("metas.csv", 2, "anio", "2040",
                                  "año fuera del plan (2023 a 2032)")], source_name=path.name)
    return replace(catalog, version=replace(catalog.version, illustrative=False,
                                            source_name=path.name))


@pytest.fixture(autouse=True)
def fresh(monkeypatch, tmp_path):
    monkeypatch.delenv("BOGOTA_TI_MATRIX", raising=False)
    monkeypatch.setenv("BOGOTA_TI_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tablero.sqlite'}")
    monkeypatch.setattr(repository, "_build_seed", fake_seed)
    repository.clear_cache()
    yield
    repository.clear_cache()


def one_report(year: int, quarter: int, locality: str, value: float) -> pd.DataFrame:
    return pd.DataFrame({"code": ["1.1.1"], "year": [year], "quarter": [quarter],
                         "locality_code": [locality], "value": [value],
                         "text": ["Reporte de prueba."]})


def test_illustrative_by_default(tmp_path):
    catalog = repository.get_catalog()
    assert catalog.version.illustrative is True and catalog.version.version_id == 1
    assert repository.get_catalog() is catalog  # cached
    assert repository.current_version() == catalog.version
    assert (tmp_path / "tablero.sqlite").is_file()
    assert set(catalog.indicators["code"]) == set(tiny_catalog().indicators["code"])


def test_default_store_lives_in_the_cache_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL")
    repository.get_catalog()
    assert (tmp_path / "cache" / "tablero.sqlite").is_file()


def test_matrix_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("BOGOTA_TI_MATRIX", str(tmp_path / "m"))
    catalog = repository.get_catalog()
    assert catalog.version.illustrative is False and catalog.version.version_id == 1
    assert catalog.version.source_name == "m"
    assert catalog.counts()["product_indicators_in_force"] == 3


def test_matrix_replaces_an_illustrative_store(monkeypatch, tmp_path):
    assert repository.get_catalog().version.illustrative is True
    repository.clear_cache()
    monkeypatch.setenv("BOGOTA_TI_MATRIX", str(tmp_path / "m"))
    catalog = repository.get_catalog()
    assert catalog.version.version_id == 2 and catalog.version.illustrative is False
    repository.clear_cache()
    assert repository.get_catalog().version.version_id == 2  # not published twice
    assert [v.illustrative for v in list_versions(repository.get_engine())] == [False, True]


def test_invalid_matrix_refuses(monkeypatch, tmp_path):
    monkeypatch.setenv("BOGOTA_TI_MATRIX", str(tmp_path / INVALID))
    with pytest.raises(CatalogError, match="metas.csv, fila 2"):
        repository.get_catalog()
    with pytest.raises(CatalogError):  # nothing cached after a failure
        repository.current_version()


def test_new_version_is_picked_up_without_restart(monkeypatch, tmp_path):
    monkeypatch.setattr(repository, "CHECK_INTERVAL_S", 3600.0)
    first = repository.get_catalog()
    other_worker = make_engine(f"sqlite:///{tmp_path / 'tablero.sqlite'}")
    try:
        publish_reports(other_worker, one_report(2027, 1, "01", 1.0), by="sg-actic",
                        cutoff_date=date(2026, 12, 1))
    finally:
        other_worker.dispose()
    assert repository.get_catalog() is first  # within the check interval
    monkeypatch.setattr(repository, "CHECK_INTERVAL_S", 0.0)
    second = repository.get_catalog()
    assert second.version.version_id == 2 and second.version.cutoff_date == date(2026, 12, 1)
    assert repository.current_version() == second.version
    assert len(second.reports) == len(first.reports) + 1


def test_store_outage_keeps_serving_the_last_catalog(monkeypatch):
    first = repository.get_catalog()
    monkeypatch.setattr(repository, "CHECK_INTERVAL_S", 0.0)

    def down(_engine):
        raise OperationalError("SELECT 1", {}, Exception("conexión rechazada"))

    monkeypatch.setattr("data.store.current_version_id", down)
    assert repository.get_catalog() is first


def test_forked_worker_uses_its_own_connections(tmp_path):
    import os

    repository.get_catalog()
    engine = repository.get_engine()
    pid = os.fork()
    if pid == 0:  # child: must not touch the parent's pooled connections
        code = 1
        try:
            repository.after_fork()
            other = make_engine(f"sqlite:///{tmp_path / 'tablero.sqlite'}")
            publish_reports(other, one_report(2028, 2, "02", 3.0), by="sg-actic")
            other.dispose()
            code = 0 if repository.get_catalog().version.version_id == 2 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert repository.get_engine() is engine
    repository.refresh()
    assert repository.get_catalog().version.version_id == 2
