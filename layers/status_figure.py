"""How many products are on track, at risk, behind or without report, by group.

Statuses are never told by colour alone: each legend entry carries the status
symbol and label, and each bar segment its count.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd

from data.schema import STATUSES
from layers.formatting import format_number
from layers.theme import (
    STATUS_COLORS,
    STATUS_SYMBOLS,
    dress,
    status_legend_label,
    template_json,
    text_color_on,
)

__all__ = ["build_status_bars", "entity_labels"]


def _counts(counts: pd.DataFrame) -> pd.DataFrame:
    table = counts.reindex(columns=list(STATUSES)).fillna(0)
    return table.apply(pd.to_numeric, errors="coerce").fillna(0).astype(int)


def _segment_props(status: str, y: list[str], x: list[int], **extra: Any) -> dict[str, Any]:
    color = STATUS_COLORS[status]
    return dict(
        y=y,
        x=x,
        orientation="h",
        name=status_legend_label(status),
        marker={"color": color, "line": {"color": "#FFFFFF", "width": 1}},
        text=[f"{STATUS_SYMBOLS[status]}\u00a0{format_number(v)}" if v else "" for v in x],
        textposition="inside",
        insidetextanchor="middle",
        textfont={"color": text_color_on(color), "size": 13},
        textangle=0,
        constraintext="none",
        cliponaxis=False,
        **extra,
    )


def _few(table: pd.DataFrame, most: int = 8) -> bool:
    """True when no bar counts more than ``most`` indicators (one tick per indicator)."""
    return table.empty or int(table.sum(axis=1).max()) <= most


def entity_labels(counts: pd.DataFrame, width: int = 30) -> pd.DataFrame:
    """``counts`` with ``label`` = the entity's full name and acronym, wrapped at ``width``.

    The one naming of entities in the status bars, on screen and in the exports
    ("Secretaría Distrital de Planeación (SDP)"); ``counts`` needs ``name`` and
    ``label`` (the acronym). Without ``name`` it is returned unchanged.
    """
    if "name" not in counts:
        return counts
    return counts.assign(label=[
        "<br>".join(textwrap.wrap(f"{name} ({acronym})", width))
        for name, acronym in zip(counts["name"], counts["label"], strict=True)])


def build_status_bars(
    counts: pd.DataFrame,
    key: str,
    *,
    by_label: str,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """Horizontal stacked bars of product statuses per entity or axis, as a figure dict.

    Parameters
    ----------
    counts : DataFrame
        :func:`data.progress.status_counts` by ``key`` with a ``label`` column
        (display name of each group). Groups with more indicators come first, ties
        by label: the one sort of the screen and the exports.
    key : str
        Group column (``"entity_id"`` or ``"axis_id"``).
    by_label : str
        What a row is, for the hover text: ``"Entidad"`` or ``"Eje"``.
    title, subtitle, source : str, optional
        Title block and source line (exports), see :func:`layers.theme.dress`.

    Returns
    -------
    dict
        ``clickData["points"][0]["customdata"]`` is the row's group id.
    """
    plain = counts["label"].astype(str).str.replace("<br>", " ", regex=False)  # wraps aside
    ordered = counts.assign(_plain=plain).sort_values(["total", "_plain"],
                                                       ascending=[False, True])
    labels = dict(zip(ordered[key].astype(str), ordered["label"].astype(str), strict=True))
    table = _counts(ordered.set_index(key))
    ids = [str(i) for i in table.index]
    names = [(labels or {}).get(i, i) for i in ids]
    data = [
        {"type": "bar", **_segment_props(
            status,
            names,
            table[status].tolist(),
            customdata=ids,
            hovertemplate=(
                f"<b>%{{y}}</b><br>{status_legend_label(status)}: %{{x}} indicadores"
                f"<extra>{by_label}</extra>"
            ),
        )}
        for status in STATUSES
    ]
    longest = max((len(line) for n in names for line in n.split("<br>")), default=10)
    layout = {
        "template": template_json(),
        "barmode": "stack",
        "bargap": 0.3,
        "height": max(260, 140 + 40 * len(ids)),
        "xaxis": {"title": {"text": "Número de indicadores"}, "tickformat": ",d",
                  "showgrid": True, "showline": False, "ticks": "",
                  # whole counts: a tick per indicator while few (never "1 1 2 2")
                  **({"tick0": 0, "dtick": 1} if _few(table) else {})},
        "yaxis": {"autorange": "reversed", "showgrid": False, "automargin": True,
                  "ticklabelstandoff": 6},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom",
                   "traceorder": "normal"},
        "margin": {"l": min(24 + 8 * longest, 280), "r": 16, "t": 48, "b": 24},
        "hovermode": "closest",
    }
    figure = dress({"data": data, "layout": layout}, title, subtitle, source, axis_room=52)
    if title:
        layout["margin"]["t"] += 28
    return figure
