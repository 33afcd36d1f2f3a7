"""The map's time-lapse for social media: ``/export/mapa.gif`` and ``/export/mapa.mp4``.

One frame per year from ``desde`` (default 2023) to ``hasta`` (default the year
of the data's cut), each the press map of that year
(:func:`layers.timelapse.build_timelapse_frames`: the static export's figure
with the year written large, one colour range and one ranking axis for all
frames) drawn to PNG by :func:`app.exports.render.render_figure`. The GIF
(Pillow) loops forever, shows each year 1,2 s and holds the last one 3 s, on
one shared palette; the MP4 (imageio with the ffmpeg that the imageio-ffmpeg
wheel ships) is H.264 in yuv420p at 1 frame per second, the last year held two
seconds more, sized to even pixels.

Query: the dashboard's, plus ``ancho``/``alto`` or ``formato=social`` as for
``/export/mapa.png`` (default 1080x1350, a 4:5 portrait; each side at most
:data:`MAX_SIDE` px) and ``desde``/``hasta``. The whole animation is one
render job (kind ``"timelapse"``) through :func:`app.exports.dispatch.produce`,
cached per data version; its frames are cached too, so the GIF and the MP4 of
one view share them.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
from dataclasses import replace
from urllib.parse import urlencode

import numpy as np

from app.exports.cache import cache_key, get_export_cache
from app.exports.dispatch import RenderPlan, produce
from app.exports.jobs import RenderJob
from app.exports.render import RenderError, render_figure
from app.exports.service import (
    ExportRequestError,
    ExportResult,
    _extras,
    _int_param,
    _resolve,
    _slug,
)
from data import Catalog
from data.repository import get_catalog
from data.schema import FIRST_YEAR
from layers import ExportSize, export_size
from layers.timelapse import build_timelapse_frames
from view import View, build_query, cached_view, default_state, get_geo_context

__all__ = [
    "FORMATS",
    "FRAME_MS",
    "LAST_FRAME_MS",
    "MAX_FRAMES",
    "MAX_SIDE",
    "MEDIA_TYPES",
    "MP4_FPS",
    "MP4_HOLD_FRAMES",
    "EXACT_COLOURS",
    "encode_gif",
    "encode_mp4",
    "gif_palette",
    "timelapse_export",
    "timelapse_request",
    "year_span",
]

FORMATS = ("gif", "mp4")
MEDIA_TYPES = {"gif": "image/gif", "mp4": "video/mp4"}
#: Views that can be animated (the URL's ``/export/<view>.gif``).
VIEWS = ("mapa",)
#: At most this many years (frames) in one animation.
MAX_FRAMES = 10
#: Largest side of an animation's frames, in px (``ancho``/``alto`` are clamped to it).
MAX_SIDE = 1920
#: Default frame width: 1080x1350, the 4:5 portrait of social feeds (the map's own shape).
DEFAULT_WIDTH = 1080
#: GIF: milliseconds per year, and for the last year.
FRAME_MS = 1200
LAST_FRAME_MS = 3000
#: MP4: frames per second, and extra copies of the last frame (seconds it is held longer).
MP4_FPS = 1
MP4_HOLD_FRAMES = 2
_PARAMS = ("formato", "ancho", "alto", "desde", "hasta")


def _year(extras: dict[str, str], name: str, default: int, last: int, cut: str) -> int:
    raw = extras.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4) or \
            not FIRST_YEAR <= int(raw) <= last:
        raise ExportRequestError(
            400, f"«{name}={raw}» no es un año válido; use un año de {FIRST_YEAR} a {last} "
                 f"(los datos llegan al corte {cut}).")
    return int(raw)


def year_span(extras: dict[str, str], data_cut) -> tuple[int, int]:
    """``(desde, hasta)`` of a request: default :data:`data.schema.FIRST_YEAR` to the
    year of ``data_cut`` (a :class:`data.method.Period`).

    Raises
    ------
    ExportRequestError
        400 for a year that is not four ASCII digits between 2023 and the cut's
        year, ``desde`` after ``hasta`` or more than :data:`MAX_FRAMES` years.
    """
    last = data_cut.year
    first = _year(extras, "desde", FIRST_YEAR, last, data_cut.label)
    final = _year(extras, "hasta", last, last, data_cut.label)
    if first > final:
        raise ExportRequestError(
            400, f"«desde={first}» es posterior a «hasta={final}»; la animación va de un año "
                 f"al mismo o a uno posterior, p. ej. desde={FIRST_YEAR}&hasta={last}.")
    if final - first + 1 > MAX_FRAMES:
        raise ExportRequestError(
            400, f"La animación admite a lo sumo {MAX_FRAMES} años; pida un rango más corto.")
    return first, final


def _size(extras: dict[str, str]) -> ExportSize:
    preset = extras.get("formato", "").lower()
    if preset not in ("", "social"):
        raise ExportRequestError(
            400, f"«formato={preset}» no existe; use formato=social (1200x630).")
    width, height = _int_param(extras, "ancho"), _int_param(extras, "alto")
    if width is None and height is None:
        width = DEFAULT_WIDTH
    width = None if width is None else min(width, MAX_SIDE)
    height = None if height is None else min(height, MAX_SIDE)
    return export_size("mapa", width, height, social=preset == "social")


def timelapse_request(view_name: str, fmt: str, query: str,
                      catalog: Catalog) -> tuple[str, RenderPlan]:
    """Check an animation request; its file name and render plan.

    Raises
    ------
    ExportRequestError
        404 for a view or format that is not animated or a view without
        products, 400 for a malformed query or year range.
    """
    if view_name not in VIEWS:
        raise ExportRequestError(
            404, f"La animación existe solo para el mapa: /export/mapa.gif o /export/mapa.mp4 "
                 f"(no para «{view_name}»).")
    if fmt not in FORMATS:
        raise ExportRequestError(404, f"El formato «{fmt}» no es una animación; use gif o mp4.")
    extras = _extras(query)
    view = _resolve(query, catalog)
    first, last = year_span(extras, view.data_cut)
    size = _size(extras)
    # the frames' years replace the query's year or cut: one entry whatever the page showed
    base = replace(view.state, year=view.data_cut.year, quarter=None)
    canonical = build_query(base, default=default_state(catalog))
    version_id = view.version.version_id
    options = {"fmt": fmt, "size": [size.width, size.height, round(size.scale, 4)],
               "desde": first, "hasta": last}
    key = cache_key(f"timelapse:{view_name}", canonical, options, version_id)
    own = {**{n: extras[n] for n in ("formato", "ancho", "alto") if extras.get(n)},
           "desde": str(first), "hasta": str(last)}
    job = RenderJob("timelapse", view_name, fmt,
                    "&".join(p for p in (canonical, urlencode(list(own.items()))) if p),
                    str(version_id), key)

    views = []
    for year in range(first, last + 1):
        frame_view = cached_view(replace(base, year=year), catalog)
        if frame_view.empty:
            raise ExportRequestError(404, frame_view.message)
        views.append(frame_view)

    def build() -> bytes:
        frames, colours = _frames(views, catalog, size, canonical, options, version_id)
        return encode_gif(frames, colours) if fmt == "gif" else encode_mp4(frames)

    suffix = "_social" if size.social else ""
    name = f"{_timelapse_slug(view)}_{view_name}_{first}-{last}{suffix}.{fmt}"
    return name, RenderPlan(job, build)


def _timelapse_slug(view: View) -> str:
    """The file's slug without the cut (the years follow in the name)."""
    slug = _slug(view)
    return slug.removesuffix("_" + view.cut.label)


