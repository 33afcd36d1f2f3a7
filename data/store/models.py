"""SQLAlchemy 2 tables of the store: versioned catalog, reports and history.

Every publication is a row of ``data_versions``. Versions are immutable once
committed: a report publication copies the previous version's reports and
applies the new ones on top (copy-on-publish; the whole policy is a few
thousand rows).

The structural tables (axes ... locality_baselines) are keyed by
``catalog_version`` (the version that introduced that catalog structure) plus
their natural key. A report publication reuses the structure of the version it
builds on, so only the reports are copied. Reports are keyed by ``version_id``
and (code, year, quarter, locality_code).

Floats are ``Double`` (NaN is stored as NULL); booleans ``Boolean``; texts are
never NULL ('' when empty); ``baseline_year`` is a text (as in the plan).
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
    "IdempotencyKeyRow",
    "IndicatorRow",
    "LocalityBaselineRow",
    "ObjectiveRow",
    "ProductRow",
    "ReportRow",
    "ResultRow",
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
#: Length of indicator codes ("1.1.1") and product ids.
_CODE = 40


def _catalog_version() -> Mapped[int]:
    return mapped_column(ForeignKey(_VERSION_FK), primary_key=True)


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


class IdempotencyKeyRow(Base):
    """The ``Idempotency-Key`` of a report publication, scoped to its caller.

    A retried publication with the same caller and key returns ``version_id``
    instead of publishing again; the same key with another file (another
    SHA-256) is refused. The primary key makes two racing requests publish once.
    """

    __tablename__ = "idempotency_keys"

    caller: Mapped[str] = mapped_column(String(120), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey(_VERSION_FK))
    source_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AxisRow(Base):
    """An axis (eje) of the policy."""

    __tablename__ = "axes"

    catalog_version: Mapped[int] = _catalog_version()
    axis_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class ObjectiveRow(Base):
    """A specific objective with its weight (%) in the policy."""

    __tablename__ = "objectives"

    catalog_version: Mapped[int] = _catalog_version()
    objective_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(Text)
    weight: Mapped[float | None] = mapped_column(Double, nullable=True)


class EntityRow(Base):
    """A district entity that leads indicators and reports progress."""

    __tablename__ = "entities"

    catalog_version: Mapped[int] = _catalog_version()
    entity_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    acronym: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(Text)


class ResultRow(Base):
    """The expected result of an objective, measured by its result indicator ("N.1")."""

    __tablename__ = "results"

    catalog_version: Mapped[int] = _catalog_version()
    code: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    objective_id: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    formula: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(Text)
    annualisation: Mapped[str] = mapped_column(String(16))
    periodicity: Mapped[str] = mapped_column(String(16))
    baseline: Mapped[float | None] = mapped_column(Double, nullable=True)
    baseline_year: Mapped[str] = mapped_column(String(20))
    baseline_source: Mapped[str] = mapped_column(Text)
    final_target: Mapped[float | None] = mapped_column(Double, nullable=True)
    final_target_text: Mapped[str] = mapped_column(Text)
    weight: Mapped[float | None] = mapped_column(Double, nullable=True)
    entity_id: Mapped[str] = mapped_column(String(40))
    in_force: Mapped[bool] = mapped_column(Boolean)


class ProductRow(Base):
    """An expected product of a result."""

    __tablename__ = "products"

    catalog_version: Mapped[int] = _catalog_version()
    product_id: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    result_code: Mapped[str] = mapped_column(String(_CODE))


class IndicatorRow(Base):
    """A product indicator ("N.1.k")."""

    __tablename__ = "indicators"

    catalog_version: Mapped[int] = _catalog_version()
    code: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(_CODE))
    name: Mapped[str] = mapped_column(Text)
    formula: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(Text)
    annualisation: Mapped[str] = mapped_column(String(16))
    periodicity: Mapped[str] = mapped_column(String(16))
    baseline: Mapped[float | None] = mapped_column(Double, nullable=True)
    baseline_year: Mapped[str] = mapped_column(String(20))
    baseline_source: Mapped[str] = mapped_column(Text)
    final_target: Mapped[float | None] = mapped_column(Double, nullable=True)
    final_target_text: Mapped[str] = mapped_column(Text)
    weight: Mapped[float | None] = mapped_column(Double, nullable=True)
    entity_id: Mapped[str] = mapped_column(String(40))
    co_entity_id: Mapped[str] = mapped_column(String(40))
    in_force: Mapped[bool] = mapped_column(Boolean)
    axis_id: Mapped[str] = mapped_column(String(60))
    by_locality: Mapped[bool] = mapped_column(Boolean)
    layer: Mapped[str] = mapped_column(String(60))


class TargetRow(Base):
    """Annual target of an indicator, citywide ("00") or for a locality."""

    __tablename__ = "targets"

    catalog_version: Mapped[int] = _catalog_version()
    code: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    locality_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    target: Mapped[float | None] = mapped_column(Double, nullable=True)
    target_text: Mapped[str] = mapped_column(Text, default="")


class LocalityBaselineRow(Base):
    """Baseline and final target of an indicator in one locality."""

    __tablename__ = "locality_baselines"

    catalog_version: Mapped[int] = _catalog_version()
    code: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    locality_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    baseline: Mapped[float | None] = mapped_column(Double, nullable=True)
    final_target: Mapped[float | None] = mapped_column(Double, nullable=True)
    final_target_text: Mapped[str] = mapped_column(Text, default="")


class ReportRow(Base):
    """Quarterly report of an indicator in one place, in one data version."""

    __tablename__ = "reports"

    version_id: Mapped[int] = mapped_column(ForeignKey(_VERSION_FK), primary_key=True)
    code: Mapped[str] = mapped_column(String(_CODE), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    quarter: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    locality_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    value: Mapped[float] = mapped_column(Double)
    text: Mapped[str] = mapped_column(Text, default="", server_default="")
    reported_at: Mapped[date | None] = mapped_column(Date, nullable=True)


#: Structural tables in ``data.schema.COLUMNS`` order, with their row classes
#: (the reports are :class:`ReportRow`, keyed by version).
CATALOG_TABLES = {
    "axes": AxisRow,
    "objectives": ObjectiveRow,
    "entities": EntityRow,
    "results": ResultRow,
    "products": ProductRow,
    "indicators": IndicatorRow,
    "targets": TargetRow,
    "locality_baselines": LocalityBaselineRow,
}
