"""XlsxWriter for the two large workbooks: the ledger (台账) and the bulletin's attachment.

openpyxl builds a cell object per value, hashes every style it is handed and writes through a
general XML tree: ≈ 0.85 s for the ≈ 5,000-row ledger of the demo month, the largest step of
``envplan report monthly``. XlsxWriter writes the same sheets (values, fonts, fills, borders,
wrapping, merged title rows, frozen header, filter, print titles) in about a third of that. The
smaller exports (enterprises, land, offsets, analysis) stay on openpyxl.

Text a user typed never becomes a live formula (see :mod:`envplan.reports.xlsx_safe`): the
workbook is opened with XlsxWriter's string conversions off (no formula, URL or number is made
of a string), and a text starting with a formula trigger is written with Excel's quote prefix,
as :func:`envplan.reports.xlsx_safe.neutralise_formulas` does for openpyxl workbooks.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from envplan.reports.xlsx_safe import is_risky

#: XlsxWriter options: strings stay strings (no formula, URL or number is made of user text).
OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "in_memory": True,
}
#: Characters Excel refuses in a sheet name; they become "_".
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: Excel's longest sheet name.
SHEET_NAME_MAX = 31


def open_book(out: Path | IO[bytes]) -> tuple[Workbook, io.BytesIO | None]:
    """A new workbook written to ``out`` on :func:`close_book`; a stream gets the bytes then."""
    if isinstance(out, Path):
        out.parent.mkdir(parents=True, exist_ok=True)
        return xlsxwriter.Workbook(str(out), OPTIONS), None
    buffer = io.BytesIO()
    return xlsxwriter.Workbook(buffer, OPTIONS), buffer


def close_book(book: Workbook, buffer: io.BytesIO | None, out: Path | IO[bytes]) -> None:
    book.close()
    if buffer is not None and not isinstance(out, Path):
        out.write(buffer.getvalue())


class Formats:
    """One workbook's cell formats, one per distinct set of properties (XlsxWriter's format
    dictionaries, e.g. ``{"bold": True, "border": 1}``), each with a quote-prefixed twin."""

    def __init__(self, book: Workbook) -> None:
        self._book = book
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}

    def get(self, *parts: Mapping[str, Any], quoted: bool = False) -> Format:
        """The format merging ``parts`` (later ones win); ``quoted``: with the quote prefix."""
        props: dict[str, Any] = {}
        for part in parts:
            props.update(part)
        if quoted:
            props["quote_prefix"] = True
        key = tuple(sorted(props.items()))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._book.add_format(props)
        return found


def write_row(
    sheet: Worksheet,
    row: int,
    values: Sequence[object],
    formats: Sequence[Format],
    quoted: Sequence[Format],
) -> None:
    """Write ``values`` to ``row`` (0-based) from column 0, each with its format; a text that a
    spreadsheet could read as a formula gets the column's quote-prefixed format instead."""
    for col, value in enumerate(values):
        if value is None or value == "":  # an empty cell (keeps its borders), as openpyxl
            sheet.write_blank(row, col, None, formats[col])
        elif isinstance(value, str):
            fmt = quoted[col] if is_risky(value) else formats[col]
            sheet.write_string(row, col, value, fmt)
        else:
            sheet.write(row, col, value, formats[col])


def write_text(
    sheet: Worksheet, row: int, col: int, text: str, formats: Formats, *parts: Any
) -> None:
    """One text cell with the format of ``parts`` (quote-prefixed when it looks like a formula;
    an empty text is an empty cell with the format)."""
    if not text:
        sheet.write_blank(row, col, None, formats.get(*parts))
        return
    sheet.write_string(row, col, text, formats.get(*parts, quoted=is_risky(text)))


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unused sheet name for ``wanted``: forbidden characters replaced, cut to 31
    characters, and numbered ("…1", "…2") when the name is taken (Excel compares names without
    case), as openpyxl names a duplicate sheet. ``taken`` gets the name (lower case)."""
    base = SHEET_NAME_FORBIDDEN.sub("_", wanted)[:SHEET_NAME_MAX] or "Sheet"
    name, number = base, 0
    while name.lower() in taken:
        number += 1
        suffix = str(number)
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(name.lower())
    return name
