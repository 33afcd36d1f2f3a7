"""Tests for data.repository: seeding the store, version pick-up, refusal of invalid data.

The seed builder is replaced by :func:`tests.conftest.tiny_catalog` (a matrix
path in ``BOGOTA_TI_MATRIX`` makes it a non-illustrative catalog named after
the path), so these tests exercise the repository and the store only, not the
readers of files.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.exc import OperationalError

from data import repository
from data.issues import CatalogError, Issue
from data.store import list_versions, make_engine, publish_reports
from tests.conftest import tiny_catalog, wait_until

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


# ---------------------------------------------------------------- store outages


def test_outage_is_reported_and_the_last_catalog_kept(monkeypatch, outage):
    monkeypatch.setenv("DATABASE_URL", outage.url)
    first = repository.get_catalog()
    assert repository.store_status().available is True
    outage.down(repository.get_engine())
    repository.refresh()
    assert repository.get_catalog() is first
    status = repository.store_status()
    assert status.available is False and status.version_id == 1
    assert status.since is not None and status.checked_at is not None
    assert "no responde" in status.error or "no es una base de datos" in status.error
    assert repository.check_store().available is False  # still down: the failure is kept


def test_every_process_converges_once_the_store_returns(monkeypatch, outage):
    """Bound: CHECK_INTERVAL_S after the store answers again, plus one connection."""
    from data.store.engine import CONNECT_TIMEOUT_S

    monkeypatch.setenv("DATABASE_URL", outage.url)
    repository.get_catalog()
    outage.down(repository.get_engine())
    repository.refresh()
    repository.get_catalog()
    assert repository.store_status().available is False
    # another worker publishes while this one cannot read the store
    publish_reports(outage.direct_engine(), one_report(2027, 2, "04", 8.0), by="sg-actic")
    assert repository.get_catalog().version.version_id == 1  # a failed check ...
    outage.up()
    back = time.monotonic()
    converged = wait_until(lambda: repository.get_catalog().version.version_id == 2,
                           timeout=repository.CHECK_INTERVAL_S + CONNECT_TIMEOUT_S + 2)
    assert converged, "the process did not pick up the new version"  # ... does not stick
    assert time.monotonic() - back <= repository.CHECK_INTERVAL_S + CONNECT_TIMEOUT_S + 2
    assert repository.store_status().available is True
    assert repository.store_status().error is None


def test_a_blackholed_store_cannot_hang_requests(monkeypatch, outage):
    """PostgreSQL that accepts connections and never answers: one thread waits at most
    the connection time-out; the others keep serving the last catalog meanwhile."""
    if outage.sqlite:
        pytest.skip("SQLite es un archivo local: no hay red que se quede sin respuesta")
    from data.store.engine import CONNECT_TIMEOUT_S

    monkeypatch.setenv("DATABASE_URL", outage.url)
    first = repository.get_catalog()
    outage.blackhole(repository.get_engine())
    repository.refresh()
    took = {}

    def check() -> None:
        start = time.monotonic()
        repository.get_catalog()
        took["checker"] = time.monotonic() - start

    def other_request() -> None:
        start = time.monotonic()
        took["served"] = repository.get_catalog()
        took["other"] = time.monotonic() - start

    checker = threading.Thread(target=check, daemon=True)
    other = threading.Thread(target=other_request, daemon=True)
    checker.start()
    try:
        assert wait_until(lambda: outage.proxy.accepted > 0, timeout=10)  # it is waiting now
        other.start()
        other.join(5)
        assert not other.is_alive(), "a second request queued behind the hung check"
        assert took["served"] is first and took["other"] < 0.5
        checker.join(CONNECT_TIMEOUT_S + 3)
        assert not checker.is_alive(), "the check hung on the blackholed store"
    finally:
        outage.proxy.down()  # cuts a hung attempt too
        checker.join(10)
        other.join(10)
    assert took["checker"] < CONNECT_TIMEOUT_S + 3
    assert repository.store_status().available is False


def test_unreadable_store_at_start_is_one_clear_error(monkeypatch, tmp_path):
    from data.store import StoreUnavailableError

    garbage = tmp_path / "basura.sqlite"
    garbage.write_bytes(os.urandom(4096))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{garbage}")
    with pytest.raises(StoreUnavailableError, match="no es una base de datos SQLite válida"):
        repository.get_catalog()
    assert repository.store_status().available is False
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres:secreto@127.0.0.1:9/test")
    with pytest.raises(StoreUnavailableError, match="no responde") as raised:
        repository.get_engine()
    assert "secreto" not in str(raised.value) and "\n" not in str(raised.value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bueno.sqlite'}")
    assert repository.get_catalog().version.version_id == 1  # retried on next use
    assert repository.store_status().available is True


def test_a_publication_during_a_check_is_not_missed(monkeypatch, tmp_path):
    """refresh() while another thread is checking: the next call checks again."""
    monkeypatch.setattr(repository, "CHECK_INTERVAL_S", 3600.0)
    repository.get_catalog()
    from data import store

    real = store.current_version_id
    reading = threading.Event()
    release = threading.Event()

    def slow(engine):
        value = real(engine)
        reading.set()
        release.wait(10)
        return value

    monkeypatch.setattr(store, "current_version_id", slow)
    repository.refresh()
    checker = threading.Thread(target=repository.get_catalog)
    checker.start()
    assert reading.wait(10)
    other = make_engine(f"sqlite:///{tmp_path / 'tablero.sqlite'}")
    publish_reports(other, one_report(2027, 3, "05", 2.0), by="sg-actic")
    other.dispose()
    repository.refresh()  # what data.submit does after publishing
    release.set()
    checker.join(10)
    monkeypatch.setattr(store, "current_version_id", real)
    assert repository.get_catalog().version.version_id == 2
