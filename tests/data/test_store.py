"""Store tests: the same suite runs on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import multiprocessing
import threading
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from sqlalchemy import select
from sqlalchemy.exc import DatabaseError, OperationalError

import data.store.write as store_write
from data.catalog import TABLES
from data.store import (
    REPORT_KEY,
    ConflictError,
    IdempotencyKeyError,
    InvalidObservationsError,
    InvalidReportsError,
    StoreEmptyError,
    VersionNotFoundError,
    current_version,
    current_version_id,
    dump_store,
    get_version,
    list_versions,
    load_catalog,
    make_engine,
    open_store,
    publish_catalog,
    publish_reports,
    restore_version,
    today_bogota,
    upgrade_to_head,
)
from data.store.engine import writer
from data.store.migrate import current_revision, head_revision
from data.store.models import CATALOG_TABLES, Base, ReportRow, StoreLock
from tests.conftest import tiny_catalog

KEY = list(REPORT_KEY)


def report(rows, reported_at=None) -> pd.DataFrame:
    """Reports frame from ``(code, year, quarter, locality, value[, text])`` tuples."""
    columns = ["code", "year", "quarter", "locality_code", "value", "text"]
    frame = pd.DataFrame(rows, columns=columns[:len(rows[0])])
    if reported_at is not None:
        frame["reported_at"] = pd.Timestamp(reported_at)
    return frame


def values(catalog) -> dict[tuple, tuple]:
    """Reports of a catalog as ``{(code, year, quarter, locality): (value, text)}``."""
    reports = catalog.reports
    keys = zip(*(reports[c] for c in KEY), strict=True)
    return dict(zip(keys, zip(reports["value"], reports["text"], strict=True), strict=True))


def by_primary_key(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` sorted by the natural primary key of its store table."""
    model = CATALOG_TABLES.get(name, ReportRow)
    key = [c.name for c in model.__table__.primary_key.columns
           if c.name not in ("catalog_version", "version_id")]
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


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


def test_seed_round_trips_every_table_with_its_types(store):
    expected = tiny_catalog()
    loaded = load_catalog(store)
    for name in TABLES:
        assert_frame_equal(getattr(loaded, name), by_primary_key(name, getattr(expected, name)),
                           obj=name)
    assert loaded.reports["reported_at"].dtype == "datetime64[ns]"
    version = loaded.version
    assert (version.version_id, version.cutoff_date, version.illustrative) == (
        1, date(2026, 10, 31), True)
    assert version.source_name == "prueba" and version.note == "catálogo de prueba"


def test_nulls_round_trip_as_nan_and_empty_texts(store_url):
    base = tiny_catalog()
    indicators = base.indicators.copy()
    indicators.loc[0, ["baseline", "final_target", "weight"]] = np.nan
    indicators.loc[0, "final_target_text"] = "Levantamiento línea base"
    empty = base.reports.iloc[0:0].copy()
    catalog = replace(base, indicators=indicators, reports=empty)
    engine = open_store(store_url, lambda: catalog)
    try:
        loaded = load_catalog(engine)
    finally:
        engine.dispose()
    assert_frame_equal(loaded.indicators, by_primary_key("indicators", indicators))
    assert_frame_equal(loaded.reports, empty.reset_index(drop=True))  # types of an empty table
    targets = loaded.targets.set_index(["code", "locality_code", "year"])
    assert np.isnan(targets.loc[("1.1.2", "00", 2023), "target"])
    assert targets.loc[("1.1.2", "00", 2023), "target_text"] == "Levantamiento línea base"


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
            publish_reports(engine, report([("1.1.1", 2025, 1, "01", 1.0)]), by="sdm")
    finally:
        engine.dispose()


def test_unknown_version_is_a_clear_error(store):
    with pytest.raises(VersionNotFoundError, match="No existe la versión 7"):
        load_catalog(store, 7)


@pytest.mark.parametrize("version_id", [2**31, 2**63, -1, 0])
def test_out_of_range_version_ids_are_not_found(store, version_id):
    before = dump_store(store)
    with pytest.raises(VersionNotFoundError, match=f"No existe la versión {version_id}"):
        get_version(store, version_id)
    with pytest.raises(VersionNotFoundError):
        restore_version(store, version_id, by="admin")
    with pytest.raises(VersionNotFoundError):
        load_catalog(store, version_id)
    assert dump_store(store) == before


