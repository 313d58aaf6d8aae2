"""Every measure and key-task text of the registry is found verbatim in the seed document.

The seed is a PDF extraction: page breaks split sentences and spaces surround digits, and
formulas are marked up (PM_{2.5}, O_3). The comparison therefore ignores whitespace and
undoes that markup on the seed side only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from envplan.plan import Plan


@pytest.fixture(scope="module")
def seed_text(seed_path: Path) -> str:
    text = seed_path.read_text(encoding="utf-8")
    text = text.replace("$", "")
    text = re.sub(r"PM\s*_\{2\.5\}", "PM2.5", text)
    text = text.replace("O_3", "O₃")
    return "".join(text.split())


def _squash(text: str) -> str:
    return "".join(text.split())


def test_measure_paragraphs_are_verbatim(plan: Plan, seed_text: str) -> None:
    missing = [
        (m.id, c.text[:30])
        for sub in plan.subplans
        for m in sub.measures
        for c in m.clauses
        if _squash(c.text) not in seed_text
    ]
    assert missing == []


def test_responsible_wording_is_verbatim(plan: Plan, seed_text: str) -> None:
    missing = [
        (m.id, c.responsibility.raw)
        for sub in plan.subplans
        for m in sub.measures
        for c in m.clauses
        if "责任单位：" + _squash(c.responsibility.raw or "") not in seed_text
    ]
    assert missing == []


def test_key_task_and_project_texts_are_verbatim(plan: Plan, seed_text: str) -> None:
    texts = [(k.id, k.text) for k in plan.subplan("air").key_tasks]
    texts += [(p.id, p.text) for p in plan.subplan("water").projects]
    missing = [(i, t[:30]) for i, t in texts if _squash(t) not in seed_text]
    assert missing == []


def test_zone_villages_are_in_the_seed(plan: Plan, seed_text: str) -> None:
    missing = [v for z in plan.zones for t in z.towns for v in t.villages if v not in seed_text]
    assert missing == []


def test_every_unit_is_named_in_the_seed(plan: Plan, seed_text: str) -> None:
    # By its normalized name or by one of its aliases (高平市人民政府 appears as 高平市政府).
    absent = [u.name for u in plan.units if not any(n in seed_text for n in u.names())]
    assert absent == []
