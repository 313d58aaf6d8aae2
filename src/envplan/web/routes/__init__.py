"""Routers: ``auth`` (login, language, health), ``api`` (JSON under /api/v1), ``pages`` (internal
HTML pages) and ``public`` (disclosure pages under /public/, no login)."""
