"""Errors raised by the store, each with a Spanish message a person can act on."""

from __future__ import annotations

from sqlalchemy.exc import (
    DatabaseError,
    DataError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    NotSupportedError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

__all__ = [
    "ConflictError",
    "IdempotencyKeyError",
    "InvalidObservationsError",
    "InvalidReportsError",
    "StoreEmptyError",
    "StoreError",
    "StoreUnavailableError",
    "VersionNotFoundError",
    "is_unavailable",
]


class StoreError(Exception):
    """Base class: ``str(error)`` is a Spanish message for the user."""


class StoreEmptyError(StoreError):
    """The store has no published version yet (it was never seeded)."""


class StoreUnavailableError(StoreError):
    """The store cannot be reached or read: server down or blackholed, file not a database."""


class VersionNotFoundError(StoreError, LookupError):
    """A requested version does not exist."""


class ConflictError(StoreError):
    """Another publication got in first, or holds the write lock for too long."""


class IdempotencyKeyError(StoreError):
    """An ``Idempotency-Key`` already used by the same caller for another file."""


class InvalidReportsError(StoreError, ValueError):
    """Reports that do not fit the catalog (callers validate first)."""


#: Former name of :class:`InvalidReportsError` (the API and the submit use case import it).
InvalidObservationsError = InvalidReportsError


def is_unavailable(error: BaseException) -> bool:
    """True when ``error`` means the store is unreachable or unreadable (retry later).

    Connection refused or timed out, server gone, a SQLite file that is not a
    database, a missing schema, a pool exhausted by a hung server: yes.
    Constraint violations and bad values (bugs or bad input): no.
    """
    if isinstance(error, StoreUnavailableError):
        return True
    if isinstance(error, (IntegrityError, DataError, NotSupportedError)):
        return False
    return isinstance(error, (DatabaseError, InterfaceError, DisconnectionError,
                              PoolTimeoutError))
