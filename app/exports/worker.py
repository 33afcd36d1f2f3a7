"""``python -m app.exports.worker``: an export render worker on the RQ queue (``REDIS_URL``).

It takes the renders web processes put on ``exportaciones`` and, when that
queue is empty, the pre-renders on ``exportaciones-previas``
(:mod:`app.exports.jobs`). It runs jobs in its own process with one warm
Chromium (rq's ``SimpleWorker``: no fork per job), at a lower CPU priority
(``--nice``, default 10) so that a worker beside the web servers never takes
the CPU from the dashboard. Run one per core you can spare, on the web hosts or
on others: each needs the same ``DATABASE_URL`` and ``REDIS_URL`` as the web,
the geodata (ingested on start when missing, as the web does) and Chromium.

While at least one worker is alive, web processes send their renders here;
with none, they render themselves within their bounds (:mod:`app.exports.gate`).
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys

__all__ = ["main", "prepare"]


def prepare(*, warm: bool = True) -> None:
    """Load what renders need (geodata, catalog, geometry) and start Chromium once."""
    from data.geodata import ensure_geodata, load_display_localities
    from view import current_snapshot, get_geo_context

    ensure_geodata()
    load_display_localities()
    current_snapshot()
    get_geo_context()
    if warm:
        from app.exports.render import warm_up

        warm_up()


def main(argv: list[str] | None = None) -> int:
    """Parse the options, prepare and work until stopped (SIGTERM: after the current job)."""
    from app.exports.jobs import PRERENDER_QUEUE, QUEUE

    parser = argparse.ArgumentParser(prog="python -m app.exports.worker", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("REDIS_URL", ""),
                        help="Redis de la cola (por defecto REDIS_URL)")
    parser.add_argument("--nice", type=int, default=10,
                        help="prioridad de CPU más baja para el worker y su Chromium (0-19)")
    parser.add_argument("--burst", action="store_true",
                        help="terminar cuando las colas estén vacías")
    parser.add_argument("--name", default=None, help="nombre del worker en Redis")
    parser.add_argument("--ttl", type=int, default=30,
                        help="segundos sin latido tras los que la web da el worker por muerto")
    args = parser.parse_args(argv)
    if not args.url:
        print("Falta REDIS_URL (o --url): el worker de exportaciones lee su cola en Redis.",
              file=sys.stderr)
        return 2
    nice = max(0, min(19, args.nice))
    if nice and hasattr(os, "setpriority"):
        os.setpriority(os.PRIO_PROCESS, 0, max(nice, os.getpriority(os.PRIO_PROCESS, 0)))
        os.environ["BOGOTA_TI_EXPORT_NICE"] = str(nice)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    from redis import Redis
    from rq import SimpleWorker

    from app.exports.render import RenderError
    from data.ingest import IngestError
    from data.validation import CatalogError

    try:
        prepare()
    except (CatalogError, IngestError, RenderError) as error:
        print(f"No se puede iniciar el worker de exportaciones:\n{error}", file=sys.stderr)
        return 2
    connection = Redis.from_url(args.url)
    name = args.name or f"exportaciones-{socket.gethostname()}-{os.getpid()}"
    worker = SimpleWorker([QUEUE, PRERENDER_QUEUE], connection=connection, name=name,
                          worker_ttl=max(16, args.ttl))
    worker.work(burst=args.burst, logging_level="INFO")
    return 0


if __name__ == "__main__":
    sys.exit(main())
