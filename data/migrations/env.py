"""Alembic environment: runs on the connection handed over by ``data.store.migrate``."""

from __future__ import annotations

from alembic import context

from data.config import load_settings
from data.store.engine import make_engine
from data.store.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    """``-x url=...``, else ``sqlalchemy.url``, else the app's ``DATABASE_URL`` setting."""
    return (context.get_x_argument(as_dictionary=True).get("url")
            or config.get_main_option("sqlalchemy.url")
            or load_settings().database_url)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Emit the SQL to stdout (``alembic upgrade head --sql``)."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Apply the migrations on the given connection, or on a fresh engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
