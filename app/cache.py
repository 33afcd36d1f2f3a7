"""The cache workers share: Flask-Caching on Redis (``REDIS_URL``) or in-process.

Workers keep no state of their own: what is worth sharing between workers and
hosts (export bytes, heavy aggregates) goes here under keys that include the
data version, so publishing a new version makes every old entry unreachable
(they expire on their own). With ``REDIS_URL`` set, all workers of all hosts
share one Redis; without it each process has a bounded ``SimpleCache``.

:func:`install_callback_cache` serves repeated requests of pure dashboard
callbacks (same body, same data version) from this cache: on a press day most
visitors ask for the same few views.

A cache failure (Redis down) never fails a request: the value is computed
instead and the error logged.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from flask_caching import Cache

from callbacks import CACHEABLE_OUTPUTS
from data.config import load_settings

__all__ = [
    "CACHEABLE_CALLBACKS",
    "CALLBACK_CACHE_ENV",
    "DEFAULT_TIMEOUT",
    "KEY_PREFIX",
    "cache",
    "cache_config",
    "code_token",
    "get_or_create",
    "init_cache",
    "install_callback_cache",
    "version_token",
    "versioned_key",
]

#: Seconds an entry lives (entries of old versions are never read again anyway).
DEFAULT_TIMEOUT = 6 * 3600
#: Prefix of every key in a shared Redis.
KEY_PREFIX = "bogota-ti:"

T = TypeVar("T")
_log = logging.getLogger(__name__)

#: The process-wide Flask-Caching instance (bound to each app by :func:`init_cache`).
cache = Cache()


def cache_config(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Flask-Caching settings: Redis when ``REDIS_URL`` is set, else SimpleCache."""
    settings = load_settings(env)
    if settings.redis_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": settings.redis_url,
            "CACHE_KEY_PREFIX": KEY_PREFIX,
            "CACHE_DEFAULT_TIMEOUT": DEFAULT_TIMEOUT,
            "CACHE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    return {
        "CACHE_TYPE": "SimpleCache",
        "CACHE_THRESHOLD": 512,
        "CACHE_DEFAULT_TIMEOUT": DEFAULT_TIMEOUT,
    }


def init_cache(server: Flask, env: dict[str, str] | None = None) -> Cache:
    """Bind :data:`cache` to ``server`` with :func:`cache_config`."""
    cache.init_app(server, config=cache_config(env))
    return cache


def versioned_key(kind: str, version_id: int | str, *parts: Any) -> str:
    """A key for ``kind`` under data version ``version_id``.

    ``parts`` (any JSON-serialisable values, e.g. a canonical query) are hashed,
    so keys stay short whatever the input.

    Examples
    --------
    >>> versioned_key("tabla", 3, "anio=2026").startswith("v3:tabla:")
    True
    """
    digest = hashlib.sha256(
        json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    ).hexdigest()[:32]
    return f"v{version_id}:{kind}:{digest}"


def _bound() -> bool:
    return has_app_context() and cache in current_app.extensions.get("cache", {})


def get_or_create(
    key: str, build: Callable[[], T], *, timeout: int | None = None
) -> tuple[T, bool]:
    """The cached value of ``key``, or ``build()`` stored under it.

    Returns
    -------
    (value, hit)
        ``hit`` is True when the value came from the cache. Outside an app bound
        with :func:`init_cache`, or when the cache fails, ``build()`` is returned
        uncached.
    """
    if not _bound():
        return build(), False
    try:
        value = cache.get(key)
    except Exception as error:  # the cache is an optimisation: never fail a request
        _log.warning("cache unavailable reading %s: %s", key, error)
        return build(), False
    if value is not None:
        return value, True
    value = build()
    try:
        cache.set(key, value, timeout=timeout)
    except Exception as error:
        _log.warning("cache unavailable writing %s: %s", key, error)
    return value, False


#: Callbacks whose response depends only on the request body and the data
#: version (first output ``id.prop``): their responses are shared by all workers.
CACHEABLE_CALLBACKS = CACHEABLE_OUTPUTS
#: Set to ``0`` to turn the callback response cache off (benchmarks of cold work).
CALLBACK_CACHE_ENV = "BOGOTA_TI_CALLBACK_CACHE"
_CALLBACK_PATH = "/_dash-update-component"


def version_token(version: Any) -> str:
    """What identifies a data version in keys: id plus source hash and publication time."""
    return hashlib.sha256(
        f"{version.version_id}|{version.source_sha256}|{version.published_at}".encode()
    ).hexdigest()[:16]


def code_token() -> str:
    """Hash of the code that computes callback responses (``callbacks/``, ``view/``,
    ``layers/``, ``data/``), so that a deploy of new code never reads responses of the old one
    from a shared Redis."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in ("callbacks", "view", "layers", "data"):
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _first_output(body: bytes) -> str | None:
    """``id.prop`` of a callback request's first output (None if unreadable)."""
    try:
        output = json.loads(body).get("output", "")
    except (ValueError, AttributeError):
        return None
    if not isinstance(output, str):
        return None
    return output[2:].split("...", 1)[0].rstrip(".") if output.startswith("..") else output


def install_callback_cache(server: Flask, version: Callable[[], Any],
                           env: dict[str, str] | None = None) -> bool:
    """Serve repeated pure callback requests from :data:`cache`.

    A ``POST /_dash-update-component`` whose first output is in
    :data:`CACHEABLE_CALLBACKS` is keyed by the data version (``version()``
    returns the current :class:`~data.catalog.DataVersion`), the code
    (:func:`code_token`) and the SHA-256 of the request body; a hit answers
    without running Dash. Only 200 responses are stored. Returns False (nothing
    installed) when ``BOGOTA_TI_CALLBACK_CACHE=0``.
    """
    import os

    from flask import Response, g, request

    source = os.environ if env is None else env
    if source.get(CALLBACK_CACHE_ENV, "1").strip() == "0":
        return False
    code = code_token()

    @server.before_request
    def _callback_cache_lookup():
        if request.method != "POST" or not request.path.endswith(_CALLBACK_PATH):
            return None
        body = request.get_data(cache=True)
        if _first_output(body) not in CACHEABLE_CALLBACKS:
            return None
        key = versioned_key("cb", version_token(version()), code,
                            hashlib.sha256(body).hexdigest())
        try:
            hit = cache.get(key)
        except Exception as error:
            _log.warning("cache unavailable reading %s: %s", key, error)
            return None
        if hit is not None:
            raw, packed = hit
            response = Response(raw, mimetype="application/json", headers={"X-Cache": "hit"})
            if packed is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
                response.set_data(packed)  # compressed once, when stored
                response.headers["Content-Encoding"] = "gzip"
                response.headers["Vary"] = "Accept-Encoding"
            return response
        g.callback_cache_key = key
        return None

    @server.after_request
    def _callback_cache_store(response):
        key = g.pop("callback_cache_key", None)
        if key is not None and response.status_code == 200 and not response.is_streamed:
            raw = response.get_data()
            packed = gzip.compress(raw, 6) if len(raw) >= 500 else None
            try:
                cache.set(key, (raw, packed))
            except Exception as error:
                _log.warning("cache unavailable writing %s: %s", key, error)
            response.headers["X-Cache"] = "miss"
        return response

    return True
