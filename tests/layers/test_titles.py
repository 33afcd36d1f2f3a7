from __future__ import annotations

from datetime import date

import pytest

from data.catalog import DataVersion
from data.config import SEMAFORO
from layers.formatting import format_percent
from layers.titles import describe_selection, source_line, status_rule_text


def test_map_progress_title_reads_as_in_the_issue():
    title, subtitle = describe_selection(
        "mapa", indicator="Zonas WiFi públicas", unit="zonas", year="2026-T3", measure="avance"
    )
    assert title == "Avance de Zonas WiFi públicas por localidad, 2026-T3"
    assert subtitle == ("Avance en el periodo (% de la meta programada a la fecha) · "
                        "Unidad: zonas · Corte 2026-T3")


def test_map_value_and_status_titles():
    title, subtitle = describe_selection("mapa", indicator="Zonas", unit="zonas", year=2025,
                                         locality_names=["Kennedy", "Bosa"])
    assert title == "Zonas por localidad, 2025"
    assert subtitle.startswith("Avance a la fecha") and "Destacadas: Kennedy y Bosa" in subtitle
    title, subtitle = describe_selection("mapa", indicator="Zonas", year=2025,
                                         measure="semaforo")
    assert title.startswith("Semáforo de Zonas")
    assert status_rule_text() in subtitle


def test_status_rule_follows_configured_thresholds():
    text = status_rule_text()
    for key in ("rojo", "amarillo", "verde"):
        assert format_percent(SEMAFORO[key]) in text
    assert "Sobre-ejecución" in text
    assert "65" in status_rule_text({"rojo": 0.4, "amarillo": 0.65, "verde": 1.2})


def test_series_and_entities_titles():
    title, subtitle = describe_selection("serie", indicator="Zonas", unit="zonas", year=2026)
    assert title == "Zonas en Bogotá D.C., 2023-2032"
    assert "Corte marcado: 2026" in subtitle
    title, _ = describe_selection("serie", indicator="Zonas", year=2026,
                                  locality_names=["Suba"])
    assert "en Suba" in title
    title, subtitle = describe_selection("entidades", year=2026, group_by="eje",
                                         filters=["Entidad: SDM"])
    assert title == "Semáforo de los indicadores por eje, 2026"
    assert subtitle.endswith("Entidad: SDM")


@pytest.mark.parametrize(
    "kwargs",
    [{"view": "tabla"}, {"view": "mapa", "measure": "otra"},
     {"view": "entidades", "group_by": "producto"}],
)
def test_unknown_choices_are_named(kwargs):
    with pytest.raises(ValueError, match="desconocida"):
        describe_selection(year=2026, **kwargs)


def test_source_line_from_data_version():
    version = DataVersion(version_id=3, cutoff_date=date(2026, 10, 31), illustrative=True)
    line = source_line(version)
    assert "Datos v3, corte 2026-T3 (31 de octubre de 2026)" in line
    assert "Límites: IDECA" in line and line.endswith("Datos ilustrativos")
    assert "ilustrativos" not in source_line(version, illustrative=False)


def test_source_line_from_label():
    line = source_line("v2 · corte 2026-06-30", False)
    assert line.startswith("Fuente: Tablero Bogotá Territorio Inteligente")
    assert "v2 · corte 2026-06-30" in line and "ilustrativos" not in line
