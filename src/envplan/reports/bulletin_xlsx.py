"""The Excel attachment of the bulletin: a summary sheet plus the ledger, one sheet per plan.

The summary sheet ("汇总") repeats every table of the bulletin with the same printed text, each
under its caption: frozen title rows, column widths fitted to the text, and traffic-light fills
(a row with overdue items is red, a row whose due items are all done is green).

The per-plan ledger sheets come from ``envplan.reports.ledger`` (the supervision ledger export,
reused as is); the item-by-item lists of the bulletin (e.g. overdue items) follow on sheets of
their own. Written with XlsxWriter (:mod:`envplan.reports.xlsx_fast`), in one pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlsxwriter.worksheet import Worksheet

from envplan.reports.ledger import add_ledger_sheets, book_sheets
from envplan.reports.xlsx_fast import Formats, close_book, open_book, sheet_name, write_text
from envplan.services.bulletin import Bulletin, DataGap, LedgerBook, Table

GREEN = {"pattern": 1, "bg_color": "#C6EFCE"}
YELLOW = {"pattern": 1, "bg_color": "#FFEB9C"}
RED = {"pattern": 1, "bg_color": "#FFC7CE"}
HEADER_FILL = {"pattern": 1, "bg_color": "#D9E1F2"}
BORDER = {"border": 1, "border_color": "#000000"}
TITLE_FONT = {"font_name": "黑体", "font_size": 14, "bold": True}
HEADER_FONT = {"font_name": "黑体", "font_size": 11, "bold": True}
BODY_FONT = {"font_name": "仿宋_GB2312", "font_size": 11}
CENTRE = {"align": "center", "valign": "vcenter", "text_wrap": True}
LEFT = {"align": "left", "valign": "vcenter", "text_wrap": True}
NO_FILL: dict[str, Any] = {}


def _text_width(text: str) -> int:
    """Display width of a cell text: CJK characters count two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def row_fill(table: Table, row_index: int) -> dict[str, Any]:
    """Traffic light of a progress row: red when it has overdue items, green when all due items
    are done, yellow when some are not; no fill (``{}``) for tables without those columns."""
    if "逾期未完成" not in table.columns:
        return NO_FILL
    row = table.rows[row_index]
    overdue = row[table.columns.index("逾期未完成")].value
    if isinstance(overdue, int) and overdue > 0:
        return RED
    if "应完成" in table.columns and "已完成" in table.columns:
        due = row[table.columns.index("应完成")].value
        done = row[table.columns.index("已完成")].value
        if isinstance(due, int) and due > 0 and done == due:
            return GREEN
        if isinstance(due, int) and due > 0:
            return YELLOW
    return NO_FILL


def _fit_columns(sheet: Worksheet, widths: dict[int, int]) -> None:
    for col, chars in widths.items():
        sheet.set_column(col, col, max(8, chars + 2))


def write_summary_sheet(sheet: Worksheet, bulletin: Bulletin, formats: Formats) -> None:
    """The "汇总" sheet: every table of the bulletin under its caption (rows 0-based here)."""
    width = max((len(t.columns) for t in bulletin.tables()), default=2)
    title = formats.get(TITLE_FONT)
    sheet.merge_range(0, 0, 0, max(width, 2) - 1, bulletin.title, title)
    issued = (
        f"{bulletin.issuing_authority}　{bulletin.document_number}　{bulletin.issue_date_text}"
        + ("　【示例数据】" if bulletin.demo else "")
    )
    write_text(sheet, 1, 0, issued, formats, BODY_FONT)
    sheet.freeze_panes(2, 0)  # title rows stay visible
    widths: dict[int, int] = {}
    row_number = 3
    table_number = 0
    for heading, section in bulletin.numbered_sections():
        write_text(sheet, row_number, 0, heading, formats, HEADER_FONT)
        row_number += 1
        for block in section.blocks:
            if isinstance(block, DataGap):
                write_text(sheet, row_number, 0, block.text, formats, BODY_FONT)
                row_number += 1
            if not isinstance(block, Table):
                continue
            table_number += 1
            caption = f"表{table_number}　{block.caption}"
            write_text(sheet, row_number, 0, caption, formats, HEADER_FONT)
            row_number += 1
            for col, name in enumerate(block.columns):
                write_text(
                    sheet, row_number, col, name, formats, HEADER_FONT, HEADER_FILL, BORDER, CENTRE
                )
                widths[col] = max(widths.get(col, 0), _text_width(name))
            row_number += 1
            for index, row in enumerate(block.rows):
                fill = row_fill(block, index)
                for col, value in enumerate(row):
                    numeric = isinstance(value.value, int | float) and not isinstance(
                        value.value, bool
                    )
                    align = CENTRE if numeric else LEFT
                    write_text(
                        sheet, row_number, col, value.text, formats, BODY_FONT, fill, BORDER, align
                    )
                    widths[col] = max(widths.get(col, 0), min(_text_width(value.text), 60))
                row_number += 1
            if block.note:
                write_text(sheet, row_number, 0, f"注：{block.note}", formats, BODY_FONT)
                row_number += 1
            row_number += 1
    _fit_columns(sheet, widths)


def write_table_sheet(sheet: Worksheet, table: Table, formats: Formats) -> None:
    """One table on its own sheet: caption row, frozen header row, fitted widths."""
    write_text(sheet, 0, 0, table.caption, formats, TITLE_FONT)
    widths: dict[int, int] = {}
    for col, name in enumerate(table.columns):
        write_text(sheet, 1, col, name, formats, HEADER_FONT, HEADER_FILL, BORDER, CENTRE)
        widths[col] = _text_width(name)
    for row_number, row in enumerate(table.rows, start=2):
        for col, value in enumerate(row):
            write_text(sheet, row_number, col, value.text, formats, BODY_FONT, BORDER, LEFT)
            widths[col] = max(widths[col], min(_text_width(value.text), 60))
    sheet.freeze_panes(2, 0)
    _fit_columns(sheet, widths)


def write_bulletin_xlsx(
    bulletin: Bulletin,
    path: Path,
    *,
    ledger: LedgerBook | None = None,
) -> None:
    """Write the Excel attachment: the summary sheet first, then, with the gathered ledger rows
    (``services.bulletin.ledger_book``, in the reader's access scope), one styled ledger sheet
    per plan (``envplan.reports.ledger``), then the detail lists (``bulletin.annex_tables``).
    User text never becomes a live formula (:mod:`envplan.reports.xlsx_fast`)."""
    book, buffer = open_book(path)
    formats = Formats(book)
    taken: set[str] = set()
    write_summary_sheet(book.add_worksheet(sheet_name("汇总", taken)), bulletin, formats)
    if ledger is not None:
        add_ledger_sheets(
            book,
            book_sheets(ledger),
            as_of=ledger.as_of,
            unit_names=ledger.unit_names,
            demo=bulletin.demo,
            formats=formats,
            taken=taken,
        )
    for table in bulletin.annex_tables:
        write_table_sheet(book.add_worksheet(sheet_name(table.caption, taken)), table, formats)
    book.set_properties(
        {"title": f"{bulletin.title}（附件：台账）", "author": bulletin.issuing_authority}
    )
    close_book(book, buffer, path)
