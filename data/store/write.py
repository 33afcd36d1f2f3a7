"""Write the store: seed, publish a catalog or a report, restore a version.

One transaction each. Every writer first takes the store's single write lock
(``BEGIN IMMEDIATE`` on SQLite; ``SELECT ... FOR UPDATE`` of the ``store_lock``
row on PostgreSQL), so publications are serialised: concurrent uploads land as
consecutive versions. A failure anywhere rolls the whole transaction back: the
previous version stays current and nothing partial is ever visible.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from data.catalog import Catalog
from data.schema import COLUMNS, QUARTERS
from data.store.engine import TIMEOUT_OPTION, is_sqlite, writer
from data.store.errors import (
    ConflictError,
    IdempotencyKeyError,
    InvalidReportsError,
    StoreEmptyError,
)
from data.store.models import (
    CATALOG_TABLES,
    DataVersionRow,
    IdempotencyKeyRow,
    IndicatorRow,
    ReportRow,
    ResultRow,
    StoreLock,
)
from data.store.read import (
    BOOL_COLUMNS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    _current_id,
    _record,
    reports_frame,
)
from data.store.records import VersionRecord

__all__ = [
    "CHUNK_ROWS",
    "REPORT_KEY",
    "publish_catalog",
    "publish_reports",
    "restore_version",
    "seed_catalog",
    "today_bogota",
]

#: Rows per INSERT/UPDATE batch.
CHUNK_ROWS = 500
#: Columns that identify a report: one value and one text per key and version.
REPORT_KEY = ("code", "year", "quarter", "locality_code")

_BOGOTA = timezone(timedelta(hours=-5), "America/Bogota")
_KEY = list(REPORT_KEY)
_BUSY = (
    "Otra publicación está en curso y no terminó a tiempo; no se escribió nada. "
    "Intente de nuevo en unos segundos."
)


def today_bogota() -> date:
    """Today's date in Bogotá (UTC-5, no daylight saving)."""
    return datetime.now(_BOGOTA).date()


def seed_catalog(engine: Engine, catalog: Catalog, *, by: str = "sistema",
                 source_name: str | None = None, note: str | None = None
                 ) -> VersionRecord | None:
    """Store ``catalog`` (structure and reports) as version 1 when the store is empty.

    Safe to call from several processes at start-up: exactly one seeds, the
    others find version 1 and return None.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Migrated store.
    catalog : data.catalog.Catalog
        Every table is stored (its version's cut-off date, illustrative flag
        and provenance are kept).
    by : str
        Who seeds, recorded in the history.
    source_name, note : str, optional
        Provenance; default to those of ``catalog.version``.

    Returns
    -------
    VersionRecord or None
        The new version, or None when the store was already seeded.
    """
    with _write_transaction(engine) as connection:
        if _current_id(connection) is not None:
            return None
        return _store_catalog(connection, catalog, 1, by, source_name, note)


def publish_catalog(engine: Engine, catalog: Catalog, *, by: str = "sistema",
                    source_name: str | None = None, note: str | None = None,
                    only_over_illustrative: bool = False) -> VersionRecord | None:
    """Publish a whole catalog (structure, targets, reports) as a new version.

    Used to replace the illustrative catalog by the real action plan: the
    earlier versions stay in the history and can be restored.

    Parameters
    ----------
    only_over_illustrative : bool
        Publish only when the store is empty or its current version is
        illustrative (so concurrent start-ups publish the plan once).

    Returns
    -------
    VersionRecord or None
        The new version; None when ``only_over_illustrative`` skipped it.
    """
    with _write_transaction(engine) as connection:
        current = _current_id(connection)
        if (only_over_illustrative and current is not None
                and not _record(connection, current).illustrative):
            return None
        return _store_catalog(connection, catalog, (current or 0) + 1, by, source_name, note)


