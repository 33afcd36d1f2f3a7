"""The dashboard page: the header and the placement of the features' fragments."""

from app.layout.page import build_layout, dashboard_page

__all__ = ["build_layout", "dashboard_page"]
