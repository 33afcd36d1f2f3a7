"""Tests of callbacks.downloads: menus of real links, filled from the state store."""

from __future__ import annotations

from callbacks.downloads import DOWNLOAD_LINK, MENUS, download_menu
from tests.support import texts
from view.links import export_links
from view.state import ViewState


def _links(component):
    found = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if type(node).__name__ == "A":
            found.append(node)
        children = getattr(node, "children", None)
        if children is not None and not isinstance(children, str):
            walk(children)

    walk(component)
    return found


def test_every_menu_item_is_a_download_link_to_a_known_export():
    every = set(export_links(ViewState(localities=("08",), year=2026)))
    for menu, items in MENUS.items():
        links = _links(download_menu(menu))
        assert [a.id["key"] for a in links] == [key for key, _ in items]
        assert all(a.id["type"] == DOWNLOAD_LINK and a.id["menu"] == menu for a in links)
        assert all(a.download == "" for a in links)  # the browser saves, never navigates
        assert {a.id["key"] for a in links} <= every, menu


def test_the_menu_is_a_disclosure_with_a_spanish_label():
    menu = download_menu("mapa")
    assert type(menu).__name__ == "Details"
    assert "Descargar" in texts(menu.children[0])
    assert "Tarjeta para redes (1200×630)" in texts(menu)
    assert "Reporte de la localidad (PDF, una página)" in texts(download_menu("todo"))


def test_the_map_and_header_menus_offer_the_time_lapse():
    for menu in ("mapa", "todo"):
        keys = [key for key, _ in MENUS[menu]]
        assert {"mapa.gif", "mapa.mp4"} <= set(keys), menu
    labels = " ".join(texts(download_menu("mapa")))
    assert "Animación GIF" in labels and "Video MP4" in labels
