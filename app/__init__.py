"""Top floor: app factory, layout, server routes and entry points.

Kept light on purpose: importing ``app`` must not build the Dash app.
"""
