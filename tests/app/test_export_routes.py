"""Tests of app/routes/export.py through the real app's Flask test client.

Rendering tests drive headless Chromium through kaleido (``browser`` marker).
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from data.repository import get_catalog

QUERY = "indicador=1.1.1&localidad=11&corte=2026-T3&medida=avance"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def _get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


# --- charts -------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("view", ["mapa", "serie", "entidades"])
def test_default_png_is_at_least_1600_wide(client, view):
    response = _get(client, f"/export/{view}.png?{QUERY}")
    assert response.mimetype == "image/png"
    width, height = _png_size(response.data)
    assert width >= 1600 and height >= 800
    assert "attachment" in response.headers["Content-Disposition"]


@pytest.mark.browser
def test_social_card_is_1200_by_630(client):
    response = _get(client, f"/export/mapa.png?{QUERY}&formato=social")
    assert _png_size(response.data) == (1200, 630)


@pytest.mark.browser
def test_requested_size_is_honoured_and_clamped(client):
    assert _png_size(_get(client, "/export/serie.png?ancho=2000&alto=1000").data) == (2000, 1000)
    width, height = _png_size(_get(client, "/export/serie.png?ancho=90000&alto=1").data)
    assert width == 4000 and 1000 <= height <= 4000
    width, height = _png_size(_get(client, "/export/serie.png?ancho=10&alto=10").data)
    assert width == 600 and height >= 200


@pytest.mark.browser
def test_map_svg_has_title_and_20_vector_localities(client):
    response = _get(client, f"/export/mapa.svg?{QUERY}")
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.lstrip().startswith("<svg")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", svg))
    assert "1.1.1 Zonas WiFi" in text and "por localidad" in text and "2026-T3" in text
    assert "DATOS ILUSTRATIVOS" in text and "IDECA" in text
    paths = re.findall(r'<path[^>]*class="choroplethlocation"[^>]*d="M', svg)
    assert len(paths) == 20
    assert "<image" not in svg  # vector, not an embedded raster


@pytest.mark.browser
@pytest.mark.parametrize("view", ["mapa", "serie", "entidades"])
def test_pdf_is_one_page(client, view):
    response = _get(client, f"/export/{view}.pdf?{QUERY}")
    assert response.data.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 1


@pytest.mark.browser
def test_etag_and_304(client):
    first = _get(client, "/export/entidades.svg?anio=2025")
    etag = first.headers["ETag"]
    again = client.get("/export/entidades.svg?anio=2025", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    # the same state written differently shares the entry
    same = _get(client, "/export/entidades.svg?anio=2025&indicador=1.1.1")
    assert same.headers["ETag"] == etag and same.headers["X-Export-Cache"] == "hit"


@pytest.mark.parametrize("old", ["producto=P01", "producto=1.1.1", "PRODUCTO=p01"])
def test_producto_still_names_the_indicator(client, old):
    """Links made before indicators keep working: a product stands for its first indicator."""
    new = _get(client, "/export/tabla.csv?indicador=1.1.1&metadatos=1")
    response = _get(client, f"/export/tabla.csv?{old}&metadatos=1")
    assert response.headers["ETag"] == new.headers["ETag"]
    assert "Consulta,?indicador=1.1.1" in response.get_data(as_text=True)


@pytest.mark.browser
def test_zip_holds_charts_data_and_readme(client):
    response = _get(client, f"/export/todo.zip?{QUERY}")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    expected = {f"graficos/{v}.{f}" for v in ("mapa", "serie", "entidades") for f in ("png", "svg")}
    expected |= {f"datos/{t}.csv" for t in ("indicadores", "localidades", "serie", "ciudad",
                                             "metadatos")} | {"LEAME.txt"}
    assert names == expected
    assert archive.read("graficos/mapa.png")[:8] == b"\x89PNG\r\n\x1a\n"
    readme = archive.read("LEAME.txt").decode("utf-8")
    assert "IDECA" in readme and "Definiciones" in readme and "ILUSTRATIVOS" in readme


# --- tables ----------------------------------------------------------------------------


def _csv(response, delimiter: str = ",") -> list[list[str]]:
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline=""),
                           delimiter=delimiter))


def test_csv_is_the_view_header_first(client):
    rows = _csv(_get(client, f"/export/tabla.csv?{QUERY}"))
    assert rows[0][:3] == ["codigo", "indicador", "producto"]
    indicators = get_catalog().indicators
    counted = indicators[indicators["in_force"] & indicators["by_locality"]]
    assert [r[0] for r in rows[1:]] == list(counted["code"])  # Suba: by-locality only
    assert {r[rows[0].index("lugar")] for r in rows[1:]} == {"Suba"}


def test_csv_with_metadata_first(client):
    rows = _csv(_get(client, f"/export/tabla.csv?{QUERY}&metadatos=1"))
    meta = dict(r for r in rows[: rows.index([])])
    assert meta["Localidades"] == "Suba" and meta["Corte mostrado"] == "2026-T3"
    assert rows[rows.index([]) + 1][0] == "codigo"


def test_csv_citywide_indicators_come_apart(client):
    rows = _csv(_get(client, f"/export/tabla.csv?{QUERY}&datos=ciudad"))
    indicators = get_catalog().indicators
    city = indicators[indicators["in_force"] & ~indicators["by_locality"]]
    assert [r[0] for r in rows[1:]] == list(city["code"])
    assert {r[rows[0].index("lugar")] for r in rows[1:]} == {"Bogotá D.C."}


def test_csv_localities_and_semicolon(client):
    table = _csv(_get(client, f"/export/tabla.csv?{QUERY}&datos=localidades"
                              "&separador=punto-y-coma"), ";")
    localities = {row[1] for row in table[1:]}
    assert len(table) == 21 and {"Usaquén", "Los Mártires", "Sumapaz"} <= localities
    percent = table[0].index("avance_periodo_pct")
    assert any("," in row[percent] for row in table[1:])  # decimal comma


def test_xlsx_has_all_tables_and_metadata(client):
    response = _get(client, f"/export/tabla.xlsx?{QUERY}")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Indicadores", "Localidades", "Serie", "Ciudad", "Metadatos"]
    meta = {row[0].value: row[1].value for row in book["Metadatos"].iter_rows(min_row=2)}
    assert meta["Localidades"] == "Suba"


# --- locality report --------------------------------------------------------------------


@pytest.mark.browser
def test_report_route_serves_one_page_a4(client):
    response = _get(client, "/reporte/localidad/2.pdf")
    page = PdfReader(io.BytesIO(response.data)).pages
    assert len(page) == 1
    box = page[0].mediabox
    assert abs(float(box.width) - 595) < 3 and abs(float(box.height) - 842) < 3


# --- bad requests -------------------------------------------------------------------------


def _empty_filters() -> str:
    from view.snapshot import Snapshot

    facts = Snapshot.of(get_catalog()).facts
    for axis in sorted(set(facts["axis_id"])):
        for objective in sorted(set(facts["objective_id"])):
            hit = (facts["axis_id"] == axis) & (facts["objective_id"] == objective)
            if not hit.any():
                return f"eje={axis}&objetivo={objective}"
    raise AssertionError("every axis shares indicators with every objective")


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/export/grafico.png", 404, "no existe"),
        ("/export/mapa.webp", 404, "formato"),
        ("/export/serie.gif", 404, "solo para el mapa"),
        ("/export/mapa", 404, "formato"),
        ("/export/tabla.pdf", 404, "csv o xlsx"),
        ("/export/todo.tar", 404, "todo.zip"),
        ("/export/mapa.png?anio=1999", 400, "año"),
        ("/export/mapa.png?anio=2025&anio=2026", 400, "más de un año"),
        ("/export/mapa.png?producto=NOPE", 400, "producto o indicador «NOPE»"),
        ("/export/mapa.png?indicador=9.9.9", 400, "indicador «9.9.9»"),
        ("/export/mapa.png?corte=2026-T5", 400, "corte"),
        ("/export/mapa.png?corte=2040-T1", 400, "corte"),
        ("/export/mapa.png?localidad=99", 400, "localidad"),
        ("/export/mapa.png?medida=color", 400, "medida"),
        ("/export/mapa.png?zoom=3", 400, "parámetro desconocido"),
        ("/export/mapa.png?ancho=grande", 400, "píxeles"),
        ("/export/mapa.png?ancho=1600&ancho=1700", 400, "dos veces"),
        ("/export/mapa.png?formato=instagram", 400, "formato=social"),
        ("/export/tabla.csv?separador=tab", 400, "punto-y-coma"),
        ("/export/tabla.csv?datos=todo", 400, "localidades"),
        ("/export/todo.zip?anio=abc", 400, "año"),
        ("/reporte/localidad/99.pdf", 404, "01 a 20"),
        ("/reporte/localidad/chapinero.pdf", 404, "01 a 20"),
        ("/reporte/localidad/02.png", 404, "PDF"),
        ("/reporte/localidad/02.pdf?anio=3000", 400, "año"),
    ],
)
def test_bad_requests_get_a_short_spanish_message(client, url, status, words):
    response = client.get(url)
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert words.lower() in body.lower()
    assert len(body) < 400 and response.mimetype == "text/plain"


@pytest.mark.parametrize("view", ["mapa.png", "serie.svg", "tabla.csv", "todo.zip"])
def test_filters_without_products_get_404_not_a_blank_file(client, view):
    response = client.get(f"/export/{view}?{_empty_filters()}")
    assert response.status_code == 404
    assert "Ningún indicador" in response.get_data(as_text=True)
