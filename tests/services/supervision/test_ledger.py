"""Excel ledger export (layout, styling) and all-or-nothing import with every error reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envplan.reports.ledger import write_ledger
from envplan.services.bulletin import ledger_book
from envplan.services.supervision.ledger import (
    LEDGER_COLUMNS,
    LedgerImportError,
    import_ledger,
    parse_status_cell,
)
from envplan.store.models import ProgressReport

from .conftest import People

D = dt.date


def _export(session: Session, path: Path) -> None:
    write_ledger(ledger_book(session, as_of=D(2021, 6, 30), month="2021-06"), path)


def _rows_by_key(path: Path, sheet: str) -> dict[str, int]:
    ws = load_workbook(path)[sheet]
    return {ws.cell(row=r, column=10).value: r for r in range(4, ws.max_row + 1)}


def test_export_layout_and_traffic_lights(mini_session: Session, tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    _export(mini_session, path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["空气", "水"]
    ws = workbook["空气"]
    assert "重点任务台账（截至2021年6月30日）" in ws["A1"].value
    assert [ws.cell(row=3, column=c).value for c in range(1, 12)] == [
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
    assert ws.freeze_panes == "A4"
    keys = _rows_by_key(path, "空气")
    # June rows: air-m01 (due 6-30), air-m02 Jan–Jun (May and earlier carried over, not done),
    # air-m03 Q1 (carried over) + Q2, air-m04 May (carried over) + June, air-m05 next (10-01);
    # air-m01 names every county: 泽州县's and 高平市's own lines follow the lead's
    assert sorted(keys) == sorted(
        ["air-m01#1", "air-m01#1@zezhou-gov", "air-m01#1@gaoping-gov"]
        + [f"air-m02#{i}" for i in range(1, 7)]
        + ["air-m03#1", "air-m03#2", "air-m04#1", "air-m04#2", "air-m05#1"]
    )
    fill = {k: ws.cell(row=r, column=8).fill.fgColor.rgb[-6:] for k, r in keys.items()}
    assert fill["air-m02#1"] == "FFC7CE"  # overdue: red
    assert fill["air-m01#1"] == "FFEB9C"  # due today, 0 %: at risk, yellow
    assert fill["air-m05#1"] == "C6EFCE"  # far off: green
    assert ws.cell(row=keys["air-m02#1"], column=8).value == "已逾期（0%）"
    assert sorted(_rows_by_key(path, "水")) == ["water-m01#1", "water-m01#2"]


def _fill(path: Path, sheet: str, edits: dict[str, tuple[str | None, str | None]]) -> None:
    workbook = load_workbook(path)
    ws = workbook[sheet]
    keys = {ws.cell(row=r, column=10).value: r for r in range(4, ws.max_row + 1)}
    for key, (narrative, status) in edits.items():
        row = keys[key]
        if narrative is not None:
            ws.cell(row=row, column=7, value=narrative)
        if status is not None:
            ws.cell(row=row, column=8, value=status)
    workbook.save(path)


def test_import_dry_run_then_write(mini_session: Session, people: People, tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    _export(mini_session, path)
    _fill(
        path,
        "空气",
        {
            "air-m02#6": ("六月完成企业排查 12 家", "推进中（60%）"),
            "air-m05#1": ("已全部完成", "已完成"),
        },
    )
    changes = import_ledger(
        mini_session, people.clerk, path, reported_on=D(2021, 7, 2), dry_run=True
    )
    assert sorted((c.key, c.new_state, c.new_percent) for c in changes) == [
        ("air-m02#6", "in_progress", 60),
        ("air-m05#1", "done", 100),
    ]
    assert mini_session.scalar(select(func.count(ProgressReport.id))) == 0  # dry run wrote nothing
    import_ledger(mini_session, people.clerk, path, reported_on=D(2021, 7, 2))
    mini_session.commit()
    assert mini_session.scalar(select(func.count(ProgressReport.id))) == 2
    # the same file again changes nothing
    assert import_ledger(mini_session, people.clerk, path, reported_on=D(2021, 7, 3)) == []


def test_import_with_bad_rows_writes_nothing_and_reports_every_error(
    mini_session: Session, people: People, tmp_path: Path
) -> None:
    path = tmp_path / "ledger.xlsx"
    _export(mini_session, path)
    keys = _rows_by_key(path, "空气")
    _fill(
        path,
        "空气",
        {
            "air-m02#6": ("六月进展", "推进中（60%）"),  # a good row: must not be written either
            "air-m02#5": ("五月", "差不多"),  # unreadable status
            "air-m02#4": ("四月", "推进中（150%）"),  # percent out of range
            "air-m02#3": ("", "推进中（30%）"),  # status changed without narrative
            "air-m01#1": ("别的单位的任务", "推进中（10%）"),  # 市生态环境局's task
        },
    )
    workbook = load_workbook(path)
    ws = workbook["空气"]
    ws.cell(row=keys["air-m02#2"], column=10).value = None  # key deleted
    ws.cell(row=keys["air-m02#2"], column=8, value="推进中（20%）")
    ws.cell(row=keys["air-m03#1"], column=10, value="water-m01#1")  # key of another plan
    ws.cell(row=keys["air-m04#1"], column=10, value="air-m99#1")  # unknown key
    ws.cell(row=keys["air-m04#1"], column=8, value="推进中（20%）")
    ws.cell(row=keys["air-m04#2"], column=10, value="air-m02#6")  # duplicate key
    workbook.save(path)

    with pytest.raises(LedgerImportError) as caught:
        import_ledger(mini_session, people.clerk, path, reported_on=D(2021, 7, 2))
    found = {(e.sheet, e.row, e.column) for e in caught.value.errors}
    assert found == {
        ("空气", keys["air-m02#5"], "完成状态"),
        ("空气", keys["air-m02#4"], "完成状态"),
        ("空气", keys["air-m02#3"], "进展情况"),
        ("空气", keys["air-m01#1"], "编号（勿改）"),
        ("空气", keys["air-m02#2"], "编号（勿改）"),
        ("空气", keys["air-m03#1"], "编号（勿改）"),
        ("空气", keys["air-m04#1"], "编号（勿改）"),
        ("空气", keys["air-m04#2"], "编号（勿改）"),
    }
    message = str(caught.value)
    assert "未导入任何数据" in message and "工作表“空气”第" in message
    mini_session.rollback()
    assert mini_session.scalar(select(func.count(ProgressReport.id))) == 0


def test_not_an_excel_file(mini_session: Session, people: People, tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_text("not excel")
    with pytest.raises(LedgerImportError, match="不是有效的 Excel"):
        import_ledger(mini_session, people.clerk, path, reported_on=D(2021, 7, 2))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("已完成", ("done", 100, None)),
        ("推进中（60%）", ("in_progress", 60, None)),
        ("推进中 60%", ("in_progress", 60, None)),
        ("60％", ("in_progress", 60, None)),
        ("已逾期（30%）", ("in_progress", 30, None)),
        ("未开始", (None, 0, None)),
    ],
)
def test_status_cell_forms(text: str, expected: tuple[object, ...]) -> None:
    assert parse_status_cell(text) == expected


def test_ledger_columns_are_the_bureau_layout() -> None:
    assert LEDGER_COLUMNS[:9] == (
        "序号",
        "类别",
        "主要任务",
        "完成时限",
        "牵头单位",
        "责任单位",
        "进展情况",
        "完成状态",
        "备注",
    )
