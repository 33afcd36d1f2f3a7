"""Idempotent publishing: the ``Idempotency-Key`` of each report publication.

Revision ID: 0003
Revises: 0002
Create Date: 2027-01-15

Adds the table ``idempotency_keys`` (caller, key) -> version_id, SHA-256 of
the published file. Existing versions and rows are not touched; a store at
0002 keeps every version. Downgrade drops the table (the keys only protect
retries in flight).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``idempotency_keys`` (primary key: caller and key)."""
    op.create_table(
        "idempotency_keys",
        sa.Column("caller", sa.String(120), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("caller", "key", name="pk_idempotency_keys"),
        sa.ForeignKeyConstraint(["version_id"], ["data_versions.version_id"],
                                name="fk_idempotency_keys_version_id_data_versions"),
    )


def downgrade() -> None:
    """Drop ``idempotency_keys`` (published versions are kept)."""
    op.drop_table("idempotency_keys")
