"""Engine factory: one code path for the embedded SQLite file and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

__all__ = [
    "CONNECT_TIMEOUT_S",
    "LOCK_TIMEOUT_S",
    "POSTGRES_CONNECT_ARGS",
    "TIMEOUT_OPTION",
    "WRITE_OPTION",
    "describe_unavailable",
    "is_sqlite",
    "make_engine",
    "normalize_url",
    "redacted_url",
    "writer",
]

#: Seconds a writer waits for the store lock before answering "conflict".
LOCK_TIMEOUT_S = 30
#: Seconds to open a PostgreSQL connection before giving up (server down or blackholed).
CONNECT_TIMEOUT_S = 3
#: libpq options of every PostgreSQL connection (the URL's own query wins): bounded
#: connection set-up; data left unacknowledged for 3 s (a blackholed network) closes
#: the connection; keepalives find dead idle connections in the pool.
POSTGRES_CONNECT_ARGS = {
    "connect_timeout": CONNECT_TIMEOUT_S,
    "tcp_user_timeout": 3000,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 2,
    "keepalives_count": 3,
}

#: Execution option that makes a SQLite transaction start with ``BEGIN IMMEDIATE``.
WRITE_OPTION = "bogota_ti_write"
#: Execution option carrying the lock timeout (seconds) to PostgreSQL writers.
TIMEOUT_OPTION = "bogota_ti_lock_timeout"


def make_engine(url: str, *, lock_timeout_s: float = LOCK_TIMEOUT_S) -> Engine:
    """Create the engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``).

    SQLite: the parent directory is created, the database runs in WAL mode with a
    busy timeout, foreign keys on, and transactions are started by SQLAlchemy
    (``BEGIN``, or ``BEGIN IMMEDIATE`` for writers, see :func:`writer`), which
    gives real serialisable transactions. PostgreSQL: pre-ping pooled connections,
    bounded connection and network timeouts (:data:`POSTGRES_CONNECT_ARGS`), so a
    server that is down or blackholed fails a request within seconds, never hangs it.

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
    given = make_url(url).query
    connect_args = {k: v for k, v in POSTGRES_CONNECT_ARGS.items() if k not in given}
    engine = create_engine(url, pool_pre_ping=True, pool_timeout=10,
                           connect_args=connect_args)
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


def redacted_url(url: str) -> str:
    """``url`` without its password nor its query (safe for messages and logs)."""
    try:
        parsed = make_url(normalize_url(url))
        return parsed.set(query={}).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as a placeholder
        return "(DATABASE_URL inválida)"


def describe_unavailable(url: str, error: BaseException) -> str:
    """One Spanish line saying why the store at ``url`` cannot be used, and what to do.

    Parameters
    ----------
    url : str
        The configured ``DATABASE_URL`` (its password is never shown).
    error : BaseException
        What opening or reading the store raised (SQLAlchemy, driver or OS error).
    """
    cause = str(getattr(error, "orig", None) or error).strip().splitlines()
    detail = cause[0][:200] if cause else type(error).__name__
    lowered = detail.lower()
    try:
        parsed = make_url(normalize_url(url))
        backend, database = parsed.get_backend_name(), parsed.database
    except Exception:  # noqa: BLE001 - described below as an invalid URL
        return (f"DATABASE_URL no es una dirección de base de datos válida ({detail}); use "
                "sqlite:///ruta/tablero.sqlite o postgresql://usuario@servidor/base.")
    if backend == "sqlite":
        where = f"archivo SQLite «{database}»"
        if "not a database" in lowered or "malformed" in lowered or "encrypted" in lowered:
            return (f"El {where} no es una base de datos SQLite válida (está dañado o es otro "
                    "tipo de archivo). Restáurelo desde una copia de seguridad o apunte "
                    "DATABASE_URL a otro archivo.")
        return (f"No se puede abrir el {where} ({detail}). Revise la ruta en DATABASE_URL y "
                "los permisos de la carpeta.")
    shown = redacted_url(url)
    if "does not exist" in lowered:
        return (f"La base de datos de «{shown}» no existe ({detail}). Créela o corrija "
                "DATABASE_URL.")
    if "authentication" in lowered or "password" in lowered:
        return (f"PostgreSQL rechazó el usuario de «{shown}» ({detail}). Revise el usuario "
                "y la contraseña en DATABASE_URL.")
    return (f"El servidor PostgreSQL de «{shown}» no responde ({detail}). Revise "
            "DATABASE_URL y que el servidor esté en marcha y acepte conexiones.")
