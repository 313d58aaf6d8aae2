"""Run every check CI runs, in order, and stop at the first failure.

ruff (lint + format), mypy, the import-linter contracts (layers; service domains: no cycle, no
reaching into another domain's submodules; see docs/architecture.md), the API reference (Sphinx
autodoc + numpydoc of docs/api, warnings as errors, every page reread so each is validated; HTML
in .cache/api-html), then pytest. PostgreSQL must be reachable (ENVPLAN_TEST_POSTGRES_URL,
default the local server's `test` database): the database tests run on SQLite and on
PostgreSQL, and a missing server is a failure, not a skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def run(step: str, args: list[str]) -> int:
    print(f"\n=== {step}: {' '.join(args)}", flush=True)
    return subprocess.call(args, cwd=ROOT)


def postgres_reachable(url: str) -> str | None:
    import sqlalchemy

    try:
        engine = sqlalchemy.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("select 1"))
        engine.dispose()
    except Exception as exc:  # any driver error means: not usable
        return str(exc).splitlines()[0]
    return None


def main(pytest_args: list[str]) -> int:
    os.environ.setdefault("ENVPLAN_TEST_POSTGRES_URL", DEFAULT_PG)
    error = postgres_reachable(os.environ["ENVPLAN_TEST_POSTGRES_URL"])
    if error:
        print(f"PostgreSQL unreachable at {os.environ['ENVPLAN_TEST_POSTGRES_URL']}: {error}")
        return 1
    code_dirs = [d for d in ("src", "tests", "scripts", "benchmarks") if (ROOT / d).is_dir()]
    steps = [
        ("ruff lint", [str(BIN / "ruff"), "check", *code_dirs]),
        ("ruff format", [str(BIN / "ruff"), "format", "--check", *code_dirs]),
        ("mypy", [str(BIN / "mypy")]),
        ("import contract", [str(BIN / "lint-imports")]),
        (
            "api reference",
            [
                str(BIN / "sphinx-build"),
                "-E",  # reread every page: an incremental build does not repeat old warnings
                "-W",
                "--keep-going",
                "-q",
                "-b",
                "html",
                "docs/api",
                str(ROOT / ".cache" / "api-html"),
            ],
        ),
    ]
    for step, args in steps:
        if run(step, args) != 0:
            print(f"FAILED: {step}")
            return 1
    # Two workers by default (the machines have 2 cores): the database fixtures isolate workers
    # (a SQLite file or a PostgreSQL schema each); `./run test -n 0` runs in one process.
    workers = (
        []
        if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in pytest_args)
        else ["-n", "2"]
    )
    code = run("pytest", [str(BIN / "pytest"), *workers, *pytest_args])
    if code == 5:
        print("FAILED: pytest collected no tests")
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
