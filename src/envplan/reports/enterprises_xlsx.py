"""Excel workbooks of the enterprise registry and the emergency-reduction list.

- Registry (企业名录): the import layout (``services.enterprises.COLUMNS``) — a title row, the
  header row, one enterprise per row; exporting and re-importing gives the same registry. The
  rows are gathered by ``services.enterprises.registry_export``; this module only lays them out.
- Emergency list (重污染天气应急减排清单): the layout of the provinces' list tables — title, level
  and rule source, a two-row header (企业信息 | 年排放量 吨/年 | 减排措施 | 日减排量 吨/日), one row
  per enterprise, then 合计, 全社会排放量, 减排比例, 最低要求 and 是否达标 rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from envplan.services.emergency import EmergencyList
from envplan.services.enterprises import COLUMNS, RegistryExport, RegistryRow
from envplan.standards.emergency import LEVEL_NAMES, POLLUTANT_NAMES, POLLUTANTS

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
SHORT_FILL = PatternFill("solid", fgColor="FFC7CE")
OK_FILL = PatternFill("solid", fgColor="C6EFCE")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _header(ws: Worksheet, row: int, values: Sequence[str]) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = CENTER


def _registry_row(r: RegistryRow, number: int) -> list[object]:
    return [
        number, r.credit_code, r.name, r.permit_number, r.county, r.town, r.village, r.industry,
        r.lon, r.lat, "；".join(f"{name}:{capacity}" if capacity else name
                               for name, capacity in r.lines),
        r.year, r.source, *(r.tonnes.get(p) for p in POLLUTANTS),
        r.grade, r.graded_on, r.grade_body, "是" if r.clean_transport else "否",
        "是" if r.gate_system else "否",
        *(round(r.cut_shares[lv] * 100, 4) if lv in r.cut_shares else None
          for lv in ("yellow", "orange", "red")),
        r.measure_text,
    ]  # fmt: skip


def write_registry(out: Path | IO[bytes], registry: RegistryExport) -> int:
    """The registry in the import layout; returns the number of rows written."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "企业名录"
    ws.append(["晋城市排污单位名录" + ("（示例数据）" if registry.demo else "")])
    ws["A1"].font = Font(bold=True, size=14)
    _header(ws, 2, [name for name, _ in COLUMNS])
    for number, row in enumerate(registry.rows, start=1):
        ws.append(_registry_row(row, number))
    for col in range(1, len(COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 16
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 34
    ws.freeze_panes = "D3"
    wb.save(out)
    return len(registry.rows)


def write_template(out: Path | IO[bytes]) -> None:
    write_registry(out, RegistryExport(()))


def write_emergency_list(out: Path | IO[bytes], result: EmergencyList) -> None:
    """The list of one level in the official table layout (one sheet)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    name = LEVEL_NAMES[result.level]
    ws.title = f"{name}减排清单"
    demo = any(e.is_demo for e in result.enterprises)
    n_info, n = 7, len(POLLUTANTS)
    width = n_info + n + 1 + n
    title = f"晋城市重污染天气{name}应急减排清单（工业源）" + ("（示例数据）" if demo else "")
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=2, column=1, value=(
        f"排放年份 {result.year}；全社会排放量来源：{result.totals_source or '—'}；"
        f"日减排量 = 年排放量 ÷ 365 × 停产比例；最低减排比例依据 环办大气函〔2019〕648号"
    ))  # fmt: skip
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    groups = (
        (1, n_info, "企业信息"),
        (n_info + 1, n_info + n, "年排放量（吨/年）"),
        (n_info + n + 1, n_info + n + 1, f"{name}期间减排措施"),
        (n_info + n + 2, width, "日减排量（吨/日）"),
    )
    for first, last, label in groups:
        cell = ws.cell(row=3, column=first, value=label)
        cell.font, cell.fill, cell.alignment, cell.border = (
            Font(bold=True),
            HEADER_FILL,
            CENTER,
            BORDER,
        )
        if last > first:
            ws.merge_cells(start_row=3, start_column=first, end_row=3, end_column=last)
    _header(
        ws, 4,
        ["序号", "县（市、区）", "企业名称", "统一社会信用代码", "行业", "绩效级别", "措施依据",
         *(POLLUTANT_NAMES[p] for p in POLLUTANTS), "措施",
         *(POLLUTANT_NAMES[p] for p in POLLUTANTS)],
    )  # fmt: skip
    basis = {"guide": "技术指南", "own": "一厂一策", "self": "自主减排", "missing": "缺措施"}
    row = 5
    for number, e in enumerate(result.enterprises, start=1):
        values: list[str | int | float] = [
            number, e.county, e.name, e.credit_code, e.industry, e.grade or "—",
            basis.get(e.basis, e.basis),
            *(round(e.annual[p], 3) for p in POLLUTANTS),
            "；".join(e.measures + e.notes),
            *(round(e.reductions[p], 4) for p in POLLUTANTS),
        ]  # fmt: skip
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.border, cell.alignment = BORDER, WRAP
        row += 1
    summary = (
        ("合计（吨/日）", result.reduced, "0.0000"),
        ("全社会排放量（吨/日）", result.totals, "0.0000"),
        ("减排比例", result.share, "0.00%"),
        ("最低要求", dict.fromkeys(POLLUTANTS, result.required), "0%"),
    )
    for label, values_by_p, fmt in summary:
        ws.cell(row=row, column=1, value=label).font = Font(bold=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=n_info + n + 1)
        for i, p in enumerate(POLLUTANTS):
            cell = ws.cell(row=row, column=n_info + n + 2 + i, value=values_by_p[p])
            cell.number_format, cell.border = fmt, BORDER
            if label == "减排比例":
                cell.fill = OK_FILL if values_by_p[p] >= result.required else SHORT_FILL
        row += 1
    ws.cell(row=row, column=1, value=f"是否达标：{result.message()}").font = Font(bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    widths = (6, 10, 32, 22, 14, 9, 10, *([10] * n), 48, *([10] * n))
    for col, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = "D5"
    wb.save(out)
