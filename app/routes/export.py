"""Download routes: press-ready charts, the data behind a view, a zip and locality reports.

* ``GET /export/{mapa,serie,entidades}.{png,svg,pdf}?<dashboard query>``, plus
  ``ancho``/``alto`` (output px) or ``formato=social`` (1200x630);
* ``GET /export/tabla.{csv,xlsx}?<query>``, plus ``separador=punto-y-coma`` and
  ``datos=productos|localidades|serie`` (CSV);
* ``GET /export/todo.zip?<query>``;
* ``GET /export/mapa.{gif,mp4}?<query>``, the map year by year (time-lapse), plus
  ``ancho``/``alto`` or ``formato=social`` and ``desde``/``hasta`` (years);
* ``GET /reporte/localidad/{code}.pdf[?anio=]``.

Responses carry an ETag (cache key per query and data version) and answer
``304`` to a matching ``If-None-Match``. Bad requests get 400/404 with a short
Spanish message, never a 500. Files not in the cache are drawn outside the
request threads, within bounds (:mod:`app.exports.gate`, :mod:`app.exports.jobs`):
when exports are saturated the answer is ``503`` with ``Retry-After`` and the
dashboard keeps its threads. Frequent exports of a new data version are
pre-rendered (:mod:`app.exports.prerender`).
"""

from __future__ import annotations

import logging
import os
import threading

from flask import Blueprint, Response, request

from app.exports import prerender
from app.exports.gate import ExportBusy
from app.exports.render import RenderError, warm_up
from app.exports.service import (
    ExportRequestError,
    ExportResult,
    bundle_export,
    chart_export,
    locality_report,
    table_export,
)
from app.exports.timelapse import FORMATS as TIMELAPSE_FORMATS
from app.exports.timelapse import timelapse_export

blueprint = Blueprint("export", __name__)
_log = logging.getLogger(__name__)
#: Set to "1" to start Chromium at start-up (first export then takes ~0,5 s, not ~3 s).
WARM_ENV = "BOGOTA_TI_WARM_EXPORTS"


def _warm_in_background() -> None:
    try:
        warm_up()
    except Exception:  # noqa: BLE001 - exports still work, they just start cold
        _log.exception("could not warm up the export renderer")


_warmed_pid = 0


@blueprint.record_once
def _maybe_warm(state) -> None:
    """With ``BOGOTA_TI_WARM_EXPORTS=1``, start Chromium in each serving process on its
    first request (not at import: a preloaded gunicorn master forks workers, and a
    browser does not survive a fork)."""
    if os.environ.get(WARM_ENV) != "1":
        return

    @state.app.before_request
    def _warm_once() -> None:
        global _warmed_pid
        if _warmed_pid != os.getpid():
            _warmed_pid = os.getpid()
            threading.Thread(target=_warm_in_background, name="export-warm-up",
                             daemon=True).start()


@blueprint.record_once
def _watch_publications(state) -> None:
    prerender.install(state.app)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A short Spanish message as plain text (read in a browser tab or by a script)."""
    return Response(message + "\n", status=status, mimetype="text/plain",
                    headers={"Cache-Control": "no-store", **(headers or {})})


def _busy(seconds: int) -> Response:
    """503 with ``Retry-After``: exports are saturated, the dashboard is not."""
    unit = "segundo" if seconds == 1 else "segundos"
    return _error(503, "Hay muchas descargas en preparación en este momento; el tablero sigue "
                       f"disponible. Intente de nuevo en {seconds} {unit}.",
                  {"Retry-After": str(seconds)})


def _send(result: ExportResult) -> Response:
    response = Response(result.data, mimetype=result.media_type.split(";")[0])
    if result.media_type.startswith("text/"):
        response.headers["Content-Type"] = result.media_type
    response.set_etag(result.etag)
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["X-Export-Cache"] = "hit" if result.cached else "miss"
    return response.make_conditional(request)


def _serve(produce) -> Response:
    try:
        return _send(produce())
    except ExportRequestError as error:
        return _error(error.status, error.message)
    except ExportBusy as busy:
        _log.info("export refused: %s", busy)
        return _busy(busy.retry_after)
    except RenderError:
        _log.exception("export rendering failed")
        return _error(503, "No se pudo generar el archivo en este momento; intente de nuevo "
                           "en unos segundos.")


def _query() -> str:
    return request.query_string.decode("utf-8", errors="replace")


@blueprint.get("/export/<string:filename>")
def export_file(filename: str) -> Response:
    """Serve ``/export/{vista}.{formato}``."""
    name, dot, fmt = filename.rpartition(".")
    if not dot:
        return _error(404, f"Falta el formato en «{filename}»; use p. ej. /export/mapa.png.")
    fmt = fmt.lower()
    if name == "tabla":
        return _serve(lambda: table_export(fmt, _query()))
    if name == "todo":
        if fmt != "zip":
            return _error(404, f"El formato «{fmt}» no existe para «todo»; use /export/todo.zip.")
        return _serve(lambda: bundle_export(_query()))
    if fmt in TIMELAPSE_FORMATS:
        return _serve(lambda: timelapse_export(name, fmt, _query()))
    return _serve(lambda: chart_export(name, fmt, _query()))


@blueprint.get("/reporte/localidad/<string:filename>")
def locality_report_file(filename: str) -> Response:
    """Serve ``/reporte/localidad/{code}.pdf``."""
    code, dot, fmt = filename.rpartition(".")
    if not dot or fmt.lower() != "pdf":
        return _error(404, f"El reporte de localidad solo existe en PDF: "
                           f"/reporte/localidad/{code or filename}.pdf.")
    return _serve(lambda: locality_report(code, _query()))
