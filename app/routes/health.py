"""``GET /healthz``: liveness plus the counts and version of the data being served."""

from __future__ import annotations

from flask import Blueprint, jsonify

from data.geodata import load_display_localities
from data.repository import get_catalog

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    """Answer 200 JSON with status, counts and data version."""
    catalog = get_catalog()
    counts = {"localities": int(len(load_display_localities())), **catalog.counts()}
    version = catalog.version
    return jsonify(
        status="ok",
        counts=counts,
        data_version=version.label,
        version_id=version.version_id,
        cutoff_date=version.cutoff_date.isoformat(),
        cut=version.cut.label,
        illustrative=version.illustrative,
    )
