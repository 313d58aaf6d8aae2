"""Shared test fixtures: where the test data lives.

Every file the suite reads is in ``tests/data/`` inside the repository (official data, the seed
plan), each with its provenance in ``tests/data/README.md``, so a clone of the project alone passes
its own tests. Tests that need a file fail loudly when it is missing rather than skipping, because
their expected values come from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_DATA_DIR = REPO_ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def test_data() -> Path:
    assert TEST_DATA_DIR.is_dir(), f"test data not found at {TEST_DATA_DIR}"
    return TEST_DATA_DIR


@pytest.fixture(scope="session")
def seed_path(test_data: Path) -> Path:
    return test_data / "seed" / "jincheng-2021-action-plans.txt"


#: Tests that run for minutes (schemathesis over every API operation, on each backend): started
#: first, so that the two xdist workers do not end with one of them running them alone.
LONG_RUNNING = ("tests/web/test_schemathesis.py::",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not item.nodeid.startswith(LONG_RUNNING))
