"""The bulletin's progress sections on a small hand-written plan, on SQLite and PostgreSQL.

Expected figures are counted by hand from the deadlines below and the reports this test files
(as of 2021-06-30; deadlines on non-working days are kept, the supervision default):

unit / occurrences due by 2021-06-30          on time  late  overdue (open on 6-30 not overdue)
市生态环境局  air-m01 due 6-30 (done 6-29)            1      0     0
市工信局      air-m02 monthly Jan–Jun (6)             1 Jan  1 Feb 3 (Mar, Apr, May; Jun open)
泽州县人民政府 air-m03 Q1, Q2; water-m01 4-30, 6-30   1 (4-30) 0     1 (Q1)
高平市人民政府 air-m04 window May–Sep: May, Jun       0      0     1 (May)

and every table number is also compared with the value the supervision service froze.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.plan import County, Deadline, Measure, Milestone, Plan, SubPlan, Unit
from envplan.reports.bulletin import write_bulletin
from envplan.reports.bulletin_xlsx import write_bulletin_xlsx
from envplan.services import supervision as sv
from envplan.services.bulletin import assemble_monthly_bulletin, ledger_book
from envplan.services.bulletin.sources import supervision_facts
from envplan.store.models import Occurrence, Task
from envplan.store.testing import (  # noqa: F401
    db_backend,
    db_engine,
    db_session,
    db_url,
    migrated_engine,
)

D = dt.date


def _measure(mid: str, number: str, deadline: Deadline, lead: str) -> Measure:
    return Measure(
        id=mid,
        number=number,
        chapter="三、重点任务",
        section="（一）测试",
        text=f"测试任务{number}",
        deadline=deadline,
        lead_units=(lead,),
        clauses=(),
    )


def mini_plan() -> Plan:
    air = SubPlan(
        key="air",
        title="测试空气计划",
        headings=(),
        targets=(),
        measures=(
            _measure("air-m01", "1", Deadline(kind="by_date", due=D(2021, 6, 30)), "sthjj"),
            _measure("air-m02", "2", Deadline(raw="长期坚持", kind="long_term"), "gxj"),
            _measure(
                "air-m03", "3", Deadline(kind="recurring", frequency="quarterly"), "zezhou-gov"
            ),
            _measure(
                "air-m04",
                "4",
                Deadline(kind="window", start=D(2021, 5, 1), end=D(2021, 9, 30)),
                "gaoping-gov",
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
        counties=(
            County(id="zezhou", name="泽州县", government_unit="zezhou-gov"),
            County(id="gaoping", name="高平市", government_unit="gaoping-gov"),
        ),
        units=(
            Unit(id="sthjj", name="市生态环境局", kind="municipal_department"),
            Unit(id="gxj", name="市工信局", kind="municipal_department"),
            Unit(id="zezhou-gov", name="泽州县人民政府", kind="county_government", county="zezhou"),
            Unit(
                id="gaoping-gov", name="高平市人民政府", kind="county_government", county="gaoping"
            ),
        ),
        subplans=(air, water),
        zones=(),
    )


def _occurrence(session: Session, task_key: str, seq: int = 1) -> Occurrence:
    return session.scalars(
        select(Occurrence)
        .join(Occurrence.task)
        .where(Task.task_key == task_key, Occurrence.seq == seq)
    ).one()


def _done(session: Session, task_key: str, seq: int, reported: dt.date, approved: dt.date) -> None:
    occurrence = _occurrence(session, task_key, seq)
    report = sv.submit_report(
        session,
        sv.SYSTEM,
        occurrence.id,
        expected_version=occurrence.version,
        reported_on=reported,
        state="done",
        percent=100,
        narrative="完成",
    )
    sv.approve_report(
        session,
        sv.SYSTEM,
        report.id,
        expected_version=occurrence.version,
        reviewed_on=approved,
    )


@pytest.fixture
def scenario(db_session: Session) -> Session:  # noqa: F811
    plan = mini_plan()
    sv.load_plan_into_db(db_session, plan)
    _done(db_session, "air-m01", 1, D(2021, 6, 29), D(2021, 6, 30))
    _done(db_session, "air-m02", 1, D(2021, 1, 20), D(2021, 1, 21))  # January, on time
    _done(db_session, "air-m02", 2, D(2021, 3, 5), D(2021, 3, 6))  # February, late
    _done(db_session, "water-m01", 1, D(2021, 4, 28), D(2021, 4, 29))
    sv.escalate(db_session, as_of=D(2021, 6, 30))
    first_notice = sv.list_notices(db_session, as_of=D(2021, 6, 30))[0]
    sv.reply_notice(
        db_session, sv.SYSTEM, first_notice.notice_id, replied_on=first_notice.issued_on,
        text="已整改",
    )  # fmt: skip
    sv.take_snapshot(db_session, "2021-06")
    db_session.commit()
    return db_session


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _table_after(document, caption: str):
    """The docx table whose caption paragraph ends with ``caption``."""
    body = document.element.body
    captions = [
        p for p in document.paragraphs if p.text.startswith("表") and p.text.endswith(caption)
    ]
    assert captions, f"no table caption {caption!r}"
    element = captions[0]._p.getnext()
    while element is not None and element.tag != document.tables[0]._tbl.tag:
        element = element.getnext()
    assert element is not None and element.getparent() is body
    return next(t for t in document.tables if t._tbl is element)


@pytest.fixture
def documents(scenario: Session, tmp_path: Path, chart_stub):
    plan = mini_plan()
    facts = supervision_facts("2021-06", plan=plan, session=scenario)
    assert facts is not None
    bulletin = assemble_monthly_bulletin("2021-06", plan=plan, supervision=facts)

    def ledger(bulletin, path: Path) -> None:
        book = ledger_book(scenario, as_of=D(2021, 6, 30))
        write_bulletin_xlsx(bulletin, path, ledger=book)

    files = write_bulletin(
        bulletin, tmp_path, ("docx", "xlsx"), ledger_writer=ledger, render_chart=chart_stub
    )
    return facts, bulletin, Document(str(files.paths["docx"])), load_workbook(files.paths["xlsx"])


def test_plan_table_hand_counted_and_equal_to_snapshot(documents, scenario: Session) -> None:
    _facts, _, document, _ = documents
    table = _rows(_table_after(document, "2021年6月各行动计划任务完成情况"))
    assert table[0][:7] == [
        "行动计划",
        "应完成",
        "已完成",
        "按时完成",
        "逾期完成",
        "逾期未完成",
        "按时完成率",
    ]
    by_plan = {row[0]: row for row in table[1:]}
    # Hand count: air 1 + 6 + 2 + 2 = 11 due, on time air-m01 and January, late February,
    # overdue Mar/Apr/May + Q1 + May = 5; water 2 due (4-30 on time, 6-30 open).
    assert by_plan["大气行动计划"][1:7] == ["11", "3", "2", "1", "5", "18.2%"]
    assert by_plan["水行动计划"][1:7] == ["2", "1", "1", "0", "0", "50.0%"]
    assert (
        "大气行动计划：截至2021年6月30日累计到期任务事项11项，已完成3项（其中按时完成2项、"
        "逾期完成1项），逾期未完成5项，按时完成率18.2%。"
    ) in [p.text for p in document.paragraphs]
    # Equal to what the supervision service froze.
    content = sv.snapshot_content(sv.get_snapshot(scenario, "2021-06"))
    for rate in content["rates"]["plan"]:
        row = by_plan[{"air": "大气行动计划", "water": "水行动计划"}[rate["key"]]]
        assert [row[1], *row[3:6]] == [
            str(rate[k]) for k in ("due", "done_on_time", "done_late", "overdue")
        ]
        assert row[6] == f"{rate['rate'] * 100:.1f}%"
        assert row[7] == str(rate["due_in_month"])


def test_unit_ranking_and_counties(documents) -> None:
    facts, _, document, _ = documents
    ranking = _rows(_table_after(document, "责任单位按时完成率排名"))
    assert [row[1] for row in ranking[1:]] == [
        "市生态环境局",
        "泽州县人民政府",
        "市工信局",
        "高平市人民政府",
    ]
    by_unit = {row[1]: row for row in ranking[1:]}
    assert by_unit["市生态环境局"][2:] == ["1", "1", "1", "0", "100.0%"]
    assert by_unit["市工信局"][2:] == ["6", "2", "1", "3", "16.7%"]
    assert by_unit["泽州县人民政府"][2:] == ["4", "1", "1", "1", "25.0%"]
    assert by_unit["高平市人民政府"][2:] == ["2", "0", "0", "1", "0.0%"]
    counties = {row[0]: row for row in _rows(_table_after(document, "各县（市、区）任务完成情况"))}
    assert counties["市本级"][1:7] == ["7", "3", "2", "1", "3", "28.6%"]
    assert counties["泽州县"][1:7] == ["4", "1", "1", "0", "1", "25.0%"]
    assert counties["高平市"][1:7] == ["2", "0", "0", "0", "1", "0.0%"]
    for row in facts.by_unit:  # every unit figure equals the snapshot's
        assert by_unit[row.name][2] == str(row.due)
        assert by_unit[row.name][5] == str(row.overdue)


def test_overdue_units_named_and_detail_list(documents) -> None:
    _facts, _, document, workbook = documents
    table = _rows(_table_after(document, "逾期未完成事项（按责任单位）"))
    assert [row[:2] for row in table[1:]] == [
        ["市工信局", "3"],
        ["泽州县人民政府", "1"],
        ["高平市人民政府", "1"],
    ]
    assert table[1][2] == "大气第2条"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "市工信局、泽州县人民政府、高平市人民政府等3个单位存在逾期未完成事项共5项" in text
    detail = workbook["逾期事项清单"]
    assert detail.max_row - 2 == 5  # caption row + header row + 5 items
    assert detail.freeze_panes == "A3"


def test_notices_and_next_month(documents, scenario: Session) -> None:
    _facts, _, document, _ = documents
    notices = sv.list_notices(scenario, as_of=D(2021, 6, 30))
    table = _rows(_table_after(document, "督办单下发及回复情况"))
    issued = {row[0]: int(row[1]) for row in table[1:]}
    answered = {row[0]: int(row[2]) for row in table[1:]}
    for unit in issued:
        assert issued[unit] == sum(1 for n in notices if n.unit_name == unit)
    assert sum(answered.values()) == 1  # one reply filed above
    assert sum(issued.values()) == len(notices)
    upcoming = _rows(_table_after(document, "2021年7月到期事项"))
    # July: air-m02 monthly report and the air-m04 window month, both due 2021-07-31.
    assert sorted(row[3] for row in upcoming[1:]) == ["市工信局", "高平市人民政府"]
    assert {row[4] for row in upcoming[1:]} == {"2021年7月31日"}


def test_headings_and_xlsx_sheets(documents) -> None:
    _, _bulletin, document, workbook = documents
    texts = [p.text for p in document.paragraphs]
    for heading in (
        "一、重点任务总体进展",
        "二、各单位、各县（市、区）任务完成情况",
        "三、环境空气质量",
        "四、水环境质量",
        "五、土壤环境",
        "六、下月到期事项",
        "（一）责任单位完成情况及排名",
    ):
        assert heading in texts
    assert "数据缺失：环境空气质量监测数据（2021年6月及年初至今）。" in texts
    assert workbook.sheetnames[0] == "汇总"
    assert {"空气", "水", "逾期事项清单"} <= set(workbook.sheetnames)  # ledger sheets reused
    summary = workbook["汇总"]
    values = [[c.value for c in row] for row in summary.iter_rows()]
    header = values.index(
        [
            "行动计划",
            "应完成",
            "已完成",
            "按时完成",
            "逾期完成",
            "逾期未完成",
            "按时完成率",
            "本月到期",
            "本月按时完成率",
        ]
    )
    assert values[header + 1][:7] == ["大气行动计划", "11", "3", "2", "1", "5", "18.2%"]
    # traffic light: a row with overdue items is red
    assert summary.cell(row=header + 2, column=1).fill.fgColor.rgb.endswith("FFC7CE")
    assert summary.freeze_panes == "A3"


def test_ledger_sheet_values_and_styles(documents) -> None:
    """The attachment's 空气 ledger sheet, cell by cell where the layout (``reports.ledger``
    docstring: title, filler line, header on row 3, frozen, widths, traffic-light 完成状态) and the
    mini plan above fix it by hand: air-m01 done 6-29 on time; air-m02 January on time,
    February done 3-5 (late), March never reported (overdue)."""
    *_, workbook = documents
    sheet = workbook["空气"]
    title = sheet["A1"]
    assert title.value == "测试空气计划重点任务台账（截至2021年6月30日）"
    assert (title.font.name, title.font.sz, title.font.b) == ("SimHei", 16, True)
    assert (title.alignment.horizontal, title.alignment.vertical) == ("center", "center")
    # 32 pt asked; Excel keeps row heights in whole pixels (0.75 pt at 96 dpi): 43 px = 32.25 pt
    assert sheet.row_dimensions[1].height == 32.25
    assert str(sheet["A2"].value).startswith("填报单位：")
    assert {"A1:K1", "A2:K2"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.freeze_panes == "A4"
    assert [c.value for c in sheet[3]] == [
        "序号",
        "类别",
        "主要任务",
        "完成时限",
        "牵头单位",
        "责任单位",
        "进展情况",
        "完成状态",
        "备注",
        "编号（勿改）",
        "版本（勿改）",
    ]
    for header in sheet[3]:
        assert header.font.b is True
        assert header.fill.patternType == "solid" and header.fill.fgColor.rgb[-6:] == "D9E1F2"
        for side in (header.border.left, header.border.right, header.border.top):
            assert (side.style, side.color.rgb[-6:]) == ("thin", "808080")
        assert (header.alignment.horizontal, header.alignment.wrap_text) == ("center", True)
    # the widths Excel shows, in characters of the default font (7 px): the file holds the
    # characters plus 5 px of cell padding, in 1/256 of a character (ECMA-376 §18.3.1.13)
    widths = {col: round(sheet.column_dimensions[col].width - 5 / 7, 2) for col in "ACGHK"}
    assert widths == {"A": 6, "C": 60, "G": 48, "H": 16, "K": 10}

    def row(number: int) -> list[object]:
        return [c.value for c in sheet[number]]

    assert [row(4)[i] for i in (0, 2, 4, 5, 6, 7, 8, 9)] == [
        1,
        "测试任务1",
        "市生态环境局",
        "市生态环境局",
        "完成",
        "已完成",
        None,
        "air-m01#1",
    ]
    assert [row(5)[i] for i in (0, 2, 4, 7, 8, 9)] == [
        2,
        "测试任务2",
        "市工信局",
        "已完成",
        None,
        "air-m02#1",
    ]
    assert [row(6)[i] for i in (0, 7, 9)] == [3, "已完成", "air-m02#2"]
    assert str(row(6)[8]).startswith("逾期完成")  # then the notices issued while it was late
    assert [row(7)[i] for i in (0, 6, 7, 9)] == [4, None, "已逾期（0%）", "air-m02#3"]
    # Traffic light in 完成状态 only: done → green, overdue → red; every body cell is boxed and
    # top-aligned with wrapping.
    # ARGB as Excel writes it (alpha FF = opaque; openpyxl wrote 00, which Excel ignores)
    assert [sheet.cell(row=r, column=8).fill.fgColor.rgb for r in (4, 5, 6, 7)] == [
        "FFC6EFCE",
        "FFC6EFCE",
        "FFC6EFCE",
        "FFFFC7CE",
    ]
    for cell in sheet[7]:
        assert cell.border.bottom.style == "thin" and cell.border.bottom.color.rgb == "FF808080"
        assert (cell.alignment.vertical, cell.alignment.wrap_text) == ("top", True)
        if cell.column != 8:
            assert cell.fill.patternType is None
    # The summary sheet's table headers keep their own look (黑体, black borders).
    summary = workbook["汇总"]
    header = next(c for c in summary["A"] if c.value == "行动计划")
    assert (header.font.name, header.font.b, header.fill.fgColor.rgb) == ("黑体", True, "FFD9E1F2")
    assert (header.border.left.style, header.border.left.color.rgb) == ("thin", "FF000000")
