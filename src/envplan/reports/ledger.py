"""Excel ledger (台账) export: one sheet per plan in the layout bureaus circulate.

Row 1 is the title ("…重点任务台账（截至2021年6月30日）"), row 2 the filler's unit, contact person
and date, row 3 the header (序号, 类别, 主要任务, 完成时限, 牵头单位, 责任单位, 进展情况, 完成状态,
备注, and the 编号 key used on import). The header is frozen, columns have working widths, text
wraps, and 完成状态 is filled with the traffic-light colour. The monthly bulletin adds the same
sheets to its own workbook (:func:`add_ledger_sheets`). Written with XlsxWriter
(:mod:`envplan.reports.xlsx_fast`: the ledger is the largest sheet envplan writes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from xlsxwriter.workbook import Workbook

from envplan.reports.xlsx_fast import Formats, close_book, open_book, sheet_name, write_row
from envplan.reports.xlsx_safe import is_risky
from envplan.services.bulletin import LedgerBook
from envplan.services.supervision import (
    COUNTY_GROUP_UNIT_NAME,
    LEDGER_COLUMNS,
    NOTICE_LEVEL_LABELS,
    OccurrenceState,
    occurrence_key,
    status_text,
)

COLUMN_WIDTHS = (6, 18, 60, 22, 20, 24, 48, 16, 20, 16, 10)
LIGHT_FILLS = {"green": "#C6EFCE", "yellow": "#FFEB9C", "red": "#FFC7CE"}
HEADER_FILL = "#D9E1F2"
HEADER_ROW = 3  # 1-based, as the sheet shows it


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def row_values(state: OccurrenceState, number: int, unit_names: Mapping[str, str]) -> list[object]:
    """The cells of one ledger row, in LEDGER_COLUMNS order."""
    lead = "、".join(unit_names.get(u, u) for u in state.lead_unit_ids) or state.unit_name
    # Every responsible unit as the plan names them: leads, co-units, then the county group.
    responsible = [unit_names.get(u, u) for u in (*state.lead_unit_ids, *state.co_unit_ids)]
    if state.all_counties:
        responsible.append(COUNTY_GROUP_UNIT_NAME)
    if not responsible:
        responsible.append(state.unit_name)
    deadline = state.deadline_raw or "（未写明）"
    period = f"本期：{state.label}，{state.due_date.isoformat()}"
    if state.role != "lead":
        period += f"\n本行：{state.unit_name}（{state.role_label}）"
    remarks = []
    if state.awaiting_approval:
        remarks.append("完成待审核")
    if state.status == "done" and state.on_time is False:
        remarks.append("逾期完成")
    if state.notice_level:
        remarks.append(f"已发{NOTICE_LEVEL_LABELS[state.notice_level]}")
    return [
        number,
        state.category,
        state.task_text,
        f"{deadline}\n{period}",
        lead,
        "、".join(dict.fromkeys(responsible)),
        state.narrative,
        status_text(state),
        "；".join(remarks),
        occurrence_key(state),
        state.version,
    ]


TITLE = {
    "font_name": "SimHei",
    "font_size": 16,
    "bold": True,
    "align": "center",
    "valign": "vcenter",
}
BORDER = {"border": 1, "border_color": "#808080"}
HEADER = {
    **BORDER,
    "bold": True,
    "align": "center",
    "valign": "vcenter",
    "text_wrap": True,
    "pattern": 1,
    "bg_color": HEADER_FILL,
}
BODY = {**BORDER, "valign": "top", "text_wrap": True}
FILLER_LINE = "填报单位：                联系人：              联系电话：              填报日期："


def add_ledger_sheets(
    book: Workbook,
    sheets: Sequence[tuple[str, str, Sequence[OccurrenceState]]],
    *,
    as_of: dt.date,
    unit_names: Mapping[str, str],
    demo: bool = False,
    formats: Formats | None = None,
    taken: set[str] | None = None,
) -> None:
    """Append one ledger sheet per ``sheets`` entry = (sheet name, plan title, rows) to the
    XlsxWriter ``book`` (the bulletin's attachment adds them to its own workbook).

    formats: the workbook's format cache (:class:`~envplan.reports.xlsx_fast.Formats`), when the
    caller shares one; taken: the sheet names already used in ``book`` (lower case)."""
    formats = formats or Formats(book)
    taken = set() if taken is None else taken
    last_col = len(LEDGER_COLUMNS) - 1
    status_col = LEDGER_COLUMNS.index("完成状态")
    body = [formats.get(BODY)] * len(LEDGER_COLUMNS)
    body_quoted = [formats.get(BODY, quoted=True)] * len(LEDGER_COLUMNS)
    by_light = {
        light: (
            [
                *body[:status_col],
                formats.get(BODY, {"pattern": 1, "bg_color": colour}),
                *body[status_col + 1 :],
            ],
            [
                *body_quoted[:status_col],
                formats.get(BODY, {"pattern": 1, "bg_color": colour}, quoted=True),
                *body_quoted[status_col + 1 :],
            ],
        )
        for light, colour in LIGHT_FILLS.items()
    }
    for wanted, plan_title, rows in sheets:
        sheet = book.add_worksheet(sheet_name(wanted, taken))
        prefix = "【示例数据】" if demo else ""
        title = f"{prefix}{plan_title}重点任务台账（截至{_cn_date(as_of)}）"
        sheet.merge_range(0, 0, 0, last_col, title, formats.get(TITLE, quoted=is_risky(title)))
        sheet.set_row(0, 32)
        sheet.merge_range(1, 0, 1, last_col, FILLER_LINE, formats.get({}))
        header = formats.get(HEADER)
        for col, (name, width) in enumerate(zip(LEDGER_COLUMNS, COLUMN_WIDTHS, strict=True)):
            sheet.write_string(HEADER_ROW - 1, col, name, header)
            sheet.set_column(col, col, width)
        for offset, state in enumerate(rows, start=1):  # rows HEADER_ROW + 1, … in turn
            plain, quoted = by_light[state.light]
            write_row(
                sheet, HEADER_ROW - 1 + offset, row_values(state, offset, unit_names), plain, quoted
            )
        sheet.freeze_panes(HEADER_ROW, 0)
        sheet.autofilter(HEADER_ROW - 1, 0, HEADER_ROW - 1 + len(rows), last_col)
        sheet.repeat_rows(HEADER_ROW - 1)
        sheet.set_landscape()


def write_ledger_workbook(
    sheets: Sequence[tuple[str, str, Sequence[OccurrenceState]]],
    out: Path | IO[bytes],
    *,
    as_of: dt.date,
    unit_names: Mapping[str, str],
    demo: bool = False,
) -> None:
    """Write ``sheets`` = [(sheet name, plan title, rows)] to ``out`` (.xlsx). User text never
    becomes a live formula (:mod:`envplan.reports.xlsx_fast`)."""
    book, buffer = open_book(out)
    add_ledger_sheets(book, sheets, as_of=as_of, unit_names=unit_names, demo=demo)
    close_book(book, buffer, out)


def book_sheets(book: LedgerBook) -> list[tuple[str, str, Sequence[OccurrenceState]]]:
    """A gathered ledger's sheets as (sheet name, plan title, rows)."""
    return [(sheet.name, sheet.plan_title, sheet.rows) for sheet in book.sheets]


@dataclass(frozen=True)
class LedgerExport:
    sheets: dict[str, int]  # sheet name -> number of rows


def write_ledger(book: LedgerBook, out: Path | IO[bytes], *, demo: bool = False) -> LedgerExport:
    """Lay out a gathered ledger (``services.bulletin.ledger_book``) into a workbook."""
    write_ledger_workbook(
        book_sheets(book), out, as_of=book.as_of, unit_names=book.unit_names, demo=demo
    )
    return LedgerExport({sheet.name: len(sheet.rows) for sheet in book.sheets})
