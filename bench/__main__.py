"""``python -m bench`` (``make bench``): measure the dashboard beside the naive baseline.

Starts real gunicorn servers (2 workers, ``app/gunicorn.conf.py``) on loopback
ports: the dashboard with the callback response cache off (cold work), the
naive app, and the dashboard as deployed (cache on) for the load test. Prints
a table with PASS/MISS per target and writes ``bench/results/bench.json``.

Front end (issue 13, :mod:`bench.frontend`): the first rendered map (median of 5
cold loads), JavaScript bytes, CLS and TBT of the dashboard, of today's page (the
commit before the lighter front end, served from a ``git worktree`` in the same
run) and of the naive app, plus Lighthouse 12.2.3 mobile and desktop when it is
installed. Uploads (issue 12, :mod:`bench.uploads`): peak memory and time of the
largest and most hostile uploads beside a naive reader.

Options: ``--quick`` (short load, one browser run: a smoke run of a minute or
two), ``--skip-browser``, ``--skip-lighthouse``, ``--skip-today``, ``--skip-load``,
``--skip-mixed``, ``--skip-exports``, ``--skip-uploads``,
``--redis auto|none|URL`` (the load test uses the shared Redis cache, as several
hosts do; ``auto``: local database 12 when it answers), ``--export-workers N``
(the mixed scenario with N export workers, ``python -m app.exports.worker``, on
this machine; default 0: the web processes render), ``--out PATH``.

The load server runs on a fresh cache root (the project's geodata, base maps
and store, an empty export cache), so every export of the mixed scenario "40
interactive + 10 export users" is a render.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.dash_client import DashClient
from bench.frontend import COLD_RUNS, TODAY_REV, measure_page, page_figures, todays_page
from bench.harness import (
    initial_load,
    latency_summary,
    naive_interactions,
    our_interactions,
)
from bench.report import evaluate, format_table
from bench.servers import ROOT, peak_rss_mb, start_gunicorn

RESULTS = ROOT / "bench" / "results"


def _machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, ValueError, IndexError):
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory": mem, "python": platform.python_version(),
            "platform": platform.platform(), "load_average_at_start": os.getloadavg()}


def _redis_for_bench(choice: str) -> str:
    """The Redis URL for the load test ("" for the in-process cache).

    ``auto`` uses database 12 of the local Redis when it answers, after removing
    this app's keys there (``bogota-ti:*``) so that nothing is warm from a
    previous run.
    """
    if choice in ("", "none"):
        return ""
    url = "redis://127.0.0.1:6379/12" if choice == "auto" else choice
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
        for key in client.scan_iter(match="bogota-ti:*", count=1000):
            client.delete(key)
        return url
    except Exception:
        return "" if choice == "auto" else url


def _workers_rss(server) -> list[dict]:
    return [{"pid": pid, **peak_rss_mb(pid)} for pid in server.worker_pids()]


@contextlib.contextmanager
def _fresh_cache_root():
    """Env for a server on a temporary cache root: the project's geodata, base maps and
    store, an empty export cache (so exports are renders, and nothing is left behind)."""
    from data.config import load_settings

    settings = load_settings()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        root = Path(folder)
        for name in ("geodata", "topojson"):
            source = (settings.cache_dir / name).resolve()
            if source.is_dir():
                (root / name).symlink_to(source, target_is_directory=True)
        yield {"BOGOTA_TI_CACHE": str(root), "DATABASE_URL": settings.database_url}


def _export_path_seed() -> int:
    return int(time.time())


@contextlib.contextmanager
def _export_workers(count: int, env: dict[str, str]):
    """``count`` processes of ``python -m app.exports.worker`` (needs REDIS_URL in env)."""
    processes: list[subprocess.Popen] = []
    if count and not env.get("REDIS_URL"):
        print("  (--export-workers necesita Redis: se omiten)", flush=True)
        count = 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    try:
        for i in range(count):
            with (RESULTS / f"export-worker-{i}.log").open("wb") as log:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "app.exports.worker",
                     "--name", f"bench-{os.getpid()}-{i}"],
                    cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT))
        if processes:
            import redis
            from rq import Queue, Worker

            from app.exports.jobs import QUEUE

            queue = Queue(QUEUE, connection=redis.Redis.from_url(env["REDIS_URL"]))
            deadline = time.monotonic() + 180
            while Worker.count(queue=queue) < count and time.monotonic() < deadline:
                if any(p.poll() is not None for p in processes):
                    raise RuntimeError("un worker de exportaciones terminó: vea bench/results/")
                time.sleep(0.5)
        yield len(processes)
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _mixed(server, chains: list, seconds: float, env: dict[str, str], workers: int) -> dict:
    """Issue 12: 40 interactive users beside 10 users downloading uncached exports."""
    from bench.load import run_mixed_load, uncached_export_paths

    where = f"{workers} workers de exportación" if workers else "los procesos web"
    print(f"· carga mixta: 40 usuarios interactivos + 10 pidiendo exportaciones sin caché "
          f"({seconds:.0f} s, dibujan {where})…", flush=True)
    seed = _export_path_seed()
    with _export_workers(workers, env) as started:
        interactive, exports = run_mixed_load(server.port, chains, uncached_export_paths(seed),
                                              interactive_users=40, export_users=10,
                                              seconds=seconds)
    return {"interactive": interactive.summary(), "exports": exports.summary(),
            "export_workers": started, "paths_seed": seed,
            "rss_workers": _workers_rss(server)}


def run(args: argparse.Namespace) -> dict:
    """Run every measurement; return the JSON-ready results."""
    out: dict = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
                 "machine": _machine(), "quick": args.quick}
    rounds = 1 if args.quick else 3

    print("· tablero (caché de callbacks apagada: trabajo en frío)…", flush=True)
    with start_gunicorn("app.server:server", env={"BOGOTA_TI_CALLBACK_CACHE": "0"}) as server:
        client = DashClient("127.0.0.1", server.port)
        out["initial"] = initial_load(client)
        interactions = our_interactions(client, rounds=rounds)
        out["interactions"] = latency_summary(interactions)
        out["chains"] = {k: [c.output for c in i.calls] for i, k in
                         ((next(x for x in interactions if x.kind == k), k)
                          for k in ("anio", "eje", "clic_localidad"))}
        if not args.skip_browser:
            print("· Chromium sin caché, primer mapa (mediana de 5) y Lighthouse…", flush=True)
            page = page_figures(server.url + "/", runs=1 if args.quick else COLD_RUNS,
                                lighthouse=not (args.quick or args.skip_lighthouse))
            out["browser"] = page["browser"]
            if "lighthouse" in page:
                out["lighthouse"] = page["lighthouse"]
        out["rss_workers"] = _workers_rss(server)
        client.close()

    print("· línea base ingenua…", flush=True)
    with start_gunicorn("bench.naive_app:server") as naive:
        client = DashClient("127.0.0.1", naive.port)
        out["naive_initial"] = initial_load(client, initial_callbacks=False)
        axes = [str(o) for o in (client.values.get(("naive-axis", "options")) or [])]
        out["naive_interactions"] = latency_summary(naive_interactions(client, axes, rounds=1))
        if not args.skip_browser:
            out["naive_browser"] = measure_page(naive.url + "/", 1 if args.quick else COLD_RUNS,
                                                "#naive-map .js-plotly-plot")
        out["naive_rss_workers"] = _workers_rss(naive)
        client.close()

    if not (args.skip_browser or args.skip_today or args.quick):
        print(f"· la página de hoy (commit {TODAY_REV}: MapLibre y plotly.min.js)…", flush=True)
        with todays_page() as today:
            if today is None:
                out["today"] = {"error": f"no se pudo servir el commit {TODAY_REV} (git)"}
            else:
                out["today"] = page_figures(today.url + "/",
                                            lighthouse=not args.skip_lighthouse)

    if not args.skip_load:
        from bench.load import run_load

        seconds = 10.0 if args.quick else 60.0
        print(f"· carga: 50 usuarios, {seconds:.0f} s, gunicorn 2 workers (como en producción)…",
              flush=True)
        redis_url = _redis_for_bench(args.redis)
        env = {"REDIS_URL": redis_url}  # "" = in-process cache, whatever the shell says
        out["load_cache"] = f"redis ({redis_url})" if redis_url else "simple (en proceso)"
        with contextlib.ExitStack() as stack:
            env.update(stack.enter_context(_fresh_cache_root()))
            server = stack.enter_context(start_gunicorn("app.server:server", env=env))
            # record the chains on this very server (its code), then replay them once
            # more: the second pass is what a popular view costs with the cache on
            warm = DashClient("127.0.0.1", server.port)
            initial_load(warm)
            first_pass = our_interactions(warm, rounds=1)
            chains = [[c.payload for c in i.calls] for i in first_pass]
            replay = DashClient("127.0.0.1", server.port)
            initial_load(replay)
            out["interactions_cached"] = latency_summary(our_interactions(replay, rounds=1))
            warm.close()
            replay.close()
            out["load"] = run_load(server.port, chains, users=50, seconds=seconds).summary()
            out["rss_workers_after_load"] = _workers_rss(server)
            if not args.skip_mixed:
                out["load_mixed"] = _mixed(server, chains, seconds, env, args.export_workers)

    if not args.skip_uploads:
        print("· cargas de archivos: memoria y tiempo (bench/uploads.py)…", flush=True)
        from bench import uploads

        out["uploads"] = uploads.run()

    if not args.skip_exports and (ROOT / "bench" / "exports.py").is_file():
        print("· exportaciones (bench/exports.py)…", flush=True)
        try:
            from bench import exports

            out["exports"] = exports.run()
        except Exception as error:  # report, do not lose the other figures
            out["exports"] = {"error": f"{type(error).__name__}: {error}"}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="corrida corta de humo")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--skip-today", action="store_true",
                        help=f"sin la página de hoy (commit {TODAY_REV}) como referencia")
    parser.add_argument("--skip-uploads", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-mixed", action="store_true",
                        help="sin el escenario 40 interactivos + 10 exportaciones")
    parser.add_argument("--export-workers", type=int, default=0, metavar="N",
                        help="en el escenario mixto, N workers de exportación (RQ) en esta "
                             "máquina; 0: dibujan los procesos web")
    parser.add_argument("--skip-exports", action="store_true")
    parser.add_argument("--redis", metavar="URL", default="auto",
                        help="Redis de la caché compartida en la prueba de carga: auto "
                             "(redis://127.0.0.1:6379/12 si responde), none, o una URL")
    parser.add_argument("--out", type=Path, default=RESULTS / "bench.json")
    args = parser.parse_args(argv)
    start = time.monotonic()
    results = run(args)
    results["targets"] = evaluate(results)
    results["elapsed_s"] = round(time.monotonic() - start, 1)
    results["load_average_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(format_table(results))
    print(f"\nResultados: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
