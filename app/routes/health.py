"""``GET /healthz``: is this process fit to serve, and which data is it serving.

Checks, on every call: the store (the current version is read now, with the
connection time-outs of ``data.store.make_engine``), Redis when ``REDIS_URL``
is set (one ``PING``, 1 s time-out), and whether static exports can render
(:func:`app.readiness.export_readiness`: files on disk, nothing is rendered).

200 ``{"status": "ok", ...}`` when the store (and Redis) answer; 503
``{"status": "degraded", "failed": ["store", ...], "error": "<Spanish>", ...}``
otherwise, with ``Retry-After``. Exports that cannot render do not make the
process unfit (the dashboard works): ``checks.exports.ok`` is false and
``checks.exports.problems`` says what to install. The data fields (counts,
``data_version``, ``version_id``, ``cutoff_date``, ``cut``, ``illustrative``)
describe the catalog being served: while the store is down, the last one
loaded (null when none was).
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy.engine import make_url

from app.readiness import export_readiness, redis_problem
from data import repository
from data.config import load_settings
from data.geodata import load_display_localities
from data.store import StoreError
from data.store.engine import normalize_url

blueprint = Blueprint("health", __name__)

#: Seconds a client should wait before asking again when degraded.
RETRY_AFTER_S = 5


def _backend(url: str) -> str:
    """``sqlite`` or ``postgresql`` (``desconocido`` for an unparsable URL)."""
    try:
        return make_url(normalize_url(url)).get_backend_name()
    except Exception:  # noqa: BLE001 - an unparsable URL is reported by the store check
        return "desconocido"


@blueprint.get("/healthz")
def healthz():
    """Answer 200 (ok) or 503 (degraded) JSON with the checks, counts and data version."""
    settings = load_settings()
    store = repository.check_store()
    checks: dict[str, dict] = {
        "store": {
            "ok": store.available,
            "backend": _backend(settings.database_url),
            "error": store.error,
            "since": store.since.isoformat() if store.since else None,
            "checked_at": store.checked_at.isoformat() if store.checked_at else None,
        },
        "redis": {"ok": True, "configured": bool(settings.redis_url), "error": None},
        "exports": export_readiness().to_json(),
    }
    if settings.redis_url:
        problem = redis_problem(settings.redis_url)
        checks["redis"].update(ok=problem is None, error=problem)
    failed = [name for name in ("store", "redis") if not checks[name]["ok"]]
    body: dict = {
        "status": "degraded" if failed else "ok",
        "failed": failed,
        "error": " ".join(checks[name]["error"] for name in failed) or None,
        "checks": checks,
        **_data_fields(),
    }
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    if failed:
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def _data_fields() -> dict:
    """Counts and version of the catalog being served (the last loaded one)."""
    try:
        catalog = repository.get_catalog()
    except StoreError:
        return {"counts": None, "data_version": None, "version_id": None,
                "cutoff_date": None, "cut": None, "illustrative": None}
    counts = {"localities": int(len(load_display_localities())), **catalog.counts()}
    version = catalog.version
    return {
        "counts": counts,
        "data_version": version.label,
        "version_id": version.version_id,
        "cutoff_date": version.cutoff_date.isoformat(),
        "cut": version.cut.label,
        "illustrative": version.illustrative,
    }
