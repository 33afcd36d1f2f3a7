"""Read the store: current version, history, a version's catalog, canonical dumps."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Engine, func, select

from data.catalog import TABLES, Catalog
from data.schema import COLUMNS
from data.store.errors import StoreEmptyError, VersionNotFoundError
from data.store.models import CATALOG_TABLES, Base, DataVersionRow, ReportRow
from data.store.records import VersionRecord

__all__ = [
    "BOOL_COLUMNS",
    "FLOAT_COLUMNS",
    "INT_COLUMNS",
    "MAX_VERSION_ID",
    "current_version",
    "current_version_id",
    "dump_store",
    "get_version",
    "list_versions",
    "load_catalog",
    "reports_frame",
    "typed_frame",
]

#: Columns of the catalog tables by type; every other column is a text.
INT_COLUMNS = frozenset({"objective_id", "year", "quarter"})
FLOAT_COLUMNS = frozenset({"weight", "baseline", "final_target", "target", "value"})
BOOL_COLUMNS = frozenset({"in_force", "by_locality"})
#: Largest version id the store can hold (a 32-bit signed integer column).
MAX_VERSION_ID = 2**31 - 1


def current_version_id(engine: Engine) -> int | None:
    """Id of the newest version, or None when the store is empty (one cheap query)."""
    with engine.connect() as connection:
        return _current_id(connection)


def current_version(engine: Engine) -> VersionRecord | None:
    """The newest publication, or None when the store is empty."""
    with engine.connect() as connection:
        current = _current_id(connection)
        return None if current is None else _record(connection, current)


def get_version(engine: Engine, version_id: int) -> VersionRecord:
    """One publication.

    Raises
    ------
    VersionNotFoundError
        When ``version_id`` was never published (or cannot be a version id).
    """
    with engine.connect() as connection:
        return _record(connection, version_id)


def list_versions(engine: Engine) -> list[VersionRecord]:
    """All publications, newest first."""
    statement = select(DataVersionRow).order_by(DataVersionRow.version_id.desc())
    with engine.connect() as connection:
        return [VersionRecord.from_row(row) for row in connection.execute(statement)]


def load_catalog(engine: Engine, version_id: int | None = None) -> Catalog:
    """The whole catalog of one version (default: the current one).

    Versions are immutable once committed, so reading by id is consistent
    even while another process publishes.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Store engine (migrated).
    version_id : int, optional
        Version to load; the newest when omitted.

    Returns
    -------
    data.catalog.Catalog
        Every table with the columns of ``data.schema.COLUMNS``, rows in
        primary-key order, and the types of :class:`data.catalog.Catalog`:
        ``objective_id``, ``year``, ``quarter`` int64; weights, baselines,
        targets and values float64 (NULL is NaN); ``in_force`` and
        ``by_locality`` bool; texts str ('' when empty); ``reported_at``
        datetime64[ns] (NaT when unknown).

    Raises
    ------
    StoreEmptyError
        When nothing was published yet.
    VersionNotFoundError
        When ``version_id`` does not exist.
    """
    with engine.connect() as connection:
        if version_id is None:
            version_id = _current_id(connection)
            if version_id is None:
                raise StoreEmptyError(
                    "El almacén de datos está vacío: no hay ninguna versión publicada. "
                    "Reinicie el tablero para cargar el catálogo."
                )
        record = _record(connection, version_id)
        tables = {
            name: _frame(connection, model, model.catalog_version == record.catalog_version,
                         name)
            for name, model in CATALOG_TABLES.items()
        }
        tables["reports"] = reports_frame(connection, record.version_id)
    return Catalog(**{name: tables[name] for name in TABLES}, version=record.data_version)


def reports_frame(connection: Connection, version_id: int) -> pd.DataFrame:
    """Reports of one version (typed like ``Catalog.reports``), inside an open transaction."""
    return _frame(connection, ReportRow, ReportRow.version_id == version_id, "reports")


def dump_store(engine: Engine) -> dict[str, list[tuple]]:
    """Canonical dump: every row of every table, sorted by primary key.

    Two dumps compare equal exactly when the stored data is the same; tests use
    it to prove that rejected input wrote nothing.
    """
    dump: dict[str, list[tuple]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            statement = select(table).order_by(*table.primary_key.columns)
            dump[table.name] = [tuple(row) for row in connection.execute(statement)]
    return dump


def typed_frame(rows, columns) -> pd.DataFrame:
    """A frame of ``rows`` with the catalog's types for ``columns`` (see :func:`load_catalog`)."""
    frame = pd.DataFrame(list(rows), columns=list(columns))
    for column in frame.columns:
        if column in INT_COLUMNS:
            frame[column] = frame[column].astype("int64")
        elif column in FLOAT_COLUMNS:
            frame[column] = pd.to_numeric(frame[column]).astype("float64")
        elif column in BOOL_COLUMNS:
            frame[column] = frame[column].astype("bool")
        elif column == "reported_at":
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
        else:
            frame[column] = frame[column].fillna("").astype("str")
    return frame.reset_index(drop=True)


def _current_id(connection: Connection) -> int | None:
    return connection.execute(select(func.max(DataVersionRow.version_id))).scalar()


def _not_found(version_id) -> VersionNotFoundError:
    return VersionNotFoundError(
        f"No existe la versión {version_id}. Consulte GET /api/versiones para ver "
        "las versiones disponibles."
    )


def _record(connection: Connection, version_id: int) -> VersionRecord:
    try:
        number = int(version_id)
    except (TypeError, ValueError, OverflowError):
        raise _not_found(version_id) from None
    if not 0 < number <= MAX_VERSION_ID:  # PostgreSQL would fail on 2**31: not a driver error
        raise _not_found(version_id)
    row = connection.execute(
        select(DataVersionRow).where(DataVersionRow.version_id == number)
    ).first()
    if row is None:
        raise _not_found(version_id)
    return VersionRecord.from_row(row)


def _frame(connection: Connection, model, where, name: str) -> pd.DataFrame:
    columns = COLUMNS[name]
    primary = [column.name for column in model.__table__.primary_key.columns
               if column.name in columns]
    statement = select(*(getattr(model, column) for column in columns)).where(where)
    frame = typed_frame(connection.execute(statement).all(), columns)
    # Sorted here, not by the database: the order must not depend on its collation.
    return frame.sort_values(primary, kind="stable").reset_index(drop=True)
