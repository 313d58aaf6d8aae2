"""Records: SQLAlchemy models, migrations and repositories for supervision data (SQLite or
PostgreSQL).
"""
