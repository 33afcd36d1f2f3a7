"""Exported charts are clean: no two texts overlap, nothing is clipped, PDFs say what they are.

The map exports are rendered to SVG by kaleido (the real renderer) and every
visible line of text is measured in headless Chromium (``getBoundingClientRect``
of each ``tspan.line``), so a label that collides or leaves the image fails
whatever the layout code estimated.
"""

from __future__ import annotations

import base64
import io
import re

import pytest
from pypdf import PdfReader

from tests.app.conftest import HEADLESS_FLAGS, browser_available

QUERY = "indicador=1.1.1&localidad=11&corte=2026-T3&medida=avance"
AUTHOR = "Alcaldía Mayor de Bogotá – Tablero Bogotá Territorio Inteligente"

#: Every visible line of text: its text and box (CSS px of the SVG document).
_MEASURE = """
const visible = (node) => {
  const fill = getComputedStyle(node).fill || '';
  return !/rgba\\(0,\\s*0,\\s*0,\\s*0\\)/.test(fill) && fill !== 'none';
};
const shows = (line) => {
  for (const node of [line, ...line.querySelectorAll('tspan')]) {
    const own = [...node.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('');
    if (own.trim() && visible(node)) return true;
  }
  return false;
};
const out = [];
document.querySelectorAll('text').forEach((t, i) => {
  const style = getComputedStyle(t);
  if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') return;
  const lines = t.querySelectorAll('tspan.line');
  for (const line of (lines.length ? lines : [t])) {
    if (!(line.textContent || '').trim() || !shows(line)) continue;
    const r = line.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    out.push({group: i, text: line.textContent.trim(), x0: r.left, y0: r.top,
              x1: r.right, y1: r.bottom});
  }
});
const svg = document.documentElement;
return {boxes: out, width: +svg.getAttribute('width'), height: +svg.getAttribute('height')};
"""


@pytest.fixture(scope="module")
def measure():
    """``measure(svg_bytes) -> {"boxes", "width", "height"}`` in one headless Chromium."""
    if not browser_available():
        pytest.skip("chromium/chromedriver no están instalados")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in HEADLESS_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options)

    def run(svg: bytes) -> dict:
        driver.get("data:image/svg+xml;base64," + base64.b64encode(svg).decode())
        return driver.execute_script(_MEASURE)

    yield run
    driver.quit()


def collisions(found: dict, tolerance: float) -> tuple[list, list]:
    """Pairs of text lines that overlap by more than ``tolerance`` px both ways, and lines
    that leave the image. Lines of one text element are never compared."""
    boxes = found["boxes"]
    clipped = [b["text"] for b in boxes
               if b["x0"] < -0.5 or b["y0"] < -0.5 or b["x1"] > found["width"] + 0.5
               or b["y1"] > found["height"] + 0.5]
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["group"] == b["group"]:
                continue
            dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            dy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if dx > tolerance and dy > tolerance:
                pairs.append((a["text"], b["text"], round(dx, 1), round(dy, 1)))
    return pairs, clipped


def test_collisions_finds_overlaps_and_clipping():
    found = {"width": 100, "height": 50, "boxes": [
        {"group": 0, "text": "a", "x0": 0, "y0": 0, "x1": 30, "y1": 12},
        {"group": 1, "text": "b", "x0": 20, "y0": 5, "x1": 50, "y1": 17},
        {"group": 2, "text": "c", "x0": 90, "y0": 40, "x1": 110, "y1": 52},
        {"group": 2, "text": "c2", "x0": 90, "y0": 40, "x1": 95, "y1": 45}]}
    pairs, clipped = collisions(found, 1.5)
    assert pairs == [("a", "b", 10, 7)] and clipped == ["c"]


