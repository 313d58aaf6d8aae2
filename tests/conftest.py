"""Shared test fixtures: where the read-only reference material lives.

`shared/` sits beside the checkout (CI copies it there). Tests that need it fail loudly when it is
missing rather than skipping, because their expected values come from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    assert SHARED_DIR.is_dir(), f"shared/ not found beside the checkout at {SHARED_DIR}"
    return SHARED_DIR


@pytest.fixture(scope="session")
def seed_path(shared_dir: Path) -> Path:
    return shared_dir / "seed" / "jincheng-2021-action-plans.txt"
