"""The dashboard page, one fragment per file; :func:`build_layout` assembles them."""

from app.layout.page import build_layout, dashboard_page

__all__ = ["build_layout", "dashboard_page"]
