"""Problems found in input files, with messages that name file, row and column.

Every reader collects :class:`Issue` objects instead of stopping at the first
problem, so a person fixing a file sees everything that is wrong at once. An
issue is an error (nothing is written while one remains) or a warning (shown
before publishing; it does not block).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MAX_LISTED", "CatalogError", "Issue"]

#: Issues listed in an error's text (all are kept in ``issues``).
MAX_LISTED = 60


@dataclass(frozen=True)
class Issue:
    """One problem found in an input file.

    Attributes
    ----------
    file : str
        File (or ``libro.xlsx › hoja``) where the problem is.
    row : int or None
        Row number as seen in the file (header = 1); None for file-level problems.
    column : str or None
        Spanish header of the column, as in the file format.
    value : str or None
        The offending value, as text.
    message : str
        What is wrong and what to do, in Spanish.
    warning : bool
        True for a warning: shown, but it does not stop publishing.
    cell : str or None
        Spreadsheet cell (``"K14"``) when known.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    warning: bool = False
    cell: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.cell:
            where.append(f"celda {self.cell}")
        elif self.row is not None:
            where.append(f"fila {self.row}")
        if self.column:
            where.append(f"columna «{self.column}»")
        text = ", ".join(where)
        if self.value not in (None, ""):
            text += f" (valor «{self.value}»)"
        prefix = "Advertencia: " if self.warning else ""
        return f"{prefix}{text}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        """Plain dict (for JSON answers such as the upload API's 422)."""
        return {"archivo": self.file, "fila": self.row, "columna": self.column,
                "celda": self.cell, "valor": self.value, "mensaje": self.message,
                "advertencia": self.warning}


class CatalogError(ValueError):
    """Invalid catalog or report; ``issues`` lists every problem found."""

    def __init__(self, issues: Iterable[Issue], source_name: str = "") -> None:
        self.issues: list[Issue] = list(issues)
        self.source_name = source_name
        super().__init__(self._text())

    def _text(self) -> str:
        n = len(self.issues)
        where = f" en {self.source_name}" if self.source_name else ""
        head = f"{n} problema{'s' if n != 1 else ''}{where}; corríjalos y vuelva a cargar:"
        lines = [f"- {issue}" for issue in self.issues[:MAX_LISTED]]
        if n > MAX_LISTED:
            lines.append(f"- … y {n - MAX_LISTED} más")
        return "\n".join([head, *lines])
