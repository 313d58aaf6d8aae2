"""The XlsxWriter helpers of the ledger and the bulletin attachment (reports.xlsx_fast)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from envplan.reports.xlsx_fast import Formats, close_book, open_book, sheet_name, write_row

NOTES = [
    '=HYPERLINK("http://evil.example","点此")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2",
    "@SUM(A1)",
    "正常",
    "http://example.org/不是链接",
    "0123",  # stays text, not the number 123
]


def test_user_text_is_never_a_formula_link_or_number() -> None:
    sink = io.BytesIO()
    book, buffer = open_book(sink)
    formats = Formats(book)
    sheet = book.add_worksheet("台账")
    plain = [formats.get({"border": 1})] * 4
    quoted = [formats.get({"border": 1}, quoted=True)] * 4
    for row, note in enumerate(NOTES):
        write_row(sheet, row, [row + 1, note, None, ""], plain, quoted)
    close_book(book, buffer, sink)
    archive = zipfile.ZipFile(io.BytesIO(sink.getvalue()))
    xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml and "hyperlink" not in xml
    again = load_workbook(io.BytesIO(sink.getvalue())).active
    assert [again.cell(row=r, column=2).value for r in range(1, 9)] == NOTES  # text unchanged
    # the five that start with = + - @ carry Excel's quote prefix, the others do not
    assert [again.cell(row=r, column=2).quotePrefix for r in range(1, 9)] == [True] * 5 + [
        False
    ] * 3
    assert [again.cell(row=r, column=1).value for r in range(1, 9)] == list(range(1, 9))
    # None and "" are empty cells that keep the row's border
    for col in (3, 4):
        cell = again.cell(row=1, column=col)
        assert cell.value is None and cell.border.left.style == "thin"


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_name("汇总", taken) == "汇总"
    assert sheet_name("汇总", taken) == "汇总1"
    assert sheet_name("Sheet", taken) == "Sheet"
    assert sheet_name("sheet", taken) == "sheet1"  # Excel compares names without case
    assert sheet_name("2021/06: 逾期[事项]*?", taken) == "2021_06_ 逾期_事项___"
    long = "表" * 40
    assert sheet_name(long, taken) == "表" * 31
    assert sheet_name(long, taken) == "表" * 30 + "1"
    assert sheet_name("", taken) == "Sheet2"  # "Sheet" and "sheet1" are taken
