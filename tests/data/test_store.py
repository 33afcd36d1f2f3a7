"""Store tests: the same suite runs on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import date

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from sqlalchemy import select

import data.store.write as store_write
from data.schema import COLUMNS
from data.store import (
    ConflictError,
    InvalidObservationsError,
    StoreEmptyError,
    VersionNotFoundError,
    current_version,
    current_version_id,
    dump_store,
    list_versions,
    load_catalog,
    make_engine,
    open_store,
    publish_observations,
    restore_version,
    upgrade_to_head,
)
from data.store.engine import writer
from data.store.migrate import current_revision, head_revision
from data.store.models import Base, StoreLock
from tests.conftest import tiny_catalog

KEY = ["product_id", "year", "locality_code"]


def report(rows, reported_at=None) -> pd.DataFrame:
    """Observations frame from ``(product, year, locality, value)`` tuples."""
    frame = pd.DataFrame(rows, columns=["product_id", "year", "locality_code", "value"])
    if reported_at is not None:
        frame["reported_at"] = pd.Timestamp(reported_at)
    return frame


def values(catalog) -> dict[tuple, float]:
    """Observations of a catalog as ``{(product, year, locality): value}``."""
    obs = catalog.observations
    return dict(zip(zip(obs["product_id"], obs["year"], obs["locality_code"], strict=True),
                    obs["value"], strict=True))


# ---------------------------------------------------------------- schema


def test_migrations_build_exactly_the_models(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diffs == []
    assert current_revision(store) == head_revision()


def test_upgrade_twice_is_harmless(store, store_url):
    before = dump_store(store)
    upgrade_to_head(store)
    engine = upgrade_to_head(store_url)
    try:
        assert dump_store(engine) == before
    finally:
        engine.dispose()


def test_sqlite_file_is_created_in_wal_mode(tmp_path):
    path = tmp_path / "nested" / "tablero.sqlite"
    engine = open_store(f"sqlite:///{path}", tiny_catalog)
    try:
        assert path.is_file()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        engine.dispose()


# ---------------------------------------------------------------- seed and read


def test_seed_round_trips_the_catalog(store):
    expected = tiny_catalog()
    loaded = load_catalog(store)
    for table in COLUMNS:
        assert_frame_equal(getattr(loaded, table), getattr(expected, table).sort_values(
            [c for c in COLUMNS[table] if c in KEY or c.endswith("_id")]
        ).reset_index(drop=True), check_dtype=False, obj=table)
        assert list(getattr(loaded, table).columns) == list(COLUMNS[table])
    assert loaded.observations["reported_at"].dtype == "datetime64[ns]"
    version = loaded.version
    assert (version.version_id, version.cutoff_date, version.illustrative) == (
        1, date(2026, 10, 31), True)
    assert version.source_name == "prueba" and version.note == "catálogo de prueba"


def test_illustrative_catalog_round_trips(store_url):
    from data.illustrative import build_illustrative_catalog

    expected = build_illustrative_catalog()
    engine = open_store(store_url, build_illustrative_catalog)
    try:
        loaded = load_catalog(engine)
    finally:
        engine.dispose()
    assert loaded.counts() == expected.counts()
    for table in ("targets", "observations"):
        got = getattr(loaded, table).sort_values(KEY).reset_index(drop=True)
        want = getattr(expected, table).sort_values(KEY).reset_index(drop=True)
        assert_frame_equal(got, want, check_dtype=False, obj=table)


def test_seed_happens_once(store, store_url):
    engine = open_store(store_url, tiny_catalog)
    try:
        assert [v.version_id for v in list_versions(engine)] == [1]
    finally:
        engine.dispose()


def test_empty_store_says_so(store_url):
    engine = upgrade_to_head(make_engine(store_url))
    try:
        assert current_version(engine) is None and current_version_id(engine) is None
        with pytest.raises(StoreEmptyError, match="vacío"):
            load_catalog(engine)
        with pytest.raises(StoreEmptyError):
            publish_observations(engine, report([("P01", 2025, "01", 1.0)]), by="sdm")
    finally:
        engine.dispose()


def test_unknown_version_is_a_clear_error(store):
    with pytest.raises(VersionNotFoundError, match="No existe la versión 7"):
        load_catalog(store, 7)


# ---------------------------------------------------------------- publish


def test_publish_adds_a_version_and_keeps_the_old_one(store):
    before = load_catalog(store)
    record = publish_observations(
        store,
        report([("P01", 2023, "01", 5.0), ("P01", 2023, "02", 6.0), ("P01", 2025, "03", 9.0)],
               reported_at="2026-11-01"),
        by="sdm", entity_id="sdm", source_name="avance.csv", source_sha256="ab" * 32,
        note="corte noviembre", cutoff_date=date(2026, 11, 15),
    )
    assert record.version_id == 2 and record.kind == "reporte"
    assert (record.rows_received, record.rows_added, record.rows_changed,
            record.rows_unchanged, record.rows_total) == (3, 1, 1, 1, 7)
    assert record.cutoff_date == date(2026, 11, 15) and record.illustrative
    after = load_catalog(store)
    assert after.version.version_id == 2 and after.version.source_name == "avance.csv"
    expected = values(before) | {("P01", 2023, "01"): 5.0, ("P01", 2025, "03"): 9.0}
    assert values(after) == expected
    assert len(after.observations) == record.rows_total
    assert values(load_catalog(store, 1)) == values(before)
    assert_frame_equal(after.products, before.products)
    assert after.observations.set_index(KEY).loc[("P01", 2025, "03"), "reported_at"] == \
        pd.Timestamp("2026-11-01")


def test_missing_report_dates_default_to_the_cutoff(store):
    publish_observations(store, report([("P04", 2024, "11", 2.0)]), by="sg-actic",
                         cutoff_date=date(2026, 11, 20))
    obs = load_catalog(store).observations.set_index(KEY)
    assert obs.loc[("P04", 2024, "11"), "reported_at"] == pd.Timestamp("2026-11-20")


def test_stale_expected_version_is_a_conflict_and_writes_nothing(store):
    publish_observations(store, report([("P01", 2025, "01", 1.0)]), by="sdm")
    before = dump_store(store)
    with pytest.raises(ConflictError, match="la versión vigente es v2, no v1"):
        publish_observations(store, report([("P01", 2025, "01", 2.0)]), by="sdm",
                             expected_version=1)
    assert dump_store(store) == before
    assert publish_observations(store, report([("P01", 2025, "01", 2.0)]), by="sdm",
                                expected_version=2).version_id == 3


@pytest.mark.parametrize("rows, message", [
    ([("P99", 2025, "01", 1.0)], "P99"),
    ([("P01", 2025, "01", 1.0), ("P01", 2025, "01", 2.0)], "repetidas"),
    ([("P01", 2025, "01", None)], "sin valor"),
])
def test_observations_that_do_not_fit_write_nothing(store, rows, message):
    before = dump_store(store)
    with pytest.raises(InvalidObservationsError, match=message):
        publish_observations(store, report(rows), by="sdm")
    assert dump_store(store) == before


def test_dump_sees_every_publication(store):
    before = dump_store(store)
    publish_observations(store, report([("P01", 2023, "01", 4.0)]), by="sdm")
    after = dump_store(store)
    assert after != before
    assert after["observations"][:len(before["observations"])] == before["observations"]


def test_crash_mid_publish_leaves_the_previous_version(store, monkeypatch):
    before = dump_store(store)
    calls = []
    original = store_write._execute_chunk

    def crash_after_first_chunk(connection, statement, rows):
        calls.append(len(rows))
        if len(calls) > 1:
            raise RuntimeError("corte de energía simulado")
        original(connection, statement, rows)

    monkeypatch.setattr(store_write, "CHUNK_ROWS", 3)
    monkeypatch.setattr(store_write, "_execute_chunk", crash_after_first_chunk)
    rows = [("P01", year, "07", float(year)) for year in range(2023, 2029)]
    with pytest.raises(RuntimeError, match="simulado"):
        publish_observations(store, report(rows), by="sdm")
    assert calls == [3, 3]  # half of the rows were written when it crashed
    assert dump_store(store) == before
    assert current_version_id(store) == 1
    monkeypatch.setattr(store_write, "_execute_chunk", original)
    assert publish_observations(store, report(rows), by="sdm").version_id == 2
    assert len(load_catalog(store).observations) == 6 + 6


def test_a_writer_stuck_on_the_lock_gets_a_conflict(store, store_url):
    impatient = make_engine(store_url, lock_timeout_s=0.2)
    before = dump_store(store)
    try:
        with writer(store).begin() as holder:
            holder.execute(select(StoreLock).with_for_update()).all()
            holder.execute(StoreLock.__table__.update().values(last_version=1))
            with pytest.raises(ConflictError, match="Otra publicación está en curso"):
                publish_observations(impatient, report([("P01", 2025, "01", 1.0)]),
                                     by="sdm")
    finally:
        impatient.dispose()
    assert dump_store(store) == before


# ---------------------------------------------------------------- restore and history


def test_restore_publishes_a_copy_of_an_old_version(store):
    original = values(load_catalog(store))
    publish_observations(store, report([("P01", 2023, "01", 40.0)]), by="sdm")
    record = restore_version(store, 1, by="admin")
    assert record.version_id == 3 and record.restored_from == 1
    assert record.kind == "restauracion" and "v1" in record.note
    restored = load_catalog(store)
    assert restored.version.version_id == 3 and values(restored) == original
    assert restored.version.cutoff_date == date(2026, 10, 31)
    assert [v.version_id for v in list_versions(store)] == [3, 2, 1]


def test_restore_of_a_missing_version_writes_nothing(store):
    before = dump_store(store)
    with pytest.raises(VersionNotFoundError):
        restore_version(store, 42, by="admin")
    assert dump_store(store) == before


def test_version_record_json(store):
    record = publish_observations(store, report([("P01", 2025, "01", 1.0)]), by="sdm",
                                  cutoff_date=date(2026, 11, 30))
    data = record.to_json()
    assert data["version_id"] == 2 and data["cutoff_date"] == "2026-11-30"
    assert data["label"] == "v2 · corte 2026-11-30 · ilustrativos"
    assert data["kind_label"] == "Reporte de avance"
    assert data["published_at"].endswith("+00:00")


# ---------------------------------------------------------------- concurrency


def _check_history(engine, reports: dict[str, list[tuple]], first: int) -> None:
    """Versions consecutive; each one is exactly its predecessor plus its report."""
    history = sorted(list_versions(engine), key=lambda v: v.version_id)
    ids = [v.version_id for v in history]
    assert ids == list(range(1, first + len(reports)))
    previous = values(load_catalog(engine, first - 1))
    seen = set()
    for record in history[first - 1:]:
        catalog = load_catalog(engine, record.version_id)
        rows = reports[record.source_name]
        seen.add(record.source_name)
        expected = previous | {(p, y, loc): v for p, y, loc, v in rows}
        assert values(catalog) == expected
        assert len(catalog.observations) == record.rows_total
        previous = expected
    assert seen == set(reports)


def _concurrent_report(n: int) -> list[tuple]:
    return [("P01", 2023 + n % 10, f"{n + 1:02d}", float(n)),
            ("P01", 2032, "20", 100.0 + n)]


def test_parallel_threads_land_as_consecutive_versions(store):
    reports = {f"hilo-{n}.csv": _concurrent_report(n) for n in range(8)}
    barrier = threading.Barrier(len(reports))
    errors = []

    def upload(name: str) -> None:
        try:
            barrier.wait()
            publish_observations(store, report(reports[name]), by="sdm", source_name=name)
        except Exception as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=upload, args=(name,)) for name in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    _check_history(store, reports, first=2)


def _join(processes) -> None:
    """Wait for the children; never leave one running after the test."""
    for process in processes:
        process.join(120)
        if process.is_alive():
            process.terminate()
            process.join()


def _process_upload(url: str, name: str, rows: list[tuple], start) -> None:
    """Runs in a child process: publish one report once the start event fires."""
    engine = make_engine(url)
    start.wait(30)
    try:
        publish_observations(engine, report(rows), by="sdm", source_name=name)
    finally:
        engine.dispose()


def test_parallel_processes_land_as_consecutive_versions(store, store_url):
    context = multiprocessing.get_context("spawn")
    reports = {f"proceso-{n}.csv": _concurrent_report(n) for n in range(4)}
    start = context.Event()
    processes = [context.Process(target=_process_upload, args=(store_url, name, rows, start))
                 for name, rows in reports.items()]
    for process in processes:
        process.start()
    start.set()
    _join(processes)
    assert [p.exitcode for p in processes] == [0] * len(processes)
    _check_history(store, reports, first=2)


def _process_open(url: str, start) -> None:
    """Runs in a child process: open (migrate + seed) the store at the same moment."""
    start.wait(30)
    open_store(url, tiny_catalog).dispose()


def test_parallel_startups_migrate_and_seed_once(store_url):
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    processes = [context.Process(target=_process_open, args=(store_url, start))
                 for _ in range(3)]
    for process in processes:
        process.start()
    start.set()
    _join(processes)
    assert [p.exitcode for p in processes] == [0, 0, 0]
    engine = make_engine(store_url)
    try:
        assert [v.version_id for v in list_versions(engine)] == [1]
        assert current_revision(engine) == head_revision()
        assert values(load_catalog(engine)) == values(tiny_catalog())
    finally:
        engine.dispose()


def test_plain_postgres_urls_use_psycopg3():
    from data.store.engine import normalize_url

    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"


def _process_stall_mid_publish(url: str, ready) -> None:
    """Runs in a child process: publish, but stall forever after the first batch."""
    import time

    original = store_write._execute_chunk
    calls = []

    def stall(connection, statement, rows):
        original(connection, statement, rows)
        calls.append(len(rows))
        if len(calls) == 1:
            ready.set()
            time.sleep(600)

    store_write.CHUNK_ROWS = 3
    store_write._execute_chunk = stall
    engine = make_engine(url)
    publish_observations(engine, report([("P01", y, "09", 1.0) for y in range(2023, 2029)]),
                         by="sdm")


def test_killed_writer_leaves_nothing_and_releases_the_lock(store, store_url):
    before = dump_store(store)
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    process = context.Process(target=_process_stall_mid_publish, args=(store_url, ready))
    process.start()
    try:
        assert ready.wait(60), "the child never reached the middle of its publication"
        assert dump_store(store) == before  # nothing visible while it is half-written
    finally:
        process.kill()
        _join([process])
    assert dump_store(store) == before
    record = publish_observations(store, report([("P01", 2030, "09", 2.0)]), by="sdm")
    assert record.version_id == 2
