"""Tests of view.links: every download link of a view."""

from __future__ import annotations

from urllib.parse import urlsplit

from view.links import export_links, share_links
from view.state import KnownIds, ViewState, parse_query


def test_every_chart_format_table_and_zip_has_a_link():
    links = export_links(ViewState(indicator="1.1.1", year=2026))
    for view in ("mapa", "serie", "entidades"):
        for fmt in ("png", "svg", "pdf"):
            assert links[f"{view}.{fmt}"].startswith(f"/export/{view}.{fmt}?")
        assert links[f"{view}.social"].endswith("formato=social")
    assert links["tabla.xlsx"].startswith("/export/tabla.xlsx?")
    assert links["tabla.csv.punto-y-coma"].endswith("separador=punto-y-coma")
    assert links["todo.zip"].startswith("/export/todo.zip?")
    assert links["mapa.gif"] == "/export/mapa.gif?indicador=1.1.1&anio=2026"
    assert links["mapa.mp4"].startswith("/export/mapa.mp4?indicador=1.1.1")
    assert "reporte" not in links


def test_links_carry_the_state_and_always_the_year():
    state = ViewState(indicator="4.1.1", localities=("11", "08"), year=2032,
                      measure="semaforo", layers=("tm-troncales",))
    query = urlsplit(export_links(state)["mapa.png"]).query
    known = KnownIds(indicators=frozenset({"4.1.1"}))
    assert "anio=2032" in query
    assert parse_query(query, known=known) == (state, [])


def test_report_link_only_for_exactly_one_locality():
    assert export_links(ViewState(localities=("20",), year=2026))["reporte"] == (
        "/reporte/localidad/20.pdf?anio=2026")
    assert "reporte" not in export_links(ViewState(localities=("01", "02")))
    assert export_links(ViewState(localities=("08",), year=2026, quarter=2))["reporte"] == (
        "/reporte/localidad/08.pdf?corte=2026-T2")


def test_prefix():
    assert export_links(ViewState(), prefix="/tablero")["todo.zip"].startswith(
        "/tablero/export/todo.zip")


def test_share_links_are_the_page_and_its_embedded_charts():
    state = ViewState(indicator="1.1.1", localities=("20",), year=2026, framing="distrito")
    links = share_links(state, default=ViewState(year=2026))
    assert links == {
        "pagina": "/?indicador=1.1.1&localidad=20",  # Sumapaz implies the district framing
        "embed.mapa": "/embed/mapa?indicador=1.1.1&localidad=20",
        "embed.serie": "/embed/serie?indicador=1.1.1&localidad=20",
    }
    urban = share_links(ViewState(localities=("20",), framing="urbana"), default=ViewState(),
                        prefix="/tablero")
    assert urban["pagina"] == "/tablero/?localidad=20&encuadre=urbana"
    assert share_links(ViewState(), default=ViewState())["pagina"] == "/"
