"""Emergency lists (hand sums over totals), recorded warnings, inspections, the demo registry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, AccessDenied, Principal, Role
from envplan.services.emergency import (
    EmergencyError,
    WarningError,
    build_list,
    change_warning,
    issue_warning,
    list_inspections,
    record_inspection,
    set_totals,
    warning_in_force,
)
from envplan.services.emergency.demo import seed_emergency_demo
from envplan.services.enterprises import (
    EmissionInput,
    EnterpriseInput,
    GradeInput,
    list_enterprises,
    save_enterprise,
)
from envplan.store.audit import verify_chain
from envplan.store.enterprises import WarningEvent

from .conftest import PUBLISHED_CODES

CODES = [*PUBLISHED_CODES, "91110000802100433B"]  # the 4th: 中国石油化工股份有限公司
D = dt.date(2020, 10, 1)


def _emissions(so2: float, nox: float, pm: float, vocs: float) -> tuple[EmissionInput, ...]:
    values = {"SO2": so2, "NOx": nox, "PM": pm, "VOCs": vocs}
    return tuple(EmissionInput(2020, p, v, "测试") for p, v in values.items())


@pytest.fixture
def registry(db_session: Session) -> Session:
    """Four enterprises and totals whose shares are easy to compute by hand (t/a ÷ 365)."""
    save_enterprise(db_session, EnterpriseInput(
        CODES[0], "水泥B", "阳城县", "水泥", emissions=_emissions(73, 365, 36.5, 0),
        grade=GradeInput("B", D)))  # fmt: skip
    save_enterprise(db_session, EnterpriseInput(
        CODES[1], "焦化A", "泽州县", "焦化", emissions=_emissions(365, 365, 365, 365),
        grade=GradeInput("A", D), measures={"yellow": (0.5, "自定"), "red": (0.5, "自定")}))  # fmt: skip
    save_enterprise(db_session, EnterpriseInput(
        CODES[2], "铸造C", "高平市", "铸造", emissions=_emissions(36.5, 730, 73, 36.5),
        grade=GradeInput("C", D), clean_transport=True,
        measures={"yellow": (0.5, "限产50%"), "orange": (1.0, "停产"), "red": (1.0, "停产")}))  # fmt: skip
    save_enterprise(db_session, EnterpriseInput(
        CODES[3], "焦化引领", "泽州县", "焦化", emissions=_emissions(100, 100, 100, 100),
        grade=GradeInput("引领性", D), measures={"red": (1.0, "自定停产")}))  # fmt: skip
    set_totals(db_session, 2020, {"SO2": 365, "NOx": 3650, "PM": 730, "VOCs": 365}, source="测试")
    db_session.commit()
    return db_session


def test_yellow_list_by_hand(registry: Session) -> None:
    result = build_list(registry, "yellow")
    # daily totals: SO2 1, NOx 10, PM 2, VOCs 1 t/d
    assert result.totals == pytest.approx({"SO2": 1.0, "NOx": 10.0, "PM": 2.0, "VOCs": 1.0})
    by_name = {e.name: e for e in result.enterprises}
    # 水泥 B at yellow: 不限产 (guide); 焦化 A and 引领性: no mandatory cut despite own plans
    assert by_name["水泥B"].reductions == dict.fromkeys(["SO2", "NOx", "PM", "VOCs"], 0.0)
    assert sum(by_name["焦化A"].reductions.values()) == 0.0
    assert sum(by_name["焦化引领"].reductions.values()) == 0.0
    # 铸造 C, own 50 %: SO2 36.5×0.5/365 = 0.05, NOx 730×0.5/365 = 1.0, PM 0.1, VOCs 0.05
    assert by_name["铸造C"].reductions == pytest.approx(
        {"SO2": 0.05, "NOx": 1.0, "PM": 0.1, "VOCs": 0.05}
    )
    hand = {"SO2": 0.05 / 1, "NOx": 1.0 / 10, "PM": 0.1 / 2, "VOCs": 0.05 / 1}
    assert result.share == pytest.approx(hand)
    assert result.required == 0.10
    # NOx exactly at 10 % meets; the three others fall 5 points short
    assert not result.meets
    assert set(result.shortfall) == {"SO2", "PM", "VOCs"}
    assert result.shortfall["PM"]["share"] == pytest.approx(5.0)
    assert result.shortfall["PM"]["tonnes_per_day"] == pytest.approx(0.1)
    contract = result.contract()
    assert contract["meets"] is False and "未达到" in contract["message"]
    assert {"credit_code", "name", "county", "grade", "measures", "reductions"} <= set(
        contract["enterprises"][0]
    )


def test_red_and_orange_lists_by_hand(registry: Session) -> None:
    red = build_list(registry, "red")
    # 水泥B 停产: 0.2, 1.0, 0.1, 0; 铸造C 停产: 0.1, 2.0, 0.2, 0.1
    assert red.reduced == pytest.approx({"SO2": 0.3, "NOx": 3.0, "PM": 0.3, "VOCs": 0.1})
    assert red.share == pytest.approx({"SO2": 0.3, "NOx": 0.3, "PM": 0.15, "VOCs": 0.1})
    assert set(red.shortfall) == {"PM", "VOCs"}
    orange = build_list(registry, "orange")
    # 水泥B 限产20%: 0.04, 0.2, 0.02, 0; plus 铸造C 停产
    assert orange.share == pytest.approx({"SO2": 0.14, "NOx": 0.22, "PM": 0.11, "VOCs": 0.10})
    assert orange.required == 0.20


def test_transport_and_gate_flags(registry: Session) -> None:
    result = build_list(registry, "red")
    by_name = {e.name: e for e in result.enterprises}
    assert any("错峰运输" in m for m in by_name["水泥B"].measures)  # no clean transport
    assert not any("错峰运输" in m for m in by_name["铸造C"].measures)
    assert any("门禁" in n for n in by_name["焦化A"].notes)


def test_list_needs_totals(db_session: Session) -> None:
    with pytest.raises(EmergencyError, match="全社会排放总量"):
        build_list(db_session, "red")
    with pytest.raises(EmergencyError, match="yellow、orange 或 red"):
        build_list(db_session, "purple")


def test_county_clerk_list_is_its_county(registry: Session) -> None:
    clerk = Principal(None, "c", Role.COUNTY_CLERK, county="泽州县")
    result = build_list(registry, "red", principal=clerk)
    assert {e.county for e in result.enterprises} == {"泽州县"}


def test_warning_lifecycle_recorded(db_session: Session) -> None:
    w = issue_warning(db_session, "yellow", on=dt.date(2021, 1, 10), start=dt.date(2021, 1, 11))
    with pytest.raises(WarningError, match="已有"):
        issue_warning(db_session, "red", on=dt.date(2021, 1, 11), start=dt.date(2021, 1, 11))
    change_warning(db_session, w.id, "red", on=dt.date(2021, 1, 11))
    change_warning(db_session, w.id, "orange", on=dt.date(2021, 1, 12))
    change_warning(db_session, w.id, "none", on=dt.date(2021, 1, 13))
    db_session.commit()
    assert [e.action for e in w.events] == ["issue", "upgrade", "downgrade", "lift"]
    assert warning_in_force(db_session, dt.date(2021, 1, 12)).id == w.id  # type: ignore[union-attr]
    assert warning_in_force(db_session, dt.date(2021, 1, 13)) is None
    assert verify_chain(db_session) == (4, [])
    clerk = Principal(None, "c", Role.COUNTY_CLERK, county="泽州县")
    with pytest.raises(AccessDenied):
        issue_warning(db_session, "red", on=dt.date(2021, 2, 1), start=dt.date(2021, 2, 1),
                      principal=clerk)  # fmt: skip


def test_warning_events_are_append_only(db_session: Session) -> None:
    issue_warning(db_session, "yellow", on=dt.date(2021, 1, 10), start=dt.date(2021, 1, 11))
    db_session.commit()
    event = db_session.query(WarningEvent).one()
    event.note = "改写"
    with pytest.raises(DBAPIError, match="append-only"):
        db_session.commit()
    db_session.rollback()


def test_inspections_scoped_and_audited(registry: Session) -> None:
    clerk = Principal(None, "c", Role.COUNTY_CLERK, county="泽州县")
    record_inspection(registry, CODES[1], on=dt.date(2021, 1, 12), inspector="王五",
                      compliant=False, finding="未落实", principal=clerk)  # fmt: skip
    with pytest.raises(AccessDenied):
        record_inspection(registry, CODES[0], on=dt.date(2021, 1, 12), inspector="王五",
                          compliant=True, principal=clerk)  # fmt: skip
    registry.commit()
    assert [i.enterprise.name for i in list_inspections(registry, principal=clerk)] == ["焦化A"]


def test_demo_registry_shows_every_grade_and_a_shortfall(db_session: Session) -> None:
    assert seed_emergency_demo(db_session) == 16
    assert seed_emergency_demo(db_session) == 0  # idempotent
    db_session.commit()
    enterprises = list_enterprises(db_session)
    assert all(e.name.startswith("【示例】") and e.is_demo for e in enterprises)
    counties = {e.county for e in enterprises}
    assert counties == {"城区", "泽州县", "高平市", "阳城县", "陵川县", "沁水县", "开发区"}
    lists = {lv: build_list(db_session, lv) for lv in ("yellow", "orange", "red")}
    grades = {e.grade for e in lists["red"].enterprises}
    assert grades == {"A", "引领性", "B", "B-", "C", "D", "非重点"}
    assert lists["yellow"].meets and lists["orange"].meets and not lists["red"].meets
    assert verify_chain(db_session)[1] == []


def test_list_export_layout(registry: Session, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from envplan.reports.enterprises_xlsx import write_emergency_list

    out = tmp_path / "red.xlsx"
    write_emergency_list(out, build_list(registry, "red"))
    ws = load_workbook(out).active
    assert ws is not None
    assert ws["A1"].value == "晋城市重污染天气红色预警应急减排清单（工业源）"
    assert ws["A4"].value == "序号" and ws["C4"].value == "企业名称"
    labels = [ws.cell(row=r, column=1).value for r in range(5, ws.max_row + 1)]
    assert "减排比例" in labels and any(str(v).startswith("是否达标") for v in labels)


def test_system_can_set_totals_only_positive(db_session: Session) -> None:
    with pytest.raises(EmergencyError, match="正数"):
        set_totals(db_session, 2020, {"SO2": 0}, source="x", principal=SYSTEM)
