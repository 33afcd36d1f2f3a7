"""Request limits and strict answers: what any request may cost, and what it never gets back.

:func:`install_guards` is applied once by :func:`app.factory.create_app`:

* **Body limits**: ``MAX_CONTENT_LENGTH`` for the whole server (an upload of
  :data:`data.reports.MAX_BYTES` plus its envelope), and smaller limits for
  Dash's callback endpoint: the dashboard's callbacks carry a few kilobytes of
  state, the upload page's carry the file (base64). A body over its limit is
  refused with 413 before it is read.
* **Strict JSON**: every ``jsonify`` answer is strict JSON (``allow_nan=False``);
  NaN and infinities become ``null`` instead of the bare ``NaN`` that strict
  parsers reject.
* **404, never 500, for unknown bundle paths**: a request for a file Dash does
  not serve (``/_dash-component-suites/..%2f..%2fetc%2fpasswd``) is a 404.
"""

from __future__ import annotations

import math
from typing import Any

from dash.exceptions import DependencyException
from flask import Flask, Response, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import RequestEntityTooLarge

from data.reports import MAX_BYTES

__all__ = [
    "CALLBACK_LIMIT",
    "MAX_CONTENT_LENGTH",
    "UPLOAD_CALLBACK_LIMIT",
    "StrictJSONProvider",
    "install_guards",
    "strict",
]

#: Largest request body the server reads: an upload plus its multipart envelope.
MAX_CONTENT_LENGTH = MAX_BYTES + 1024 * 1024
#: Largest body of a dashboard callback (its state is a few kilobytes).
CALLBACK_LIMIT = 64 * 1024
#: Largest body of an upload-page callback: the file as base64 plus the page's state.
UPLOAD_CALLBACK_LIMIT = math.ceil(MAX_BYTES * 4 / 3) + 256 * 1024
_CALLBACK_SUFFIX = "/_dash-update-component"


def strict(value: Any) -> Any:
    """``value`` with every non-finite float replaced by ``None`` (lists and dicts too)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict(v) for v in value]
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON with ``allow_nan=False``, after turning NaN and infinities into null."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(strict(obj), **kwargs)


def _callback_limit(path: str, upload_prefix: str) -> int | None:
    if not path.endswith(_CALLBACK_SUFFIX):
        return None
    return UPLOAD_CALLBACK_LIMIT if path.startswith(upload_prefix) else CALLBACK_LIMIT


def _too_large(limit: int) -> Response:
    size = f"{limit / 1024 / 1024:.1f}".replace(".", ",") + " MB" if limit >= 1024 * 1024 \
        else f"{limit // 1024} KB"
    response = jsonify(error=f"La petición es demasiado grande (máximo {size}). Recargue la "
                             "página; si cargaba un archivo, use uno de hasta 10 MB.")
    response.status_code = 413
    return response


def install_guards(server: Flask, upload_prefix: str = "/subir/") -> None:
    """Apply the body limits, the strict JSON provider and the bundle 404s to ``server``.

    Parameters
    ----------
    server : Flask
    upload_prefix : str
        URL prefix of the upload page's Dash app, whose callbacks carry files.
    """
    server.json = StrictJSONProvider(server)
    server.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH

    @server.before_request
    def _limit_callback_bodies():
        limit = _callback_limit(request.path, upload_prefix)
        if limit is None:
            return None
        if request.content_length is not None and request.content_length > limit:
            return _too_large(limit)
        request.max_content_length = limit  # also bounds chunked bodies as they are read
        return None

    @server.errorhandler(RequestEntityTooLarge)
    def _request_too_large(_error):
        limit = _callback_limit(request.path, upload_prefix) or MAX_CONTENT_LENGTH
        return _too_large(limit)

    @server.errorhandler(DependencyException)
    def _unknown_bundle(_error):
        return Response("No existe ese archivo.\n", status=404, mimetype="text/plain")
