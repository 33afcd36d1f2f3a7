"""Link previews: a description and Open Graph / Twitter tags built from the URL's state.

:class:`PreviewDash` is ``dash.Dash`` whose page carries, for the request's
query, ``<meta name="description">``, ``og:title``, ``og:description``,
``og:image`` (the social-card export of that state, 1200x630) and
``twitter:card``. Pasting a link to a view in a chat or a social network shows
that view's map. A query the app cannot read still gets the general preview.
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

import dash
import flask

from data.repository import get_catalog
from layers.titles import ILLUSTRATIVE_FLAG, describe_selection
from view import build_query, cached_view, default_state, get_geo_context, parse_view

__all__ = ["DESCRIPTION", "PreviewDash", "preview_tags"]

SITE = "Tablero Bogotá Territorio Inteligente"
#: The page's description when the state says nothing more specific.
DESCRIPTION = (
    "Seguimiento de la política pública Bogotá Territorio Inteligente 2023-2032: avance de "
    "sus indicadores por eje, entidad y localidad, con mapas, series y datos abiertos."
)


def _tag(kind: str, name: str, content: str) -> str:
    return f'<meta {kind}="{html.escape(name)}" content="{html.escape(content)}">'


def preview_tags(query: str, root_url: str, *, chart: str = "mapa") -> list[str]:
    """The ``<meta>`` tags previewing the view of ``query``.

    Parameters
    ----------
    query : str
        The request's query string (without ``?``).
    root_url : str
        Absolute URL of the app's root (``https://host/``), for ``og:image`` and ``og:url``.
    chart : {"mapa", "serie"}
        Which chart's social card is the image.
    """
    title, description, image_query = SITE, DESCRIPTION, ""
    catalog = get_catalog()
    state, notices = parse_view(query, catalog)
    if not notices:
        view = cached_view(state, catalog)
        if not view.empty and view.indicator is not None:
            names = get_geo_context().names
            heading, subtitle = describe_selection(
                chart, indicator=f"{view.indicator['code']} {view.indicator['name']}",
                unit=view.indicator["unit"], year=view.cut.label, measure=view.state.measure,
                locality_names=[names.get(c, c) for c in view.state.localities])
            title = f"{heading} · {SITE}"
            flag = f" {ILLUSTRATIVE_FLAG}." if view.version.illustrative else ""
            description = f"{subtitle}.{flag}".replace("..", ".")
            image_query = build_query(view.state, default=default_state(catalog))
    params = image_query + ("&" if image_query else "") + urlencode({"formato": "social"})
    image = f"{root_url}export/{chart}.png?{params}"
    page = f"{root_url}?{query}" if query else root_url
    return [
        _tag("name", "description", description),
        _tag("property", "og:type", "website"),
        _tag("property", "og:site_name", SITE),
        _tag("property", "og:locale", "es_CO"),
        _tag("property", "og:title", title),
        _tag("property", "og:description", description),
        _tag("property", "og:url", page),
        _tag("property", "og:image", image),
        _tag("property", "og:image:width", "1200"),
        _tag("property", "og:image:height", "630"),
        _tag("property", "og:image:alt", title),
        _tag("name", "twitter:card", "summary_large_image"),
        _tag("name", "twitter:title", title),
        _tag("name", "twitter:description", description),
        _tag("name", "twitter:image", image),
    ]


class PreviewDash(dash.Dash):
    """A Dash app whose page carries the link-preview tags of its request's state.

    The preview image is the map's social card, or the series' on ``/embed/serie``.
    """

    def interpolate_index(self, **kwargs):
        """Dash's page with :func:`preview_tags` added to its meta tags."""
        if flask.has_request_context():
            request = flask.request
            query = request.query_string.decode("utf-8", errors="replace")
            chart = "serie" if request.path.rstrip("/").endswith("/serie") else "mapa"
            try:
                tags = preview_tags(query, request.url_root, chart=chart)
            except Exception:  # noqa: BLE001 - a preview must never break the page
                self.logger.warning("link preview failed for %r", query, exc_info=True)
                tags = [_tag("name", "description", DESCRIPTION)]
            kwargs["metas"] = kwargs.get("metas", "") + "\n" + "\n".join(tags)
        return super().interpolate_index(**kwargs)
