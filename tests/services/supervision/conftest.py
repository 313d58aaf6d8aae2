"""Fixtures for supervision tests: dual-backend database (SQLite and PostgreSQL), a small
hand-written plan whose occurrences are easy to count by hand, and one user per role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from envplan.plan import County, Deadline, Measure, Milestone, Plan, SubPlan, Unit
from envplan.services.access import Principal, Role, create_user
from envplan.services.supervision import load_plan_into_db
from envplan.store.testing import (  # noqa: F401
    db_backend,
    db_engine,
    db_session,
    db_url,
    migrated_engine,
)

D = dt.date


def _measure(
    mid: str, number: str, deadline: Deadline, lead: str, all_counties: bool = False
) -> Measure:
    return Measure(
        id=mid,
        number=number,
        chapter="三、重点任务",
        section="（一）测试",
        text=f"测试任务 {mid}",
        deadline=deadline,
        lead_units=(lead,),
        all_counties=all_counties,
        clauses=(),
    )


def mini_plan() -> Plan:
    units = (
        Unit(id="sthjj", name="市生态环境局", kind="municipal_department"),
        Unit(id="gxj", name="市工信局", kind="municipal_department"),
        Unit(id="zezhou-gov", name="泽州县人民政府", kind="county_government", county="zezhou"),
        Unit(id="gaoping-gov", name="高平市人民政府", kind="county_government", county="gaoping"),
    )
    counties = (
        County(id="zezhou", name="泽州县", government_unit="zezhou-gov"),
        County(id="gaoping", name="高平市", government_unit="gaoping-gov"),
    )
    air = SubPlan(
        key="air",
        title="测试空气计划",
        headings=(),
        targets=(),
        measures=(
            # 2021-06-30 is a Wednesday
            _measure(
                "air-m01",
                "1",
                Deadline(raw="2021年6月底前", kind="by_date", due=D(2021, 6, 30)),
                "sthjj",
                True,
            ),
            _measure("air-m02", "2", Deadline(raw="长期坚持", kind="long_term"), "gxj"),
            _measure(
                "air-m03",
                "3",
                Deadline(raw="每季度开展一次", kind="recurring", frequency="quarterly"),
                "zezhou-gov",
            ),
            _measure(
                "air-m04",
                "4",
                Deadline(raw="2021年5—9月", kind="window", start=D(2021, 5, 1), end=D(2021, 9, 30)),
                "gaoping-gov",
            ),
            # 2021-10-01 is a National Day holiday
            _measure(
                "air-m05",
                "5",
                Deadline(raw="2021年10月1日前", kind="by_date", due=D(2021, 10, 1)),
                "gxj",
            ),
        ),
    )
    water = SubPlan(
        key="water",
        title="测试水计划",
        headings=(),
        targets=(),
        measures=(
            _measure(
                "water-m01",
                "(一)1",
                Deadline(
                    raw="4月底前完成排查，6月底前制定方案，年底前完成整治",
                    kind="milestones",
                    milestones=(
                        Milestone(raw="4月底前", due=D(2021, 4, 30), label="完成排查"),
                        Milestone(raw="6月底前", due=D(2021, 6, 30), label="制定方案"),
                        Milestone(raw="年底前", due=D(2021, 12, 31), label="完成整治"),
                    ),
                ),
                "zezhou-gov",
            ),
        ),
    )
    return Plan(
        id="mini-2021",
        city="测试市",
        document_number="测试〔2021〕1号",
        issued=D(2021, 4, 8),
        version="v1",
        title="测试计划",
        plan_year=2021,
        counties=counties,
        units=units,
        subplans=(air, water),
        zones=(),
    )


@dataclass
class People:
    admin: Principal
    clerk: Principal  # 市工信局 clerk
    leader: Principal  # 市工信局 leader
    county_clerk: Principal  # 泽州县
    viewer: Principal
    other_clerk: Principal  # 市生态环境局 clerk


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with minimal cost in tests (the production parameters take ~0.25 s per hash)."""
    from argon2 import PasswordHasher

    from envplan.services import access

    monkeypatch.setattr(
        access, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def mini_session(db_session: Session) -> Session:  # noqa: F811
    load_plan_into_db(db_session, mini_plan())
    db_session.commit()
    return db_session


@pytest.fixture
def people(mini_session: Session) -> People:
    def add(name: str, role: Role, unit: str | None = None, county: str | None = None) -> Principal:
        user = create_user(
            mini_session,
            username=name,
            password="secret-123",
            role=role,
            unit_id=unit,
            county=county,
        )
        return Principal.of(user)

    result = People(
        admin=add("admin", Role.ADMIN, "sthjj"),
        clerk=add("gxj-clerk", Role.UNIT_CLERK, "gxj"),
        leader=add("gxj-leader", Role.UNIT_LEADER, "gxj"),
        county_clerk=add("zezhou-clerk", Role.COUNTY_CLERK, county="泽州县"),
        viewer=add("viewer", Role.VIEWER),
        other_clerk=add("sthjj-clerk", Role.UNIT_CLERK, "sthjj"),
    )
    mini_session.commit()
    return result
