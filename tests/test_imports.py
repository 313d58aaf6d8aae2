"""Function-level imports under src/envplan are allowed only where docs/architecture.md says why.

Every ``import`` / ``from … import`` inside a function body (at any depth: methods, nested
functions, ``if`` and ``try`` blocks inside them) is listed by an AST walk and matched against the
table of the section "Function-level imports" in docs/architecture.md (columns: module pattern,
imported-name pattern, reason; ``fnmatch`` patterns on dotted names). An import no row covers
fails, and so does a row that covers nothing (a stale entry hides the next real one).
"""

from __future__ import annotations

import ast
import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
DOC = ROOT / "docs" / "architecture.md"
SECTION = "## Function-level imports"


@dataclass(frozen=True)
class LocalImport:
    module: str  # the importing module, dotted
    imported: (
        str  # the imported name, dotted: "a.b" for `import a.b`, "a.b.c" for `from a.b import c`
    )
    line: int


@dataclass(frozen=True)
class Allowed:
    module: str
    imported: str
    reason: str


def module_name(path: Path, src: Path = SRC) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def local_imports(source: str, module: str, is_package: bool = False) -> list[LocalImport]:
    """The imports inside function bodies of one module's source."""
    found: list[LocalImport] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, ast.Import):
                found.extend(LocalImport(module, a.name, child.lineno) for a in child.names)
            elif in_function and isinstance(child, ast.ImportFrom):
                base = _absolute(child, module, is_package)
                found.extend(
                    LocalImport(module, f"{base}.{a.name}", child.lineno) for a in child.names
                )
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(ast.parse(source), False)
    return found


def all_local_imports() -> list[LocalImport]:
    found: list[LocalImport] = []
    for path in sorted((SRC / "envplan").rglob("*.py")):
        found.extend(
            local_imports(path.read_text("utf-8"), module_name(path), path.name == "__init__.py")
        )
    return found


def allow_list(text: str) -> list[Allowed]:
    """The rows of the table under SECTION (up to the next heading of the same level)."""
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    rows: list[Allowed] = []
    for line in text[start : end if end >= 0 else None].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 3:
            continue
        module, imported, reason = (re.sub(r"^`|`$", "", c) for c in cells)
        if module in {"Module", ""} or set(module) <= {"-", ":"}:
            continue
        rows.append(Allowed(module, imported, reason))
    return rows


def covers(row: Allowed, item: LocalImport) -> bool:
    return fnmatch.fnmatchcase(item.module, row.module) and fnmatch.fnmatchcase(
        item.imported, row.imported
    )


@pytest.fixture(scope="module")
def rows() -> list[Allowed]:
    return allow_list(DOC.read_text("utf-8"))


def test_collector_finds_exactly_the_function_level_imports() -> None:
    source = (
        "import os\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from envplan.plan import Plan\n"
        "def f():\n"
        "    import json\n"
        "    if True:\n"
        "        from envplan.store import models as m, audit\n"
        "    def g():\n"
        "        from . import sibling\n"
        "class C:\n"
        "    x = 1\n"
        "    def method(self):\n"
        "        try:\n"
        "            from ..other import thing\n"
        "        except ImportError:\n"
        "            pass\n"
    )
    got = [(i.imported, i.line) for i in local_imports(source, "envplan.pkg.mod")]
    assert got == [
        ("json", 6),
        ("envplan.store.models", 8),
        ("envplan.store.audit", 8),
        ("envplan.pkg.sibling", 10),
        ("envplan.other.thing", 15),
    ]
    # In a package's __init__, one dot is the package itself.
    init = local_imports("def f():\n    from .x import y\n", "envplan.pkg", is_package=True)
    assert [i.imported for i in init] == ["envplan.pkg.x.y"]


def test_allow_list_parser_reads_the_table() -> None:
    text = (
        "# Doc\n\n## Function-level imports\n\nIntro.\n\n"
        "| Module | Imported | Reason |\n|---|---|---|\n"
        "| `envplan.cli.*` | `*` | start-up |\n"
        "| `envplan.reports.charts` | `matplotlib*` | heavy |\n\n"
        "## Next\n\n| `envplan.x` | `y` | not in the section |\n"
    )
    assert allow_list(text) == [
        Allowed("envplan.cli.*", "*", "start-up"),
        Allowed("envplan.reports.charts", "matplotlib*", "heavy"),
    ]


def test_every_function_level_import_is_documented(rows: list[Allowed]) -> None:
    assert rows, f"no allow-list table under {SECTION!r} in {DOC}"
    undocumented = [
        f"{i.module}:{i.line} imports {i.imported}"
        for i in all_local_imports()
        if not any(covers(row, i) for row in rows)
    ]
    assert not undocumented, (
        "function-level imports not in the allow-list of docs/architecture.md "
        "(move them to the top of the module, or add a row saying why):\n" + "\n".join(undocumented)
    )


def test_every_allow_list_row_is_used_and_has_a_reason(rows: list[Allowed]) -> None:
    found = all_local_imports()
    stale = [r for r in rows if not any(covers(r, i) for i in found)]
    assert not stale, f"allow-list rows that match no function-level import: {stale}"
    assert all(len(r.reason) > 10 for r in rows), [r for r in rows if len(r.reason) <= 10]
