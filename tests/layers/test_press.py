"""Tests of layers.press: sizes, title wrapping and the press layouts."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from layers.press import SOCIAL_SIZE, export_size, wrap_text


@pytest.mark.parametrize("view", ["mapa", "serie", "entidades"])
def test_default_size_is_at_least_1600_px_wide(view):
    size = export_size(view)
    assert size.pixels[0] >= 1600 and size.width <= 1000


def test_social_preset():
    assert export_size("mapa", 3000, 3000, social=True).pixels == SOCIAL_SIZE


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [(2000, 1000, (2000, 1000)), (10, 10, (600, 400)), (99999, 99999, (4000, 4000)),
     (4000, 1, (4000, 1400)), (800, 4000, (800, 1600))],
)
def test_requested_sizes_are_clamped(width, height, expected):
    pixels = export_size("serie", width, height).pixels
    assert all(abs(a - b) <= 1 for a, b in zip(pixels, expected, strict=True))


def test_width_alone_keeps_the_default_aspect():
    width, height = export_size("serie", 2400).pixels
    assert width == 2400 and abs(height - 1500) <= 1


def test_wrap_text_fits_and_keeps_words():
    text = "Avance de Zonas WiFi públicas gratuitas por localidad, 2026"
    lines = wrap_text(text, 400, 22, bold=True)
    assert len(lines) >= 2 and " ".join(lines) == text
    assert wrap_text(text, 2000, 22) == [text]


# --- press layouts of the map (H8) ----------------------------------------------------


@pytest.fixture(scope="module")
def press(app_cache):
    """``build(view_name, query, social=False) -> (figure, view, ctx)`` on the real data."""
    from app.exports.service import _resolve
    from data.repository import get_catalog
    from layers.press import build_export_figure
    from view.geo import get_geo_context

    catalog = get_catalog()
    ctx = get_geo_context()

    def build(view_name, query, *, social=False):
        view = _resolve(query, catalog)
        size = export_size(view_name, social=social)
        return build_export_figure(view_name, view, ctx, catalog, size), view, ctx

    return build


def _ranking_traces(fig):
    from layers.press import RANKING_NAME

    return [t for t in fig.data if t.type == "bar" and t.name == RANKING_NAME]


@pytest.mark.parametrize("social", [False, True])
def test_map_exports_rank_all_20_localities_in_the_map_colours(press, social):
    fig, view, ctx = press("mapa", "indicador=1.1.1&anio=2026&medida=avance", social=social)
    bars = _ranking_traces(fig)
    names = [n for bar in bars for n in bar.y]
    assert sorted(names) == sorted(ctx.names.values())
    codes = [c for bar in bars for c in bar.customdata]
    colors = [c for bar in bars for c in bar.marker.color]
    values = view.values.assign(locality_code=view.values["locality_code"].astype(str))
    values = values.set_index("locality_code").reindex(codes).reset_index()
    assert colors == [view.scale.color_at(z) for z in view.scale.z_values(values)]
    lengths = [x for bar in bars for x in bar.x]
    reported = [x for x, s in zip(lengths, values["status"], strict=True) if s != "no_report"]
    assert reported == sorted(reported, reverse=True) and reported


def test_ranking_rows_put_missing_figures_last_with_es_co_text(press):
    from layers.press import ranking_rows

    _, view, ctx = press("mapa", "indicador=1.1.5&anio=2026&medida=avance")  # sparse
    table = ranking_rows(view, ctx)
    assert len(table) == 20
    missing = table["text"].str.contains("Sin dato")
    assert missing.any() and not missing.iloc[: (~missing).sum()].any()
    assert all("\u00a0%" in t for t in table.loc[~missing, "text"])  # es-CO "104 %"
    assert (table.loc[missing, "length"] == 0).all()


def test_social_card_labels_only_localities_that_fit(press):
    from layers.choropleth import LABELS_TRACE
    from layers.press import SOCIAL_LABEL_KM2

    fig, _, ctx = press("mapa", "indicador=1.1.1&anio=2026&medida=avance", social=True)
    area = ctx.localities.set_index(ctx.localities["code"].astype(str))["area_km2"]
    codes = sorted(area.index)
    text = dict(zip(codes, fig.data[LABELS_TRACE].text, strict=True))
    threshold = SOCIAL_LABEL_KM2["urbana"]
    small = [c for c in codes if area[c] < threshold]
    assert small and all(text[c] == "" for c in small)
    assert all(text[c] for c in codes if area[c] >= threshold)


def test_default_map_keeps_every_label(press):
    from layers.choropleth import LABELS_TRACE

    fig, _, _ = press("mapa", "indicador=1.1.1&anio=2026&medida=avance")
    assert all(fig.data[LABELS_TRACE].text)


def test_social_card_puts_map_left_and_title_right(press):
    fig, _, _ = press("mapa", "indicador=1.1.1&anio=2026&medida=avance", social=True)
    share = fig.layout.geo.domain.x[1]
    assert fig.layout.geo.domain.y == (0, 1) and share <= 0.45
    assert fig.layout.title.x > share and "DATOS ILUSTRATIVOS" in fig.layout.title.subtitle.text
    source = [a for a in fig.layout.annotations if a.name == "source-line"]
    assert source and source[0].x > share and "IDECA" in source[0].text
    for bar in _ranking_traces(fig):
        axis = fig.layout["xaxis" + bar.xaxis[1:]]
        assert axis.domain[0] > share


def test_hide_small_labels_blanks_only_small_localities():
    import pandas as pd
    import plotly.graph_objects as go

    from layers.press import hide_small_labels

    fig = go.Figure([go.Choropleth(), go.Scattergeo(text=["a", "b", "c"])])
    localities = pd.DataFrame({"code": ["03", "01", "02"], "area_km2": [50.0, 5.0, 30.0]})
    assert hide_small_labels(fig, localities, 20.0) == ["01"]
    assert list(fig.data[1].text) == ["", "b", "c"]
    assert hide_small_labels(fig, localities, 0.0) == []


def test_entity_export_and_screen_share_one_status_bars_builder(press):
    import layers.press as figures
    from callbacks.summary import status_bars_figure

    assert not hasattr(figures, "status_bars")
    fig, view, _ = press("entidades", "producto=P01&anio=2026")
    screen = go.Figure(status_bars_figure(view.counts_by_entity, "entidad"))
    assert [t.name for t in fig.data] == [t.name for t in screen.data]
    for exported, shown in zip(fig.data, screen.data, strict=True):
        assert list(exported.y) == list(shown.y) and list(exported.x) == list(shown.x)
        assert exported.marker.color == shown.marker.color
    assert fig.layout.title.text and fig.layout.yaxis.autorange == "reversed"


@pytest.mark.browser
def test_social_card_svg_names_all_20_localities(client):
    import re

    from view.geo import get_geo_context

    response = client.get("/export/mapa.svg?producto=P01&anio=2026&medida=avance&formato=social")
    assert response.status_code == 200, response.get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    for name in get_geo_context().names.values():
        assert name in text
    assert "Localidades por avance" in text and "DATOS ILUSTRATIVOS" in text


def test_citywide_indicator_social_card_has_the_note_instead_of_a_ranking(press):
    fig, view, _ = press("mapa", "producto=P07&anio=2026&medida=valor", social=True)
    assert view.map_note and not _ranking_traces(fig)
    notes = [a for a in fig.layout.annotations if "Indicador de toda la ciudad" in (a.text or "")]
    assert len(notes) == 1 and notes[0].x > fig.layout.geo.domain.x[1]


def test_district_social_card_labels_fewer_localities(press):
    from layers.choropleth import LABELS_TRACE
    from layers.press import SOCIAL_LABEL_KM2

    fig, _, ctx = press("mapa", "producto=P02&anio=2026&medida=avance&localidad=20",
                        social=True)
    area = ctx.localities.set_index(ctx.localities["code"].astype(str))["area_km2"]
    labelled = [c for c, t in zip(sorted(area.index), fig.data[LABELS_TRACE].text, strict=True)
                if t]
    assert labelled and all(area[c] >= SOCIAL_LABEL_KM2["distrito"] for c in labelled)
