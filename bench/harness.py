"""Measurements of the dashboard and of the naive baseline, over real HTTP.

Every figure comes from real responses of real gunicorn servers on loopback
(``bench.servers``): bytes on the wire with gzip, times measured by the client
(on loopback, server time plus well under a millisecond).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass

from bench.dash_client import CallbackCall, DashClient
from bench.load import percentile

__all__ = [
    "INTERACTION_KINDS",
    "Interaction",
    "critical_path_ms",
    "geometry_gzip_bytes",
    "initial_load",
    "latency_summary",
    "naive_interactions",
    "our_interactions",
]

INTERACTION_KINDS = ("anio", "eje", "clic_localidad")
_CENTRAL = "url-location.search"


@dataclass
class Interaction:
    """One user action and the callback requests it caused."""

    kind: str
    calls: list[CallbackCall]

    @property
    def wire_bytes(self) -> int:
        return sum(c.exchange.wire_bytes for c in self.calls)

    @property
    def total_ms(self) -> float:
        return sum(c.exchange.seconds for c in self.calls) * 1000

    @property
    def ok(self) -> bool:
        return all(c.exchange.status in (200, 204) for c in self.calls)


def critical_path_ms(calls: list[CallbackCall]) -> float:
    """What a browser waits: the first callback, then the slowest of those it triggered.

    The renderer sends the callbacks triggered by one output in parallel, so the
    wait is the sum over chain levels of the slowest request of each level.
    """
    if not calls:
        return 0.0
    first, rest = calls[0], calls[1:]
    return (first.exchange.seconds + max((c.exchange.seconds for c in rest), default=0.0)) * 1000


def geometry_gzip_bytes(layout: dict) -> tuple[int, int]:
    """Gzip size and count of the GeoJSON objects embedded in a layout JSON tree."""
    found: list[dict] = []
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("geojson"), dict):
                found.append(node["geojson"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    size = sum(len(gzip.compress(json.dumps(g, separators=(",", ":")).encode())) for g in found)
    return size, len(found)


def _has_geometry(body: bytes) -> bool:
    return b'"coordinates"' in body


def initial_load(client: DashClient, *, initial_callbacks: bool = True) -> dict:
    """Bytes of a first visit's data: page HTML, layout (figures, geometry), callbacks."""
    page, layout, deps = client.load()
    calls = client.initial_callbacks() if initial_callbacks else []
    geometry, n_geo = geometry_gzip_bytes(json.loads(layout.body))
    responses = [page, layout, deps, *(c.exchange for c in calls)]
    return {
        "html_bytes": page.wire_bytes,
        "layout_bytes": layout.wire_bytes,
        "layout_raw_bytes": layout.raw_bytes,
        "dependencies_bytes": deps.wire_bytes,
        "initial_callbacks": len(calls),
        "initial_callback_bytes": sum(c.exchange.wire_bytes for c in calls),
        "total_bytes": sum(r.wire_bytes for r in responses),
        "geometry_gzip_bytes": geometry,
        "geometry_objects": n_geo,
        "responses_with_geometry": sum(_has_geometry(r.body) for r in responses),
        "errors": sum(r.status >= 400 for r in responses),
    }


def _axis_ids(client: DashClient) -> list[str]:
    options = client.values.get(("filters-axis", "options")) or []
    ids = [o["value"] if isinstance(o, dict) else o for o in options]
    return [str(i) for i in ids]


def our_interactions(client: DashClient, *, rounds: int = 1) -> list[Interaction]:
    """Year changes, axis changes and locality clicks on the real dashboard.

    Each round walks the years 2023-2032, each axis (then clears it) and clicks
    five localities, starting from the state left by the previous action (as a
    user would), so most states are new to the server.
    """
    out: list[Interaction] = []
    axes = _axis_ids(client)
    localities = ["01", "11", "08", "19", "04"]
    for r in range(rounds):
        for year in range(2023, 2033):
            out.append(Interaction("anio", client.fire({("year-slider", "value"): year})))
        for axis in [*axes, None]:
            value = [axis] if axis else []
            out.append(Interaction("eje", client.fire({("filters-axis", "value"): value})))
        for i, code in enumerate(localities):
            click = {"code": code, "additive": False, "ts": 1_000 * r + i}
            out.append(Interaction("clic_localidad",
                                   client.fire({("map-click-store", "data"): click})))
    return out


def naive_interactions(client: DashClient, axes: Iterable[str], *, rounds: int = 1
                       ) -> list[Interaction]:
    """The same three kinds of action on the naive app (one callback each)."""
    out: list[Interaction] = []
    axes = list(axes)
    for r in range(rounds):
        for year in (2023, 2025, 2027, 2029, 2031):
            out.append(Interaction("anio", client.fire({("naive-year", "value"): year})))
        for axis in axes[:3]:
            out.append(Interaction("eje", client.fire({("naive-axis", "value"): axis})))
        for i, code in enumerate(["01", "11", "08"]):
            out.append(Interaction("clic_localidad", client.fire(
                {("naive-click", "data"): {"code": code, "ts": 1_000 * r + i}})))
    return out


def latency_summary(interactions: list[Interaction]) -> dict:
    """Per-request and per-interaction latency (ms) and bytes, overall and by kind."""

    def block(items: list[Interaction]) -> dict:
        requests = [c.exchange.seconds * 1000 for i in items for c in i.calls]
        paths = [critical_path_ms(i.calls) for i in items]
        totals = [i.total_ms for i in items]
        size = [i.wire_bytes for i in items]
        slow = {}
        for i in items:
            for c in i.calls:
                slow.setdefault(c.output.strip(".").split(".")[0], []).append(
                    c.exchange.seconds * 1000)
        return {
            "n": len(items),
            "requests": len(requests),
            "request_p50_ms": round(percentile(requests, 50), 2),
            "request_p95_ms": round(percentile(requests, 95), 2),
            "critical_path_p50_ms": round(percentile(paths, 50), 2),
            "critical_path_p95_ms": round(percentile(paths, 95), 2),
            "server_total_p50_ms": round(percentile(totals, 50), 2),
            "server_total_p95_ms": round(percentile(totals, 95), 2),
            "bytes_mean": round(sum(size) / len(size)) if size else 0,
            "bytes_max": max(size, default=0),
            "errors": sum(not i.ok for i in items),
            "with_geometry": sum(any(_has_geometry(c.exchange.body) for c in i.calls)
                                 for i in items),
            "by_callback_p95_ms": {k: round(percentile(v, 95), 2) for k, v in slow.items()},
        }

    out = {"all": block(interactions)}
    for kind in INTERACTION_KINDS:
        items = [i for i in interactions if i.kind == kind]
        if items:
            out[kind] = block(items)
    return out
