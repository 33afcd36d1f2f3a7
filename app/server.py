"""WSGI entry point: ``gunicorn 'app.server:server'``.

When the app cannot start (store down or unreadable, invalid data) this prints
one Spanish line on stderr and exits with gunicorn's "app failed to load"
status (4), without a traceback; with ``preload_app`` that is the master, once.
A warning line says when static exports cannot render (the app still serves).
"""

import sys

from app.readiness import export_warning
from app.startup import APP_LOAD_ERROR, StartupError, build_app

try:
    app = build_app()
except StartupError as _error:
    print(_error, file=sys.stderr, flush=True)
    raise SystemExit(APP_LOAD_ERROR) from None
if (_warning := export_warning()) is not None:
    print(_warning, file=sys.stderr, flush=True)
server = app.server
