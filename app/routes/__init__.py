"""Server routes (Flask blueprints) mounted beside the Dash app, in registration order."""

from app.routes import api, export, health, indicators, site, templates, vendor

__all__ = ["BLUEPRINTS"]

BLUEPRINTS = (health.blueprint, export.blueprint, api.blueprint, indicators.blueprint,
              templates.blueprint, vendor.blueprint, site.blueprint)
