"""The committed JSON snapshot matches the YAML (refresh: python -m envplan.plan.snapshot)."""

from __future__ import annotations

import shutil
from pathlib import Path

from envplan.plan import DEFAULT_PLAN_DIR, load_plan
from envplan.plan.snapshot import SNAPSHOT_NAME, read_snapshot, source_digest, write_snapshot


def test_shipped_snapshot_is_fresh_and_equal_to_the_yaml() -> None:
    snapshot = read_snapshot(DEFAULT_PLAN_DIR)
    assert snapshot is not None, "快照已过期：请运行 python -m envplan.plan.snapshot"
    assert snapshot == load_plan(DEFAULT_PLAN_DIR)


def test_a_stale_snapshot_is_ignored(tmp_path: Path) -> None:
    plan_dir = tmp_path / "plan"
    shutil.copytree(DEFAULT_PLAN_DIR, plan_dir)
    before = source_digest(plan_dir)
    soil = plan_dir / "soil.yaml"
    soil.write_text(soil.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert source_digest(plan_dir) != before
    assert read_snapshot(plan_dir) is None
    write_snapshot(plan_dir)
    assert (plan_dir / SNAPSHOT_NAME).is_file()
    assert read_snapshot(plan_dir) is not None
