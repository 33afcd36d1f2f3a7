"""Concurrent simulated users on loopback: throughput and errors, bounded in time.

Each user is an asyncio task with its own keep-alive HTTP/1.1 connection that
replays recorded interactions (the real callback payload chains of a year
change, an axis change or a locality click, see :mod:`bench.dash_client`)
one after another until the duration ends. Minimal HTTP client on
``asyncio`` streams (no extra dependency), gzip accepted like a browser.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field

__all__ = ["LoadResult", "percentile", "run_load"]


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class LoadResult:
    """Counts and latencies of one load run."""

    users: int
    seconds: float
    interactions: int = 0
    requests: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    request_ms: list[float] = field(default_factory=list)
    interaction_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict:
        """JSON-ready figures (rates per second, p50/p95/p99 in ms)."""
        return {
            "users": self.users,
            "seconds": round(self.seconds, 2),
            "interactions": self.interactions,
            "requests": self.requests,
            "errors": self.errors,
            "error_samples": self.error_samples[:5],
            "interactions_per_s": round(self.interactions / self.seconds, 1),
            "requests_per_s": round(self.requests / self.seconds, 1),
            "request_p50_ms": round(percentile(self.request_ms, 50), 2),
            "request_p95_ms": round(percentile(self.request_ms, 95), 2),
            "interaction_p50_ms": round(percentile(self.interaction_ms, 50), 2),
            "interaction_p95_ms": round(percentile(self.interaction_ms, 95), 2),
            "interaction_p99_ms": round(percentile(self.interaction_ms, 99), 2),
        }


async def _post(reader, writer, host: str, path: str, body: bytes) -> tuple[int, bytes]:
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Accept-Encoding: gzip\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    writer.write(head + body)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("conexión cerrada por el servidor")
    status = int(status_line.split()[1])
    length, close = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "connection" and value.strip().lower() == "close":
            close = True
    data = await reader.readexactly(length) if length else b""
    if close:
        raise ConnectionResetError("el servidor pidió cerrar la conexión")
    return status, data


async def _user(index: int, host: str, port: int, chains: list[list[bytes]], stop_at: float,
                result: LoadResult) -> None:
    reader = writer = None
    step = index
    while time.perf_counter() < stop_at:
        chain = chains[step % len(chains)]
        step += 1
        start = time.perf_counter()
        ok = True
        for body in chain:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                t0 = time.perf_counter()
                status, _ = await _post(reader, writer, host, "/_dash-update-component", body)
                result.request_ms.append((time.perf_counter() - t0) * 1000)
                result.requests += 1
                if status not in (200, 204):
                    ok = False
                    result.errors += 1
                    result.error_samples.append(f"HTTP {status}")
            except (OSError, asyncio.IncompleteReadError, ConnectionError, ValueError) as error:
                ok = False
                result.errors += 1
                result.error_samples.append(f"{type(error).__name__}: {error}")
                if writer is not None:
                    writer.close()
                reader = writer = None
        if ok:
            result.interactions += 1
            result.interaction_ms.append((time.perf_counter() - start) * 1000)
    if writer is not None:
        writer.close()


def run_load(port: int, chains: list[list[dict]], *, users: int = 50, seconds: float = 60.0,
             host: str = "127.0.0.1") -> LoadResult:
    """Run ``users`` simulated users for ``seconds`` replaying ``chains`` of payloads.

    Parameters
    ----------
    port : int
        Loopback port of the server.
    chains : list of list of dict
        Interactions: each a list of ``/_dash-update-component`` JSON payloads.
    """
    encoded = [[json.dumps(p).encode("utf-8") for p in chain] for chain in chains if chain]
    if not encoded:
        raise ValueError("no hay interacciones que reproducir")
    result = LoadResult(users=users, seconds=seconds)

    async def main() -> None:
        start = time.perf_counter()
        stop_at = start + seconds
        await asyncio.gather(*(_user(i, host, port, encoded, stop_at, result)
                               for i in range(users)))
        result.seconds = time.perf_counter() - start

    asyncio.run(main())
    return result
