"""``VersionRecord``: one row of the publication history, as plain Python."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime

from data.catalog import DataVersion

__all__ = [
    "KIND_LABELS",
    "VersionRecord",
]

#: Kinds of publication, with their Spanish labels.
KIND_LABELS = {
    "semilla": "Carga del catálogo",
    "reporte": "Reporte de avance",
    "restauracion": "Restauración",
}


@dataclass(frozen=True)
class VersionRecord:
    """A publication with its counts; :attr:`data_version` is what screens show."""

    version_id: int
    catalog_version: int
    kind: str
    published_at: datetime
    published_by: str
    entity_id: str | None
    source_name: str
    source_sha256: str
    note: str
    cutoff_date: date
    illustrative: bool
    restored_from: int | None
    rows_received: int
    rows_added: int
    rows_changed: int
    rows_unchanged: int
    rows_total: int
    #: True when this record answers a retried publication (same ``Idempotency-Key``):
    #: nothing new was published. Not part of the JSON nor of equality.
    replayed: bool = field(default=False, compare=False, repr=False)

    @classmethod
    def from_row(cls, row) -> VersionRecord:
        """Build from a ``data_versions`` row (SQLite drops the time zone: UTC)."""
        values = {f.name: getattr(row, f.name) for f in fields(cls) if f.name != "replayed"}
        published = values["published_at"]
        values["published_at"] = (published.replace(tzinfo=UTC) if published.tzinfo is None
                                  else published.astimezone(UTC))
        return cls(**values)

    @property
    def data_version(self) -> DataVersion:
        """The :class:`data.catalog.DataVersion` of this publication."""
        return DataVersion(
            version_id=self.version_id,
            cutoff_date=self.cutoff_date,
            illustrative=self.illustrative,
            published_at=self.published_at,
            published_by=self.published_by,
            source_name=self.source_name,
            source_sha256=self.source_sha256,
            note=self.note,
        )

    def to_json(self) -> dict:
        """JSON-ready dict (ISO dates, Spanish kind label and version label)."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "replayed"}
        out["published_at"] = self.published_at.isoformat()
        out["cutoff_date"] = self.cutoff_date.isoformat()
        out["kind_label"] = KIND_LABELS.get(self.kind, self.kind)
        out["label"] = self.data_version.label
        return out
