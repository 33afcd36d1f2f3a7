"""Frames of the map's time-lapse: the press map of each year, with one legend for all.

Each frame is :func:`layers.press.build_export_figure` of the view of one year
(title, subtitle with the "DATOS ILUSTRATIVOS" flag, legend, ranking and
source line exactly as the static export), plus the year written large where it
covers neither the map nor the ranking: beside the colour bar on the default
map, under it on the 1200x630 social card, in the free lower corner when the
indicator is reported only citywide. Across the frames the colour range
(``zmin``/``zmax``) and the ranking's axis are made one, so a colour or a bar
length means the same in every year.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from data.catalog import Catalog
from layers.press import ExportSize, build_export_figure
from layers.theme import FONT_FAMILY, INK, INK_MUTED

__all__ = ["CUT_NAME", "YEAR_NAME", "add_year_stamp", "build_timelapse_frames",
           "share_scales", "year_font_size"]

#: Name of the large year annotation of a frame.
YEAR_NAME = "timelapse-year"
#: Name of the small "Corte 2025-T4" line under it.
CUT_NAME = "timelapse-cut"
_CUT_FONT = 13
_GAP = 6  # px between the colour bar and the year


def year_font_size(size: ExportSize, plot_height: float) -> int:
    """The year's font size (CSS px): ~8.5 % of the plot height, 32 to 64 (44 on the card)."""
    if size.social:
        return 44
    return max(32, min(64, round(plot_height * 0.085)))


def _plot_height(fig: go.Figure, size: ExportSize) -> float:
    margin = fig.layout.margin
    return size.height - (margin.t or 0) - (margin.b or 0)


def add_year_stamp(fig: go.Figure, year: int, cut_label: str, size: ExportSize, *,
                   citywide: bool = False) -> None:
    """Write ``year`` large on a map export (and "Corte <cut_label>" under it), in place.

    Parameters
    ----------
    fig : go.Figure
        A map from :func:`layers.press.build_export_figure`.
    year : int
        The frame's year.
    cut_label : str
        The frame's cut (``2025-T4``; the data's cut in its own year).
    size : ExportSize
        The size the figure was built for.
    citywide : bool
        The indicator is reported only citywide (no colour bar, a note box top right).
    """
    plot_h = _plot_height(fig, size)
    font = year_font_size(size, plot_h)
    bar = next((t.colorbar for t in fig.data if t.type == "choropleth"), None)
    common = {"xref": "paper", "yref": "paper", "showarrow": False, "align": "left"}
    if size.social:
        # the card: under the colour bar, between the map and the ranking
        x = (bar.x if bar is not None and bar.x is not None else fig.layout.geo.domain.x[1])
        bottom = (bar.y - bar.len) if bar is not None and bar.len else 0.45
        y, xanchor, yanchor, shift = bottom, "left", "top", -_GAP - 4
        cut_shift = shift - font * 1.15
    elif citywide or bar is None:
        # the note box holds the top right: the year goes to the free lower right corner
        x, y, xanchor, yanchor = 0.98, 0.0, "right", "bottom"
        shift = _CUT_FONT * 1.5
        cut_shift = 0
    else:
        # the default map: right of the colour bar, level with its foot, above the ranking
        x = 0.98
        y = bar.y - bar.len if bar.len else 0.55
        xanchor, yanchor = "right", "bottom"
        shift = _CUT_FONT * 1.5
        cut_shift = 0
    fig.add_annotation(
        text=f"<b>{year}</b>", x=x, y=y, xanchor=xanchor, yanchor=yanchor, yshift=shift,
        font={"family": FONT_FAMILY, "size": font, "color": INK}, name=YEAR_NAME, **common)
    fig.add_annotation(
        text=f"Corte {cut_label}", x=x, y=y, xanchor=xanchor, yanchor=yanchor,
        yshift=cut_shift, font={"family": FONT_FAMILY, "size": _CUT_FONT, "color": INK_MUTED},
        name=CUT_NAME, **common)


def share_scales(figures: Sequence[go.Figure]) -> None:
    """One colour range and one ranking axis for all ``figures`` (in place).

    The colour scales of a view are already fixed across cuts
    (:func:`layers.scales.value_scale`); this makes sure of it, and widens each
    ranking axis to the longest bar of any frame, so bars compare across years.
    """
    maps = [t for f in figures for t in f.data if t.type == "choropleth"]
    lows = [t.zmin for t in maps if t.zmin is not None]
    highs = [t.zmax for t in maps if t.zmax is not None]
    if lows and highs:
        for fig in figures:
            fig.update_traces(zmin=min(lows), zmax=max(highs), selector={"type": "choropleth"})
    ranges: dict[str, list[float]] = {}
    for fig in figures:
        for name in fig.layout:
            if name.startswith("xaxis") and fig.layout[name].range is not None:
                lo, hi = fig.layout[name].range
                span = ranges.setdefault(name, [lo, hi])
                span[0], span[1] = min(span[0], lo), max(span[1], hi)
    for fig in figures:
        for name, span in ranges.items():
            if name in fig.layout and fig.layout[name].range is not None:
                fig.layout[name].range = list(span)


def build_timelapse_frames(views: Sequence[Any], ctx: Any, catalog: Catalog,
                           size: ExportSize) -> list[go.Figure]:
    """The map export of each view (one per year), stamped with its year, on shared scales.

    Parameters
    ----------
    views : sequence of View
        One resolved, non-empty view per frame, in order (same selection, one year each).
    ctx : view.geo.GeoContext
        Display geometry and names.
    catalog : Catalog
        For filter names.
    size : ExportSize
        Layout size of every frame.
    """
    frames = []
    for view in views:
        fig = build_export_figure("mapa", view, ctx, catalog, size,
                                  last_year=view.data_cut.year)
        add_year_stamp(fig, view.state.year, view.cut.label, size,
                       citywide=bool(view.map_note))
        frames.append(fig)
    share_scales(frames)
    return frames
