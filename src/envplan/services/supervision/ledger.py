"""Excel ledgers (台账): which rows a month's ledger holds, and importing filled-in ledgers back.

The workbook layout (columns, styling) lives in ``envplan.reports.ledger``; this module owns the
column names shared by both directions, the row selection, and the all-or-nothing import:

- every row is validated first (sheet, row, column named in each zh-CN error);
- with any error nothing is written (:class:`LedgerImportError` carries all of them);
- ``dry_run=True`` returns what would change without writing;
- otherwise each changed row becomes a progress report, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from envplan.services.access import AccessDenied, Action, Principal, can_on_occurrence
from envplan.services.supervision.progress import submit_report
from envplan.services.supervision.rules import (
    DEFAULT_RULES,
    STATUS_LABELS,
    ConflictError,
    SupervisionError,
    SupervisionRules,
)
from envplan.services.supervision.state import (
    OccurrenceState,
    compute_state,
    list_occurrences,
    load_occurrence,
    parse_month,
)

# Column headers in order (序号 … 备注 as bureaus use them, plus the row key used on import).
#: Ledger column header: row number.
COL_NO = "序号"
#: Ledger column header: category.
COL_CATEGORY = "类别"
#: Ledger column header: the main task.
COL_TASK = "主要任务"
#: Ledger column header: the deadline.
COL_DEADLINE = "完成时限"
#: Ledger column header: the lead unit.
COL_LEAD = "牵头单位"
#: Ledger column header: the responsible unit.
COL_RESPONSIBLE = "责任单位"
#: Ledger column header: progress narrative.
COL_PROGRESS = "进展情况"
#: Ledger column header: completion status.
COL_STATUS = "完成状态"
#: Ledger column header: remarks.
COL_REMARK = "备注"
#: Ledger column header: the row key used on import (not to be edited).
COL_KEY = "编号（勿改）"
#: Ledger column header: the exported version checked on import (not to be edited).
COL_VERSION = "版本（勿改）"
#: The ledger columns in order.
LEDGER_COLUMNS = (
    COL_NO,
    COL_CATEGORY,
    COL_TASK,
    COL_DEADLINE,
    COL_LEAD,
    COL_RESPONSIBLE,
    COL_PROGRESS,
    COL_STATUS,
    COL_REMARK,
    COL_KEY,
    COL_VERSION,
)
#: Ledger sheet name of each sub-plan key.
PLAN_SHEET_NAMES = {"air": "空气", "water": "水", "soil": "土壤"}
#: Sub-plan key of each ledger sheet name.
SHEET_PLAN_KEYS = {name: key for key, name in PLAN_SHEET_NAMES.items()}


def occurrence_key(state: OccurrenceState) -> str:
    """The row key written in the 编号 column: task id and period, e.g. ``air-k14#6``; a county's
    or co-unit's line adds its unit (``air-m01#1@zezhou-gov``) and, for one clause of a
    multi-clause measure, the clause (``soil-m04#3/2@zezhou-gov``)."""
    key = f"{state.task_key}#{state.seq}"
    if state.clause:
        key += f"/{state.clause}"
    if state.role != "lead":
        key += f"@{state.unit_id}"
    return key


_KEY_PATTERN = re.compile(r"^(?P<task>[A-Za-z0-9_.-]+)#\d+(?:/\d+)?(?:@[A-Za-z0-9_.-]+)?$")


def status_text(state: OccurrenceState) -> str:
    """完成状态 cell: the status label, with the reported percent while not done."""
    if state.status == "done":
        return STATUS_LABELS["done"]
    if state.status == "not_started":
        return STATUS_LABELS["not_started"]
    return f"{STATUS_LABELS[state.status]}（{state.percent}%）"


def ledger_rows(
    session: Session,
    *,
    as_of: dt.date,
    month: str | None = None,
    plan_key: str | None = None,
    principal: Principal | None = None,
    rules: SupervisionRules = DEFAULT_RULES,
) -> list[OccurrenceState]:
    """Rows of a ledger.

    Without ``month``: every occurrence. With ``month``: per task, the occurrences due in that
    month, those due earlier and still not done at ``as_of`` (carried over), and — for a task with
    neither — its next occurrence, so every task appears at least once.
    """
    states = list_occurrences(
        session, as_of=as_of, principal=principal, plan_key=plan_key, rules=rules
    )
    if month is None:
        return states
    first, last = parse_month(month)
    by_task: dict[int, list[OccurrenceState]] = defaultdict(list)
    for state in states:
        by_task[state.task_id].append(state)
    rows: list[OccurrenceState] = []
    for task_states in by_task.values():
        chosen = [
            s
            for s in task_states
            if first <= s.due_date <= last or (s.due_date < first and s.status != "done")
        ]
        if not chosen:
            upcoming = [s for s in task_states if s.due_date > last]
            if upcoming:
                chosen = [upcoming[0]]
        rows.extend(chosen)
    order = {id(s): i for i, s in enumerate(states)}
    rows.sort(key=lambda s: order[id(s)])
    return rows


# --- import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerError:
    """A problem of an imported ledger, located by sheet, row and column; ``str()`` gives the zh-CN
    message.
    """

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”"
        if self.row is not None:
            where += f"第 {self.row} 行"
        if self.column:
            where += f"，列“{self.column}”"
        return f"{where}：{self.message}"


class LedgerImportError(ValueError):
    """The ledger has errors; nothing was written. ``errors`` lists every one."""

    def __init__(self, source: str, errors: list[LedgerError]) -> None:
        self.source = source
        self.errors = errors
        lines = [f"{source}：台账有 {len(errors)} 处错误，未导入任何数据："]
        lines += [f"  {error}" for error in errors]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class LedgerChange:
    """One row of an imported ledger that changes an occurrence: old and new state, percentage and
    narrative, and the exported version the write is checked against.
    """

    sheet: str
    row: int
    key: str
    occurrence_id: int
    version: int  # the version exported in the row; the write is a compare-and-swap on it
    unit_name: str
    old_status: str
    new_state: str  # in_progress | done
    old_percent: int
    new_percent: int
    old_narrative: str
    new_narrative: str

    def describe(self) -> str:
        """The change in one zh-CN line, as the import preview lists it."""
        done = "已完成（待审核）" if self.new_state == "done" else f"推进中（{self.new_percent}%）"
        return (
            f"工作表“{self.sheet}”第 {self.row} 行 {self.key}（{self.unit_name}）："
            f"{STATUS_LABELS[self.old_status]}（{self.old_percent}%）→ {done}"
            + ("；进展情况已更新" if self.new_narrative != self.old_narrative else "")
        )


_STATUS_PATTERN = re.compile(
    r"^\s*(?P<word>[^\d（(%\s]*)\s*[（(]?\s*(?:(?P<pct>\d{1,3})\s*[%％])?\s*[）)]?\s*$"
)
_IN_PROGRESS_WORDS = {"推进中", "进行中", "已逾期", "临期预警", "未完成", ""}


def parse_status_cell(text: str) -> tuple[str | None, int | None, str | None]:
    """(state, percent, error). state None = 未开始 (no report). Accepts exported values and
    what clerks type: 已完成 / 推进中（60%）/ 推进中 60% / 60%."""
    match = _STATUS_PATTERN.match(text.replace("　", " "))
    if not match:
        return None, None, f"无法识别“{text}”，应为 未开始、推进中（60%）或 已完成"
    word, pct_text = match.group("word"), match.group("pct")
    percent = int(pct_text) if pct_text is not None else None
    if percent is not None and percent > 100:
        return None, None, f"完成进度 {percent}% 超出 0–100%"
    if word == "已完成":
        if percent is not None and percent != 100:
            return None, None, f"“已完成”的进度应为 100%，填写的是 {percent}%"
        return "done", 100, None
    if word == "未开始":
        if percent:
            return None, None, f"“未开始”不能填写进度 {percent}%"
        return None, 0, None
    if word in _IN_PROGRESS_WORDS:
        if percent is None:
            return None, None, f"“{word or text}”须注明进度，如 推进中（60%）"
        if word == "" and percent == 100:
            return "done", 100, None
        return "in_progress", percent, None
    return None, None, f"无法识别“{text}”，应为 未开始、推进中（60%）或 已完成"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _row_cell(values: tuple[Any, ...], columns: dict[str, int], column: str) -> str:
    position = columns[column]
    return _cell_text(values[position]) if position < len(values) else ""


def import_ledger(
    session: Session,
    principal: Principal,
    source: Path | IO[bytes],
    *,
    reported_on: dt.date,
    dry_run: bool = False,
    rules: SupervisionRules = DEFAULT_RULES,
    source_name: str | None = None,
) -> list[LedgerChange]:
    """Validate a filled-in ledger and record its changes as progress reports (all or nothing).

    Raises :class:`LedgerImportError` listing every error; returns the changes (written unless
    ``dry_run``). The caller commits.
    """
    from openpyxl import load_workbook

    name = source_name or (source.name if isinstance(source, Path) else "上传的台账")
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a non-xlsx file
        raise LedgerImportError(
            name, [LedgerError("（整个文件）", None, None, f"不是有效的 Excel（.xlsx）文件：{exc}")]
        ) from exc

    errors: list[LedgerError] = []
    pending: list[_PendingRow] = []
    seen: dict[str, tuple[str, int]] = {}
    for sheet in workbook.worksheets:
        plan_key = SHEET_PLAN_KEYS.get(sheet.title)
        if plan_key is None:
            errors.append(
                LedgerError(
                    sheet.title, None, None, f"工作表名应为 {'、'.join(SHEET_PLAN_KEYS)} 之一"
                )
            )
            continue
        header_row: int | None = None
        columns: dict[str, int] = {}
        rows = list(sheet.iter_rows(values_only=True))
        for index, values in enumerate(rows[:10], start=1):
            texts = [_cell_text(v) for v in values]
            if COL_KEY in texts and COL_STATUS in texts:
                header_row = index
                columns = {t: i for i, t in enumerate(texts) if t}
                break
        if header_row is None:
            errors.append(
                LedgerError(
                    sheet.title,
                    None,
                    None,
                    f"前 10 行中找不到表头（须含“{COL_KEY}”与“{COL_STATUS}”）",
                )
            )
            continue
        missing = [c for c in (COL_KEY, COL_VERSION, COL_PROGRESS, COL_STATUS) if c not in columns]
        if missing:
            errors.append(
                LedgerError(sheet.title, header_row, None, f"缺少列：{'、'.join(missing)}")
            )
            continue
        for row_number, values in enumerate(rows[header_row:], start=header_row + 1):
            key = _row_cell(values, columns, COL_KEY)
            status_cell = _row_cell(values, columns, COL_STATUS)
            narrative = _row_cell(values, columns, COL_PROGRESS)
            if not key and not status_cell and not narrative:
                continue  # blank line
            if not key:
                errors.append(
                    LedgerError(
                        sheet.title, row_number, COL_KEY, "编号为空（请勿删除或修改编号列）"
                    )
                )
                continue
            task_key = key.partition("#")[0]
            if not task_key.startswith(f"{plan_key}-"):
                errors.append(
                    LedgerError(
                        sheet.title,
                        row_number,
                        COL_KEY,
                        f"编号 {key} 不属于本工作表的计划（{sheet.title}）",
                    )
                )
                continue
            if key in seen:
                first_sheet, first_row = seen[key]
                errors.append(
                    LedgerError(
                        sheet.title,
                        row_number,
                        COL_KEY,
                        f"编号 {key} 重复（已见于工作表“{first_sheet}”第 {first_row} 行）",
                    )
                )
                continue
            seen[key] = (sheet.title, row_number)
            if not _KEY_PATTERN.match(key):
                errors.append(
                    LedgerError(
                        sheet.title,
                        row_number,
                        COL_KEY,
                        f"编号 {key} 格式应为 任务编号#期次（县级、配合单位行另有 @单位编号）",
                    )
                )
                continue
            version_cell = _row_cell(values, columns, COL_VERSION)
            if not version_cell.isdigit():
                errors.append(
                    LedgerError(
                        sheet.title,
                        row_number,
                        COL_VERSION,
                        f"版本号应为导出时的整数，收到“{version_cell}”（请勿删除或修改版本列）",
                    )
                )
                continue
            state, percent, problem = parse_status_cell(status_cell)
            if problem:
                errors.append(LedgerError(sheet.title, row_number, COL_STATUS, problem))
                continue
            pending.append(
                _PendingRow(
                    sheet.title,
                    row_number,
                    key,
                    int(version_cell),
                    state or "",
                    percent or 0,
                    narrative,
                )
            )
    workbook.close()

    # Resolve keys against the records and compare with the current state.
    changes: list[LedgerChange] = []
    if pending:
        current = {
            occurrence_key(s): s for s in list_occurrences(session, as_of=reported_on, rules=rules)
        }
        for sheet_title, row_number, key, exported, state, percent, narrative in pending:
            existing = current.get(key)
            if existing is None:
                errors.append(
                    LedgerError(sheet_title, row_number, COL_KEY, f"编号 {key} 在当前计划中不存在")
                )
                continue
            unchanged = narrative == existing.narrative and (
                (state == "done" and (existing.status == "done" or existing.awaiting_approval))
                or (state == "in_progress" and percent == existing.percent)
                or (state == "" and existing.percent == 0)
            )
            if unchanged:
                continue
            if exported != existing.version:
                errors.append(
                    LedgerError(
                        sheet_title,
                        row_number,
                        COL_VERSION,
                        f"{key} 在导出后已被更新（导出时版本 {exported}，当前版本 "
                        f"{existing.version}），为免覆盖他人的新进展，请重新导出台账后再填写",
                    )
                )
                continue
            if state == "":
                errors.append(
                    LedgerError(
                        sheet_title,
                        row_number,
                        COL_STATUS,
                        "已有进展的任务不能改回“未开始”；请填写当前进度",
                    )
                )
                continue
            if existing.status == "done":
                errors.append(
                    LedgerError(
                        sheet_title, row_number, COL_STATUS, f"{key} 已审核完成，不能再修改"
                    )
                )
                continue
            if not narrative:
                errors.append(
                    LedgerError(
                        sheet_title, row_number, COL_PROGRESS, "状态有变化时进展情况不能为空"
                    )
                )
                continue
            occurrence = load_occurrence(session, existing.occurrence_id)
            if not can_on_occurrence(principal, Action.REPORT, occurrence):
                errors.append(
                    LedgerError(
                        sheet_title,
                        row_number,
                        COL_KEY,
                        f"无权填报 {key}（责任单位：{existing.unit_name}；用户 {principal.username}）",
                    )
                )
                continue
            changes.append(
                LedgerChange(
                    sheet=sheet_title,
                    row=row_number,
                    key=key,
                    occurrence_id=existing.occurrence_id,
                    version=exported,
                    unit_name=existing.unit_name,
                    old_status=existing.status,
                    new_state=state,
                    old_percent=existing.percent,
                    new_percent=percent,
                    old_narrative=existing.narrative,
                    new_narrative=narrative,
                )
            )
    if errors:
        raise LedgerImportError(name, errors)
    # The dry run and the real run take the same path: every row is written in a savepoint, a
    # row the services refuse becomes an error of that row, and the dry run rolls it all back.
    savepoint = session.begin_nested()
    try:
        errors = _write_changes(session, principal, changes, reported_on)
    except BaseException:
        savepoint.rollback()
        raise
    if errors or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    if errors:
        raise LedgerImportError(name, errors)
    return changes


@dataclass(frozen=True)
class _PendingRow:
    sheet: str
    row: int
    key: str
    version: int
    state: str
    percent: int
    narrative: str

    def __iter__(self) -> Iterator[Any]:
        return iter(
            (self.sheet, self.row, self.key, self.version, self.state, self.percent, self.narrative)
        )


def _write_changes(
    session: Session, principal: Principal, changes: list[LedgerChange], reported_on: dt.date
) -> list[LedgerError]:
    """Record each change with the same service a form uses; the refusals, one per row."""
    errors: list[LedgerError] = []
    for change in changes:
        try:
            with session.begin_nested():
                submit_report(
                    session,
                    principal,
                    change.occurrence_id,
                    expected_version=change.version,
                    reported_on=reported_on,
                    state=change.new_state,
                    percent=change.new_percent,
                    narrative=change.new_narrative,
                )
        except (SupervisionError, AccessDenied, ConflictError) as exc:
            column = COL_VERSION if isinstance(exc, ConflictError) else COL_STATUS
            errors.append(LedgerError(change.sheet, change.row, column, str(exc)))
    return errors


def state_of(session: Session, occurrence_id: int, as_of: dt.date) -> OccurrenceState:
    """The occurrence's state as of ``as_of`` (no access check)."""
    return compute_state(load_occurrence(session, occurrence_id), as_of)
