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


def test_default_map_labels_all_but_a_few_small_localities(press):
    from layers.choropleth import LABELS_TRACE

    fig, _, ctx = press("mapa", "indicador=1.1.1&anio=2026&medida=avance")
    area = ctx.localities.set_index(ctx.localities["code"].astype(str))["area_km2"]
    text = dict(zip(sorted(area.index), fig.data[LABELS_TRACE].text, strict=True))
    blank = [c for c, t in text.items() if not t]
    # a label that would touch a neighbour's goes; its value is in the ranking
    assert len(blank) <= 3 and all(area[c] < 15 for c in blank), blank


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
        def names(trace):  # the export wraps names wider when its page is wider
            return [label.replace("<br>", " ") for label in trace.y]

        assert names(exported) == names(shown) and list(exported.x) == list(shown.x)
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


# --- clean exports: sizes, labels that fit ---------------------------------------------


@pytest.mark.parametrize(("width", "height"), [(10, 10), (600, 400), (799, 5000), (4000, 1)])
def test_map_is_never_smaller_than_its_minimum_nor_squashed(width, height):
    from layers.press import MAP_MIN_SIZE

    size = export_size("mapa", width, height)
    assert size.pixels[0] >= MAP_MIN_SIZE[0] and size.pixels[1] >= MAP_MIN_SIZE[1] - 1
    assert size.height >= 500 and size.scale >= 1


def test_requested_width_is_exact():
    assert export_size("mapa", 4000, 1400).pixels[0] == 4000
    assert export_size("mapa", 2000, 700).pixels == (2000, 700)


def test_text_box_size_counts_lines_and_characters():
    from layers.press import text_box_size

    w1, h1 = text_box_size("<b>111 %</b>", 12)
    w2, h2 = text_box_size("Ciudad Bolívar<br><b>91 %</b>", 12)
    assert w2 > w1 > 0 and h2 == 2 * h1
    assert text_box_size("", 12) == (0.0, 0.0)


MAP_SIZES = [(800, 500), (4000, 1400), (800, 1600), (1000, 1000), None, "social"]


@pytest.mark.parametrize("requested", MAP_SIZES)
@pytest.mark.parametrize("query", ["indicador=1.1.1&medida=avance&localidad=11",
                                   "indicador=1.1.1&medida=brecha&encuadre=distrito"])
def test_map_labels_fit_the_frame_and_never_overlap(app_cache, requested, query):
    from app.exports.service import _resolve
    from data.repository import get_catalog
    from layers.press import _geo_projector, build_export_figure, label_boxes
    from view.geo import get_geo_context

    catalog, ctx = get_catalog(), get_geo_context()
    social = requested == "social"
    size = export_size("mapa", *(requested if isinstance(requested, tuple) else (None, None)),
                       social=social)
    fig = build_export_figure("mapa", _resolve(query, catalog), ctx, catalog, size)
    boxes = label_boxes(fig, size)
    assert len(boxes) >= 4  # still a labelled map
    _, (fx0, fy0, fx1, fy1) = _geo_projector(fig, size)
    for i, box in enumerate(boxes):
        assert fx0 <= box.x0 and box.x1 <= fx1 and fy0 - 2 <= box.y0 and box.y1 <= fy1 + 2, box
        assert 0 <= box.x0 and box.x1 <= size.width and 0 <= box.y0 and box.y1 <= size.height
        assert not any(box.overlaps(other, pad=0) for other in boxes[i + 1:]), box
    arrows = [b for b in boxes if "↓" in b.text]
    assert len(arrows) == ("encuadre=distrito" not in query)  # Sumapaz, kept and inside


def test_declutter_moves_an_edge_label_in_and_drops_a_colliding_one():
    from layers.press import declutter_labels

    fig = go.Figure([go.Choropleth(), go.Scattergeo(
        lon=[-74.30, -74.10, -74.1001], lat=[4.50, 4.60, 4.6001], mode="text",
        text=["Sumapaz ↓ <b>100 %</b>", "Kennedy<br><b>97 %</b>", "<b>92 %</b>"],
        textfont={"size": [12, 12, 10]})])
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, geo={
        "domain": {"x": [0, 1], "y": [0, 1]}, "lonaxis": {"range": [-74.30, -73.90]},
        "lataxis": {"range": [4.45, 4.85]}})
    size = export_size("mapa", 800, 800)
    hidden = declutter_labels(fig, size, ["20", "08", "16"], ["20", "08"])
    assert hidden == ["16"]
    assert fig.data[1].lon[0] > -74.30  # moved right, into the frame
    assert fig.data[1].text[:2] == ("Sumapaz ↓ <b>100 %</b>", "Kennedy<br><b>97 %</b>")


@pytest.mark.parametrize(("width", "height"), [(800, 500), (600, 400), (4000, 1400)])
def test_each_entity_row_holds_its_wrapped_full_name(app_cache, width, height):
    """The bars export is at least 800x700 and wraps names so that every row holds its
    lines: full names never run into each other."""
    from app.exports.service import _resolve
    from data.repository import get_catalog
    from layers.press import BARS_MIN_SIZE, build_export_figure
    from view.geo import get_geo_context

    catalog = get_catalog()
    size = export_size("entidades", width, height)
    assert size.pixels[1] >= BARS_MIN_SIZE[1] - 1
    fig = build_export_figure("entidades", _resolve("anio=2026", catalog), get_geo_context(),
                              catalog, size)
    labels = list(fig.data[0].y)
    assert len(labels) == 14 and all("(" in label for label in labels)  # name (acronym)
    lines = max(label.count("<br>") + 1 for label in labels)
    margin = fig.layout.margin
    row_px = (size.height - margin.t - margin.b) / len(labels)
    assert lines * 15 <= row_px
