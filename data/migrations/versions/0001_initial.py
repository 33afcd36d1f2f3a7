"""Initial store: versioned catalog, observations, publication history, writer lock.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_VERSION_FK = "data_versions.version_id"


def _catalog_version() -> sa.Column:
    return sa.Column("catalog_version", sa.Integer, sa.ForeignKey(_VERSION_FK,
                     name=None), primary_key=True, autoincrement=False)


def upgrade() -> None:
    """Create the tables and the single writer-lock row."""
    lock = op.create_table(
        "store_lock",
        sa.Column("lock_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_version", sa.Integer, nullable=False),
    )
    op.create_table(
        "data_versions",
        sa.Column("version_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("catalog_version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(120), nullable=False),
        sa.Column("entity_id", sa.String(40), nullable=True),
        sa.Column("source_name", sa.String(255), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("cutoff_date", sa.Date, nullable=False),
        sa.Column("illustrative", sa.Boolean, nullable=False),
        sa.Column("restored_from", sa.Integer, nullable=True),
        sa.Column("rows_received", sa.Integer, nullable=False),
        sa.Column("rows_added", sa.Integer, nullable=False),
        sa.Column("rows_changed", sa.Integer, nullable=False),
        sa.Column("rows_unchanged", sa.Integer, nullable=False),
        sa.Column("rows_total", sa.Integer, nullable=False),
    )
    op.create_table(
        "axes",
        _catalog_version(),
        sa.Column("axis_id", sa.String(60), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
    )
    op.create_table(
        "objectives",
        _catalog_version(),
        sa.Column("objective_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("result_text", sa.Text, nullable=False),
    )
    op.create_table(
        "entities",
        _catalog_version(),
        sa.Column("entity_id", sa.String(40), primary_key=True),
        sa.Column("acronym", sa.String(60), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
    )
    op.create_table(
        "products",
        _catalog_version(),
        sa.Column("product_id", sa.String(20), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("objective_id", sa.Integer, nullable=False),
        sa.Column("axis_id", sa.String(60), nullable=False),
        sa.Column("entity_id", sa.String(40), nullable=False),
        sa.Column("indicator", sa.Text, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("baseline", sa.Double, nullable=True),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("aggregation", sa.String(8), nullable=False),
        sa.Column("layer", sa.String(60), nullable=True),
    )
    op.create_table(
        "targets",
        _catalog_version(),
        sa.Column("product_id", sa.String(20), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("locality_code", sa.String(2), primary_key=True),
        sa.Column("target", sa.Double, nullable=True),
    )
    op.create_table(
        "observations",
        sa.Column("version_id", sa.Integer, sa.ForeignKey(_VERSION_FK), primary_key=True,
                  autoincrement=False),
        sa.Column("product_id", sa.String(20), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("locality_code", sa.String(2), primary_key=True),
        sa.Column("value", sa.Double, nullable=False),
        sa.Column("reported_at", sa.Date, nullable=True),
    )
    op.bulk_insert(lock, [{"lock_id": 1, "last_version": 0}])


def downgrade() -> None:
    """Drop everything this revision created."""
    for table in ("observations", "targets", "products", "entities", "objectives", "axes",
                  "data_versions", "store_lock"):
        op.drop_table(table)
