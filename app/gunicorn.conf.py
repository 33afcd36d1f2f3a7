"""gunicorn settings: ``gunicorn -c app/gunicorn.conf.py app.server:server``.

Environment: ``PORT`` (default 8050), ``HOST`` (default 0.0.0.0),
``WEB_CONCURRENCY`` workers (default 2), ``GUNICORN_THREADS`` per worker
(default 4), ``GUNICORN_TIMEOUT`` seconds (default 60; exports render charts).
The app is loaded once in the master (``preload_app``) and the workers fork from
it, sharing the data and geometry pages in memory.
"""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{int(os.environ.get('PORT', '8050'))}"
workers = max(1, int(os.environ.get("WEB_CONCURRENCY", "2")))
threads = max(1, int(os.environ.get("GUNICORN_THREADS", "4")))
worker_class = "gthread"
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")


def post_fork(server, worker):
    """Give each worker its own database connections (never share a socket across fork).

    The preloaded master opened the store's engine; SQLAlchemy's advice is to
    drop the inherited pool in the child without closing the parent's sockets.
    """
    from data import repository

    hook = getattr(repository, "after_fork", None)
    if callable(hook):
        hook()
        return
    engine = getattr(repository, "_engine", None)
    if engine is not None:
        engine.dispose(close=False)


def when_ready(server):
    """Before forking: compress the page's bundles once in the master (see
    :func:`app.serving.warm_static`), so every worker starts with them."""
    from app.serving import warm_static

    flask_app = server.app.wsgi()
    count = warm_static(flask_app)
    server.log.info("%d static files compressed before forking the workers", count)
