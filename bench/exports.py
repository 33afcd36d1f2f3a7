"""Benchmark of map PNG exports: cold (cache miss, warm browser), cached, and a naive baseline.

Not a test: prints a table and writes ``bench/results/exports.json``. The naive
baseline builds the figure and starts a new kaleido/Chromium for every export,
with no cache. Exports go through the real app's routes (Flask test client) with
the export cache in a temporary folder, so the project's ``.cache`` is untouched
except for reading its geodata and base maps.

Run: ``python -m bench.exports`` (or ``bench.exports.run()`` from ``python -m bench``).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["TARGETS", "run"]

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "exports.json"
#: Seconds: cold export (renderer warm, cache miss) and cached export.
TARGETS = {"cold_s": 3.0, "cached_s": 0.050}
COLD_QUERIES = (
    "producto=P01&anio=2026&medida=avance",
    "producto=P02&anio=2025&medida=valor&localidad=08",
    "producto=P03&anio=2024&medida=semaforo",
    "producto=P10&anio=2026&medida=avance&localidad=20",
    "producto=P25&anio=2023&medida=valor&capas=tm-estaciones,tm-troncales",
)


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 4)


def _prepare_cache_root(tmp: Path) -> None:
    """A temporary cache root that reuses the project's processed geodata (read-only)."""
    from data.geodata import ensure_geodata

    geodata = ensure_geodata()
    (tmp / "geodata").symlink_to(geodata, target_is_directory=True)
    topojson = ROOT / ".cache" / "topojson"
    if topojson.is_dir():
        (tmp / "topojson").symlink_to(topojson, target_is_directory=True)
    os.environ["BOGOTA_TI_CACHE"] = str(tmp)
    os.environ.pop("DATABASE_URL", None)


def _naive(queries: tuple[str, ...]) -> list[float]:
    """Build the figure and start a fresh kaleido (new Chromium) per export, no cache."""
    import kaleido

    from app.exports.render import topojson_url
    from data.repository import get_catalog
    from layers.press import build_export_figure, export_size
    from view import get_geo_context, parse_view, resolve_view

    catalog, ctx = get_catalog(), get_geo_context()
    times = []
    for query in queries:
        start = time.perf_counter()
        state, _ = parse_view(query, catalog)
        view = resolve_view(state, catalog)
        size = export_size("mapa")
        fig = build_export_figure("mapa", view, ctx, catalog, size,
                                  last_year=view.data_cut.year)
        opts = {"format": "png", "width": size.width, "height": size.height,
                "scale": size.scale}
        data = kaleido._sync_server.oneshot_async_run(  # noqa: SLF001 - a fresh browser
            kaleido.calc_fig, args=(fig,),
            kwargs={"opts": opts, "topojson": topojson_url(), "kopts": {"mathjax": False}})
        assert data[:4] == b"\x89PNG"
        times.append(time.perf_counter() - start)
    return times


def run(*, write: bool = True, verbose: bool = True) -> dict:
    """Measure and return the results (also written to ``bench/results/exports.json``)."""
    os.environ.setdefault("BROWSER_PATH", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as folder:
        _prepare_cache_root(Path(folder))
        from app.exports.cache import get_export_cache
        from app.factory import create_app

        client = create_app().server.test_client()

        def get(query: str) -> tuple[float, str]:
            start = time.perf_counter()
            response = client.get(f"/export/mapa.png?{query}")
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, response.get_data(as_text=True)
            return elapsed, response.headers.get("X-Export-Cache", "")

        first, _ = get("producto=P01&anio=2023")  # includes starting Chromium
        cold = [get(q) for q in COLD_QUERIES]
        assert all(state == "miss" for _, state in cold)
        cold_times = [t for t, _ in cold]
        cached_memory = [get(COLD_QUERIES[0])[0] for _ in range(30)]
        cached_disk = []
        for _ in range(10):
            get_export_cache().clear_memory()
            cached_disk.append(get(COLD_QUERIES[0])[0])
        naive = _naive(COLD_QUERIES[:3])
        from app.exports.render import shutdown

        shutdown()

    results = {
        "benchmark": "map PNG export (/export/mapa.png, 1600x2000 px)",
        "machine_cpus": os.cpu_count(),
        "first_export_with_browser_start_s": round(first, 3),
        "cold_s": {"median": _median(cold_times), "max": round(max(cold_times), 4),
                   "samples": [round(t, 4) for t in cold_times]},
        "cached_memory_s": {"median": _median(cached_memory),
                            "max": round(max(cached_memory), 4)},
        "cached_disk_s": {"median": _median(cached_disk), "max": round(max(cached_disk), 4)},
        "naive_s": {"median": _median(naive), "max": round(max(naive), 4),
                    "samples": [round(t, 4) for t in naive],
                    "what": "figure built + new kaleido/Chromium per export, no cache"},
        "targets_s": TARGETS,
        "meets_targets": {
            "cold": max(cold_times) <= TARGETS["cold_s"],
            "cached": max(_median(cached_memory), _median(cached_disk)) <= TARGETS["cached_s"],
        },
    }
    if write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    if verbose:
        print(f"{'map PNG export':<34}{'median':>10}{'max':>10}")
        for label, key in (("cold (warm browser, no cache)", "cold_s"),
                           ("cached (memory)", "cached_memory_s"),
                           ("cached (disk)", "cached_disk_s"),
                           ("naive (new browser, no cache)", "naive_s")):
            row = results[key]
            print(f"{label:<34}{row['median']:>9.3f}s{row['max']:>9.3f}s")
        print(f"first export incl. browser start: {results['first_export_with_browser_start_s']} s")
        print(f"targets: cold <= {TARGETS['cold_s']} s, cached <= {TARGETS['cached_s']} s -> "
              f"{results['meets_targets']}")
    return results


def main() -> int:
    """Entry point of ``python -m bench.exports``."""
    results = run()
    return 0 if all(results["meets_targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
