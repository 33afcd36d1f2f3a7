"""Apply the Alembic migrations of ``data/migrations`` programmatically (no alembic.ini)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from data.store.engine import is_sqlite, make_engine, writer

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revision",
    "head_revision",
    "upgrade_to_head",
    "upgrade_to_revision",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

#: Key of the PostgreSQL advisory lock held while migrating (any constant int64).
_MIGRATION_LOCK_KEY = 0x7AB1E50


def alembic_config() -> Config:
    """Alembic configuration pointing at ``data/migrations``."""
    from alembic.config import Config  # imported lazily: alembic is slow to import

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """Revision id of the newest migration."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """Revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(target: str | Engine) -> Engine:
    """Bring the database at ``target`` (URL or engine) to the newest schema.

    Safe when several processes start at once: writers are serialised with
    ``BEGIN IMMEDIATE`` (SQLite) or an advisory transaction lock (PostgreSQL),
    and the whole upgrade is one transaction on both (a failed migration
    leaves the store as it was).

    Parameters
    ----------
    target : str or sqlalchemy.Engine
        Database URL or an engine from :func:`data.store.engine.make_engine`.

    Returns
    -------
    sqlalchemy.Engine
        The engine used (created from the URL when a URL was given).
    """
    engine = make_engine(target) if isinstance(target, str) else target
    if current_revision(engine) == head_revision():
        return engine
    return upgrade_to_revision(engine, "head")


def upgrade_to_revision(target: str | Engine, revision: str) -> Engine:
    """Upgrade the database at ``target`` to ``revision`` (e.g. ``"0001"``), in one transaction.

    :func:`upgrade_to_head` is what the app uses; an older revision is useful
    to build a store as it was deployed (migration tests).
    """
    engine = make_engine(target) if isinstance(target, str) else target
    from alembic import command

    config = alembic_config()
    with writer(engine).begin() as connection:
        if not is_sqlite(engine):
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": _MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return engine
