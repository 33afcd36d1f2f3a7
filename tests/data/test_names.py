"""Tests for data/names.py: repair of place names."""

from __future__ import annotations

import pytest

from data.names import LOCALITY_NAMES, corridor_name, fold, locality_name, repair_mojibake

SOURCE_SPELLINGS = {
    "01": "USAQUEN", "02": "CHAPINERO", "03": "SANTA FE", "04": "SAN CRISTOBAL",
    "05": "USME", "06": "TUNJUELITO", "07": "BOSA", "08": "KENNEDY", "09": "FONTIBON",
    "10": "ENGATIVA", "11": "SUBA", "12": "BARRIOS UNIDOS", "13": "TEUSAQUILLO",
    "14": "LOS MARTIRES", "15": "ANTONIO NARIÃ‘O", "16": "PUENTE ARANDA",
    "17": "CANDELARIA", "18": "RAFAEL URIBE URIBE", "19": "CIUDAD BOLIVAR", "20": "SUMAPAZ",
}


def test_twenty_codes():
    assert sorted(LOCALITY_NAMES) == [f"{n:02d}" for n in range(1, 21)]


@pytest.mark.parametrize("code", sorted(SOURCE_SPELLINGS))
def test_every_source_spelling_maps_to_the_official_name(code):
    assert locality_name(code, SOURCE_SPELLINGS[code]) == LOCALITY_NAMES[code]


@pytest.mark.parametrize(
    ("code", "expected"),
    [("01", "Usaquén"), ("14", "Los Mártires"), ("15", "Antonio Nariño"),
     ("17", "La Candelaria"), ("19", "Ciudad Bolívar"), ("10", "Engativá")],
)
def test_accents_and_articles(code, expected):
    assert locality_name(code, SOURCE_SPELLINGS[code]) == expected


def test_repair_mojibake_generic():
    assert repair_mojibake("ANTONIO NARIÃ‘O") == "ANTONIO NARIÑO"
    assert repair_mojibake("BogotÃ¡ D.C.") == "Bogotá D.C."
    assert repair_mojibake("CampÃ­n") == "Campín"
    # Any UTF-8 text mis-decoded as CP1252 round-trips.
    for text in ("Fontibón", "Engativá", "Los Mártires", "«Usaquén»"):
        assert repair_mojibake(text.encode().decode("cp1252", errors="strict")) == text


def test_repair_mojibake_leaves_correct_text_alone():
    for text in ("Antonio Nariño", "USAQUEN", "Ciudad Bolívar", "", "Ãrbol mal escrito"):
        assert repair_mojibake(text) == text


def test_fold():
    assert fold("  Los   Mártires ") == "LOS MARTIRES"
    assert fold("ANTONIO NARIÃ‘O") == "ANTONIO NARINO"


def test_name_of_another_locality_is_rejected():
    with pytest.raises(ValueError, match="se esperaba 'Usaquén'"):
        locality_name("01", "SUBA")


def test_unknown_code_is_rejected():
    with pytest.raises(ValueError, match="21"):
        locality_name("21", "SOACHA")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("CARRERA  7 EXTENSION", "Carrera 7 Extensión"), ("AMERICAS", "Américas"),
     ("NQS CENTRAL", "NQS Central"), ("EJE AMBIENTAL", "Eje Ambiental"),
     ("AUTOPISTA NORTE", "Autopista Norte")],
)
def test_corridor_name(raw, expected):
    assert corridor_name(raw) == expected
