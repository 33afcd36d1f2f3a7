"""Concurrent simulated users on loopback: throughput and errors, bounded in time.

Each user is an asyncio task with its own keep-alive HTTP/1.1 connection that
replays recorded interactions (the real callback payload chains of a year
change, an axis change or a locality click, see :mod:`bench.dash_client`)
one after another until the duration ends. Minimal HTTP client on
``asyncio`` streams (no extra dependency), gzip accepted like a browser.

:func:`run_mixed_load` adds users who download exports nobody asked for before
(issue 12): each asks for one file after another, and on ``503`` waits what
``Retry-After`` says and asks again, as a well-behaved client does.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["ExportLoadResult", "LoadResult", "percentile", "run_load", "run_mixed_load",
           "uncached_export_paths"]


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


async def _exchange(reader, writer, host: str, method: str, path: str,
                    body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request on a keep-alive connection: status, headers, body."""
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\n"
    if body is not None:
        head += (f"Content-Type: application/json\r\nAccept-Encoding: gzip\r\n"
                 f"Content-Length: {len(body)}\r\n")
    writer.write((head + "\r\n").encode() + (body or b""))
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("conexión cerrada por el servidor")
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    data = await reader.readexactly(length) if length else b""
    if headers.get("connection", "").lower() == "close":
        raise ConnectionResetError("el servidor pidió cerrar la conexión")
    return status, headers, data


async def _post(reader, writer, host: str, path: str, body: bytes) -> tuple[int, bytes]:
    status, _, data = await _exchange(reader, writer, host, "POST", path, body)
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


# --- users who download exports (issue 12) ------------------------------------------------

_MEASURES = ("avance", "semaforo", "brecha", "valor")
_LOCALITIES = [f"{i:02d}" for i in range(1, 21)]


def uncached_export_paths(seed: int | None = None) -> Iterator[str]:
    """Endless distinct export paths: charts of varied views, years, measures,
    localities and formats, and every fifth a locality report of some quarter.

    The first 2,160 charts and 800 reports are distinct states, hence distinct
    cache keys: served from a fresh export cache, every one is a miss (a render).
    """
    rng = random.Random(seed)
    charts = [(view, fmt, year, measure, loc)
              for view in ("mapa", "serie", "entidades")
              for fmt in ("png", "svg", "pdf")
              for year in range(2023, 2033)
              for measure in _MEASURES
              for loc in ("", *_LOCALITIES[::4])]
    reports = [(code, year, quarter) for code in _LOCALITIES for year in range(2023, 2033)
               for quarter in (1, 2, 3, 4)]
    rng.shuffle(charts)
    rng.shuffle(reports)
    chart_iter, report_iter = itertools.cycle(charts), itertools.cycle(reports)
    for i in itertools.count():
        if i % 5 == 4:
            code, year, quarter = next(report_iter)
            yield f"/reporte/localidad/{code}.pdf?corte={year}-T{quarter}"
            continue
        view, fmt, year, measure, loc = next(chart_iter)
        query = f"anio={year}&medida={measure}" + (f"&localidad={loc}" if loc else "")
        yield f"/export/{view}.{fmt}?{query}"


@dataclass
class ExportLoadResult:
    """Files, refusals (503 + Retry-After) and errors of the export users."""

    users: int
    seconds: float
    files: int = 0
    busy: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    file_s: list[float] = field(default_factory=list)
    answer_ms: list[float] = field(default_factory=list)
    busy_answer_ms: list[float] = field(default_factory=list)
    retry_after_s: list[int] = field(default_factory=list)

    def summary(self) -> dict:
        """JSON-ready figures: files/s, time to get a file (p50/p95, waits included),
        how fast a refusal comes, Retry-After asked."""
        return {
            "users": self.users,
            "seconds": round(self.seconds, 2),
            "files": self.files,
            "files_per_s": round(self.files / self.seconds, 2) if self.seconds else 0.0,
            "busy_answers": self.busy,
            "errors": self.errors,
            "error_samples": self.error_samples[:5],
            "file_p50_s": round(percentile(self.file_s, 50), 2),
            "file_p95_s": round(percentile(self.file_s, 95), 2),
            "answer_p95_ms": round(percentile(self.answer_ms, 95), 1),
            "busy_answer_p95_ms": round(percentile(self.busy_answer_ms, 95), 1),
            "retry_after_median_s": percentile(self.retry_after_s, 50),
        }


async def _export_user(host: str, port: int, paths: Iterator[str], stop_at: float,
                       result: ExportLoadResult) -> None:
    reader = writer = None
    while time.perf_counter() < stop_at:
        path = next(paths)
        first = time.perf_counter()
        while time.perf_counter() < stop_at:
            try:
                reused = writer is not None
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                t0 = time.perf_counter()
                try:
                    status, headers, _ = await _exchange(reader, writer, host, "GET", path)
                except (ConnectionError, asyncio.IncompleteReadError):
                    if not reused:
                        raise
                    # the server closed the idle keep-alive connection while we honoured
                    # Retry-After: reconnect and ask again, as a browser does
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                    t0 = time.perf_counter()
                    status, headers, _ = await _exchange(reader, writer, host, "GET", path)
                elapsed_ms = (time.perf_counter() - t0) * 1000
                result.answer_ms.append(elapsed_ms)
            except (OSError, asyncio.IncompleteReadError, ConnectionError, ValueError) as error:
                result.errors += 1
                result.error_samples.append(f"{type(error).__name__}: {error}")
                if writer is not None:
                    writer.close()
                reader = writer = None
                break
            if status == 200:
                result.files += 1
                result.file_s.append(time.perf_counter() - first)
                break
            wait = headers.get("retry-after", "")
            if status == 503 and wait.isdigit():
                result.busy += 1
                result.busy_answer_ms.append(elapsed_ms)
                result.retry_after_s.append(int(wait))
                await asyncio.sleep(min(int(wait), max(0.0, stop_at - time.perf_counter())))
                continue
            result.errors += 1
            result.error_samples.append(f"HTTP {status} {path}")
            break
    if writer is not None:
        writer.close()


def run_mixed_load(port: int, chains: list[list[dict]], paths: Iterator[str], *,
                   interactive_users: int = 40, export_users: int = 10,
                   seconds: float = 60.0, host: str = "127.0.0.1"
                   ) -> tuple[LoadResult, ExportLoadResult]:
    """``interactive_users`` replaying ``chains`` beside ``export_users`` downloading
    ``paths`` (one after another, honouring ``Retry-After``), for ``seconds``."""
    encoded = [[json.dumps(p).encode("utf-8") for p in chain] for chain in chains if chain]
    if not encoded:
        raise ValueError("no hay interacciones que reproducir")
    interactive = LoadResult(users=interactive_users, seconds=seconds)
    exports = ExportLoadResult(users=export_users, seconds=seconds)

    async def main() -> None:
        start = time.perf_counter()
        stop_at = start + seconds

        async def interactive_users_() -> None:
            await asyncio.gather(*(_user(i, host, port, encoded, stop_at, interactive)
                                   for i in range(interactive_users)))
            interactive.seconds = time.perf_counter() - start

        async def export_users_() -> None:
            await asyncio.gather(*(_export_user(host, port, paths, stop_at, exports)
                                   for _ in range(export_users)))
            exports.seconds = time.perf_counter() - start

        await asyncio.gather(interactive_users_(), export_users_())

    asyncio.run(main())
    return interactive, exports