# ---------------------------------------------------------------- publish


def test_publish_counts_new_changed_and_unchanged(store):
    before = load_catalog(store)
    record = publish_reports(
        store,
        report([
            ("1.1.1", 2023, 4, "01", 9.0, ""),                      # value changed
            ("1.1.1", 2023, 4, "02", 27.0, "Corrección del texto."),  # only the text changed
            ("1.1.2", 2025, 4, "00", 52.0, "Avance en trámites."),   # unchanged
            ("2.1.1", 2026, 2, "00", 40.0, "Nuevo corte."),          # new
            ("1.1", 2026, 2, "00", 58.0, ""),                         # new (result indicator)
        ], reported_at="2026-11-01"),
        by="sdm", entity_id="sdm", source_name="avance.csv", source_sha256="ab" * 32,
        note="corte noviembre", cutoff_date=date(2026, 11, 15),
    )
    assert record.version_id == 2 and record.kind == "reporte"
    assert record.catalog_version == 1  # the structure is reused, not copied
    assert (record.rows_received, record.rows_added, record.rows_changed,
            record.rows_unchanged, record.rows_total) == (5, 2, 2, 1, 12)
    assert record.cutoff_date == date(2026, 11, 15) and record.illustrative
    assert record.entity_id == "sdm" and record.source_sha256 == "ab" * 32
    after = load_catalog(store)
    assert after.version.version_id == 2 and after.version.source_name == "avance.csv"
    expected = values(before) | {
        ("1.1.1", 2023, 4, "01"): (9.0, ""),
        ("1.1.1", 2023, 4, "02"): (27.0, "Corrección del texto."),
        ("2.1.1", 2026, 2, "00"): (40.0, "Nuevo corte."),
        ("1.1", 2026, 2, "00"): (58.0, ""),
    }
    assert values(after) == expected
    assert len(after.reports) == record.rows_total
    assert values(load_catalog(store, 1)) == values(before)  # the old version is intact
    for name in CATALOG_TABLES:
        assert_frame_equal(getattr(after, name), getattr(before, name), obj=name)
    reports = after.reports.set_index(KEY)
    assert reports.loc[("2.1.1", 2026, 2, "00"), "reported_at"] == pd.Timestamp("2026-11-01")
    assert reports.loc[("1.1.1", 2024, 2, "00"), "reported_at"] == pd.Timestamp("2026-01-31")


def test_a_report_without_text_clears_the_previous_text(store):
    record = publish_reports(store, report([("1.1.1", 2023, 4, "00", 35.0)]), by="sg-actic")
    assert (record.rows_added, record.rows_changed, record.rows_unchanged) == (0, 1, 0)
    assert values(load_catalog(store))[("1.1.1", 2023, 4, "00")] == (35.0, "")


def test_missing_report_dates_default_to_the_cutoff(store):
    publish_reports(store, report([("1.1.2", 2026, 3, "00", 2.0)]), by="sdh",
                    cutoff_date=date(2026, 11, 20))
    reports = load_catalog(store).reports.set_index(KEY)
    assert reports.loc[("1.1.2", 2026, 3, "00"), "reported_at"] == pd.Timestamp("2026-11-20")


def test_cutoff_defaults_to_today_in_bogota(store):
    record = publish_reports(store, report([("1.1.2", 2026, 3, "00", 2.0)]), by="sdh")
    assert record.cutoff_date == today_bogota()


def test_stale_expected_version_is_a_conflict_and_writes_nothing(store):
    publish_reports(store, report([("1.1.1", 2025, 1, "01", 1.0)]), by="sdm")
    before = dump_store(store)
    with pytest.raises(ConflictError, match="la versión vigente es v2, no v1"):
        publish_reports(store, report([("1.1.1", 2025, 1, "01", 2.0)]), by="sdm",
                        expected_version=1)
    assert dump_store(store) == before
    assert publish_reports(store, report([("1.1.1", 2025, 1, "01", 2.0)]), by="sdm",
                           expected_version=2).version_id == 3


