"""Read the store: current version, history, a version's catalog, canonical dumps."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Engine, func, select

from data.catalog import Catalog
from data.schema import COLUMNS
from data.store.errors import StoreEmptyError, VersionNotFoundError
from data.store.models import CATALOG_TABLES, Base, DataVersionRow, ObservationRow
from data.store.records import VersionRecord

__all__ = [
    "current_version",
    "current_version_id",
    "dump_store",
    "get_version",
    "list_versions",
    "load_catalog",
    "observations_frame",
]

_INT_COLUMNS = {"objective_id", "year"}
_FLOAT_COLUMNS = {"baseline", "target", "value"}


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
        When ``version_id`` was never published.
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
        Tables with the columns of ``data.schema.COLUMNS`` and the version.

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
                    "El almacén de datos está vacío: no hay ninguna versión publicada."
                )
        record = _record(connection, version_id)
        tables = {
            name: _frame(connection, model, model.catalog_version == record.catalog_version,
                         name)
            for name, model in CATALOG_TABLES.items()
        }
        tables["observations"] = _frame(
            connection, ObservationRow, ObservationRow.version_id == version_id, "observations"
        )
    return Catalog(**tables, version=record.data_version)


def observations_frame(connection: Connection, version_id: int) -> pd.DataFrame:
    """Observations of one version, inside an open transaction."""
    return _frame(connection, ObservationRow, ObservationRow.version_id == version_id,
                  "observations")


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


def _current_id(connection: Connection) -> int | None:
    return connection.execute(select(func.max(DataVersionRow.version_id))).scalar()


def _record(connection: Connection, version_id: int) -> VersionRecord:
    row = connection.execute(
        select(DataVersionRow).where(DataVersionRow.version_id == int(version_id))
    ).first()
    if row is None:
        raise VersionNotFoundError(
            f"No existe la versión {version_id}. Consulte GET /api/versiones para ver "
            "las versiones disponibles."
        )
    return VersionRecord.from_row(row)


def _frame(connection: Connection, model, where, name: str) -> pd.DataFrame:
    columns = COLUMNS[name]
    primary = [column.name for column in model.__table__.primary_key.columns]
    statement = (
        select(*(getattr(model, column) for column in columns))
        .where(where)
        .order_by(*(getattr(model, column) for column in primary if column in columns))
    )
    frame = pd.DataFrame(connection.execute(statement).all(), columns=list(columns))
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if column in _INT_COLUMNS:
            frame[column] = frame[column].astype("int64")
        elif column in _FLOAT_COLUMNS:
            frame[column] = pd.to_numeric(frame[column]).astype("float64")
        elif column == "reported_at":
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame.reset_index(drop=True)
