"""FastAPI application: JSON API, server-rendered pages and public disclosure.

``create_app(settings)`` builds the app (see :mod:`envplan.web.app`).
"""

from envplan.web.app import create_app

__all__ = ["create_app"]
