"""The Excel attachment of the bulletin: a summary sheet plus the ledger, one sheet per plan.

The summary sheet ("汇总") repeats every table of the bulletin with the same printed text, each
under its caption: frozen title rows, column widths fitted to the text, and traffic-light fills
(a row with overdue items is red, a row whose due items are all done is green).

The per-plan ledger sheets come from ``envplan.reports.ledger`` (the supervision ledger export,
reused as is); the item-by-item lists of the bulletin (e.g. overdue items) follow on sheets of
their own.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from envplan.reports.ledger import add_ledger_sheets, book_sheets
from envplan.reports.xlsx_safe import neutralise_formulas
from envplan.reports.xlsx_styles import CellStyles
from envplan.services.bulletin import Bulletin, DataGap, LedgerBook, Table

GREEN = PatternFill("solid", fgColor="C6EFCE")
YELLOW = PatternFill("solid", fgColor="FFEB9C")
RED = PatternFill("solid", fgColor="FFC7CE")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="黑体", size=14, bold=True)
HEADER_FONT = Font(name="黑体", size=11, bold=True)
BODY_FONT = Font(name="仿宋_GB2312", size=11)
# Style objects are shared and each combination is assigned once (reports.xlsx_styles): openpyxl
# hashes every style it is given, which costs more than the writing.
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def _text_width(text: str) -> int:
    """Display width of a cell text: CJK characters count two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def row_fill(table: Table, row_index: int) -> PatternFill | None:
    """Traffic light of a progress row: red when it has overdue items, green when all due items
    are done; ``None`` for tables without those columns."""
    if "逾期未完成" not in table.columns:
        return None
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
    return None


def write_summary_sheet(
    sheet: Worksheet, bulletin: Bulletin, styles: CellStyles | None = None
) -> None:
    styles = styles or CellStyles()
    sheet.title = "汇总"
    width = max((len(t.columns) for t in bulletin.tables()), default=2)
    styles.apply(sheet.cell(row=1, column=1, value=bulletin.title), font=TITLE_FONT)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 2))
    issued = sheet.cell(
        row=2,
        column=1,
        value=f"{bulletin.issuing_authority}　{bulletin.document_number}　{bulletin.issue_date_text}"
        + ("　【示例数据】" if bulletin.demo else ""),
    )
    styles.apply(issued, font=BODY_FONT)
    sheet.freeze_panes = "A3"  # title rows stay visible
    widths: dict[int, int] = {}
    row_number = 4
    table_number = 0
    for heading, section in bulletin.numbered_sections():
        styles.apply(sheet.cell(row=row_number, column=1, value=heading), font=HEADER_FONT)
        row_number += 1
        for block in section.blocks:
            if isinstance(block, DataGap):
                styles.apply(sheet.cell(row=row_number, column=1, value=block.text), font=BODY_FONT)
                row_number += 1
            if not isinstance(block, Table):
                continue
            table_number += 1
            caption = sheet.cell(
                row=row_number, column=1, value=f"表{table_number}　{block.caption}"
            )
            styles.apply(caption, font=HEADER_FONT)
            row_number += 1
            for col, name in enumerate(block.columns, start=1):
                header = sheet.cell(row=row_number, column=col, value=name)
                styles.apply(
                    header, font=HEADER_FONT, fill=HEADER_FILL, border=BORDER, alignment=CENTRE
                )
                widths[col] = max(widths.get(col, 0), _text_width(name))
            row_number += 1
            for index, row in enumerate(block.rows):
                fill = row_fill(block, index)
                for col, value in enumerate(row, start=1):
                    out = sheet.cell(row=row_number, column=col, value=value.text)
                    numeric = isinstance(value.value, int | float) and not isinstance(
                        value.value, bool
                    )
                    styles.apply(
                        out,
                        font=BODY_FONT,
                        fill=fill,
                        border=BORDER,
                        alignment=CENTRE if numeric else LEFT,
                    )
                    widths[col] = max(widths.get(col, 0), min(_text_width(value.text), 60))
                row_number += 1
            if block.note:
                note = sheet.cell(row=row_number, column=1, value=f"注：{block.note}")
                styles.apply(note, font=BODY_FONT)
                row_number += 1
            row_number += 1
    for col, chars in widths.items():
        sheet.column_dimensions[get_column_letter(col)].width = max(8, chars + 2)


def write_table_sheet(sheet: Worksheet, table: Table, styles: CellStyles | None = None) -> None:
    """One table on its own sheet: caption row, frozen header row, fitted widths."""
    styles = styles or CellStyles()
    sheet.title = table.caption[:31]
    styles.apply(sheet.cell(row=1, column=1, value=table.caption), font=TITLE_FONT)
    widths: dict[int, int] = {}
    for col, name in enumerate(table.columns, start=1):
        header = sheet.cell(row=2, column=col, value=name)
        styles.apply(header, font=HEADER_FONT, fill=HEADER_FILL, border=BORDER, alignment=CENTRE)
        widths[col] = _text_width(name)
    for row_number, row in enumerate(table.rows, start=3):
        for col, value in enumerate(row, start=1):
            out = sheet.cell(row=row_number, column=col, value=value.text)
            styles.apply(out, font=BODY_FONT, border=BORDER, alignment=LEFT)
            widths[col] = max(widths[col], min(_text_width(value.text), 60))
    sheet.freeze_panes = "A3"
    for col, chars in widths.items():
        sheet.column_dimensions[get_column_letter(col)].width = max(8, chars + 2)


def write_bulletin_xlsx(
    bulletin: Bulletin,
    path: Path,
    *,
    ledger: LedgerBook | None = None,
) -> None:
    """Write the Excel attachment: the summary sheet first, then, with the gathered ledger rows
    (``services.bulletin.ledger_book``, in the reader's access scope), one styled ledger sheet
    per plan (``envplan.reports.ledger``), then the detail lists (``bulletin.annex_tables``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # One workbook built in memory and saved once (no ledger file written and read back).
    workbook = Workbook()
    styles = CellStyles()
    summary = workbook.active
    assert summary is not None
    write_summary_sheet(summary, bulletin, styles)
    if ledger is not None:
        add_ledger_sheets(
            workbook,
            book_sheets(ledger),
            as_of=ledger.as_of,
            unit_names=ledger.unit_names,
            demo=bulletin.demo,
            styles=styles,
        )
    for table in bulletin.annex_tables:
        write_table_sheet(workbook.create_sheet(), table, styles)
    workbook.properties.title = f"{bulletin.title}（附件：台账）"
    workbook.properties.creator = bulletin.issuing_authority
    neutralise_formulas(workbook)  # user text never becomes a live formula
    workbook.save(path)