@pytest.mark.parametrize("rows, message", [
    ([("9.9.9", 2025, 1, "01", 1.0), ("P01", 2025, 1, "00", 1.0)], r"9\.9\.9, P01"),
    ([("1.1.1", 2025, 1, "01", 1.0), ("1.1.1", 2025, 1, "01", 2.0)], "repetidos"),
    ([("1.1.1", 2025, 1, "01", None)], "sin valor"),
    ([("1.1.1", 2025, 5, "01", 1.0)], "trimestre"),
    ([("1.1.1", None, 1, "01", 1.0)], "año"),
])
def test_reports_that_do_not_fit_write_nothing(store, rows, message):
    before = dump_store(store)
    with pytest.raises(InvalidReportsError, match=message):
        publish_reports(store, report(rows), by="sdm")
    assert dump_store(store) == before


def test_missing_columns_are_named(store):
    with pytest.raises(InvalidReportsError, match="quarter"):
        publish_reports(store, pd.DataFrame({"code": ["1.1.1"], "year": [2025],
                                             "locality_code": ["00"], "value": [1.0]}),
                        by="sdm")


def test_the_old_error_name_still_catches(store):
    assert InvalidObservationsError is InvalidReportsError
    with pytest.raises(InvalidObservationsError):
        publish_reports(store, report([("9.9", 2025, 1, "00", 1.0)]), by="sdm")


def test_dump_sees_every_publication(store):
    before = dump_store(store)
    publish_reports(store, report([("1.1.1", 2023, 1, "01", 4.0)]), by="sdm")
    after = dump_store(store)
    assert after != before
    assert after["reports"][:len(before["reports"])] == before["reports"]


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
    rows = [("1.1.1", year, 2, "07", float(year)) for year in range(2023, 2029)]
    with pytest.raises(RuntimeError, match="simulado"):
        publish_reports(store, report(rows), by="sdm")
    assert calls == [3, 3]  # half of the rows were written when it crashed
    assert dump_store(store) == before
    assert current_version_id(store) == 1
    monkeypatch.setattr(store_write, "_execute_chunk", original)
    assert publish_reports(store, report(rows), by="sdm").version_id == 2
    assert len(load_catalog(store).reports) == 10 + 6


def test_crash_while_seeding_leaves_an_empty_store(store_url, monkeypatch):
    engine = upgrade_to_head(make_engine(store_url))
    try:
        before = dump_store(engine)

        def crash(connection, statement, rows):
            if statement.table.name == "targets":
                raise RuntimeError("corte de energía simulado")
            connection.execute(statement, list(rows))

        monkeypatch.setattr(store_write, "_execute_chunk", crash)
        with pytest.raises(RuntimeError, match="simulado"):
            publish_catalog(engine, tiny_catalog())
        assert dump_store(engine) == before and current_version_id(engine) is None
    finally:
        engine.dispose()


def test_a_writer_stuck_on_the_lock_gets_a_conflict(store, store_url):
    impatient = make_engine(store_url, lock_timeout_s=0.2)
    before = dump_store(store)
    try:
        with writer(store).begin() as holder:
            holder.execute(select(StoreLock).with_for_update()).all()
            holder.execute(StoreLock.__table__.update().values(last_version=1))
            with pytest.raises(ConflictError, match="Otra publicación está en curso"):
                publish_reports(impatient, report([("1.1.1", 2025, 1, "01", 1.0)]),
                                by="sdm")
    finally:
        impatient.dispose()
    assert dump_store(store) == before


# ---------------------------------------------------------------- catalogs


def test_publish_catalog_adds_a_structure_version(store):
    base = tiny_catalog()
    objectives = base.objectives.assign(weight=[70.0, 30.0])
    plan = replace(base, objectives=objectives,
                   version=replace(base.version, illustrative=False, source_name="plan.xlsx"))
    record = publish_catalog(store, plan, by="sdp", only_over_illustrative=True)
    assert record is not None and (record.version_id, record.catalog_version) == (2, 2)
    assert record.kind == "semilla" and not record.illustrative
    assert load_catalog(store).objectives["weight"].tolist() == [70.0, 30.0]
    assert load_catalog(store, 1).objectives["weight"].tolist() == [60.0, 40.0]
    assert publish_catalog(store, plan, only_over_illustrative=True) is None  # not twice
    assert current_version_id(store) == 2
    after_report = publish_reports(store, report([("1.1", 2026, 3, "00", 1.0)]), by="sdp")
    assert after_report.catalog_version == 2