def _frames(views: list[View], catalog: Catalog, size: ExportSize, canonical: str,
            options: dict, version_id) -> tuple[list[bytes], list[str]]:
    """PNG of each year's frame, each cached (the GIF and the MP4 share them), and the
    colours of their colour scale."""
    figures = build_timelapse_frames(views, get_geo_context(), catalog, size)
    cache = get_export_cache()
    frame_options = {k: v for k, v in options.items() if k != "fmt"}
    out = []
    for view, figure in zip(views, figures, strict=True):
        key = cache_key("timelapse-frame:mapa", canonical,
                        {**frame_options, "anio": view.state.year},
                        version_id)
        data, _ = cache.get_or_create(key, lambda fig=figure: render_figure(
            fig, "png", width=size.width, height=size.height, scale=size.scale))
        out.append(data)
    return out, scale_colours(figures[0])


def _images(frames: list[bytes]):
    from PIL import Image

    images = [Image.open(io.BytesIO(data)).convert("RGB") for data in frames]
    width = max(i.width for i in images)
    height = max(i.height for i in images)
    return [i if i.size == (width, height) else _pad(i, width, height) for i in images]


def _pad(image, width: int, height: int):
    from PIL import Image

    canvas = Image.new("RGB", (width, height), "white")
    canvas.paste(image, (0, 0))
    return canvas


