"""Start-up for ``python -m app`` and gunicorn: build the app, or stop with one clear line.

:func:`build_app` opens the store first (so a store that is down or unreadable
stops start-up before the slower geodata and figures are built), then calls
:func:`app.factory.create_app`. Every known start-up failure becomes a
:class:`StartupError` whose text is what to print: Spanish, no traceback.
"""

from __future__ import annotations

import dash

__all__ = ["APP_LOAD_ERROR", "StartupError", "build_app"]

#: Exit status when the app cannot start. gunicorn's own "app failed to load"
#: (``Arbiter.APP_LOAD_ERROR``): from a worker it halts the master instead of
#: respawning the worker forever; from the preloaded master it simply exits.
APP_LOAD_ERROR = 4

_PREFIX = "No se puede iniciar el tablero."


class StartupError(RuntimeError):
    """The app cannot start; ``str(error)`` is the Spanish text to print."""


def build_app() -> dash.Dash:
    """The dashboard app, once the store answers and the data is valid.

    Raises
    ------
    StartupError
        The store cannot be opened (one line: what failed, what to check), the
        catalog is invalid (the line plus every issue), or the geodata cannot
        be ingested.
    """
    from data import repository
    from data.ingest import IngestError
    from data.store import StoreError
    from data.validation import CatalogError

    try:
        repository.get_catalog()
        from app.factory import create_app

        return create_app()
    except StoreError as error:
        raise StartupError(f"{_PREFIX} {error}") from error
    except (CatalogError, IngestError) as error:
        raise StartupError(f"No se puede iniciar el tablero:\n{error}") from error
