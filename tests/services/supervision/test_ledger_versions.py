"""Ledger import safety (issue #21) and the 责任单位 column (issue #12).

- each row carries the version it was exported at; a row changed since is refused, so a stale
  ledger cannot silently revert a newer update;
- the dry run takes the same path as the real run: a row the report service refuses is reported
  by both, with its sheet, row and column (before: the dry run listed it as a change and the real
  run crashed with the service's exception);
- the 责任单位 cell lists the lead and every co-unit as the plan prints them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envplan.plan import default_plan
from envplan.reports.ledger import write_ledger
from envplan.services import supervision as sv
from envplan.services.bulletin import ledger_book
from envplan.services.supervision.ledger import LEDGER_COLUMNS, LedgerImportError, import_ledger
from envplan.store.models import ProgressReport

from .conftest import People

D = dt.date
KEY_COL = LEDGER_COLUMNS.index("编号（勿改）") + 1
VERSION_COL = LEDGER_COLUMNS.index("版本（勿改）") + 1
PROGRESS_COL = LEDGER_COLUMNS.index("进展情况") + 1
STATUS_COL = LEDGER_COLUMNS.index("完成状态") + 1
RESPONSIBLE_COL = LEDGER_COLUMNS.index("责任单位") + 1


def _rows(path: Path, sheet: str) -> dict[str, int]:
    ws = load_workbook(path)[sheet]
    return {ws.cell(row=r, column=KEY_COL).value: r for r in range(4, ws.max_row + 1)}


def _edit(path: Path, sheet: str, key: str, narrative: str, status: str) -> None:
    workbook = load_workbook(path)
    ws = workbook[sheet]
    row = {ws.cell(row=r, column=KEY_COL).value: r for r in range(4, ws.max_row + 1)}[key]
    ws.cell(row=row, column=PROGRESS_COL, value=narrative)
    ws.cell(row=row, column=STATUS_COL, value=status)
    workbook.save(path)


def test_stale_row_is_refused_not_reverting_a_newer_update(
    mini_session: Session, people: People, tmp_path: Path
) -> None:
    path = tmp_path / "ledger.xlsx"
    write_ledger(ledger_book(mini_session, as_of=D(2021, 6, 30), month="2021-06"), path)
    occ = sv.find_occurrence(mini_session, "air-m02", 6)
    # after the export, the clerk reports 80 % through the web form (version 1 → 2)
    sv.submit_report(
        mini_session,
        people.clerk,
        occ.id,
        expected_version=1,
        reported_on=D(2021, 7, 1),
        state="in_progress",
        percent=80,
        narrative="网页填报：80%",
    )
    mini_session.commit()
    # the stale ledger (exported at version 1) says 40 %
    _edit(path, "空气", "air-m02#6", "台账：40%", "推进中（40%）")
    for dry_run in (True, False):
        with pytest.raises(LedgerImportError) as caught:
            import_ledger(
                mini_session, people.clerk, path, reported_on=D(2021, 7, 2), dry_run=dry_run
            )
        message = str(caught.value)
        assert "版本（勿改）" in message and "导出时版本 1，当前版本 2" in message
    mini_session.rollback()
    state = sv.get_occurrence_state(mini_session, occ.id, as_of=D(2021, 7, 31))
    assert (state.percent, state.narrative) == (80, "网页填报：80%")  # the newer update stands


def test_missing_version_column_is_an_error(
    mini_session: Session, people: People, tmp_path: Path
) -> None:
    path = tmp_path / "ledger.xlsx"
    write_ledger(ledger_book(mini_session, as_of=D(2021, 6, 30), month="2021-06"), path)
    workbook = load_workbook(path)
    workbook["空气"].cell(row=3, column=VERSION_COL).value = None
    workbook.save(path)
    with pytest.raises(LedgerImportError, match="缺少列：版本（勿改）"):
        import_ledger(mini_session, people.clerk, path, reported_on=D(2021, 7, 2))


def test_dry_run_and_real_run_refuse_the_same_rows(
    mini_session: Session, people: People, tmp_path: Path
) -> None:
    """air-m05 is approved done on 7-10; a ledger dated 7-02 still sees it open as of 7-02, but
    the report service refuses a report on an approved item: both runs must say so."""
    path = tmp_path / "ledger.xlsx"
    write_ledger(ledger_book(mini_session, as_of=D(2021, 6, 30), month="2021-06"), path)
    occ = sv.find_occurrence(mini_session, "air-m05", 1)
    report = sv.submit_report(
        mini_session,
        people.clerk,
        occ.id,
        expected_version=1,
        reported_on=D(2021, 7, 1),
        state="done",
        percent=100,
        narrative="完成",
    )
    sv.approve_report(
        mini_session, people.leader, report.id, expected_version=2, reviewed_on=D(2021, 7, 10)
    )
    mini_session.commit()
    workbook = load_workbook(path)
    ws = workbook["空气"]
    row = _rows(path, "空气")["air-m05#1"]
    ws.cell(row=row, column=VERSION_COL, value=3)  # as if exported after the approval
    ws.cell(row=row, column=PROGRESS_COL, value="补充进展")
    ws.cell(row=row, column=STATUS_COL, value="推进中（90%）")
    workbook.save(path)
    before = mini_session.scalar(select(func.count(ProgressReport.id)))
    messages = []
    for dry_run in (True, False):
        with pytest.raises(LedgerImportError) as caught:
            import_ledger(
                mini_session, people.clerk, path, reported_on=D(2021, 7, 2), dry_run=dry_run
            )
        messages.append([str(e) for e in caught.value.errors])
    assert messages[0] == messages[1]
    assert "已审核完成" in messages[0][0] and f"第 {row} 行" in messages[0][0]
    mini_session.rollback()
    assert mini_session.scalar(select(func.count(ProgressReport.id))) == before


def test_responsible_column_keeps_the_co_units(db_session: Session, tmp_path: Path) -> None:
    sv.load_plan_into_db(db_session, default_plan())
    db_session.commit()
    path = tmp_path / "ledger.xlsx"
    write_ledger(
        ledger_book(db_session, as_of=D(2021, 12, 31), month="2021-12", plan_key="air"), path
    )
    ws = load_workbook(path)["空气"]
    row = _rows(path, "空气")["air-m01#1"]
    # air 三、(一)1 as printed: 〔责任单位：市生态环境局、市工信局、市审批服务管理局，
    # 各县（市、区）人民政府、开发区管委会、晋能控股装备制造集团〕
    cell = ws.cell(row=row, column=RESPONSIBLE_COL).value
    for name in ("市生态环境局", "市工信局", "市审批服务管理局", "各县（市、区）人民政府"):
        assert name in cell
    assert "晋能控股" in cell
