"""The contaminated-land registry on SQLite and PostgreSQL: lifecycle, gate, query record,
GB 36600 block of the effect assessment, public lists, access.

Screening values used below are read off GB 36600-2018 Table 1 (苯: 第一类用地 1 mg/kg, 第二类用地
4 mg/kg; 铅: 400 / 800 mg/kg), not computed by the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from envplan.services.access import AccessDenied, Principal, Role
from envplan.services.land import (
    FileUpload,
    GateRequest,
    LandError,
    PlotInput,
    StepInput,
    add_plot,
    add_samples,
    advance,
    attach_reply,
    find_plot,
    gate,
    list_plot_duties,
    list_queries,
    public_lists,
    query_json,
    verify_queries,
)
from envplan.store import EvidenceStore
from envplan.store.audit import verify_chain

D = dt.date
CHAIN = ["初步调查", "详细调查", "风险评估", "治理修复", "效果评估", "移出名录"]


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


def _report(name: str = "报告.pdf") -> FileUpload:
    return FileUpload(name, f"{name} 内容".encode())


def _step(to: str, on: dt.date, **kw: object) -> StepInput:
    return StepInput(to=to, report=_report(f"{to}报告.pdf"), on=on, **kw)  # type: ignore[arg-type]


def _ask(session: Session, parcel: str, on: dt.date, purpose: str = "供地") -> bool:
    row = gate(
        session,
        GateRequest(parcel, purpose, asked_by="自然资源局王科长", unit="市规划和自然资源局", on=on),
        today=on,
    )
    return row.allowed


def _samples(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "sample_id": [r[0] for r in rows],
            "item": [r[1] for r in rows],
            "value": [r[2] for r in rows],
            "source_row": list(range(2, len(rows) + 2)),
        }
    )


def test_lifecycle_gate_and_query_record(db_session: Session, store: EvidenceStore) -> None:
    add_plot(
        db_session,
        PlotInput("JC-001", "泽州县", "第一类用地", name="原化工厂地块", area_m2=12000.0),
        on=D(2021, 3, 1),
    )
    db_session.commit()
    asked_on = D(2021, 5, 6)
    assert _ask(db_session, "JC-001", asked_on) is False  # suspected: refused, 需开展调查
    duties = list_plot_duties(db_session, as_of=asked_on)
    assert [d["kind"] for d in duties] == ["survey"] and duties[0]["done_on"] is None

    answers = []
    day = D(2021, 6, 1)
    for stage in CHAIN:
        advance(
            db_session, "JC-001", _step(stage, day, review_meeting=f"{stage}评审会"), store=store
        )
        answers.append(_ask(db_session, "JC-001", day))
        day += dt.timedelta(days=30)
    db_session.commit()
    assert answers == [False, False, False, False, False, True]
    # entering 初步调查 closed the survey duty the gate had opened
    assert list_plot_duties(db_session, as_of=day)[0]["done_on"] == "2021-06-01"

    queries = [query_json(q) for q in list_queries(db_session, "JC-001")]
    assert len(queries) == 7
    assert [q["status"] for q in queries] == ["疑似污染地块", *CHAIN]
    assert [q["date"] for q in queries[:3]] == ["2021-05-06", "2021-06-01", "2021-07-01"]
    assert [q["allowed"] for q in queries] == [False] * 6 + [True]
    assert all(q["asked_by"] == "自然资源局王科长" for q in queries)
    count, problems = verify_chain(db_session)
    assert problems == [] and count >= 7 + 6 + 1
    assert verify_queries(db_session) == (7, [])


def test_skipping_a_stage_is_refused_and_nothing_written(
    db_session: Session, store: EvidenceStore
) -> None:
    add_plot(db_session, PlotInput("JC-002", "高平市", "第二类用地"), on=D(2021, 3, 1))
    db_session.commit()
    for target in ("详细调查", "风险评估", "效果评估", "移出名录"):
        with pytest.raises(LandError, match="不得跳过阶段"):
            advance(db_session, "JC-002", _step(target, D(2021, 4, 1)), store=store)
        db_session.rollback()
    with pytest.raises(LandError, match="须附土壤污染状况初步调查报告"):
        advance(db_session, "JC-002", StepInput("初步调查", None, D(2021, 4, 1)), store=store)
    db_session.rollback()
    plot = find_plot(db_session, "JC-002")
    assert plot.stage == "疑似污染地块" and plot.version == 1 and len(plot.steps) == 1


def _to_remediation(session: Session, parcel: str, use: str, store: EvidenceStore) -> None:
    add_plot(session, PlotInput(parcel, "城区", use), on=D(2021, 1, 5))
    day = D(2021, 2, 1)
    for stage in ("初步调查", "详细调查", "风险评估", "治理修复"):
        advance(session, parcel, _step(stage, day), store=store)
        day += dt.timedelta(days=20)
    session.commit()


def test_results_over_screening_block_the_effect_assessment(
    db_session: Session, store: EvidenceStore
) -> None:
    _to_remediation(db_session, "JC-003", "第一类用地", store)
    plot = find_plot(db_session, "JC-003")
    # 苯 1.5 mg/kg > 1 mg/kg (第一类用地筛选值, GB 36600-2018 表1 第26项)
    add_samples(
        db_session, plot, _samples([("S1", "苯", 1.5), ("S2", "铅", 120.0)]),
        stage=plot_stage(plot), taken_on=D(2021, 8, 1), source_sha256="a" * 64,
    )  # fmt: skip
    db_session.commit()
    with pytest.raises(LandError, match=r"效果评估不通过.*S1：苯 1.5 mg/kg"):
        advance(db_session, "JC-003", _step("效果评估", D(2021, 8, 10)), store=store)
    db_session.rollback()
    assert find_plot(db_session, "JC-003").stage == "治理修复"
    # after further remediation, new results at the screening value (≤ passes) unblock it
    plot = find_plot(db_session, "JC-003")
    add_samples(
        db_session, plot, _samples([("S1b", "苯", 1.0)]), stage=plot_stage(plot),
        taken_on=D(2021, 9, 1), source_sha256="b" * 64,
    )  # fmt: skip
    db_session.commit()
    with pytest.raises(LandError, match="效果评估不通过"):  # the old S1 result still stands
        advance(db_session, "JC-003", _step("效果评估", D(2021, 9, 10)), store=store)
    db_session.rollback()


def plot_stage(plot: object) -> object:
    from envplan.standards.land.lifecycle import Stage

    return Stage(plot.stage)  # type: ignore[attr-defined]


def test_same_result_passes_for_second_class_use(db_session: Session, store: EvidenceStore) -> None:
    _to_remediation(db_session, "JC-004", "第二类用地", store)
    plot = find_plot(db_session, "JC-004")
    # 苯 1.5 mg/kg ≤ 4 mg/kg (第二类用地筛选值): passes
    add_samples(
        db_session, plot, _samples([("S1", "苯", 1.5)]), stage=plot_stage(plot),
        taken_on=D(2021, 8, 1), source_sha256="c" * 64,
    )  # fmt: skip
    step = advance(db_session, "JC-004", _step("效果评估", D(2021, 8, 10)), store=store)
    db_session.commit()
    assert "均不超过第二类用地筛选值" in step.conclusion
    # preliminary results over screening did not count: they are not effect-assessment samples
    assert find_plot(db_session, "JC-004").stage == "效果评估"


def test_preliminary_exit_needs_results_all_within_screening(
    db_session: Session, store: EvidenceStore
) -> None:
    add_plot(db_session, PlotInput("JC-005", "阳城县", "第一类用地"), on=D(2021, 1, 5))
    advance(db_session, "JC-005", _step("初步调查", D(2021, 2, 1)), store=store)
    db_session.commit()
    with pytest.raises(LandError, match="尚无初步调查采样结果"):
        advance(db_session, "JC-005", _step("移出名录", D(2021, 3, 1)), store=store)
    db_session.rollback()
    plot = find_plot(db_session, "JC-005")
    # 铅 401 > 400 (第一类用地筛选值): must go to 详细调查
    add_samples(
        db_session, plot, _samples([("P1", "铅", 401.0)]), stage=plot_stage(plot),
        taken_on=D(2021, 2, 10), source_sha256="d" * 64,
    )  # fmt: skip
    db_session.commit()
    with pytest.raises(LandError, match="须开展详细调查"):
        advance(db_session, "JC-005", _step("移出名录", D(2021, 3, 1)), store=store)
    db_session.rollback()


def test_query_record_is_append_only_and_tampering_is_found(
    db_session: Session, db_backend: str
) -> None:
    add_plot(db_session, PlotInput("JC-006", "沁水县", None), on=D(2021, 1, 5))
    _ask(db_session, "JC-006", D(2021, 5, 1), purpose="收回")
    db_session.commit()
    for statement in (
        "UPDATE land_queries SET allowed = true",
        "DELETE FROM land_queries",
        "UPDATE land_steps SET reviewers = 'x'",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            db_session.execute(text(statement))
        db_session.rollback()
    assert verify_queries(db_session) == (1, [])
    # someone with database rights drops the guard and rewrites the answer
    if db_backend == "sqlite":
        db_session.execute(text("DROP TRIGGER land_queries_no_update"))
    else:
        db_session.execute(
            text("ALTER TABLE land_queries DISABLE TRIGGER land_queries_append_only")
        )
    db_session.execute(text("UPDATE land_queries SET allowed = true, status = '移出名录'"))
    db_session.commit()
    count, problems = verify_queries(db_session)
    assert count == 1 and len(problems) == 1
    assert "allowed" in problems[0].reason and "status" in problems[0].reason


def test_written_reply_attaches_without_editing_the_query(
    db_session: Session, store: EvidenceStore
) -> None:
    add_plot(db_session, PlotInput("JC-007", "陵川县", "第二类用地"), on=D(2021, 1, 5))
    _ask(db_session, "JC-007", D(2021, 5, 1), purpose="收购")
    db_session.commit()
    query = list_queries(db_session, "JC-007")[0]
    assert query.needs_written_reply
    attach_reply(
        db_session, query.id, replied_on=D(2021, 5, 8), text="该地块为疑似污染地块，须先开展调查。",
        upload=("复函.pdf", b"signed"), store=store,
    )  # fmt: skip
    db_session.commit()
    db_session.expire_all()
    shown = query_json(list_queries(db_session, "JC-007")[0])
    assert shown["replies"][0]["replied_on"] == "2021-05-08"
    assert shown["replies"][0]["file"] == "复函.pdf"
    with pytest.raises(LandError, match="不能早于查询日期"):
        attach_reply(
            db_session, query.id, replied_on=D(2021, 4, 30), text="x", upload=None, store=store
        )
    assert verify_queries(db_session) == (1, [])


def test_public_lists_show_plots_and_nothing_internal(
    db_session: Session, store: EvidenceStore
) -> None:
    add_plot(
        db_session, PlotInput("JC-008", "泽州县", "第一类用地", name="甲地块"), on=D(2021, 1, 5)
    )
    add_plot(db_session, PlotInput("JC-009", "城区", "第二类用地", name="乙地块"), on=D(2021, 1, 5))
    day = D(2021, 2, 1)
    for stage in ("初步调查", "详细调查", "风险评估", "风险管控"):
        advance(
            db_session, "JC-009",
            _step(stage, day, reviewers="评审专家李某某", review_meeting="秘密评审会"),
            store=store,
        )  # fmt: skip
        day += dt.timedelta(days=10)
    _ask(db_session, "JC-009", day)
    db_session.commit()
    published = public_lists(db_session)
    by_list = {g["key"]: [p["parcel_id"] for p in g["plots"]] for g in published["lists"]}
    assert by_list == {
        "suspected": ["JC-008"],
        "contaminated": [],
        "control": ["JC-009"],
        "delisted": [],
    }
    dumped = json.dumps(published, ensure_ascii=False)
    for internal in (
        "李某某",
        "秘密评审会",
        "王科长",
        "sha256",
        "报告.pdf",
        "reviewers",
        "queries",
    ):
        assert internal not in dumped
    control = published["lists"][2]["plots"][0]
    assert control["stage"] == "风险管控" and control["stage_on"] == "2021-03-03"


def test_county_clerk_edits_only_its_county(db_session: Session) -> None:
    clerk = Principal(7, "county-zz", Role.COUNTY_CLERK, county="泽州县")
    add_plot(db_session, PlotInput("JC-010", "泽州县", None), on=D(2021, 1, 5), actor=clerk)
    with pytest.raises(AccessDenied, match="城区"):
        add_plot(db_session, PlotInput("JC-011", "城区", None), on=D(2021, 1, 5), actor=clerk)
    viewer = Principal(8, "viewer", Role.VIEWER)
    with pytest.raises(AccessDenied):
        add_plot(db_session, PlotInput("JC-012", "城区", None), on=D(2021, 1, 5), actor=viewer)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PlotInput("", "泽州县"), "地块编号不能为空"),
        (PlotInput("X", "太原市"), "不是晋城市的县"),
        (PlotInput("X", "城区", "住宅"), "规划用途应为"),
        (PlotInput("X", "城区", stage="验收"), "地块状态「验收」无效"),
        (PlotInput("X", "城区", area_m2=-5.0), "面积（平方米）应为正数"),
        (PlotInput("X", "城区", former_enterprise_code="91350100M000100Y44"), "校验码错误"),
        (
            PlotInput("X", "城区", polygon={"type": "Point", "coordinates": [112.8, 35.5]}),
            "Polygon",
        ),
        (
            PlotInput(
                "X", "城区", polygon={"type": "Polygon", "coordinates": [[[1, 2], [3, 4], [1, 2]]]}
            ),
            "至少 4 个点",
        ),
        (
            PlotInput(
                "X",
                "城区",
                polygon={"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            ),
            "不在中国境内",
        ),
    ],
)
def test_bad_plot_input_names_the_field(db_session: Session, data: PlotInput, message: str) -> None:
    with pytest.raises(LandError, match=message):
        add_plot(db_session, data, on=D(2021, 1, 5))


def test_duplicate_parcel_refused(db_session: Session) -> None:
    add_plot(db_session, PlotInput("JC-013", "城区", None), on=D(2021, 1, 5))
    with pytest.raises(LandError, match="地块编号已存在"):
        add_plot(db_session, PlotInput("JC-013", "城区", None), on=D(2021, 1, 5))


def test_concurrent_advances_one_wins_one_conflicts(
    migrated_engine: object, store: EvidenceStore
) -> None:
    """Two clerks advance the same plot at once: exactly one step is kept, the other gets the
    zh-CN conflict (PostgreSQL: row lock then version check; SQLite: the single writer)."""
    import threading

    from envplan.services.land import LandConflict
    from envplan.store import make_session_factory

    factory = make_session_factory(migrated_engine)  # type: ignore[arg-type]
    with factory() as session:
        add_plot(session, PlotInput("JC-020", "城区", None), on=D(2021, 1, 5))
        session.commit()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    with factory() as session:
        version = find_plot(session, "JC-020").version  # both clerks opened the page at v1

    def clerk() -> None:
        barrier.wait(timeout=30)
        with factory() as session:
            try:
                advance(
                    session, "JC-020",
                    StepInput("初步调查", _report(), D(2021, 2, 1), expected_version=version),
                    store=store,
                )  # fmt: skip
                session.commit()
                outcomes.append("ok")
            except LandConflict as exc:
                session.rollback()
                outcomes.append("已被他人" if "已被他人" in str(exc) else str(exc))

    threads = [threading.Thread(target=clerk) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ok", "已被他人"]
    with factory() as session:
        plot = find_plot(session, "JC-020")
        assert plot.stage == "初步调查" and plot.version == 2 and len(plot.steps) == 2
