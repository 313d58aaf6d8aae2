"""Excel ledger (台账) export: one sheet per plan in the layout bureaus circulate.

Row 1 is the title ("…重点任务台账（截至2021年6月30日）"), row 2 the filler's unit, contact person
and date, row 3 the header (序号, 类别, 主要任务, 完成时限, 牵头单位, 责任单位, 进展情况, 完成状态,
备注, and the 编号 key used on import). The header is frozen, columns have working widths, text
wraps, and 完成状态 is filled with the traffic-light colour. The monthly bulletin reuses
:func:`write_ledger_workbook` with rows it selected itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from envplan.reports.xlsx_safe import neutralise_formulas
from envplan.reports.xlsx_styles import CellStyles
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
LIGHT_FILLS = {
    "green": PatternFill("solid", fgColor="C6EFCE"),
    "yellow": PatternFill("solid", fgColor="FFEB9C"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
}
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ROW = 3


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


TITLE_FONT = Font(name="SimHei", size=16, bold=True)
TITLE_ALIGNMENT = Alignment(horizontal="center", vertical="center")
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
BODY_ALIGNMENT = Alignment(vertical="top", wrap_text=True)


def add_ledger_sheets(
    workbook: Workbook,
    sheets: Sequence[tuple[str, str, Sequence[OccurrenceState]]],
    *,
    as_of: dt.date,
    unit_names: Mapping[str, str],
    demo: bool = False,
    styles: CellStyles | None = None,
) -> None:
    """Append one ledger sheet per ``sheets`` entry = (sheet name, plan title, rows) to
    ``workbook`` (the bulletin's attachment adds them to its own workbook, in memory).

    styles: the workbook's style cache (:class:`CellStyles`), when the caller shares one."""
    styles = styles or CellStyles()
    last_col = get_column_letter(len(LEDGER_COLUMNS))
    status_col = LEDGER_COLUMNS.index("完成状态") + 1
    for sheet_name, plan_title, rows in sheets:
        sheet = workbook.create_sheet(sheet_name)
        prefix = "【示例数据】" if demo else ""
        sheet["A1"] = f"{prefix}{plan_title}重点任务台账（截至{_cn_date(as_of)}）"
        styles.apply(sheet["A1"], font=TITLE_FONT, alignment=TITLE_ALIGNMENT)
        sheet.merge_cells(f"A1:{last_col}1")
        sheet.row_dimensions[1].height = 32
        sheet["A2"] = (
            "填报单位：                联系人：              联系电话：              填报日期："
        )
        sheet.merge_cells(f"A2:{last_col}2")
        for col, (name, width) in enumerate(zip(LEDGER_COLUMNS, COLUMN_WIDTHS, strict=True), 1):
            cell = sheet.cell(row=HEADER_ROW, column=col, value=name)
            styles.apply(
                cell,
                font=HEADER_FONT,
                fill=HEADER_FILL,
                border=BORDER,
                alignment=HEADER_ALIGNMENT,
            )
            sheet.column_dimensions[get_column_letter(col)].width = width
        body = styles.array(sheet, border=BORDER, alignment=BODY_ALIGNMENT)
        for offset, state in enumerate(rows, start=1):  # rows HEADER_ROW + 1, … in turn
            status = styles.array(
                sheet, fill=LIGHT_FILLS[state.light], border=BORDER, alignment=BODY_ALIGNMENT
            )
            row = HEADER_ROW + offset
            values: list[Any] = row_values(state, offset, unit_names)
            sheet.append(
                [
                    Cell(sheet, row, col, value, style_array=status if col == status_col else body)
                    for col, value in enumerate(values, start=1)
                ]
            )
        sheet.freeze_panes = f"A{HEADER_ROW + 1}"
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{HEADER_ROW + len(rows)}"
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.page_setup.orientation = "landscape"


def write_ledger_workbook(
    sheets: Sequence[tuple[str, str, Sequence[OccurrenceState]]],
    out: Path | IO[bytes],
    *,
    as_of: dt.date,
    unit_names: Mapping[str, str],
    demo: bool = False,
) -> None:
    """Write ``sheets`` = [(sheet name, plan title, rows)] to ``out`` (.xlsx)."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    add_ledger_sheets(workbook, sheets, as_of=as_of, unit_names=unit_names, demo=demo)
    neutralise_formulas(workbook)  # user text never becomes a live formula
    workbook.save(out)


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
