"""Infrastructure indicators: reported below target → red light → in the bulletin."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, AccessDenied, Principal, Role
from envplan.services.bulletin import (
    assemble_monthly_bulletin,
    infrastructure_facts,
    with_infrastructure_section,
)
from envplan.services.water_graph import IndicatorError, indicator_board, report_indicator
from envplan.store import EvidenceStore


def _row(board: list[dict], target_id: str, area: str) -> dict:  # type: ignore[type-arg]
    return next(r for r in board if r["target_id"] == target_id and r["area"] == area)


def test_below_target_turns_red_and_reaches_the_bulletin(records: Session, tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "evidence")
    # 水 (二)2: 进水BOD₅平均浓度 ≥ 150 mg/L (water-t09); 128 is below → 红.
    report_indicator(
        records, SYSTEM, target_id="water-t09", period="2021-06", value=128.0,
        reported_on=dt.date(2021, 7, 5), evidence=("台账.xlsx", b"ledger"), evidence_store=store,
    )  # fmt: skip
    # 水 (一)3: 再生水利用率 ≥ 23 % (water-t08); 24.5 meets → 绿.
    report_indicator(
        records, SYSTEM, target_id="water-t08", period="2021-06", value=24.5,
        reported_on=dt.date(2021, 7, 5),
    )  # fmt: skip
    board = indicator_board(records, as_of_period="2021-06")
    bod = _row(board, "water-t09", "全市")
    assert (bod["state"], bod["light"], bod["value"]) == ("below", "红", 128.0)
    assert bod["evidence"] == "台账.xlsx"
    assert _row(board, "water-t08", "全市")["light"] == "绿"
    assert _row(board, "water-t14", "—")["light"] == "灰"
    # Before June nothing was reported.
    assert _row(indicator_board(records, as_of_period="2021-05"), "water-t09", "—")["light"] == "灰"
    # A later report for the same target supersedes: 155 ≥ 150 → 绿 in July.
    report_indicator(
        records, SYSTEM, target_id="water-t09", period="2021-07", value=155.0,
        reported_on=dt.date(2021, 8, 5),
    )  # fmt: skip
    assert (
        _row(indicator_board(records, as_of_period="2021-07"), "water-t09", "全市")["light"] == "绿"
    )

    bulletin = assemble_monthly_bulletin("2021-06")
    with_section = with_infrastructure_section(bulletin, records)
    headings = [h for h, _ in with_section.numbered_sections()]
    assert len(headings) == len(bulletin.sections) + 1
    assert headings[-2].endswith("基础设施指标与水质预警")
    section = with_section.sections[-2]
    paragraph = section.blocks[0]
    assert "1 项未达目标" in paragraph.text and "城镇污水处理厂进水BOD₅平均浓度" in paragraph.text
    table = section.blocks[1]
    lights = {row[0].text: row[5].text for row in table.rows if row[1].text == "全市"}
    assert lights["城镇污水处理厂进水BOD₅平均浓度"] == "红（未达目标）"
    assert infrastructure_facts(records, dt.date(2021, 6, 1)).month == "2021-06"


def test_who_may_report(records: Session) -> None:
    # water-t09 belongs to 水 (二)2, led by 市住建局 and 市城市管理局.
    outsider = Principal(None, "x", Role.UNIT_CLERK, unit_id="市工信局")
    with pytest.raises(AccessDenied):
        report_indicator(
            records,
            outsider,
            target_id="water-t09",
            period="2021-06",
            value=1.0,
            reported_on=dt.date(2021, 7, 1),
        )
    county = Principal(None, "zz", Role.COUNTY_CLERK, county="泽州县")
    report_indicator(
        records,
        county,
        target_id="water-t12",
        period="2021-06",
        value=28.0,
        reported_on=dt.date(2021, 7, 1),
        area="泽州县",
    )
    with pytest.raises(AccessDenied):
        report_indicator(
            records,
            county,
            target_id="water-t12",
            period="2021-06",
            value=28.0,
            reported_on=dt.date(2021, 7, 1),
            area="高平市",
        )
    board = indicator_board(records, as_of_period="2021-06")
    assert _row(board, "water-t12", "泽州县")["light"] == "红"  # 28 < 33
    with pytest.raises(IndicatorError, match="字段 时段"):
        report_indicator(
            records,
            SYSTEM,
            target_id="water-t09",
            period="2021-6",
            value=1.0,
            reported_on=dt.date(2021, 7, 1),
        )
    with pytest.raises(IndicatorError, match="字段 指标"):
        report_indicator(
            records,
            SYSTEM,
            target_id="water-t99",
            period="2021-06",
            value=1.0,
            reported_on=dt.date(2021, 7, 1),
        )


def test_monthly_bulletin_file_carries_the_section(records: Session) -> None:
    from envplan.plan import default_plan
    from envplan.reports.bulletin import render_bulletin
    from envplan.services.bulletin import BulletinRequest, monthly_bulletin
    from envplan.services.month import Month

    report_indicator(
        records, SYSTEM, target_id="water-t11", period="2021-06", value=41.0,
        reported_on=dt.date(2021, 7, 5), area="市区建成区",
    )  # fmt: skip
    result = monthly_bulletin(
        BulletinRequest(month=Month.parse("2021-06"), with_ledger=False),
        plan=default_plan(),
        session=records,
    )
    files = render_bulletin(result, ("html",))
    assert isinstance(files, dict)
    html = files["html"].decode("utf-8")
    # 水 (二)2: 市区建成区 ≥ 50 %; 41 % → 红.
    assert "基础设施指标与水质预警" in html and "红（未达目标）" in html
    assert "雨污合流制管网剩余量改造完成比例" in html
