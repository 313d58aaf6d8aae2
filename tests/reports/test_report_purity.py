"""The renderers are pure: nothing under src/envplan/reports imports the store, a session or
SQLAlchemy (issue 18). The use case gathers the data; reports only lay it out."""

from __future__ import annotations

import ast
from pathlib import Path

import envplan.reports

FORBIDDEN_MODULES = ("sqlalchemy", "envplan.store")


def impure_imports(source: str) -> list[str]:
    """Every import (module level or inside a function) of the store, SQLAlchemy or anything
    named like a session, as ``module: name`` lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            pairs = [(alias.name, alias.asname or "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            pairs = [(f"{module}.{alias.name}", alias.asname or "") for alias in node.names]
        else:
            continue
        for name, asname in pairs:
            forbidden = name.startswith(FORBIDDEN_MODULES)
            if forbidden or "session" in f"{name} {asname}".lower():
                found.append(f"line {node.lineno}: {name}")
    return found


def test_the_check_sees_top_level_lazy_and_multi_line_imports() -> None:
    source = (
        "from sqlalchemy.orm import Session\n"
        "def f():\n"
        "    from envplan.store.enterprises import POLLUTANTS\n"
        "from envplan.services.x import (\n    a,\n    session_scope,\n)\n"
        "import envplan.store\n"
        "from envplan.services.enterprises import registry_export\n"
    )
    assert impure_imports(source) == [
        "line 1: sqlalchemy.orm.Session",
        "line 4: envplan.services.x.session_scope",
        "line 8: envplan.store",
        "line 3: envplan.store.enterprises.POLLUTANTS",
    ]


def test_reports_import_no_store_session_or_sqlalchemy() -> None:
    folder = Path(envplan.reports.__file__).parent
    paths = sorted(folder.rglob("*.py"))
    assert len(paths) > 10  # the renderers were found
    offending = [
        f"{path.relative_to(folder)} {hit}"
        for path in paths
        for hit in impure_imports(path.read_text(encoding="utf-8"))
    ]
    assert offending == []
