"""Excel list of monitoring-data signals for the monitoring section (pure renderer: rows in,
bytes out)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from envplan.analysis.signals import KINDS

HEADERS: tuple[tuple[str, str], ...] = (
    ("station", "站点"),
    ("city", "城市"),
    ("pollutant", "污染物"),
    ("kind", "信号类型"),
    ("severity", "严重程度"),
    ("start", "开始时间"),
    ("end", "结束时间"),
    ("hours", "时长（小时）"),
    ("evidence", "证据"),
)

SEVERITY_LABELS = {"high": "高", "medium": "中", "low": "低"}
_FORMULA_START = ("=", "+", "-", "@")


def _text(value: object) -> object:
    """A cell value that a spreadsheet never runs as a formula and that holds no character a
    worksheet cannot store (control characters are dropped)."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def signals_workbook(rows: Sequence[Mapping[str, object]], *, title: str) -> bytes:
    """One sheet 数据质量信号: a title row, the header, one row per signal."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "数据质量信号"
    sheet.append([_text(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([label for _, label in HEADERS])
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        values: list[object] = []
        for key, _ in HEADERS:
            value = row.get(key)
            if key == "kind":
                value = KINDS.get(str(value), value)
            elif key == "severity":
                value = SEVERITY_LABELS.get(str(value), value)
            elif hasattr(value, "strftime"):
                value = value.strftime("%Y-%m-%d %H:%M")
            values.append(_text(value))
        sheet.append(values)
    for column, width in zip("ABCDEFGHI", (10, 10, 8, 24, 8, 17, 17, 10, 60), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
