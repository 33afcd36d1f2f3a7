"""Tests of callbacks.sheet: the indicator's sheet ("Ficha")."""

from __future__ import annotations

import pytest

from callbacks.sheet import sheet_content
from tests.conftest import tiny_catalog
from tests.support import NAMES, table_rows, texts, view_of


@pytest.fixture(scope="module")
def tiny():
    return tiny_catalog()


def _tables(body) -> list:
    found = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if type(node).__name__ == "Table":
            found.append(node)
            return
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    walk(body)
    return found


def test_city_sheet_has_facts_targets_figures_and_account(tiny):
    title, body = sheet_content(view_of("indicador=1.1.1&corte=2024-T2", tiny), NAMES)
    assert title == "Ficha del indicador 1.1.1: Zonas WiFi instaladas"
    words = " ".join(texts(body))
    for fact in ("P01 · Zonas WiFi", "1.1 · Hogares conectados", "Suma (", "Trimestral",
                 "0 zonas · año 2022 · fuente: ACDTIC", "Alta Consejería Distrital de TIC (ACDTIC)",
                 "Secretaría Distrital de Movilidad", "60 %", "Por localidad"):
        assert fact in words, fact
    targets, figures = _tables(body)
    rows = table_rows(targets)
    assert rows[0] == ["Año", "Meta"] and rows[1] == ["2023", "40 zonas"]
    assert rows[-1] == ["Final", "400 zonas"] and len(rows) == 12
    figures = table_rows(figures)
    assert figures[0] == ["Cifra", "Bogotá D.C."]
    shown = {row[0].split(" (")[0]: row[1] for row in figures[1:]}
    # SUMA, 40 a year: MA = 40 + 40 x 6/12 = 60; AV = 35 + 20 = 55; PHV = 55/60
    assert shown["Meta acumulada a la fecha"] == "60 zonas"
    assert shown["Avance a la fecha"] == "55 zonas"
    assert shown["Avance en el periodo"] == "91,7\u00a0%"
    assert shown["Semáforo"] == "✓ En meta"
    assert "Último reporte cualitativo (Bogotá D.C., 2024-T2)" in words
    assert "Retraso por contratación." in words


def test_one_locality_shows_its_own_targets_and_figures_beside_the_city(tiny):
    _, body = sheet_content(view_of("indicador=1.1.1&localidad=02&corte=2023-T4", tiny), NAMES)
    targets, figures = _tables(body)
    assert table_rows(targets)[1] == ["2023", "30 zonas"]  # the locality's target
    assert table_rows(targets)[-1] == ["Final", "300 zonas"]
    rows = table_rows(figures)
    assert rows[0] == ["Cifra", "Localidad 02", "Bogotá D.C."]
    av = next(r for r in rows if r[0].startswith("Avance a la fecha"))
    assert av[1:] == ["27 zonas", "35 zonas"]
    assert "Metas (Localidad 02)" in texts(body)


def test_citywide_indicator_keeps_city_figures_with_a_locality(tiny):
    _, body = sheet_content(view_of("indicador=1.1.2&localidad=02", tiny), NAMES)
    _, figures = _tables(body)
    assert table_rows(figures)[0] == ["Cifra", "Bogotá D.C."]


def test_text_target_and_zero_over_zero(tiny):
    _, body = sheet_content(view_of("indicador=1.1.2&corte=2023-T4", tiny), NAMES)
    targets, figures = _tables(body)
    assert table_rows(targets)[1] == ["2023", "Levantamiento línea base"]
    status = table_rows(figures)[-1]
    assert status[1].endswith("Sin dato")  # a text target gives no figure, never 100 %
    phv = next(r for r in table_rows(figures) if r[0].startswith("Avance en el periodo"))
    assert phv[1] == "—"


def test_nothing_selected_shows_the_message(tiny):
    title, body = sheet_content(view_of("eje=nueva-movilidad&entidad=sg-actic", tiny), NAMES)
    assert title == "Ficha del indicador"
    assert "Ningún indicador" in " ".join(texts(body))
