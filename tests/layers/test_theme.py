from __future__ import annotations

import subprocess
import sys

import plotly.graph_objects as go
import pytest

from data.schema import STATUS_LABELS, STATUSES
from layers.theme import (
    INK,
    STATUS_COLORS,
    STATUS_SYMBOLS,
    TEMPLATE,
    add_source_line,
    apply_titles,
    contrast_ratio,
    status_legend_label,
    text_color_on,
)


def test_every_status_has_colour_symbol_and_label():
    assert set(STATUS_COLORS) == set(STATUSES) == set(STATUS_SYMBOLS)
    assert len(set(STATUS_COLORS.values())) == len(STATUSES)
    for status in STATUSES:
        label = status_legend_label(status)
        assert STATUS_LABELS[status] in label and STATUS_SYMBOLS[status] in label
    with pytest.raises(ValueError, match="estado desconocido"):
        status_legend_label("green")


def test_text_colour_contrasts_with_fill():
    assert text_color_on("#FFFFFF") == INK
    assert text_color_on("#08306B") == "#FFFFFF"
    assert text_color_on(STATUS_COLORS["sin_dato"]) == INK
    for fill in STATUS_COLORS.values():  # WCAG AA for text on every semáforo colour
        assert contrast_ratio(text_color_on(fill), fill) >= 4.5, fill


def test_template_uses_es_co_separators():
    assert TEMPLATE.layout.separators == ",."
    assert "Liberation Sans" in TEMPLATE.layout.font.family


def test_titles_and_wrapped_source_line():
    figure = {"data": [], "layout": {"template": TEMPLATE}}
    apply_titles(figure, "Título", "uno · dos")
    long_source = " · ".join(["Fuente: algo largo de verdad"] * 6)
    add_source_line(figure, long_source, max_chars=60)
    fig = go.Figure(figure)
    assert fig.layout.title.text == "Título"
    assert fig.layout.title.subtitle.text == "uno · dos"
    note = fig.layout.annotations[-1]
    lines = note.text.split("<br>")
    assert len(lines) > 1 and all(len(line) <= 60 for line in lines)
    assert fig.layout.margin.b >= 16 * len(lines)


def test_no_title_leaves_figure_alone():
    figure = {"data": [], "layout": {}}
    apply_titles(figure, None)
    add_source_line(figure, "")
    fig = go.Figure(figure)
    assert fig.layout.title.text is None and not fig.layout.annotations


def test_layers_never_import_dash():
    code = (
        "import sys, layers.choropleth, layers.geo_map, layers.press, "
        "layers.locality_report, layers.series_figure, layers.status_figure, "
        "layers.titles, layers.geojson; print('dash' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_stylesheet_uses_the_same_status_colours():
    """The CSS variables of the semáforo are the theme's colours (one palette)."""
    import re
    from pathlib import Path

    css = (Path(__file__).parents[2] / "assets" / "dashboard.css").read_text(encoding="utf-8")
    found = dict(re.findall(r"--bti-([a-z-]+):\s*(#[0-9A-Fa-f]{6})", css))
    for status, colour in STATUS_COLORS.items():
        assert found[status.replace("_", "-")].upper() == colour.upper(), status
    used = set(re.findall(r"\.(?:kpi|status)-([a-z-]+)\b", css)) - {"tile", "symbol", "count",
                                                                   "label", "share", "cell",
                                                                   "chip"}
    assert used == {s.replace("_", "-") for s in STATUS_COLORS}
