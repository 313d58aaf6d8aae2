"""The renderers are pure: nothing under src/envplan/reports imports the store, a session or
SQLAlchemy (issue 18). The use case gathers the data; reports only lay it out."""

from __future__ import annotations

import re
from pathlib import Path

import envplan.reports

IMPORT = re.compile(r"^\s*(from|import)\s+(\S+)", re.MULTILINE)


def test_reports_import_no_store_session_or_sqlalchemy() -> None:
    folder = Path(envplan.reports.__file__).parent
    offending = []
    for path in sorted(folder.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in IMPORT.finditer(text):
            module = match.group(2)
            line = text[match.start() : text.find("\n", match.start())]
            if module.startswith(("sqlalchemy", "envplan.store")) or "session" in line.lower():
                offending.append(f"{path.name}: {line.strip()}")
    assert offending == []
