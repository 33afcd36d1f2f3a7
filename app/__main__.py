"""``python -m app``: serve the dashboard (development server)."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Parse ``--host``/``--port`` (default ``PORT`` or 8050) and serve.

    Exits with status 2 and one Spanish line on stderr when the store cannot
    be opened (or the data is invalid); warns, and still serves, when static
    exports cannot render (Chromium, kaleido or Plotly's base map missing).
    """
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8050")))
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)

    from app.readiness import export_warning
    from app.startup import StartupError, build_app

    try:
        app = build_app()
    except StartupError as error:
        print(error, file=sys.stderr)
        return 2
    warning = export_warning()
    if warning:
        print(warning, file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


if __name__ == "__main__":
    sys.exit(main())
