"""SQLAlchemy 2 tables of the store: versioned catalog, observations and history.

Every publication is a row of ``data_versions``. Versions are immutable once
committed: a new publication copies the previous observation set and applies the
report on top (copy-on-publish; the whole policy is a few thousand rows).
The structural tables (axes ... targets) are keyed by ``catalog_version``: the
version that introduced that catalog structure. A report publication reuses the
structure of the version it builds on, so only observations are copied.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "CATALOG_TABLES",
    "NAMING_CONVENTION",
    "AxisRow",
    "Base",
    "DataVersionRow",
    "EntityRow",
    "ObjectiveRow",
    "ObservationRow",
    "ProductRow",
    "StoreLock",
    "TargetRow",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


_VERSION_FK = "data_versions.version_id"


class StoreLock(Base):
    """One row (``lock_id = 1``) that every writer locks first (serialises publications)."""

    __tablename__ = "store_lock"

    lock_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_version: Mapped[int] = mapped_column(Integer, default=0)


class DataVersionRow(Base):
    """One publication: who, when, what file, how many rows, which structure."""

    __tablename__ = "data_versions"

    version_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    catalog_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(120), default="")
    entity_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    source_name: Mapped[str] = mapped_column(String(255), default="")
    source_sha256: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    cutoff_date: Mapped[date] = mapped_column(Date)
    illustrative: Mapped[bool] = mapped_column(Boolean)
    restored_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rows_received: Mapped[int] = mapped_column(Integer, default=0)
    rows_added: Mapped[int] = mapped_column(Integer, default=0)
    rows_changed: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)


class AxisRow(Base):
    """An axis (eje) of the policy."""

    __tablename__ = "axes"

    catalog_version: Mapped[int] = mapped_column(ForeignKey(_VERSION_FK), primary_key=True)
    axis_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class ObjectiveRow(Base):
    """A specific objective and its expected result."""

    __tablename__ = "objectives"

    catalog_version: Mapped[int] = mapped_column(ForeignKey(_VERSION_FK), primary_key=True)
    objective_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(Text)
    result_text: Mapped[str] = mapped_column(Text)


class EntityRow(Base):
    """A district entity that leads products and reports progress."""

    __tablename__ = "entities"

    catalog_version: Mapped[int] = mapped_column(ForeignKey(_VERSION_FK), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    acronym: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(Text)


class ProductRow(Base):
    """A product with its indicator."""

    __tablename__ = "products"

    catalog_version: Mapped[int] = mapped_column(ForeignKey(_VERSION_FK), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    objective_id: Mapped[int] = mapped_column(Integer)
    axis_id: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(40))
    indicator: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(Text)
    direction: Mapped[str] = mapped_column(String(8))
    baseline: Mapped[float | None] = mapped_column(Double, nullable=True)
    scope: Mapped[str] = mapped_column(String(16))
    aggregation: Mapped[str] = mapped_column(String(8))
    layer: Mapped[str | None] = mapped_column(String(60), nullable=True)


class TargetRow(Base):
    """Target of a product for a year, citywide ("00") or for a locality."""

    __tablename__ = "targets"

    catalog_version: Mapped[int] = mapped_column(ForeignKey(_VERSION_FK), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    locality_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    target: Mapped[float | None] = mapped_column(Double, nullable=True)


class ObservationRow(Base):
    """Reported value of a product, year and locality in one data version."""

    __tablename__ = "observations"

    version_id: Mapped[int] = mapped_column(ForeignKey(_VERSION_FK), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    locality_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    value: Mapped[float] = mapped_column(Double)
    reported_at: Mapped[date | None] = mapped_column(Date, nullable=True)


#: Catalog tables in ``data.schema.COLUMNS`` order, with their row classes.
CATALOG_TABLES = {
    "axes": AxisRow,
    "objectives": ObjectiveRow,
    "entities": EntityRow,
    "products": ProductRow,
    "targets": TargetRow,
}