def publish_reports(
    engine: Engine,
    reports: pd.DataFrame,
    *,
    by: str,
    entity_id: str | None = None,
    source_name: str = "",
    source_sha256: str = "",
    note: str = "",
    cutoff_date: date | None = None,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> VersionRecord:
    """Publish validated reports as a new version: the current reports plus these.

    A row replaces the value and the text previously reported for its key
    (code, year, quarter, locality_code); other keys are kept as they were.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Migrated, seeded store.
    reports : pandas.DataFrame
        Columns ``code, year, quarter, locality_code, value`` and optionally
        ``text`` (missing: '') and ``reported_at`` (missing dates become the
        cut-off date). One row per key; codes of result or product indicators
        of the current catalog.
    by : str
        Who publishes (entity id, user); recorded in the history.
    entity_id : str, optional
        Entity the report belongs to.
    source_name, source_sha256, note : str
        Provenance: uploaded file name, its SHA-256, a free note.
    cutoff_date : datetime.date, optional
        Cut-off date of the new version; today in Bogotá when omitted.
    expected_version : int, optional
        Version the caller previewed against; when another publication landed
        since, raise :class:`ConflictError` instead of publishing.
    idempotency_key : str, optional
        The client's key for this publication, scoped to ``by``. When ``by``
        already published ``source_sha256`` with this key, nothing is written
        and that version is returned with ``replayed=True`` (checked before
        ``expected_version``, so a retry after a lost answer gets the first
        result). Two concurrent calls with the same key publish once.

    Returns
    -------
    VersionRecord
        The new version (``version_id`` is the previous one plus 1) with its
        counts: rows received, added (new keys), changed (value or text
        differs), unchanged, and the version's total.

    Raises
    ------
    ConflictError
        ``expected_version`` is stale, or another writer held the lock too long.
    IdempotencyKeyError
        ``by`` used ``idempotency_key`` for a file with another SHA-256.
    InvalidReportsError
        Rows that do not fit the catalog (unknown code, duplicate key...).
    StoreEmptyError
        The store was never seeded.
    """
    cutoff = cutoff_date or today_bogota()
    report = _clean_reports(reports, cutoff)
    try:
        return _publish_reports(engine, report, by=by, entity_id=entity_id,
                                source_name=source_name, source_sha256=source_sha256,
                                note=note, cutoff=cutoff, expected_version=expected_version,
                                idempotency_key=idempotency_key)
    except IntegrityError as error:
        # Two requests with one key raced past the lookup (the store lock makes this
        # rare): the loser's transaction rolled back; answer with the winner's version.
        if idempotency_key is None or IdempotencyKeyRow.__tablename__ not in str(
                error.orig).lower():
            raise
        with engine.connect() as connection:
            replay = _replay(connection, by, idempotency_key, source_sha256)
        if replay is None:  # pragma: no cover - the key row was just seen by the database
            raise ConflictError(_BUSY) from error
        return replay


def _publish_reports(engine: Engine, report: pd.DataFrame, *, by: str, entity_id: str | None,
                     source_name: str, source_sha256: str, note: str, cutoff: date,
                     expected_version: int | None,
                     idempotency_key: str | None) -> VersionRecord:
    with _write_transaction(engine) as connection:
        if idempotency_key is not None:
            replay = _replay(connection, by, idempotency_key, source_sha256)
            if replay is not None:
                return replay
        current = _current_id(connection)
        if current is None:
            raise StoreEmptyError("El almacén está vacío: no hay una versión sobre la cual "
                                  "publicar. Reinicie el tablero para cargar el catálogo.")
        if expected_version is not None and int(expected_version) != current:
            raise ConflictError(
                f"Los datos cambiaron mientras revisaba su archivo: la versión vigente es "
                f"v{current}, no v{expected_version}. No se publicó nada; vuelva a cargar el "
                "archivo para ver la vista previa actualizada."
            )
        base = _record(connection, current)
        _check_codes(connection, base.catalog_version, report)
        old = reports_frame(connection, current)
        merged = report.merge(old[_KEY + ["value", "text"]], on=_KEY, how="left",
                              suffixes=("", "_old"), indicator=True)
        is_new = merged["_merge"] == "left_only"
        is_changed = ~is_new & ((merged["value"] != merged["value_old"])
                                | (merged["text"] != merged["text_old"]))
        new_id = current + 1
        _insert_version(connection, dict(
            version_id=new_id, catalog_version=base.catalog_version, kind="reporte",
            published_by=by, entity_id=entity_id, source_name=source_name,
            source_sha256=source_sha256, note=note, cutoff_date=cutoff,
            illustrative=base.illustrative, restored_from=None,
            rows_received=len(report), rows_added=int(is_new.sum()),
            rows_changed=int(is_changed.sum()),
            rows_unchanged=int((~is_new & ~is_changed).sum()),
            rows_total=len(old) + int(is_new.sum()),
        ))
        _copy_reports(connection, current, new_id)
        columns = COLUMNS["reports"]
        _update_rows(connection, new_id, _records(merged.loc[~is_new, list(columns)], columns))
        added = _records(merged.loc[is_new, list(columns)], columns)
        for row in added:
            row["version_id"] = new_id
        _insert_rows(connection, ReportRow, added)
        record = _finish(connection, new_id)
        if idempotency_key is not None:
            connection.execute(insert(IdempotencyKeyRow).values(
                caller=by, key=idempotency_key, version_id=new_id,
                source_sha256=source_sha256, created_at=datetime.now(UTC)))
        return record


def _replay(connection: Connection, caller: str, key: str,
            source_sha256: str) -> VersionRecord | None:
    """The version ``caller`` published with ``key`` (``replayed=True``), or None.

    Raises
    ------
    IdempotencyKeyError
        The key was used for a file with another SHA-256.
    """
    row = connection.execute(
        select(IdempotencyKeyRow.version_id, IdempotencyKeyRow.source_sha256)
        .where(IdempotencyKeyRow.caller == caller, IdempotencyKeyRow.key == key)
    ).first()
    if row is None:
        return None
    record = _record(connection, row.version_id)
    if row.source_sha256 != source_sha256:
        raise IdempotencyKeyError(
            f"La clave Idempotency-Key «{key}» ya se usó para publicar otro archivo "
            f"(«{record.source_name}», versión v{record.version_id}). No se publicó nada: "
            "envíe cada archivo distinto con una clave nueva (por ejemplo, un UUID)."
        )
    return replace(record, replayed=True)


def restore_version(engine: Engine, version_id: int, *, by: str, note: str = "") -> VersionRecord:
    """Publish a new version whose data (structure and reports) equals ``version_id``'s.

    Nothing is deleted: the versions in between stay in the history.

    Raises
    ------
    VersionNotFoundError
        When ``version_id`` does not exist (nothing is written).
    """
    with _write_transaction(engine) as connection:
        source = _record(connection, version_id)
        current = _current_id(connection)
        assert current is not None  # _record succeeded, so the store has versions
        new_id = current + 1
        total = len(reports_frame(connection, source.version_id))
        _insert_version(connection, dict(
            version_id=new_id, catalog_version=source.catalog_version, kind="restauracion",
            published_by=by, entity_id=None, source_name=source.source_name,
            source_sha256=source.source_sha256,
            note=note or f"Restauración de la versión v{source.version_id}",
            cutoff_date=source.cutoff_date, illustrative=source.illustrative,
            restored_from=source.version_id, rows_received=0, rows_added=0,
            rows_changed=0, rows_unchanged=total, rows_total=total,
        ))
        _copy_reports(connection, source.version_id, new_id)
        return _finish(connection, new_id)


# ---------------------------------------------------------------- internals


def _store_catalog(connection: Connection, catalog: Catalog, version_id: int, by: str,
                   source_name: str | None, note: str | None) -> VersionRecord:
    reports = _clean_reports(catalog.reports, None)
    _insert_version(connection, dict(
        version_id=version_id, catalog_version=version_id, kind="semilla", published_by=by,
        entity_id=None,
        source_name=catalog.version.source_name if source_name is None else source_name,
        source_sha256=catalog.version.source_sha256,
        note=catalog.version.note if note is None else note,
        cutoff_date=catalog.version.cutoff_date,
        illustrative=catalog.version.illustrative, restored_from=None,
        rows_received=len(reports), rows_added=len(reports),
        rows_changed=0, rows_unchanged=0, rows_total=len(reports),
    ))
    for name, model in CATALOG_TABLES.items():
        rows = _records(getattr(catalog, name), COLUMNS[name])
        for row in rows:
            row["catalog_version"] = version_id
        _insert_rows(connection, model, rows)
    rows = _records(reports, COLUMNS["reports"])
    for row in rows:
        row["version_id"] = version_id
    _insert_rows(connection, ReportRow, rows)
    return _finish(connection, version_id)


@contextmanager
def _write_transaction(engine: Engine) -> Iterator[Connection]:
    """One serialised write transaction; lock waits turn into ConflictError."""
    try:
        with writer(engine).begin() as connection:
            if not is_sqlite(engine):
                timeout_s = connection.get_execution_options().get(TIMEOUT_OPTION, 30)
                connection.execute(text(f"SET LOCAL lock_timeout = {int(timeout_s * 1000)}"))
            locked = connection.execute(
                select(StoreLock.last_version).where(StoreLock.lock_id == 1).with_for_update()
            ).first()
            if locked is None:  # pragma: no cover - the migration inserts it
                raise ConflictError("El almacén no tiene su fila de bloqueo; ejecute las "
                                    "migraciones (upgrade_to_head).")
            yield connection
    except IntegrityError as error:
        message = str(error.orig).lower()
        if "data_versions" not in message or IdempotencyKeyRow.__tablename__ in message:
            raise  # not a race on the version number: a key race or a real bug
        raise ConflictError("Otra publicación tomó el mismo número de versión; no se "
                            "escribió nada. Intente de nuevo.") from error
    except DBAPIError as error:
        if _is_lock_timeout(error):
            raise ConflictError(_BUSY) from error
        raise


def _is_lock_timeout(error: DBAPIError) -> bool:
    message = str(error.orig).lower()
    code = getattr(error.orig, "sqlstate", None)
    return "database is locked" in message or code in {"55P03", "40P01", "40001"}


def _finish(connection: Connection, version_id: int) -> VersionRecord:
    connection.execute(
        update(StoreLock).where(StoreLock.lock_id == 1).values(last_version=version_id)
    )
    return _record(connection, version_id)


def _insert_version(connection: Connection, values: dict) -> None:
    values = {"published_at": datetime.now(UTC), **values}
    connection.execute(insert(DataVersionRow).values(**values))


def _copy_reports(connection: Connection, source_id: int, target_id: int) -> None:
    columns = list(COLUMNS["reports"])
    table = ReportRow.__table__
    source = select(
        literal_column(str(int(target_id))).label("version_id"),
        *(table.c[c] for c in columns),
    ).where(table.c.version_id == source_id)
    connection.execute(insert(table).from_select(["version_id", *columns], source))


def _insert_rows(connection: Connection, model, rows: Sequence[dict]) -> None:
    for start in range(0, len(rows), CHUNK_ROWS):
        _execute_chunk(connection, insert(model.__table__), rows[start:start + CHUNK_ROWS])


def _update_rows(connection: Connection, version_id: int, rows: Sequence[dict]) -> None:
    table = ReportRow.__table__
    statement = (
        update(table)
        .where(table.c.version_id == version_id)
        .where(table.c.code == bindparam("k_code"))
        .where(table.c.year == bindparam("k_year"))
        .where(table.c.quarter == bindparam("k_quarter"))
        .where(table.c.locality_code == bindparam("k_locality"))
        .values(value=bindparam("value"), text=bindparam("text"),
                reported_at=bindparam("reported_at"))
    )
    params = [
        {"k_code": r["code"], "k_year": r["year"], "k_quarter": r["quarter"],
         "k_locality": r["locality_code"], "value": r["value"], "text": r["text"],
         "reported_at": r["reported_at"]}
        for r in rows
    ]
    for start in range(0, len(params), CHUNK_ROWS):
        _execute_chunk(connection, statement, params[start:start + CHUNK_ROWS])


def _execute_chunk(connection: Connection, statement, rows: Sequence[dict]) -> None:
    """Execute one batch (a seam for crash-injection tests)."""
    if rows:
        connection.execute(statement, list(rows))


def _check_codes(connection: Connection, catalog_version: int, report: pd.DataFrame) -> None:
    known = set()
    for model in (ResultRow, IndicatorRow):
        known.update(connection.execute(
            select(model.code).where(model.catalog_version == catalog_version)
        ).scalars())
    unknown = sorted(set(report["code"]) - known)
    if unknown:
        listed = ", ".join(unknown[:20]) + (f" y {len(unknown) - 20} más" if len(unknown) > 20
                                            else "")
        raise InvalidReportsError(
            f"Códigos de indicador que no están en el catálogo vigente: {listed}. Revise la "
            "columna «codigo»: use los códigos del plan de acción (resultado «N.1», "
            "producto «N.1.k»). No se publicó nada."
        )


def _clean_reports(frame: pd.DataFrame, default_date: date | None) -> pd.DataFrame:
    """Reports typed for the store; ``reported_at`` as dates (missing: ``default_date``)."""
    missing = set(_KEY + ["value"]) - set(frame.columns)
    if missing:
        raise InvalidReportsError(
            "Faltan columnas en los reportes: " + ", ".join(sorted(missing)) + ". "
            "No se publicó nada."
        )
    year = pd.to_numeric(frame["year"], errors="coerce")
    quarter = pd.to_numeric(frame["quarter"], errors="coerce")
    if year.isna().any() or (year % 1 != 0).any():
        raise InvalidReportsError("Hay reportes sin un año válido (un número como 2025). "
                                  "No se publicó nada.")
    if not quarter.isin(QUARTERS).all():
        raise InvalidReportsError("Hay reportes con un trimestre inválido: use 1, 2, 3 o 4. "
                                  "No se publicó nada.")
    value = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    if value.isna().any():
        raise InvalidReportsError("Hay reportes sin valor numérico; escriba el valor "
                                  "reportado (0 si no hubo avance). No se publicó nada.")
    texts = frame["text"] if "text" in frame.columns else pd.Series("", index=frame.index)
    dates = (frame["reported_at"] if "reported_at" in frame.columns
             else pd.Series(None, index=frame.index, dtype=object))
    out = pd.DataFrame({
        "code": frame["code"].astype("str").str.strip(),
        "year": year.astype("int64"),
        "quarter": quarter.astype("int64"),
        "locality_code": frame["locality_code"].astype("str").str.strip().str.zfill(2),
        "value": value,
        "text": texts.fillna("").astype("str"),
        "reported_at": [_as_date(v, default_date) for v in dates],
    }).reset_index(drop=True)
    if out.duplicated(_KEY).any():
        raise InvalidReportsError(
            "Hay reportes repetidos para el mismo código, año, trimestre y localidad; deje "
            "una sola fila por cada uno. No se publicó nada."
        )
    return out


def _as_date(value, default: date | None) -> date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return default
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def _records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict]:
    """Rows as dicts of plain Python values for the store's columns.

    NaN/NaT become NULL in float and date columns and '' in text columns;
    numpy scalars become Python ones; timestamps become dates.
    """
    rows = []
    for values in frame[list(columns)].itertuples(index=False, name=None):
        row = {}
        for column, value in zip(columns, values, strict=True):
            missing = value is None or (not isinstance(value, str) and pd.isna(value))
            if column in FLOAT_COLUMNS:
                value = None if missing else float(value)
            elif column in INT_COLUMNS:
                value = int(value)
            elif column in BOOL_COLUMNS:
                value = bool(value)
            elif column == "reported_at":
                value = None if missing else _as_date(value, None)
            else:
                value = "" if missing else str(value)
            row[column] = value
        rows.append(row)
    return rows
