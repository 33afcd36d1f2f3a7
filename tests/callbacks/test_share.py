"""Tests of callbacks.share: the share disclosure and its fields."""

from __future__ import annotations

from callbacks.share import SHARE_COPY, SHARE_EMBED, SHARE_EMBED_CHOICE, SHARE_LINK, share_menu
from tests.support import texts


def _ids(component) -> set:
    found = set()
    for node in component._traverse():
        if getattr(node, "id", None):
            found.add(node.id)
    return found


def test_share_menu_has_the_link_the_embed_code_and_their_copy_buttons():
    menu = share_menu()
    assert {SHARE_LINK, SHARE_COPY, SHARE_EMBED, SHARE_EMBED_CHOICE} <= _ids(menu)
    words = " ".join(texts(menu))
    assert "Copiar enlace" in words and "Copiar código" in words and "Insertar" in words
    fields = {n.id: n for n in menu._traverse() if getattr(n, "id", None) in (SHARE_LINK,
                                                                              SHARE_EMBED)}
    assert all(field.readOnly for field in fields.values())  # copied, never edited
