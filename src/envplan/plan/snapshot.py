"""A JSON snapshot of a validated plan, so the shipped plan loads in milliseconds.

Parsing the YAML with ruamel.yaml (pure Python, kept for line numbers) takes about a second; every
process that needs the plan would pay it. ``plan.snapshot.json`` beside the YAML files holds the
validated Plan and the SHA-256 of the YAML it came from. ``default_plan()`` uses it only while that
digest still matches the YAML files; after any edit of the YAML it falls back to the full loader
(and a test reminds you to refresh the snapshot)::

    python -m envplan.plan.snapshot [PLAN_DIR]
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from envplan.plan.loader import DEFAULT_PLAN_DIR, load_plan
from envplan.plan.model import Plan

SNAPSHOT_NAME = "plan.snapshot.json"


def source_digest(plan_dir: Path) -> str:
    """SHA-256 over the names and bytes of every YAML file of the plan directory."""
    digest = hashlib.sha256()
    for path in sorted(plan_dir.glob("*.yaml")):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def read_snapshot(plan_dir: Path) -> Plan | None:
    """The snapshot's Plan when it exists and matches the YAML files; otherwise None."""
    path = plan_dir / SNAPSHOT_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("digest") != source_digest(plan_dir):
        return None
    try:
        return Plan.model_validate(data.get("plan"))
    except ValidationError:
        return None


def write_snapshot(plan_dir: Path) -> Path:
    """Validate the plan (all or nothing) and write its snapshot; returns the snapshot path."""
    plan = load_plan(plan_dir)
    path = plan_dir / SNAPSHOT_NAME
    payload = {"digest": source_digest(plan_dir), "plan": plan.model_dump(mode="json")}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PLAN_DIR
    print(f"已写入 {write_snapshot(target)}")