# ---------------------------------------------------------------- restore and history


def test_restore_publishes_a_copy_of_an_old_version(store):
    original = values(load_catalog(store))
    publish_reports(store, report([("1.1.1", 2023, 4, "01", 40.0, "corregido")]), by="sdm")
    record = restore_version(store, 1, by="admin")
    assert record.version_id == 3 and record.restored_from == 1
    assert record.kind == "restauracion" and "v1" in record.note
    assert (record.catalog_version, record.rows_total) == (1, 10)
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
    record = publish_reports(store, report([("1.1.1", 2025, 1, "01", 1.0)]), by="sdm",
                             cutoff_date=date(2026, 11, 30))
    assert get_version(store, 2) == record
    data = record.to_json()
    assert data["version_id"] == 2 and data["cutoff_date"] == "2026-11-30"
    assert data["label"] == "v2 · corte 2026-T3 · ilustrativos"
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
        expected = previous | {(c, y, q, loc): (v, "") for c, y, q, loc, v in rows}
        assert values(catalog) == expected
        assert len(catalog.reports) == record.rows_total
        previous = expected
    assert seen == set(reports)


def _concurrent_report(n: int) -> list[tuple]:
    return [("1.1.1", 2023 + n % 10, 1 + n % 4, f"{n + 1:02d}", float(n)),
            ("1.1.1", 2032, 4, "20", 100.0 + n)]


def test_parallel_threads_land_as_consecutive_versions(store):
    reports = {f"hilo-{n}.csv": _concurrent_report(n) for n in range(8)}
    barrier = threading.Barrier(len(reports))
    errors = []

    def upload(name: str) -> None:
        try:
            barrier.wait()
            publish_reports(store, report(reports[name]), by="sdm", source_name=name)
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
        publish_reports(engine, report(rows), by="sdm", source_name=name)
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
    publish_reports(engine, report([("1.1.1", y, 3, "09", 1.0) for y in range(2023, 2029)]),
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
    record = publish_reports(store, report([("1.1.1", 2030, 4, "09", 2.0)]), by="sdm")
    assert record.version_id == 2


# ---------------------------------------------------------------- idempotent publishing

_SHA_A, _SHA_B = "a" * 64, "b" * 64


def test_same_idempotency_key_and_file_publishes_once(store):
    rows = report([("1.1.1", 2030, 1, "07", 5.0, "Avance.")])
    first = publish_reports(store, rows, by="sdm", source_sha256=_SHA_A,
                            idempotency_key="k-1", expected_version=1)
    before = dump_store(store)
    again = publish_reports(store, rows, by="sdm", source_sha256=_SHA_A,
                            idempotency_key="k-1", expected_version=1)  # stale: a lost answer
    assert (first.version_id, first.replayed, again.replayed) == (2, False, True)
    assert again == first and again.to_json() == first.to_json()
    assert "replayed" not in again.to_json()
    assert dump_store(store) == before


def test_same_key_with_another_file_is_refused_and_writes_nothing(store):
    publish_reports(store, report([("1.1.1", 2030, 1, "07", 5.0)]), by="sdm",
                    source_sha256=_SHA_A, idempotency_key="k-1")
    before = dump_store(store)
    with pytest.raises(IdempotencyKeyError, match="ya se usó para publicar otro archivo"):
        publish_reports(store, report([("1.1.1", 2030, 1, "07", 6.0)]), by="sdm",
                        source_sha256=_SHA_B, idempotency_key="k-1")
    assert dump_store(store) == before


def test_idempotency_keys_are_scoped_to_the_caller(store):
    one = publish_reports(store, report([("1.1.1", 2030, 1, "07", 5.0)]), by="sdm",
                          source_sha256=_SHA_A, idempotency_key="k-1")
    two = publish_reports(store, report([("1.1.1", 2030, 1, "08", 5.0)]), by="sg-actic",
                          source_sha256=_SHA_B, idempotency_key="k-1")
    assert (one.version_id, two.version_id, two.replayed) == (2, 3, False)


def test_parallel_publications_with_one_key_publish_once(store):
    rows = report([("1.1.1", 2031, 2, "09", 3.0)])
    barrier = threading.Barrier(6)
    records, errors = [], []

    def upload() -> None:
        try:
            barrier.wait()
            records.append(publish_reports(store, rows, by="sdm", source_sha256=_SHA_A,
                                           idempotency_key="doble-clic"))
        except Exception as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=upload) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {r.version_id for r in records} == {2}
    assert sorted(r.replayed for r in records) == [False] + [True] * 5
    assert [v.version_id for v in list_versions(store)] == [2, 1]