#: GIF palette: up to this many of the most frequent colours kept exactly (the map's
#: fills, the background, the ink), plus the colour scale sampled at
#: :data:`SCALE_SAMPLES` points (the colour bar is few pixels but many colours);
#: median cut chooses the rest (anti-aliased edges and text).
EXACT_COLOURS = 96
_EXACT_SHARE = 0.0002  # of all pixels, for a colour to be kept exactly
SCALE_SAMPLES = 48


def scale_colours(figure, samples: int = SCALE_SAMPLES) -> list[str]:
    """``#RRGGBB`` colours along the colour scale of ``figure``'s map (empty if none)."""
    from plotly.colors import find_intermediate_color, hex_to_rgb

    trace = next((t for t in figure.data if t.type == "choropleth" and t.colorscale), None)
    if trace is None:
        return []
    stops = [(float(p), tuple(hex_to_rgb(c)) if c.startswith("#") else None)
             for p, c in trace.colorscale]
    stops = [(p, c) for p, c in stops if c is not None]
    out = []
    for n in range(samples):
        t = n / (samples - 1)
        for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
            if p0 <= t <= p1:
                rgb = c1 if p1 == p0 else find_intermediate_color(c0, c1, (t - p0) / (p1 - p0))
                out.append("#" + "".join(f"{round(v):02X}" for v in rgb))
                break
    return sorted(set(out) | {c for _, c in trace.colorscale if c.startswith("#")})


def _hex_packed(colours) -> np.ndarray:
    return np.array([int(c.lstrip("#")[:6], 16) for c in colours], dtype=np.uint32)


