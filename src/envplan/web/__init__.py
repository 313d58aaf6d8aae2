"""FastAPI application: JSON API, server-rendered pages and public disclosure."""