#: The extremes of the map's size clamp (layout 800x500, 1429x500, 760x1520), a
#: square, the default, with overlays and another measure, and the social cards.
MAP_CASES = [
    "indicador=1.1.1&medida=avance&ancho=800&alto=500",
    "indicador=1.1.1&medida=avance&ancho=600&alto=400",  # clamped to the minimum
    "indicador=1.1.1&medida=avance&ancho=4000&alto=1400",
    "indicador=1.1.1&medida=brecha&ancho=1000&alto=1000",
    "indicador=1.1.1&medida=avance&ancho=800&alto=1600&capas=tm-troncales",
    "indicador=1.1.1&medida=valor&ancho=800&alto=500&capas=tm-estaciones,tm-troncales",
    QUERY,
    "indicador=1.1.1&medida=avance&localidad=11&formato=social",
    "indicador=1.1.1&medida=avance&localidad=20&formato=social",
    "indicador=1.1.1&medida=brecha&formato=social",
]


@pytest.mark.browser
@pytest.mark.parametrize("query", MAP_CASES)
def test_map_export_texts_never_overlap_nor_leave_the_image(client, measure, query):
    response = client.get(f"/export/mapa.svg?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    found = measure(response.data)
    scale = found["width"] / _layout_width(query)
    pairs, clipped = collisions(found, 1.5 * scale)
    assert not pairs, pairs
    assert not clipped, clipped
    if "localidad=20" not in query:  # urban framing: Sumapaz is marked at the bottom edge
        arrows = [b for b in found["boxes"] if b["text"].startswith("Sumapaz ↓")]
        assert len(arrows) == 1, [b["text"] for b in found["boxes"]]
    texts = " ".join(b["text"] for b in found["boxes"])
    for name in ("Suba", "Puente Aranda", "Rafael Uribe Uribe"):  # the ranking, complete
        assert name in texts


def _layout_width(query: str) -> int:
    from layers.press import export_size

    params = dict(p.split("=") for p in query.split("&"))
    size = export_size("mapa", int(params["ancho"]) if "ancho" in params else None,
                       int(params["alto"]) if "alto" in params else None,
                       social=params.get("formato") == "social")
    return size.width


# --- document properties ------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize(("view", "words"), [
    ("mapa", "Avance de 1.1.1 Zonas WiFi"), ("serie", "1.1.1 Zonas WiFi"),
    ("entidades", "Semáforo de los indicadores por entidad")])
def test_chart_pdfs_carry_title_subject_author_and_data_version(client, view, words):
    from data.repository import get_catalog

    response = client.get(f"/export/{view}.pdf?{QUERY}")
    assert response.status_code == 200, response.get_data(as_text=True)
    info = PdfReader(io.BytesIO(response.data)).metadata
    assert info.title.startswith(words) and "Suba" in info.title + info.subject
    assert "<" not in info.title and "Kaleido" not in info.title
    assert info.subject and "2026-T3" in info.subject and "<" not in info.subject
    assert info.author == AUTHOR
    assert info.creator == "Tablero Bogotá Territorio Inteligente"
    version = get_catalog().version.version_id
    assert f"versión de datos {version}" in info["/Keywords"]


def test_document_properties_read_a_plain_figure():
    from app.exports.render import document_properties

    fig = {"layout": {"title": {"text": "<b>Suba</b>", "subtitle": {"text": "Localidad 11"}},
                      "annotations": [{"text": "Fuente: X · Datos v7, corte 2026-T3"}]}}
    props = document_properties(fig)
    assert props["/Title"] == "Suba" and props["/Subject"] == "Localidad 11"
    assert "versión de datos 7" in props["/Keywords"] and props["/Author"] == AUTHOR
    meta = {"layout": {"title": {"text": "A<br>B"}, "meta": {"document": {
        "title": "Título", "subject": "Tema", "version": 3, "keywords": ["corte 2026-T3"]}}}}
    props = document_properties(meta)
    assert props["/Title"] == "Título" and props["/Subject"] == "Tema"
    assert re.search(r"versión de datos 3; corte 2026-T3$", props["/Keywords"])