def _packed(image) -> np.ndarray:
    rgb = np.asarray(image, dtype=np.uint32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def _unpack(packed: np.ndarray) -> np.ndarray:
    return np.stack([(packed >> 16) & 255, (packed >> 8) & 255, packed & 255], axis=-1)


def gif_palette(images, keep=()) -> np.ndarray:
    """256 RGB colours for all ``images``: the most frequent ones and ``keep``
    (``#RRGGBB``) exactly, median cut for the rest (a fill never shifts between years)."""
    from PIL import Image

    sample = np.concatenate([_packed(i.reduce(2)).ravel() for i in images])
    colours, counts = np.unique(sample, return_counts=True)
    order = np.argsort(-counts, kind="stable")[:EXACT_COLOURS]
    exact = colours[order][counts[order] >= sample.size * _EXACT_SHARE]
    exact = np.union1d(exact, _hex_packed(keep))[:256]
    rest = sample[~np.isin(sample, exact)]
    palette = [_unpack(exact)]
    if rest.size and len(exact) < 256:
        side = math.ceil(math.sqrt(rest.size))
        square = np.resize(rest, side * side).reshape(side, side)
        sheet = Image.fromarray(_unpack(square).astype(np.uint8), "RGB")
        wanted = 256 - len(exact)
        chosen = sheet.quantize(colors=wanted, method=Image.Quantize.MEDIANCUT,
                                dither=Image.Dither.NONE)
        used = len(chosen.getcolors(wanted) or ()) or wanted
        palette.append(np.asarray(chosen.getpalette()[:3 * used]).reshape(-1, 3))
    return np.concatenate(palette).astype(np.int32)[:256]


def _indexed(image, palette: np.ndarray):
    """``image`` in ``palette``, each colour to its nearest entry (exact where present)."""
    from PIL import Image

    packed = _packed(image)
    colours, inverse = np.unique(packed, return_inverse=True)
    rgb = _unpack(colours).astype(np.int32)
    nearest = np.empty(len(rgb), dtype=np.uint8)
    for start in range(0, len(rgb), 4096):
        block = rgb[start:start + 4096]
        distance = ((block[:, None, :] - palette[None, :, :]) ** 2).sum(axis=2)
        nearest[start:start + 4096] = distance.argmin(axis=1)
    out = Image.fromarray(nearest[inverse].reshape(packed.shape), "P")
    flat = palette.astype(np.uint8).ravel().tolist()
    out.putpalette(flat + [0] * (768 - len(flat)))
    return out


def encode_gif(frames: list[bytes], keep=()) -> bytes:
    """An animated GIF of PNG ``frames``: loops forever, :data:`FRAME_MS` per frame and
    :data:`LAST_FRAME_MS` on the last, one palette for all frames (:func:`gif_palette`,
    no dithering: the map's flat colours stay flat and the file small). ``keep``:
    colours the palette must hold exactly (:func:`scale_colours`)."""
    if not frames:
        raise ValueError("an animation needs at least one frame")
    images = _images(frames)
    palette = gif_palette(images, keep)
    indexed = [_indexed(i, palette) for i in images]
    durations = [FRAME_MS] * (len(indexed) - 1) + [LAST_FRAME_MS]
    buffer = io.BytesIO()
    indexed[0].save(buffer, format="GIF", save_all=True, append_images=indexed[1:],
                    duration=durations, loop=0, optimize=True, disposal=1)
    return buffer.getvalue()


def _even(image):
    width, height = image.width + image.width % 2, image.height + image.height % 2
    return image if (width, height) == image.size else _pad(image, width, height)


def encode_mp4(frames: list[bytes]) -> bytes:
    """An H.264 MP4 (yuv420p, even size, :data:`MP4_FPS` fps, the last frame held
    :data:`MP4_HOLD_FRAMES` frames more) of PNG ``frames``, with the ffmpeg binary of
    the imageio-ffmpeg wheel.

    Raises
    ------
    RenderError
        When ffmpeg fails.
    """
    import imageio.v2 as imageio

    if not frames:
        raise ValueError("an animation needs at least one frame")
    images = [_even(i) for i in _images(frames)]
    images += [images[-1]] * MP4_HOLD_FRAMES
    fd, path = tempfile.mkstemp(suffix=".mp4", prefix="bti-timelapse-")
    os.close(fd)
    try:
        writer = imageio.get_writer(
            path, format="FFMPEG", mode="I", fps=MP4_FPS, codec="libx264",
            pixelformat="yuv420p", macro_block_size=2, quality=None,
            ffmpeg_log_level="error",
            output_params=["-crf", "20", "-preset", "medium", "-tune", "stillimage",
                           "-movflags", "+faststart"])
        try:
            for image in images:
                writer.append_data(np.asarray(image))
        finally:
            writer.close()
        with open(path, "rb") as handle:
            return handle.read()
    except (OSError, RuntimeError) as error:
        raise RenderError(f"ffmpeg could not encode the animation: {error}") from error
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def timelapse_export(view_name: str, fmt: str, query: str = "",
                     catalog: Catalog | None = None) -> ExportResult:
    """The map's time-lapse as an animated GIF or an MP4 video.

    A cache miss is rendered by :func:`app.exports.dispatch.produce` (an export
    worker or this process's bounded render pool), like the static charts.

    Parameters
    ----------
    view_name, fmt : str
        From the URL ``/export/{view_name}.{fmt}`` (``mapa``; ``gif`` or ``mp4``).
    query : str
        The dashboard query plus ``ancho``/``alto`` or ``formato=social`` and
        ``desde``/``hasta`` (years).
    catalog : Catalog, optional
        Default: :func:`data.repository.get_catalog`.

    Raises
    ------
    ExportRequestError
        404 for another view or format or a view without products, 400 for a
        malformed query or year range.
    app.exports.gate.ExportBusy
        When exports are saturated.
    """
    catalog = catalog or get_catalog()
    name, plan = timelapse_request(view_name, fmt, query, catalog)
    data, hit = produce(plan)
    return ExportResult(data, MEDIA_TYPES[fmt], name, plan.key, hit)
