"""No Python module under ``src/envplan`` is longer than 600 lines (project brief, issue 18).

A module that fits in a head is read whole before it is changed. The limit counts physical lines
(what ``wc -l`` prints) of every ``src/envplan/**/*.py`` file, migrations and ``__init__`` files
included. The only exceptions are the entries of :data:`ALLOWED`, each with a one-line reason
(data tables or vendored code that is not read as logic); an entry that is no longer over the limit
fails too, so the list cannot go stale.

Out of scope: files that are not ``.py`` (vendored web assets such as the ECharts ``.js`` bundle,
CSV/Parquet data, templates). They are not Python modules and are not counted here.
"""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "envplan"
LIMIT = 600

#: Path under ``src/envplan`` (POSIX) → why it may exceed :data:`LIMIT`.
#: Modules allowed over the limit, each with its reason (tables, vendored code). None today.
ALLOWED: dict[str, str] = {}


def line_counts(root: Path, limit: int) -> dict[str, int]:
    """Modules under ``root`` longer than ``limit`` lines → their line count."""
    over: dict[str, int] = {}
    for path in sorted(root.rglob("*.py")):
        # Physical lines as wc -l counts them (a last line without newline still counts).
        n = len(path.read_bytes().splitlines())
        if n > limit:
            over[path.relative_to(root).as_posix()] = n
    return over


def test_no_module_over_limit() -> None:
    assert SRC.is_dir(), SRC
    over = line_counts(SRC, LIMIT)
    unexpected = {name: n for name, n in over.items() if name not in ALLOWED}
    assert not unexpected, (
        f"modules over {LIMIT} lines (split them, or allow-list data/vendored ones with a reason): "
        f"{unexpected}"
    )


def test_allow_list_is_current() -> None:
    over = line_counts(SRC, LIMIT)
    stale = sorted(name for name in ALLOWED if name not in over)
    assert not stale, f"allow-listed modules now within {LIMIT} lines, drop them: {stale}"
    assert all(reason.strip() for reason in ALLOWED.values())


def test_counter_flags_a_module_one_line_over(tmp_path: Path) -> None:
    # Hand-made tree: 600 lines is allowed, 601 is not, files that are not .py are ignored.
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "fits.py").write_text("x = 1\n" * 600)
    (tmp_path / "pkg" / "grew.py").write_text("x = 1\n" * 600 + "y = 2")  # no final newline
    (tmp_path / "pkg" / "vendor.js").write_text("//\n" * 5000)
    assert line_counts(tmp_path, 600) == {"pkg/grew.py": 601}
