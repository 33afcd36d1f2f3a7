"""Tests of the map's time-lapse: /export/mapa.gif and /export/mapa.mp4.

Validation, the frames' figures and the encoders run without Chromium; the few
real renders are marked ``browser``.
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from urllib.parse import parse_qsl

import imageio.v2 as imageio
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from app.exports import timelapse
from app.exports.jobs import RenderJob
from app.exports.service import ExportRequestError, render_plan
from layers.press import RANKING_NAME, export_size
from layers.timelapse import CUT_NAME, YEAR_NAME, build_timelapse_frames

QUERY = "indicador=1.1.1&localidad=08&medida=semaforo"


@pytest.fixture
def catalog_now(app_cache):
    from data.repository import get_catalog

    return get_catalog()


def _views(catalog, query: str = "", years=range(2023, 2027)):
    from view import cached_view, parse_view

    state, notices = parse_view(query, catalog)
    assert notices == []
    return [cached_view(replace(state, year=y, quarter=None), catalog) for y in years]


def _notes(fig, name):
    return [a for a in fig.layout.annotations if a.name == name]


def _png(color, size=(121, 81)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def _mp4_stream(path) -> str:
    info = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                          capture_output=True, text=True, check=False).stderr
    return next(line for line in info.splitlines() if "Video:" in line)


# --- request validation (no rendering) -----------------------------------------------


@pytest.mark.parametrize(("query", "words"), [
    ("desde=2022", "«desde=2022» no es un año válido"),
    ("hasta=2031", "«hasta=2031» no es un año válido"),
    ("desde=20x3", "no es un año válido"),
    ("desde=%D9%A2%D9%A0%D9%A2%D9%A3", "no es un año válido"),  # Arabic-Indic digits
    ("desde=%2B2023", "no es un año válido"),
    ("desde=02023", "no es un año válido"),
    ("desde=2026&hasta=2024", "es posterior a «hasta=2024»"),
    ("desde=2023&desde=2024", "aparece dos veces"),
    ("formato=cuadrado", "formato=social"),
    ("ancho=mil", "no es un número de píxeles"),
])
@pytest.mark.parametrize("fmt", ["gif", "mp4"])
def test_bad_years_and_sizes_get_a_spanish_400(client, query, words, fmt):
    response = client.get(f"/export/mapa.{fmt}?{QUERY}&{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert words in response.get_data(as_text=True)


def test_only_the_map_is_animated(client):
    response = client.get("/export/serie.gif")
    assert response.status_code == 404
    assert "solo para el mapa" in response.get_data(as_text=True)


def test_years_default_to_2023_and_the_data_cut(catalog_now):
    from view import Snapshot

    cut = Snapshot.of(catalog_now).data_cut
    assert timelapse.year_span({}, cut) == (2023, cut.year)
    assert timelapse.year_span({"desde": "2024", "hasta": "2024"}, cut) == (2024, 2024)
    with pytest.raises(ExportRequestError) as error:
        timelapse.year_span({"hasta": str(cut.year + 1)}, cut)
    assert error.value.status == 400 and f"corte {cut.label}" in error.value.message


def test_the_page_year_does_not_split_the_cache_and_a_worker_rebuilds_the_job(catalog_now):
    name, plan = timelapse.timelapse_request("mapa", "gif", f"{QUERY}&anio=2024", catalog_now)
    _, same = timelapse.timelapse_request("mapa", "gif", f"{QUERY}&corte=2025-T2", catalog_now)
    _, other = timelapse.timelapse_request("mapa", "mp4", QUERY, catalog_now)
    assert plan.key == same.key != other.key
    assert name == "tablero-bti_1.1.1_loc-08_mapa_2023-2026.gif"
    job = plan.job
    assert job.kind == "timelapse" and ("desde", "2023") in parse_qsl(job.query)
    rebuilt = render_plan(RenderJob(*[getattr(job, f) for f in (
        "kind", "name", "fmt", "query", "version_id", "key")]), catalog_now)
    assert rebuilt.key == plan.key


def test_animation_sizes_default_to_a_4_5_portrait_and_are_capped(catalog_now):
    assert timelapse._size({}).pixels == (1080, 1350)
    assert timelapse._size({"formato": "social"}).pixels == (1200, 630)
    width, height = timelapse._size({"ancho": "4000", "alto": "4000"}).pixels
    assert max(width, height) <= timelapse.MAX_SIDE


# --- the frames' figures (no rendering) ------------------------------------------------


@pytest.mark.parametrize("social", [False, True])
def test_each_frame_is_the_press_map_with_its_year_large_and_one_legend(catalog_now, social):
    from view import get_geo_context

    views = _views(catalog_now, "indicador=1.1.1&medida=valor")
    size = export_size("mapa", 1080, social=social)
    frames = build_timelapse_frames(views, get_geo_context(), catalog_now, size)
    assert len(frames) == 4
    for year, fig in zip(range(2023, 2027), frames, strict=True):
        (stamp,) = _notes(fig, YEAR_NAME)
        assert stamp.text == f"<b>{year}</b>" and stamp.font.size >= 40
        (cut,) = _notes(fig, CUT_NAME)
        assert cut.text.startswith(f"Corte {year}-T")
        assert str(year) in fig.layout.title.text  # the title states the frame's cut
        assert "DATOS ILUSTRATIVOS" in fig.layout.title.subtitle.text
        assert any(a.name == "source-line" for a in fig.layout.annotations)
        # the year stays off the map: right of (or under the colour bar beside) the map
        assert stamp.x >= fig.layout.geo.domain.x[1]
    maps = [next(t for t in fig.data if t.type == "choropleth") for fig in frames]
    assert len({(m.zmin, m.zmax) for m in maps}) == 1
    assert len({tuple(m.colorbar.tickvals) for m in maps}) == 1
    ranges = {tuple(fig.layout.xaxis.range) for fig in frames}
    assert len(ranges) == 1  # a bar's length means the same in every year
    bars = [next(t for t in fig.data if t.name == RANKING_NAME) for fig in frames]
    assert bars[0].x != bars[-1].x  # and the years do differ


def test_semaforo_frames_share_the_categorical_legend(catalog_now):
    from view import get_geo_context

    views = _views(catalog_now, QUERY, range(2024, 2026))
    frames = build_timelapse_frames(views, get_geo_context(), catalog_now,
                                    export_size("mapa", 1080))
    ticks = {tuple(next(t for t in f.data if t.type == "choropleth").colorbar.ticktext)
             for f in frames}
    assert len(ticks) == 1 and "Futuro" in " ".join(next(iter(ticks)))


# --- encoders (synthetic frames) ---------------------------------------------------


def test_gif_loops_holds_the_last_frame_and_keeps_exact_colours():
    colours = ["#FFFFFF", "#08519C", "#F2A541"]
    data = timelapse.encode_gif([_png(c) for c in colours], keep=["#08519C"])
    image = Image.open(io.BytesIO(data))
    assert image.format == "GIF" and image.n_frames == 3 and image.size == (121, 81)
    assert image.info["loop"] == 0
    durations, pixels = [], []
    for n in range(3):
        image.seek(n)
        durations.append(image.info["duration"])
        pixels.append(image.convert("RGB").getpixel((60, 40)))
    assert durations == [timelapse.FRAME_MS] * 2 + [timelapse.LAST_FRAME_MS]
    assert pixels == [(255, 255, 255), (8, 81, 156), (242, 165, 65)]


def test_mp4_is_h264_yuv420p_even_sized_with_the_last_frame_held(tmp_path):
    data = timelapse.encode_mp4([_png(c) for c in ("#FFFFFF", "#08519C", "#F2A541")])
    path = tmp_path / "clip.mp4"
    path.write_bytes(data)
    stream = _mp4_stream(path)
    assert "h264" in stream and "yuv420p" in stream and "122x82" in stream
    reader = imageio.get_reader(path, format="FFMPEG")
    assert reader.count_frames() == 3 + timelapse.MP4_HOLD_FRAMES
    assert reader.get_meta_data()["fps"] == timelapse.MP4_FPS
    reader.close()


# --- real renders ------------------------------------------------------------------


@pytest.mark.browser
def test_gif_has_one_frame_per_year_and_a_second_request_is_a_cache_hit(client):
    url = f"/export/mapa.gif?{QUERY}&desde=2023&hasta=2026"
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "image/gif"
    disposition = response.headers["Content-Disposition"]
    assert "attachment" in disposition and "_mapa_2023-2026.gif" in disposition
    image = Image.open(io.BytesIO(response.data))
    assert image.n_frames == 4 and image.size == (1080, 1350)
    assert len(response.data) < 3_000_000
    frames = []
    for n in range(image.n_frames):
        image.seek(n)
        frames.append(np.asarray(image.convert("RGB")))
    assert all((a != b).any() for a, b in zip(frames, frames[1:], strict=False))
    again = client.get(url)
    assert again.headers["X-Export-Cache"] == "hit" and again.data == response.data
    etag = response.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.browser
def test_social_mp4_has_one_frame_per_year_plus_the_hold(client, tmp_path):
    response = client.get(f"/export/mapa.mp4?{QUERY}&formato=social&desde=2025")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "video/mp4"
    assert "_mapa_2025-2026_social.mp4" in response.headers["Content-Disposition"]
    path = tmp_path / "mapa.mp4"
    path.write_bytes(response.data)
    stream = _mp4_stream(path)
    assert "h264" in stream and "yuv420p" in stream and "1200x630" in stream
    reader = imageio.get_reader(path, format="FFMPEG")
    assert reader.count_frames() == 2 + timelapse.MP4_HOLD_FRAMES
    reader.close()
    assert client.get(f"/export/mapa.mp4?{QUERY}&formato=social&desde=2025&hasta=2026") \
        .headers["X-Export-Cache"] == "hit"
