"""Spanish (es-CO) formatting of numbers, percentages, values with units and dates.

Colombia writes ``1.234,5``: a dot groups thousands and a comma marks decimals.
Every text a person reads (hover labels, tick labels, titles, table cells)
goes through these functions so the dashboard and its exports agree.
"""

from __future__ import annotations

import math
from datetime import date
from numbers import Real

__all__ = [
    "MISSING",
    "MONTHS_ES",
    "PERCENT_SIGN",
    "auto_decimals",
    "format_date",
    "format_number",
    "format_percent",
    "format_points",
    "format_value",
    "is_missing",
    "join_names",
    "shorten",
]

#: Text shown where there is no number.
MISSING = "—"
#: Percent sign preceded by a no-break space, as the Spanish norm writes it.
PERCENT_SIGN = "\u00a0%"
MONTHS_ES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


def is_missing(value: object) -> bool:
    """True for ``None``, NaN and anything that is not a real number."""
    if value is None or isinstance(value, bool):
        return True
    if not isinstance(value, Real):
        return True
    return math.isnan(float(value)) or math.isinf(float(value))


def auto_decimals(value: float, *, max_decimals: int = 1) -> int:
    """Decimals worth showing: none for whole numbers, else up to ``max_decimals``."""
    if is_missing(value) or float(value).is_integer():
        return 0
    return max_decimals


def format_number(value: object, decimals: int | None = 0, *, missing: str = MISSING) -> str:
    """Format a number the es-CO way.

    Parameters
    ----------
    value : float or int
        The number; ``None``/NaN give ``missing``.
    decimals : int or None
        Fixed decimals; ``None`` picks them with :func:`auto_decimals`.
    missing : str
        Text for a missing value.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(1234.5, decimals=1)
    '1.234,5'
    >>> format_number(-1234567)
    '-1.234.567'
    """
    if is_missing(value):
        return missing
    number = float(value)  # type: ignore[arg-type]
    if decimals is None:
        decimals = auto_decimals(number)
    text = f"{number:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_percent(
    share: object, decimals: int = 0, *, missing: str = MISSING, is_share: bool = True
) -> str:
    """Format a share (0.875) or a percentage (87.5) as ``"87,5 %"``.

    ``is_share=True`` (default) multiplies by 100 first.

    Examples
    --------
    >>> format_percent(0.875, decimals=1)
    '87,5\\xa0%'
    """
    if is_missing(share):
        return missing
    value = float(share) * (100.0 if is_share else 1.0)  # type: ignore[arg-type]
    return format_number(value, decimals) + PERCENT_SIGN


def format_points(share: object, decimals: int = 0, *, missing: str = MISSING) -> str:
    """A gap (share) as signed percentage points, e.g. ``-0.045`` -> ``"−4,5 pts"``.

    Examples
    --------
    >>> format_points(-0.045, 1)
    '−4,5\xa0pts'
    """
    if is_missing(share):
        return missing
    points = float(share) * 100.0  # type: ignore[arg-type]
    text = format_number(abs(points), decimals)
    sign = "−" if points < 0 and text.strip("0,.") else "+" if points > 0 and \
        text.strip("0,.") else ""
    return f"{sign}{text}\u00a0pts"


def format_value(
    value: object, unit: str = "", decimals: int | None = None, *, missing: str = MISSING
) -> str:
    """A number followed by its unit, e.g. ``"1.234 zonas"``; a ``"%"`` unit sticks to it.

    Examples
    --------
    >>> format_value(1234, "zonas")
    '1.234 zonas'
    """
    if is_missing(value):
        return missing
    text = format_number(value, decimals)
    unit = (unit or "").strip()
    if not unit:
        return text
    if unit == "%":
        return text + PERCENT_SIGN
    return f"{text} {unit}"


def format_date(day: date) -> str:
    """A date in words, e.g. ``"31 de octubre de 2026"``."""
    return f"{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}"


def join_names(names: list[str] | tuple[str, ...], *, limit: int = 3) -> str:
    """Join names the Spanish way: ``"A, B y C"``; beyond ``limit``, ``"A, B y 3 más"``."""
    names = [n for n in names if n]
    if not names:
        return ""
    if len(names) > limit:
        shown = names[: limit - 1]
        return f"{', '.join(shown)} y {len(names) - len(shown)} más"
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} y {names[-1]}"


def shorten(text: object, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…" when longer.

    Examples
    --------
    >>> shorten("Cerrar la brecha de acceso a internet", 20)
    'Cerrar la brecha de…'
    """
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,.;") + "…"
