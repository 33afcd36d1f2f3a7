"""WSGI entry point: ``gunicorn 'app.server:server'``."""

from app.factory import create_app

app = create_app()
server = app.server
