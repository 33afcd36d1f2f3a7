"""Server routes (Flask blueprints) mounted beside the Dash app.

Each module exposes ``blueprint``; :data:`BLUEPRINT_MODULES` lists them in the
order they are registered by :func:`app.factory.create_app`.
"""

BLUEPRINT_MODULES = (
    "app.routes.health",
    "app.routes.export",
    "app.routes.api",
    "app.routes.vendor",
)
