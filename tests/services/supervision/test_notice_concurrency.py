"""Eight simultaneous replies to one notice (issue #21): exactly one succeeds, on SQLite and on
PostgreSQL, with real threads and one session (connection) each; the others are told the notice
was just answered; one reply and one audit entry are stored.

Before the fix, on PostgreSQL every request read "not replied yet" and all eight updates went
through (the last reply overwrote the others, eight audit entries)."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from envplan.services import supervision as sv
from envplan.store import make_session_factory
from envplan.store.models import AuditEntry, Notice

from .conftest import People

D = dt.date
N = 8


def test_eight_simultaneous_replies_one_wins(
    mini_session: Session, people: People, migrated_engine: Engine
) -> None:
    notices = sv.escalate(mini_session, as_of=D(2021, 7, 2))
    mini_session.commit()
    target = next(n for n in notices if n.unit_id == "gxj")
    factory = make_session_factory(mini_session.get_bind())  # type: ignore[arg-type]
    barrier = threading.Barrier(N)
    outcomes: list[str] = []
    lock = threading.Lock()

    def reply(index: int) -> None:
        with factory() as session:
            try:
                # every thread reads the notice first (unreplied), then they all write at once
                # (the read's transaction ends first: on SQLite every transaction takes the lock)
                session.get(Notice, target.id)
                session.commit()
                barrier.wait()
                sv.reply_notice(
                    session,
                    people.clerk,
                    target.id,
                    replied_on=D(2021, 7, 3),
                    text=f"回复 {index}",
                )
                session.commit()
                result = "ok"
            except sv.SupervisionError as exc:
                session.rollback()
                result = "refused" if "已于" in str(exc) else f"other: {exc}"
            except Exception as exc:  # a lock error would be a failure of the fix
                session.rollback()
                result = f"error: {type(exc).__name__}: {exc}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=reply, args=(i,)) for i in range(N)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["ok"] + ["refused"] * (N - 1), outcomes
    mini_session.expire_all()
    stored = mini_session.get(Notice, target.id)
    assert stored is not None and stored.reply_text is not None and stored.version == 2
    replies = mini_session.scalar(
        select(func.count(AuditEntry.seq)).where(
            AuditEntry.action == "notice.reply", AuditEntry.entity_id == str(target.id)
        )
    )
    assert replies == 1
