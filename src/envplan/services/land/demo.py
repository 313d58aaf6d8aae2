"""The 示例 land registry: invented plots across the counties at every stage, sample results, gate
queries with a written reply, and key supervised units with duties in every light.

No public registry of Jincheng's plots exists: every name carries 【示例】 and every row
``is_demo``; parcel ids start with "示例-". Idempotent (skipped when a 示例 plot exists).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.access import Principal, Role
from envplan.services.enterprises import list_enterprises
from envplan.services.land.common import DEMO_TAG
from envplan.services.land.gate import GateRequest, attach_reply, gate
from envplan.services.land.plots import (
    FileUpload,
    PlotInput,
    StepInput,
    add_plot,
    add_samples,
    advance,
)
from envplan.services.land.units import KeyUnitInput, add_key_unit, complete_duty, plan_demolition
from envplan.standards.land.lifecycle import Stage
from envplan.store import EvidenceStore
from envplan.store.land import LandPlot

D = dt.date
DEMO_ACTOR = Principal(None, "demo-seed", Role.ADMIN)
_CHAIN = (
    Stage.PRELIMINARY,
    Stage.DETAILED,
    Stage.RISK_ASSESSMENT,
    Stage.REMEDIATION,
    Stage.EFFECT_ASSESSMENT,
    Stage.DELISTED,
)
_CONTROL_CHAIN = (Stage.PRELIMINARY, Stage.DETAILED, Stage.RISK_ASSESSMENT, Stage.RISK_CONTROL)

# (parcel, name, county, town, planned use, former use, area m², how many steps of the chain)
_PLOTS = (
    ("示例-ZZ-001", "原某化工厂地块", "泽州县", "巴公镇", "第一类用地", "化学原料制造", 35200.0, 0),
    ("示例-CQ-002", "原某电镀厂地块", "城区", "钟家庄街道", "第一类用地", "电镀", 8600.0, 1),
    ("示例-GP-003", "原某焦化厂地块", "高平市", "米山镇", "第二类用地", "炼焦", 126000.0, 2),
    ("示例-YC-004", "原某铸造厂地块", "阳城县", "凤城镇", "第二类用地", "铸造", 15400.0, 3),
    ("示例-QS-005", "原某农药厂地块", "沁水县", "龙港镇", "第一类用地", "农药制造", 22800.0, 4),
    ("示例-LC-006", "原某制革厂地块", "陵川县", "崇文镇", "第一类用地", "皮革鞣制", 9800.0, 5),
    ("示例-KF-007", "原某危废贮存场地块", "开发区", "", "第二类用地", "危险废物贮存", 5400.0, 6),
)

_BOUNDARY = {
    "type": "Polygon",
    "coordinates": [
        [[112.86, 35.50], [112.87, 35.50], [112.87, 35.51], [112.86, 35.51], [112.86, 35.50]]
    ],
}


def _report(stage: Stage, parcel: str) -> FileUpload:
    text = f"{DEMO_TAG}{parcel} {stage.value}报告（演示用占位文件）"
    return FileUpload(f"示例-{parcel}-{stage.value}报告.txt", text.encode("utf-8"))


def _results(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "sample_id": [r[0] for r in rows],
            "item": [r[1] for r in rows],
            "value": [r[2] for r in rows],
            "source_row": list(range(2, len(rows) + 2)),
        }
    )


def seed_land_demo(
    session: Session, *, evidence_store: EvidenceStore | None, as_of: dt.date = D(2021, 9, 30)
) -> int:
    """Seed the 示例 registry (caller commits); returns the number of plots created (0 if seeded,
    or without an evidence store: every step's report is a stored file)."""
    if evidence_store is None:
        return 0
    if session.scalar(select(LandPlot.id).where(LandPlot.is_demo.is_(True)).limit(1)):
        return 0
    created = 0
    for parcel, name, county, town, use, former, area, steps in _PLOTS:
        add_plot(
            session,
            PlotInput(
                parcel_id=parcel,
                county=county,
                planned_use=use,
                name=f"{DEMO_TAG}{name}",
                town=town,
                area_m2=area,
                polygon=_BOUNDARY if parcel.endswith("001") else None,
                former_use=former,
                former_enterprise_name=f"{DEMO_TAG}{name.removeprefix('原').removesuffix('地块')}",
            ),
            on=D(2021, 1, 15),
            actor=DEMO_ACTOR,
            is_demo=True,
        )
        created += 1
        chain = _CONTROL_CHAIN if parcel.endswith("005") else _CHAIN
        day = D(2021, 2, 1)
        for stage in chain[:steps]:
            if stage is Stage.EFFECT_ASSESSMENT:
                plot = session.scalar(select(LandPlot).where(LandPlot.parcel_id == parcel))
                assert plot is not None
                # 示例 post-remediation results within the screening values (GB 36600 表1)
                add_samples(
                    session, plot, _results([("E1", "苯", 0.4), ("E2", "铅", 210.0)]),
                    stage=Stage.REMEDIATION, taken_on=day, source_sha256="0" * 63 + "1",
                    actor=DEMO_ACTOR, is_demo=True, source_name="示例",
                )  # fmt: skip
            advance(
                session,
                parcel,
                StepInput(
                    to=stage.value,
                    report=_report(stage, parcel),
                    on=day,
                    review_meeting=f"{DEMO_TAG}{county}{stage.value}报告评审会",
                    reviewed_on=day - dt.timedelta(days=7),
                    reviewers=f"{DEMO_TAG}专家组（内部）",
                    conclusion=f"{DEMO_TAG}评审通过",
                ),
                store=evidence_store,
                actor=DEMO_ACTOR,
                is_demo=True,
            )
            day += dt.timedelta(days=28)
    # A preliminary investigation of the 城区 plot found 铅 above the first-class screening value.
    plot = session.scalar(select(LandPlot).where(LandPlot.parcel_id == "示例-CQ-002"))
    assert plot is not None
    add_samples(
        session, plot, _results([("S1", "铅", 520.0), ("S2", "砷", 12.0), ("S3", "苯", 0.2)]),
        stage=Stage.PRELIMINARY, taken_on=D(2021, 2, 20), source_sha256="0" * 63 + "2",
        actor=DEMO_ACTOR, is_demo=True, source_name="示例",
    )  # fmt: skip
    asker = f"{DEMO_TAG}市规划和自然资源局经办人"
    for parcel, purpose, on in (
        ("示例-ZZ-001", "供地", D(2021, 5, 10)),
        ("示例-GP-003", "收回", D(2021, 6, 18)),
        ("示例-KF-007", "供地", D(2021, 8, 30)),
    ):
        row = gate(
            session,
            GateRequest(parcel, purpose, asked_by=asker, unit="市规划和自然资源局", on=on),
            today=as_of,
            actor=DEMO_ACTOR,
            is_demo=True,
        )
        if row.needs_written_reply:
            attach_reply(
                session, row.id, replied_on=on + dt.timedelta(days=5),
                text=f"{DEMO_TAG}该地块处于详细调查阶段，调查评估完成前不得收回后供地。",
                upload=None, store=evidence_store, actor=DEMO_ACTOR, is_demo=True,
            )  # fmt: skip
    units = (
        ("某铅锌冶炼有限公司", "阳城县", True, None, "有色金属冶炼"),
        ("某焦化有限公司", "高平市", False, None, "炼焦"),
        ("某电镀园区", "城区", True, D(2021, 7, 1), "电镀"),
        ("某化工有限公司", "泽州县", False, None, "化学原料制造"),
    )
    for n, (name, county, heavy, listed, industry) in enumerate(units):
        unit = add_key_unit(
            session,
            KeyUnitInput(
                f"{DEMO_TAG}{name}", county, industry=industry, heavy_metal=heavy, listed_on=listed
            ),
            actor=DEMO_ACTOR,
            is_demo=True,
        )
        if n % 2 == 0:  # half the first-round investigations done in time
            hidden = next(d for d in unit.duties if d.kind == "hidden_danger")
            complete_duty(
                session, hidden.id, done_on=D(2021, 9, 15), note=f"{DEMO_TAG}已完成隐患排查",
                actor=DEMO_ACTOR,
            )  # fmt: skip
        if n in (1, 3):  # demolitions: one plan overdue (red), one due soon (yellow) on 09-30
            plan_demolition(
                session, unit.id, demolition_on=D(2021, 9, 21) if n == 1 else D(2021, 10, 21),
                note=f"{DEMO_TAG}拆除旧生产线", actor=DEMO_ACTOR,
            )  # fmt: skip
    # Key units that are also in the 示例 enterprise registry: linked by their credit code.

    linked = [
        e
        for e in list_enterprises(session)
        if e.is_demo and e.industry in ("铅锌冶炼", "铜冶炼", "焦化", "铸造")
    ][:2]
    for enterprise in linked:
        add_key_unit(
            session,
            KeyUnitInput(
                credit_code=enterprise.credit_code,
                heavy_metal=enterprise.industry in ("铅锌冶炼", "铜冶炼"),
                listed_on=D(2021, 8, 1),
            ),
            actor=DEMO_ACTOR,
            is_demo=True,
        )
    return created
