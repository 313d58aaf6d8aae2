"""The seeded demo: labelled 示例, every role can log in, realistic mix of outcomes, idempotent."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envplan.plan import default_plan
from envplan.services import supervision as sv
from envplan.services.access import Role, authenticate
from envplan.services.demo import seed_demo
from envplan.store import EvidenceStore
from envplan.store.audit import verify_chain
from envplan.store.models import ClockItem, Notice, ProgressReport, User


def test_demo_seed(db_session: Session, tmp_path: Path) -> None:
    seeded = seed_demo(db_session, default_plan(), evidence_store=EvidenceStore(tmp_path / "ev"))
    db_session.commit()
    assert seeded.created
    assert {a.role for a in seeded.accounts} == set(Role)
    for account in seeded.accounts:
        user = authenticate(db_session, account.username, account.password)
        assert user is not None and user.is_demo and "示例" in user.display_name
    # every report and notice is labelled
    assert db_session.scalar(select(func.count()).where(ProgressReport.is_demo.is_(False))) == 0
    narratives = db_session.scalars(select(ProgressReport.narrative)).all()
    assert narratives and all(n.startswith("【示例】") for n in narratives)
    bodies = db_session.scalars(select(Notice.body)).all()
    assert bodies and all(b.startswith("【示例】") for b in bodies)
    assert all(t.startswith("【示例】") for t in db_session.scalars(select(ClockItem.title)))

    states = sv.list_occurrences(db_session, as_of=seeded.as_of)
    statuses = Counter(s.status for s in states)
    assert statuses["done"] > 0 and statuses["overdue"] > 0 and statuses["in_progress"] > 0
    assert any(s.status == "done" and s.on_time is False for s in states)  # some late
    assert any(s.notice_level == "red" for s in states)
    assert {n.state for n in sv.list_notices(db_session, as_of=seeded.as_of)} >= {"replied"}
    assert verify_chain(db_session)[1] == []

    again = seed_demo(db_session, default_plan())
    assert not again.created
    assert db_session.scalar(select(func.count(User.id))) == len(seeded.accounts)
