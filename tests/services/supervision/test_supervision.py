"""Supervision services on SQLite and PostgreSQL with the hand-written mini plan (conftest)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from envplan.services import supervision as sv
from envplan.services.access import SYSTEM
from envplan.store import EvidenceStore
from envplan.store.audit import verify_chain
from envplan.store.models import Notice, Occurrence, ProgressReport

from .conftest import People

D = dt.date


def _occ(session: Session, key: str, seq: int = 1) -> Occurrence:
    return sv.find_occurrence(session, key, seq)


def test_loaded_occurrence_counts(mini_session: Session) -> None:
    counts = dict(
        mini_session.execute(
            text(
                "SELECT t.task_key, count(o.id) FROM tasks t JOIN occurrences o ON o.task_id = t.id "
                "GROUP BY t.task_key"
            )
        ).all()
    )
    # by-date 1; 长期坚持 12; 每季度 4; 5—9月 5; by-date 1; three milestones.
    # air-m01 names every county: the lead's line plus one for each of the plan's two counties
    # (泽州县, 高平市) = 1 + 2.
    assert counts == {
        "air-m01": 3,
        "air-m02": 12,
        "air-m03": 4,
        "air-m04": 5,
        "air-m05": 1,
        "water-m01": 3,
    }


def test_status_lifecycle_as_of_dates(mini_session: Session, people: People) -> None:
    occ = _occ(mini_session, "air-m05")  # 市工信局, due 2021-10-01
    state = sv.get_occurrence_state(mini_session, occ.id, as_of=D(2021, 6, 1))
    assert (state.status, state.light) == ("not_started", "green")
    # 5 working days before 10-01: 9-24 (Fri) → 9-26 (make-up Sun), 9-27..9-30, 10-01 off:
    # working days in (9-24, 10-01] = 9-26, 27, 28, 29, 30 = 5 → at risk with 0 %
    state = sv.get_occurrence_state(mini_session, occ.id, as_of=D(2021, 9, 24))
    assert (state.status, state.light) == ("at_risk", "yellow")
    state = sv.get_occurrence_state(mini_session, occ.id, as_of=D(2021, 9, 17))
    assert state.status == "not_started"  # 9-18, 22, 23, 24, 26, … > 5 working days away

    sv.submit_report(
        mini_session,
        people.clerk,
        occ.id,
        expected_version=1,
        reported_on=D(2021, 9, 20),
        state="in_progress",
        percent=60,
        narrative="已完成方案起草",
    )
    mini_session.commit()
    state = sv.get_occurrence_state(mini_session, occ.id, as_of=D(2021, 9, 24))
    assert (state.status, state.percent) == ("in_progress", 60)  # 60 % ≥ 50 %: not at risk
    # the report is dated 9-20: on 9-19 it did not exist yet
    assert sv.get_occurrence_state(mini_session, occ.id, as_of=D(2021, 9, 19)).percent == 0

    report = sv.submit_report(
        mini_session,
        people.clerk,
        occ.id,
        expected_version=2,
        reported_on=D(2021, 10, 8),
        state="done",
        percent=100,
        narrative="已全部完成",
    )
    mini_session.commit()
    state = sv.get_occurrence_state(mini_session, occ.id, as_of=D(2021, 10, 8))
    assert state.status == "overdue" and state.awaiting_approval  # not done until approved
    assert state.working_days_overdue == 1  # 10-02…07 holidays; 10-08 is the first working day
    sv.approve_report(
        mini_session, people.leader, report.id, expected_version=3, reviewed_on=D(2021, 10, 11)
    )
    mini_session.commit()
    state = sv.get_occurrence_state(mini_session, occ.id, as_of=D(2021, 10, 31))
    assert (state.status, state.light, state.on_time) == ("done", "green", False)
    assert state.completed_on == D(2021, 10, 8)
    # as of 10-09 the approval (10-11) had not happened: still overdue
    assert sv.get_occurrence_state(mini_session, occ.id, as_of=D(2021, 10, 9)).status == "overdue"
    with pytest.raises(sv.SupervisionError, match="已审核完成"):
        sv.submit_report(
            mini_session,
            people.clerk,
            occ.id,
            expected_version=4,
            reported_on=D(2021, 10, 12),
            state="in_progress",
            percent=50,
            narrative="再报一次",
        )


def test_second_concurrent_save_conflicts_and_nothing_is_lost(
    mini_session: Session, people: People, migrated_engine: object
) -> None:
    from envplan.store import make_session_factory

    occ = _occ(mini_session, "air-m02", 6)
    version = occ.version
    # On SQLite every transaction holds the single write lock: end this one first.
    mini_session.commit()
    factory = make_session_factory(migrated_engine)  # type: ignore[arg-type]
    with factory() as first, factory() as second:
        sv.submit_report(
            first,
            people.clerk,
            occ.id,
            expected_version=version,
            reported_on=D(2021, 6, 20),
            state="in_progress",
            percent=40,
            narrative="甲的填报",
        )
        first.commit()
        with pytest.raises(sv.ConflictError) as caught:
            sv.submit_report(
                second,
                people.leader,
                occ.id,
                expected_version=version,
                reported_on=D(2021, 6, 21),
                state="in_progress",
                percent=50,
                narrative="乙的填报",
            )
        second.rollback()
        assert caught.value.unsaved["narrative"] == "乙的填报"
        assert "保存冲突" in str(caught.value)
    narratives = mini_session.scalars(
        select(ProgressReport.narrative).where(ProgressReport.occurrence_id == occ.id)
    ).all()
    assert narratives == ["甲的填报"]


def test_report_validation_messages(mini_session: Session, people: People) -> None:
    occ = _occ(mini_session, "air-m02", 1)
    with pytest.raises(sv.SupervisionError, match="完成进度"):
        sv.submit_report(
            mini_session,
            people.clerk,
            occ.id,
            expected_version=1,
            reported_on=D(2021, 1, 10),
            state="in_progress",
            percent=120,
            narrative="x",
        )
    with pytest.raises(sv.SupervisionError, match="进展情况"):
        sv.submit_report(
            mini_session,
            people.clerk,
            occ.id,
            expected_version=1,
            reported_on=D(2021, 1, 10),
            state="in_progress",
            percent=10,
            narrative="  ",
        )


def test_evidence_stored_by_sha256(mini_session: Session, people: People, tmp_path) -> None:
    import hashlib

    store = EvidenceStore(tmp_path / "evidence")
    occ = _occ(mini_session, "air-m02", 3)
    data = "整改照片".encode()
    report = sv.submit_report(
        mini_session,
        people.clerk,
        occ.id,
        expected_version=1,
        reported_on=D(2021, 3, 15),
        state="in_progress",
        percent=30,
        narrative="附照片",
        evidence=[sv.EvidenceUpload("photo.jpg", data, "image/jpeg")],
        evidence_store=store,
    )
    mini_session.commit()
    sha = hashlib.sha256(data).hexdigest()
    assert [e.sha256 for e in report.evidence] == [sha]
    assert store.read(sha) == data
    assert (tmp_path / "evidence" / sha[:2] / sha).read_bytes() == data


def test_escalation_blue_orange_red_and_reply(mini_session: Session, people: People) -> None:
    occ = _occ(mini_session, "air-m01")  # 市生态环境局, due Wed 2021-06-30, never reported
    # blue 1 working day after due: Thu 7-01; orange 5 working days later: Thu 7-08;
    # red 5 more: Thu 7-15
    issued = sv.escalate(mini_session, as_of=D(2021, 7, 9))
    mine = sorted((n.level, n.issued_on) for n in issued if n.occurrence_id == occ.id)
    assert mine == [("blue", D(2021, 7, 1)), ("orange", D(2021, 7, 8))]
    assert sv.escalate(mini_session, as_of=D(2021, 7, 9)) == []  # idempotent
    issued = sv.escalate(mini_session, as_of=D(2021, 7, 31))
    assert [(n.level, n.issued_on) for n in issued if n.occurrence_id == occ.id] == [
        ("red", D(2021, 7, 15))
    ]
    mini_session.commit()
    blue = mini_session.scalar(
        select(Notice).where(Notice.occurrence_id == occ.id, Notice.level == "blue")
    )
    assert blue is not None and blue.unit_id == "sthjj"
    assert blue.reply_due == D(2021, 7, 6)  # 3 working days after Thu 7-01: 7-02, 7-05, 7-06
    states = {
        n.level: n.state
        for n in sv.list_notices(mini_session, as_of=D(2021, 7, 7))
        if n.occurrence_id == occ.id
    }
    assert states["blue"] == "reply_overdue"
    with pytest.raises(sv.AccessDenied):
        sv.reply_notice(mini_session, people.clerk, blue.id, replied_on=D(2021, 7, 5), text="x")
    sv.reply_notice(
        mini_session, people.other_clerk, blue.id, replied_on=D(2021, 7, 5), text="正在推进"
    )
    mini_session.commit()
    states = {
        n.level: n.state
        for n in sv.list_notices(mini_session, as_of=D(2021, 7, 7))
        if n.occurrence_id == occ.id
    }
    assert states["blue"] == "replied"
    state = sv.get_occurrence_state(mini_session, occ.id, as_of=D(2021, 7, 31))
    assert state.notice_level == "red"


def test_escalation_stops_once_done(mini_session: Session, people: People) -> None:
    occ = _occ(mini_session, "air-m02", 6)  # 市工信局 June report, due 2021-06-30
    report = sv.submit_report(
        mini_session,
        people.clerk,
        occ.id,
        expected_version=1,
        reported_on=D(2021, 7, 2),
        state="done",
        percent=100,
        narrative="六月工作完成",
    )
    sv.approve_report(
        mini_session, people.leader, report.id, expected_version=2, reviewed_on=D(2021, 7, 5)
    )
    sv.escalate(mini_session, as_of=D(2021, 8, 31))
    mini_session.commit()
    levels = mini_session.scalars(select(Notice.level).where(Notice.occurrence_id == occ.id)).all()
    assert levels == ["blue"]  # blue on 7-01; done on 7-02, approved 7-05 < orange date 7-08


def test_snapshot_frozen_reproducible_with_rates(mini_session: Session, people: People) -> None:
    # June: due by 2021-06-30 are air-m01 (6-30), air-m02 Jan–Jun (6), air-m03 Q1+Q2 (2),
    # air-m04 May+June (2), water-m01 milestones 4-30 and 6-30 (2) = 13 lead duties, plus the two
    # county duties of air-m01 (泽州县, 高平市, due 6-30) = 15
    occ = _occ(mini_session, "air-m02", 6)
    report = sv.submit_report(
        mini_session,
        people.clerk,
        occ.id,
        expected_version=1,
        reported_on=D(2021, 6, 25),
        state="done",
        percent=100,
        narrative="完成",
    )
    sv.approve_report(
        mini_session, people.leader, report.id, expected_version=2, reviewed_on=D(2021, 6, 28)
    )
    mini_session.commit()
    result = sv.take_snapshot(mini_session, "2021-06")
    mini_session.commit()
    assert result.created
    content = sv.snapshot_content(result.snapshot)
    plan_rates = {r["key"]: r for r in content["rates"]["plan"]}
    assert plan_rates["air"]["due"] == 11 + 2 and plan_rates["air"]["done_on_time"] == 1
    assert plan_rates["water"]["due"] == 2 and plan_rates["water"]["rate"] == 0
    unit_rates = {r["key"]: r for r in content["rates"]["unit"]}
    assert unit_rates["gxj"]["due"] == 6 and unit_rates["gxj"]["rate"] == round(1 / 6, 4)
    assert unit_rates["gxj"]["due_in_month"] == 1 and unit_rates["gxj"]["rate_in_month"] == 1.0
    county_rates = {r["key"]: r for r in content["rates"]["county"]}
    # air-m03 Q1, Q2 + water milestones 1, 2 + its own air-m01 duty
    assert county_rates["泽州县"]["due"] == 5
    assert county_rates["高平市"]["due"] == 3  # air-m04 May, June + its own air-m01 duty
    assert county_rates["市本级"]["due"] == 7

    # a report dated later does not change June; the frozen snapshot is returned as is
    later = _occ(mini_session, "air-m01")
    sv.submit_report(
        mini_session,
        people.other_clerk,
        later.id,
        expected_version=1,
        reported_on=D(2021, 7, 3),
        state="in_progress",
        percent=10,
        narrative="七月补报",
    )
    mini_session.commit()
    again = sv.take_snapshot(mini_session, "2021-06")
    assert not again.created and again.reproducible
    assert again.snapshot.content_sha256 == result.snapshot.content_sha256
    with pytest.raises(Exception, match="append-only"):
        mini_session.execute(text("UPDATE dispatch_snapshots SET content = '{}'"))
    mini_session.rollback()


def test_list_filters(mini_session: Session) -> None:
    june = sv.list_occurrences(mini_session, as_of=D(2021, 7, 1), month="2021-06")
    assert sorted((s.task_key, s.seq) for s in june) == [
        ("air-m01", 1),  # lead
        ("air-m01", 1),  # 泽州县's own duty
        ("air-m01", 1),  # 高平市's own duty
        ("air-m02", 6),
        ("air-m03", 2),
        ("air-m04", 2),
        ("water-m01", 2),
    ]
    assert {s.status for s in june} == {"overdue"}
    assert [
        s.task_key
        for s in sv.list_occurrences(
            mini_session, as_of=D(2021, 7, 1), month="2021-06", county="高平市"
        )
    ] == ["air-m01", "air-m04"]
    assert len(sv.list_occurrences(mini_session, as_of=D(2021, 7, 1), plan_key="water")) == 3
    assert len(sv.list_occurrences(mini_session, as_of=D(2021, 7, 1), unit_id="gxj")) == 13
    overdue = sv.list_occurrences(mini_session, as_of=D(2021, 7, 1), status="overdue")
    assert len(overdue) == 13 + 2  # air-m01's two county duties are overdue as well
    payload = json.dumps(june[0].to_json(), ensure_ascii=False)
    assert "due_date" in payload
    with pytest.raises(sv.SupervisionError, match="月份格式"):
        sv.list_occurrences(mini_session, as_of=D(2021, 7, 1), month="2021/06")


def test_audit_chain_verifies_and_detects_an_edited_row(
    mini_session: Session, people: People, db_backend: str
) -> None:
    occ = _occ(mini_session, "air-m02", 1)
    sv.submit_report(
        mini_session,
        people.clerk,
        occ.id,
        expected_version=1,
        reported_on=D(2021, 1, 20),
        state="in_progress",
        percent=20,
        narrative="一月进展",
    )
    mini_session.commit()
    count, problems = verify_chain(mini_session)
    assert count >= 8 and problems == []  # 2 plan loads + 6 users + 1 report
    # someone with database rights removes the guard and edits a row
    if db_backend == "sqlite":
        mini_session.execute(text("DROP TRIGGER audit_log_no_update"))
    else:
        mini_session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
    mini_session.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3"))
    mini_session.commit()
    count, problems = verify_chain(mini_session)
    assert [p.seq for p in problems] == [3]
    assert "被修改" in problems[0].reason


def test_load_is_idempotent(mini_session: Session) -> None:
    from .conftest import mini_plan

    before = mini_session.scalar(select(func.count(Occurrence.id)))
    sv.load_plan_into_db(mini_session, mini_plan(), actor=SYSTEM)
    mini_session.commit()
    assert mini_session.scalar(select(func.count(Occurrence.id))) == before
