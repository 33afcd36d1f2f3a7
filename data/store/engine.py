"""Engine factory: one code path for the embedded SQLite file and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

__all__ = [
    "LOCK_TIMEOUT_S",
    "TIMEOUT_OPTION",
    "WRITE_OPTION",
    "is_sqlite",
    "make_engine",
    "normalize_url",
    "writer",
]

#: Seconds a writer waits for the store lock before answering "conflict".
LOCK_TIMEOUT_S = 30

#: Execution option that makes a SQLite transaction start with ``BEGIN IMMEDIATE``.
WRITE_OPTION = "bogota_ti_write"
#: Execution option carrying the lock timeout (seconds) to PostgreSQL writers.
TIMEOUT_OPTION = "bogota_ti_lock_timeout"


def make_engine(url: str, *, lock_timeout_s: float = LOCK_TIMEOUT_S) -> Engine:
    """Create the engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``).

    SQLite: the parent directory is created, the database runs in WAL mode with a
    busy timeout, foreign keys on, and transactions are started by SQLAlchemy
    (``BEGIN``, or ``BEGIN IMMEDIATE`` for writers, see :func:`writer`), which
    gives real serialisable transactions. PostgreSQL: pre-ping pooled connections.

    Parameters
    ----------
    url : str
        SQLAlchemy database URL.
    lock_timeout_s : float
        How long a writer waits for another writer before giving up.

    Returns
    -------
    sqlalchemy.Engine
    """
    url = normalize_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, lock_timeout_s)
    engine = create_engine(url, pool_pre_ping=True)
    return engine.execution_options(**{TIMEOUT_OPTION: lock_timeout_s})


def normalize_url(url: str) -> str:
    """Use psycopg 3 for ``postgres://`` and ``postgresql://`` URLs (as PaaS hand them out)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def writer(engine: Engine) -> Engine:
    """Return ``engine`` flagged so SQLite transactions take the write lock at BEGIN."""
    return engine.execution_options(**{WRITE_OPTION: True})


def is_sqlite(engine: Engine) -> bool:
    """True when ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


def _sqlite_engine(url: str, lock_timeout_s: float) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": lock_timeout_s})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - driver hook
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout_s * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # pragma: no cover - driver hook
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine.execution_options(**{TIMEOUT_OPTION: lock_timeout_s})
