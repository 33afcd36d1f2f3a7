"""Web hygiene: ``/robots.txt``, ``/favicon.ico`` and a Spanish 404 for unknown pages.

Dash answers every path under an app's prefix with its page; here only the
pages that exist do (``/``, ``/subir/``, ``/embed/mapa``, ``/embed/serie``):
any other path gets a 404 page in Spanish with a link home, so a mistyped or
stale link says so instead of showing the dashboard.
"""

from __future__ import annotations

import html
import json

from flask import Blueprint, Response, request, send_from_directory

from data.config import PROJECT_ROOT
from view.links import EMBED_VIEWS

__all__ = ["ROBOTS", "blueprint", "not_found_page"]

blueprint = Blueprint("site", __name__)

#: Crawlers may read the dashboard and its images (link previews need them),
#: not the API or the upload page.
ROBOTS = "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /subir/\n"
#: Dash's catch-all endpoints -> the sub-paths that are real pages.
_PAGES = {"/<path:path>": (), "/subir/<path:path>": (),
          "/embed/<path:path>": tuple(EMBED_VIEWS)}


@blueprint.get("/robots.txt")
def robots() -> Response:
    """The crawler rules."""
    return Response(ROBOTS, mimetype="text/plain",
                    headers={"Cache-Control": "public, max-age=86400"})


@blueprint.get("/favicon.ico")
def favicon() -> Response:
    """The icon (``assets/favicon.ico``, also what Dash links in every page)."""
    return send_from_directory(PROJECT_ROOT / "assets", "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)


def not_found_page(path: str) -> Response:
    """A short Spanish 404 page naming ``path``, with a link to the dashboard."""
    shown = html.escape(path[:200])
    body = (
        '<!DOCTYPE html><html lang="es-CO"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Página no encontrada · Tablero Bogotá Territorio Inteligente</title></head>"
        '<body style="font-family: Arial, sans-serif; margin: 3rem auto; max-width: 40rem;'
        ' padding: 0 1rem; color: #1F2328">'
        "<h1>Página no encontrada</h1>"
        f"<p>La dirección <code>{shown}</code> no existe en el Tablero Bogotá Territorio "
        "Inteligente. Puede que el enlace esté incompleto o sea antiguo.</p>"
        '<p><a href="/">Ir al tablero</a> · <a href="/subir/">Cargar un reporte de avance</a>'
        "</p></body></html>"
    )
    return Response(body, status=404, mimetype="text/html",
                    headers={"Cache-Control": "no-store"})


@blueprint.before_app_request
def _unknown_pages():
    pages = _PAGES.get(request.endpoint or "")
    if pages is None:
        return None
    sub = (request.view_args or {}).get("path", "").strip("/")
    if sub in pages:
        return None
    if request.path.startswith("/api/"):  # scripts read JSON, as every other API answer
        message = (f"No existe la ruta {request.path[:200]} de la API. Rutas: /api/catalogo, "
                   "/api/indicadores, /api/version, /api/versiones, /api/reportes.")
        return Response(json.dumps({"error": message}, ensure_ascii=False), status=404,
                        mimetype="application/json", headers={"Cache-Control": "no-store"})
    return not_found_page(request.path)
