"""A tiny Dash renderer in Python: real callback payloads over real HTTP.

:class:`DashClient` reads ``/_dash-layout`` and ``/_dash-dependencies`` like the
browser does, keeps the value of every ``(id, prop)``, and :meth:`DashClient.fire`
sends the callbacks a prop change triggers, applies their outputs and follows
the chain (server callbacks only: clientside ones are emulated by setting their
outputs directly, e.g. the map click store). Every request is recorded with its
wire bytes (``Accept-Encoding: gzip``) and its time.
"""

from __future__ import annotations

import gzip
import http.client
import json
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CallbackCall", "DashClient", "Exchange", "callback_payload", "layout_values"]

Key = tuple[str, str]
_ABSENT = object()


@dataclass
class Exchange:
    """One HTTP request/response: path, status, wire bytes, raw bytes, seconds."""

    method: str
    path: str
    status: int
    wire_bytes: int
    raw_bytes: int
    seconds: float
    body: bytes = b""


@dataclass
class CallbackCall:
    """One ``/_dash-update-component`` request of a chain (payload kept for replay)."""

    output: str
    payload: dict
    exchange: Exchange
    changed: list[Key] = field(default_factory=list)


def layout_values(layout: Any) -> dict[Key, Any]:
    """Every ``(id, prop) -> value`` of a layout JSON tree (string ids only)."""
    values: dict[Key, Any] = {}
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict) and "props" in node and "type" in node:
            props = node["props"] or {}
            cid = props.get("id")
            for prop, value in props.items():
                if isinstance(cid, str):
                    values[(cid, prop)] = value
                stack.append(value)
    return values


def _outputs(spec: str) -> tuple[list[Key], bool]:
    """Parse a dependency's ``output`` (``..a.x...b.y..`` when multi)."""
    if spec.startswith("..") and spec.endswith(".."):
        parts = spec[2:-2].split("...")
        return [tuple(p.rsplit(".", 1)) for p in parts], True  # type: ignore[misc]
    return [tuple(spec.rsplit(".", 1))], False  # type: ignore[list-item]


def callback_payload(dep: dict, values: dict[Key, Any], changed: list[Key]) -> dict:
    """The JSON body the Dash renderer posts for ``dep`` given the current values."""
    outs, multi = _outputs(dep["output"])

    def item(ref: dict) -> dict:
        entry = {"id": ref["id"], "property": ref["property"]}
        value = values.get((ref["id"], ref["property"]), _ABSENT)
        if value is not _ABSENT:
            entry["value"] = value
        return entry

    out_items = [{"id": i, "property": p} for i, p in outs]
    return {
        "output": dep["output"],
        "outputs": out_items if multi else out_items[0],
        "inputs": [item(r) for r in dep["inputs"]],
        "state": [item(r) for r in dep["state"]],
        "changedPropIds": [f"{i}.{p}" for i, p in changed],
    }


class DashClient:
    """Keep-alive HTTP client speaking to one Dash server on loopback.

    Parameters
    ----------
    host, port : str, int
    gzip_ok : bool
        Send ``Accept-Encoding: gzip`` (wire bytes are then compressed sizes).
    """

    def __init__(self, host: str, port: int, *, gzip_ok: bool = True, timeout: float = 60):
        self.host, self.port, self.gzip_ok, self.timeout = host, port, gzip_ok, timeout
        self._conn: http.client.HTTPConnection | None = None
        self.values: dict[Key, Any] = {}
        self.deps: list[dict] = []
        self.log: list[Exchange] = []

    # -- HTTP ---------------------------------------------------------------------------
    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def request(self, method: str, path: str, body: Any = None) -> Exchange:
        """Send one request; decode gzip; record and return the :class:`Exchange`."""
        headers = {"Accept-Encoding": "gzip" if self.gzip_ok else "identity"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            conn = self._connection()
            start = time.perf_counter()
            try:
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                wire = response.read()
            except (http.client.HTTPException, ConnectionError, OSError):
                self.close()
                if attempt:
                    raise
                continue
            seconds = time.perf_counter() - start
            break
        raw = gzip.decompress(wire) if response.getheader("Content-Encoding") == "gzip" else wire
        exchange = Exchange(method, path, response.status, len(wire), len(raw), seconds, raw)
        self.log.append(exchange)
        return exchange

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- Dash -------------------------------------------------------------------------
    def load(self, search: str = "") -> list[Exchange]:
        """GET the page, its layout and dependencies; set ``url-location`` props."""
        page = self.request("GET", "/" + (f"?{search}" if search else ""))
        layout = self.request("GET", "/_dash-layout")
        deps = self.request("GET", "/_dash-dependencies")
        self.values = layout_values(json.loads(layout.body))
        self.deps = json.loads(deps.body)
        for (cid, _prop) in list(self.values):
            if cid == "url-location":
                self.values[(cid, "pathname")] = "/"
                self.values[(cid, "search")] = f"?{search}" if search else ""
                self.values[(cid, "href")] = f"http://{self.host}:{self.port}/"
                break
        return [page, layout, deps]

    def initial_callbacks(self) -> list[CallbackCall]:
        """Fire what the renderer fires on page load (callbacks without prevent_initial_call)."""
        known = {k[0] for k in self.values}
        first = [d for d in self.deps if not d.get("prevent_initial_call")
                 and not d.get("clientside_function")
                 and all(r["id"] in known for r in d["inputs"])]
        return self._run(first, [(r["id"], r["property"]) for d in first for r in d["inputs"]])

    def fire(self, changes: dict[Key, Any]) -> list[CallbackCall]:
        """Set props (a user action) and run the callback chain they trigger."""
        self.values.update(changes)
        changed = list(changes)
        return self._run(self._triggered(changed, exclude=None), changed)

    def _triggered(self, changed: list[Key], exclude: str | None) -> list[dict]:
        keys = set(changed)
        return [d for d in self.deps
                if not d.get("clientside_function") and d["output"] != exclude
                and any((r["id"], r["property"]) in keys for r in d["inputs"])]

    def _run(self, deps: list[dict], changed: list[Key], rounds: int = 6) -> list[CallbackCall]:
        calls: list[CallbackCall] = []
        pending = [(d, changed) for d in deps]
        for _ in range(rounds):
            produced: list[tuple[str, list[Key]]] = []
            for dep, why in pending:
                inputs = {(r["id"], r["property"]) for r in dep["inputs"]}
                trigger = [k for k in why if k in inputs] or why
                payload = callback_payload(dep, self.values, trigger)
                exchange = self.request("POST", "/_dash-update-component", payload)
                call = CallbackCall(dep["output"], payload, exchange)
                calls.append(call)
                if exchange.status == 200:
                    response = json.loads(exchange.body).get("response", {})
                    for cid, props in response.items():
                        for prop, value in props.items():
                            self.values[(cid, prop)] = value
                            call.changed.append((cid, prop))
                    produced.append((dep["output"], call.changed))
            pending = []
            seen: set[str] = set()
            for source, keys in produced:
                for dep in self._triggered(keys, exclude=source):
                    if dep["output"] not in seen:
                        seen.add(dep["output"])
                        pending.append((dep, keys))
            if not pending:
                break
        return calls
