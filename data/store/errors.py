"""Errors raised by the store, each with a Spanish message a person can act on."""

from __future__ import annotations

__all__ = [
    "ConflictError",
    "InvalidObservationsError",
    "InvalidReportsError",
    "StoreEmptyError",
    "StoreError",
    "VersionNotFoundError",
]


class StoreError(Exception):
    """Base class: ``str(error)`` is a Spanish message for the user."""


class StoreEmptyError(StoreError):
    """The store has no published version yet (it was never seeded)."""


class VersionNotFoundError(StoreError, LookupError):
    """A requested version does not exist."""


class ConflictError(StoreError):
    """Another publication got in first, or holds the write lock for too long."""


class InvalidReportsError(StoreError, ValueError):
    """Reports that do not fit the catalog (callers validate first)."""


#: Former name of :class:`InvalidReportsError` (the API and the submit use case import it).
InvalidObservationsError = InvalidReportsError
