"""Repair of place names from the sources: mojibake, upper case, missing accents."""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "LOCALITY_NAMES",
    "corridor_name",
    "fold",
    "locality_name",
    "repair_mojibake",
]

#: Official names of the 20 localities (Acuerdo 117 de 2003 and later), by code.
LOCALITY_NAMES: dict[str, str] = {
    "01": "Usaquén",
    "02": "Chapinero",
    "03": "Santa Fe",
    "04": "San Cristóbal",
    "05": "Usme",
    "06": "Tunjuelito",
    "07": "Bosa",
    "08": "Kennedy",
    "09": "Fontibón",
    "10": "Engativá",
    "11": "Suba",
    "12": "Barrios Unidos",
    "13": "Teusaquillo",
    "14": "Los Mártires",
    "15": "Antonio Nariño",
    "16": "Puente Aranda",
    "17": "La Candelaria",
    "18": "Rafael Uribe Uribe",
    "19": "Ciudad Bolívar",
    "20": "Sumapaz",
}

#: Other spellings the sources use for a locality (folded), beyond its official name.
_ALIASES: dict[str, set[str]] = {"17": {"CANDELARIA"}, "03": {"SANTAFE"}}

#: Words of the TransMilenio corridor names that lose their accent in the source.
_WORDS = {
    "AMERICAS": "Américas",
    "EXTENSION": "Extensión",
    "NQS": "NQS",
    "SUR": "Sur",
}
_SMALL_WORDS = {"de", "del", "la", "las", "los", "y"}
_MOJIBAKE_MARKERS = ("Ã", "Â", "â€")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as Latin-1/CP1252 ("NARIÃ‘O" -> "NARIÑO").

    Text without the tell-tale characters, or that does not round-trip, is
    returned unchanged, so the function is safe on correct text.
    """
    if not any(marker in text for marker in _MOJIBAKE_MARKERS):
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


def fold(text: str) -> str:
    """Comparison key: mojibake repaired, accents removed, upper case, single spaces."""
    text = unicodedata.normalize("NFKD", repair_mojibake(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().upper()


def locality_name(code: str, source_name: str) -> str:
    """Return the official name of locality ``code``, checked against the source's name.

    Parameters
    ----------
    code : str
        Two-digit code "01".."20".
    source_name : str
        The name as the source spells it (e.g. "ANTONIO NARIÃ‘O", "CANDELARIA").

    Returns
    -------
    str
        The proper Spanish name with accents (e.g. "Antonio Nariño").

    Raises
    ------
    ValueError
        When the code is unknown or the source name belongs to another locality.
    """
    if code not in LOCALITY_NAMES:
        raise ValueError(f"código de localidad desconocido {code!r} (se esperaba 01 a 20)")
    official = LOCALITY_NAMES[code]
    accepted = {fold(official)} | _ALIASES.get(code, set())
    if fold(source_name) not in accepted:
        raise ValueError(
            f"la localidad {code} se llama {source_name!r} en la fuente; se esperaba {official!r}"
        )
    return official


def corridor_name(source_name: str) -> str:
    """Readable Spanish name of a TransMilenio corridor ("CARRERA  7 EXTENSION" -> ...).

    Returns "Carrera 7 Extensión": spaces collapsed, title case with lower-case
    particles, and the accents the source drops restored for known words.
    """
    words = fold(source_name).split(" ")
    out = []
    for i, word in enumerate(words):
        if word in _WORDS:
            out.append(_WORDS[word])
        elif i and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append(word.capitalize())
    return " ".join(out)
