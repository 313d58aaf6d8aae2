"""Spreadsheet output never carries a live formula from text a user typed.

openpyxl stores any string starting with ``=`` as a formula, so a progress note such as
``=HYPERLINK("http://evil", "点此")`` or ``=cmd|' /C calc'!A0`` would run in Excel. Before a
workbook is saved, :func:`neutralise_formulas` turns every such cell back into a text cell, and
marks every text cell starting with one of ``= + - @`` (or a tab / carriage return, which some
programs strip first) with Excel's quote prefix, so it stays text even after the cell is edited
or the sheet is saved as CSV. The text itself is unchanged: an exported ledger read back gives the
same words. envplan's renderers write no formulas of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the XlsxWriter writers need only is_risky, not openpyxl (≈ 0.1 s to import)
    from openpyxl import Workbook

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    """Whether a spreadsheet program could read ``text`` as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def neutralise_formulas(workbook: Workbook) -> int:
    """Make every formula-like text cell of ``workbook`` plain text; the number of cells changed."""
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, str) or not is_risky(value):
                    continue
                cell.data_type = "s"  # never "f": stored as a string, not as a formula
                cell.quotePrefix = True
                changed += 1
    return changed