def test_a_key_race_past_the_lookup_reads_the_winner_back(store, monkeypatch):
    """The unique key is the last guard: the loser rolls back and answers the winner."""
    rows = report([("1.1.1", 2031, 3, "10", 4.0)])
    first = publish_reports(store, rows, by="sdm", source_sha256=_SHA_A, idempotency_key="k")
    before = dump_store(store)
    real = store_write._replay
    calls = []

    def blind_once(connection, caller, key, sha):
        calls.append(key)
        return None if len(calls) == 1 else real(connection, caller, key, sha)

    monkeypatch.setattr(store_write, "_replay", blind_once)
    again = publish_reports(store, rows, by="sdm", source_sha256=_SHA_A, idempotency_key="k")
    assert len(calls) == 2  # the lookup missed; the insert collided; read back
    assert (again.version_id, again.replayed) == (first.version_id, True)
    assert dump_store(store) == before


# ---------------------------------------------------------------- unreachable stores


def test_refused_postgres_fails_fast_with_a_spanish_reason():
    from data.store import describe_unavailable, is_unavailable

    url = "postgresql://postgres:secreto@127.0.0.1:9/test?password=otro"
    engine = make_engine(url)
    try:
        with pytest.raises(OperationalError) as raised:
            current_version_id(engine)
    finally:
        engine.dispose()
    assert is_unavailable(raised.value)
    message = describe_unavailable(url, raised.value)
    assert "El servidor PostgreSQL" in message and "no responde" in message
    assert "secreto" not in message and "otro" not in message and "\n" not in message


def test_garbage_sqlite_file_is_unavailable_not_a_crash(tmp_path):
    import os

    from data.store import describe_unavailable, is_unavailable

    path = tmp_path / "tablero.sqlite"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(DatabaseError) as raised:
        open_store(f"sqlite:///{path}", tiny_catalog)
    assert is_unavailable(raised.value)
    assert "no es una base de datos SQLite válida" in describe_unavailable(
        f"sqlite:///{path}", raised.value)


def test_postgres_connections_are_bounded_in_time(store_url):
    """A server that accepts TCP and never answers: the connection gives up in time."""
    if store_url.startswith("sqlite"):
        pytest.skip("SQLite es un archivo local: no hay red que se quede sin respuesta")
    import time

    from data.store.engine import CONNECT_TIMEOUT_S
    from tests.tcp_proxy import TcpProxy, proxied_url

    proxy = TcpProxy(5432)
    proxy.blackhole()
    engine = make_engine(proxied_url(store_url, proxy))
    raised = []

    def read() -> None:
        try:
            current_version_id(engine)
        except Exception as error:  # asserted below
            raised.append(error)

    reader = threading.Thread(target=read, daemon=True)
    start = time.monotonic()
    reader.start()
    try:
        reader.join(CONNECT_TIMEOUT_S + 3)
        assert not reader.is_alive(), "the connection attempt hung"
    finally:
        proxy.close()  # cuts a hung attempt too
        reader.join(10)
        engine.dispose()
    assert time.monotonic() - start < CONNECT_TIMEOUT_S + 3
    assert isinstance(raised[0], OperationalError)


def test_integrity_and_data_errors_are_not_outages():
    from sqlalchemy.exc import DataError, IntegrityError

    from data.store import StoreUnavailableError, is_unavailable

    assert not is_unavailable(IntegrityError("INSERT", {}, Exception("duplicate")))
    assert not is_unavailable(DataError("INSERT", {}, Exception("NUL")))
    assert not is_unavailable(ValueError("x"))
    assert is_unavailable(StoreUnavailableError("caído"))
