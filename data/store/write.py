"""Write the store: seed, publish a report, restore a version. One transaction each.

Every writer first takes the store's single write lock (``BEGIN IMMEDIATE`` on
SQLite; ``SELECT ... FOR UPDATE`` of the ``store_lock`` row on PostgreSQL), so
publications are serialised: concurrent uploads land as consecutive versions.
A failure anywhere rolls the whole transaction back: the previous version stays
current and nothing partial is ever visible.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
from data.schema import COLUMNS
from data.store.engine import TIMEOUT_OPTION, is_sqlite, writer
from data.store.errors import ConflictError, InvalidObservationsError, StoreEmptyError
from data.store.models import CATALOG_TABLES, DataVersionRow, ObservationRow, StoreLock
from data.store.read import _current_id, _record, observations_frame
from data.store.records import VersionRecord

__all__ = [
    "CHUNK_ROWS",
    "publish_catalog",
    "publish_observations",
    "restore_version",
    "seed_catalog",
    "today_bogota",
]

#: Rows per INSERT/UPDATE batch.
CHUNK_ROWS = 500

_BOGOTA = timezone(timedelta(hours=-5), "America/Bogota")
_KEY = ["product_id", "year", "locality_code"]
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
    """Store ``catalog`` as version 1 when the store is empty.

    Safe to call from several processes at start-up: exactly one seeds, the
    others find version 1 and return None.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Migrated store.
    catalog : data.catalog.Catalog
        Structure and observations to store (its version's cut-off date and
        illustrative flag are kept).
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
    """Publish a whole catalog (structure, targets, observations) as a new version.

    Used to replace the illustrative catalog by the real matrix: the earlier
    versions stay in the history and can be restored.

    Parameters
    ----------
    only_over_illustrative : bool
        Publish only when the store is empty or its current version is
        illustrative (so concurrent start-ups publish the matrix once).

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


def _store_catalog(connection: Connection, catalog: Catalog, version_id: int, by: str,
                   source_name: str | None, note: str | None) -> VersionRecord:
    observations = _clean_observations(catalog.observations, None)
    _insert_version(connection, dict(
        version_id=version_id, catalog_version=version_id, kind="semilla", published_by=by,
        entity_id=None,
        source_name=catalog.version.source_name if source_name is None else source_name,
        source_sha256=catalog.version.source_sha256,
        note=catalog.version.note if note is None else note,
        cutoff_date=catalog.version.cutoff_date,
        illustrative=catalog.version.illustrative, restored_from=None,
        rows_received=len(observations), rows_added=len(observations),
        rows_changed=0, rows_unchanged=0, rows_total=len(observations),
    ))
    for name, model in CATALOG_TABLES.items():
        rows = _records(getattr(catalog, name), COLUMNS[name])
        for row in rows:
            row["catalog_version"] = version_id
        _insert_rows(connection, model, rows)
    rows = _records(observations, COLUMNS["observations"])
    for row in rows:
        row["version_id"] = version_id
    _insert_rows(connection, ObservationRow, rows)
    return _finish(connection, version_id)


def publish_observations(
    engine: Engine,
    observations: pd.DataFrame,
    *,
    by: str,
    entity_id: str | None = None,
    source_name: str = "",
    source_sha256: str = "",
    note: str = "",
    cutoff_date: date | None = None,
    expected_version: int | None = None,
) -> VersionRecord:
    """Publish a validated report as a new version: the current values plus the report.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Migrated, seeded store.
    observations : pandas.DataFrame
        Columns ``product_id, year, locality_code, value`` and optionally
        ``reported_at`` (missing dates become the cut-off date). One row per key.
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

    Returns
    -------
    VersionRecord
        The new version (``version_id`` is the previous one plus 1).

    Raises
    ------
    ConflictError
        ``expected_version`` is stale, or another writer held the lock too long.
    InvalidObservationsError
        Rows that do not fit the catalog (unknown product, duplicate key...).
    StoreEmptyError
        The store was never seeded.
    """
    cutoff = cutoff_date or today_bogota()
    report = _clean_observations(observations, cutoff)
    with _write_transaction(engine) as connection:
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
        _check_keys(connection, base.catalog_version, report)
        old = observations_frame(connection, current)
        merged = report.merge(old[_KEY + ["value"]], on=_KEY, how="left",
                              suffixes=("", "_old"), indicator=True)
        is_new = merged["_merge"] == "left_only"
        is_changed = ~is_new & (merged["value"] != merged["value_old"])
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
        _copy_observations(connection, current, new_id)
        columns = COLUMNS["observations"]
        updates = _records(merged.loc[~is_new, columns], columns)
        _update_rows(connection, new_id, updates)
        added = _records(merged.loc[is_new, columns], columns)
        for row in added:
            row["version_id"] = new_id
        _insert_rows(connection, ObservationRow, added)
        return _finish(connection, new_id)


def restore_version(engine: Engine, version_id: int, *, by: str, note: str = "") -> VersionRecord:
    """Publish a new version whose data equals that of ``version_id``.

    Nothing is deleted: the versions in between stay in the history.

    Raises
    ------
    VersionNotFoundError
        When ``version_id`` does not exist.
    """
    with _write_transaction(engine) as connection:
        source = _record(connection, version_id)
        current = _current_id(connection)
        assert current is not None  # _record succeeded, so the store has versions
        new_id = current + 1
        total = len(observations_frame(connection, source.version_id))
        _insert_version(connection, dict(
            version_id=new_id, catalog_version=source.catalog_version, kind="restauracion",
            published_by=by, entity_id=None, source_name=source.source_name,
            source_sha256=source.source_sha256,
            note=note or f"Restauración de la versión v{source.version_id}",
            cutoff_date=source.cutoff_date, illustrative=source.illustrative,
            restored_from=source.version_id, rows_received=0, rows_added=0,
            rows_changed=0, rows_unchanged=total, rows_total=total,
        ))
        _copy_observations(connection, source.version_id, new_id)
        return _finish(connection, new_id)


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
        if "data_versions" not in str(error.orig).lower():
            raise  # not a race on the version number: a real bug, let it surface
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


def _copy_observations(connection: Connection, source_id: int, target_id: int) -> None:
    columns = list(COLUMNS["observations"])
    table = ObservationRow.__table__
    source = select(
        literal_column(str(int(target_id))).label("version_id"),
        *(table.c[c] for c in columns),
    ).where(table.c.version_id == source_id)
    connection.execute(insert(table).from_select(["version_id", *columns], source))


def _insert_rows(connection: Connection, model, rows: Sequence[dict]) -> None:
    for start in range(0, len(rows), CHUNK_ROWS):
        _execute_chunk(connection, insert(model.__table__), rows[start:start + CHUNK_ROWS])


def _update_rows(connection: Connection, version_id: int, rows: Sequence[dict]) -> None:
    table = ObservationRow.__table__
    statement = (
        update(table)
        .where(table.c.version_id == version_id)
        .where(table.c.product_id == bindparam("k_product"))
        .where(table.c.year == bindparam("k_year"))
        .where(table.c.locality_code == bindparam("k_locality"))
        .values(value=bindparam("value"), reported_at=bindparam("reported_at"))
    )
    params = [
        {"k_product": r["product_id"], "k_year": r["year"], "k_locality": r["locality_code"],
         "value": r["value"], "reported_at": r["reported_at"]}
        for r in rows
    ]
    for start in range(0, len(params), CHUNK_ROWS):
        _execute_chunk(connection, statement, params[start:start + CHUNK_ROWS])


def _execute_chunk(connection: Connection, statement, rows: Sequence[dict]) -> None:
    """Execute one batch (a seam for crash-injection tests)."""
    if rows:
        connection.execute(statement, list(rows))


def _check_keys(connection: Connection, catalog_version: int, report: pd.DataFrame) -> None:
    products = CATALOG_TABLES["products"]
    known = set(connection.execute(
        select(products.product_id).where(products.catalog_version == catalog_version)
    ).scalars())
    unknown = sorted(set(report["product_id"]) - known)
    if unknown:
        raise InvalidObservationsError(
            "Productos que no están en el catálogo: " + ", ".join(unknown) + "."
        )


def _clean_observations(frame: pd.DataFrame, default_date: date | None) -> pd.DataFrame:
    missing = {"product_id", "year", "locality_code", "value"} - set(frame.columns)
    if missing:
        raise InvalidObservationsError(
            "Faltan columnas en las observaciones: " + ", ".join(sorted(missing)) + "."
        )
    out = pd.DataFrame({
        "product_id": frame["product_id"].astype(str),
        "year": pd.to_numeric(frame["year"]).astype("int64"),
        "locality_code": frame["locality_code"].astype(str).str.zfill(2),
        "value": pd.to_numeric(frame["value"]).astype("float64"),
    })
    if out["value"].isna().any():
        raise InvalidObservationsError("Hay observaciones sin valor.")
    dates = frame["reported_at"] if "reported_at" in frame.columns else None
    out["reported_at"] = [_as_date(v, default_date) for v in
                          (dates if dates is not None else [None] * len(out))]
    if out.duplicated(_KEY).any():
        raise InvalidObservationsError(
            "Hay observaciones repetidas para el mismo producto, año y localidad."
        )
    return out.reset_index(drop=True)


def _as_date(value, default: date | None) -> date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return default
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def _records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict]:
    """Rows as dicts of plain Python values (NaN/NaT -> None)."""
    rows = []
    for values in frame[list(columns)].itertuples(index=False, name=None):
        row = {}
        for column, value in zip(columns, values, strict=True):
            if value is not None and not isinstance(value, (str, date)) and pd.isna(value):
                value = None
            elif hasattr(value, "item"):
                value = value.item()  # numpy scalar -> Python
            row[column] = value
        rows.append(row)
    return rows
