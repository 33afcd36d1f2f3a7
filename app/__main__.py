"""``python -m app``: serve the dashboard (development server)."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Parse ``--host``/``--port`` (default ``PORT`` or 8050) and serve."""
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8050")))
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)

    from app.factory import create_app
    from data.ingest import IngestError
    from data.validation import CatalogError

    try:
        app = create_app()
    except (CatalogError, IngestError) as error:
        print(f"No se puede iniciar el tablero:\n{error}", file=sys.stderr)
        return 2
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


if __name__ == "__main__":
    sys.exit(main())
