"""Excel export of the land registry: sheets 地块, 重点监管单位, 跟踪事项 and 查询记录.

The 地块 and 重点监管单位 sheets use the import layout of :mod:`envplan.services.land.excel` (row 1
header), so an export edited in Excel imports back into an empty registry. 示例 rows say so in the
数据性质 column. The data is gathered once by ``services.land.land_export`` and handed here as
plain rows; this module only lays them out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from envplan.services.land import (
    PLOT_COLUMNS,
    PLOT_SHEET,
    UNIT_COLUMNS,
    UNIT_SHEET,
    LandExport,
    known_counties,
)
from envplan.standards.land.lifecycle import Stage

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
LIGHT_FILLS = {
    "green": PatternFill("solid", fgColor="C6EFCE"),
    "yellow": PatternFill("solid", fgColor="FFEB9C"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
}
DEMO = "示例"


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: list[list[Any]]) -> Any:
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        width = max(
            [len(str(name)) * 2 + 2, *(min(len(str(r[index - 1] or "")) + 2, 60) for r in rows)]
        )
        sheet.column_dimensions[get_column_letter(index)].width = width
    return sheet


def registry_workbook(registry: LandExport) -> bytes:
    """The whole registry (gathered by ``services.land.land_export``) as an .xlsx (bytes)."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    plot_rows = [
        [
            p.parcel_id, p.name, p.county, p.town, p.village, p.area_m2,
            json.dumps(p.polygon, ensure_ascii=False) if p.polygon else "",
            p.former_use, p.former_enterprise_code or "", p.former_enterprise_name,
            p.planned_use or "", p.stage,
            p.stage_on.isoformat() if p.stage_on else "",
            DEMO if p.is_demo else "",
        ]
        for p in registry.plots
    ]  # fmt: skip
    header = [name for name, _f, _r in PLOT_COLUMNS]
    header[-1] = "登记日期"  # the date the plot entered its current stage when exported
    _sheet(book, PLOT_SHEET, [*header, "数据性质"], plot_rows)
    units = registry.units
    unit_rows = [
        [
            u["name"], u["credit_code"] or "", u["county"], u["industry"],
            "是" if u["heavy_metal"] else "否", u["listed_on"] or "", u["permit_number"],
            DEMO if u["is_demo"] else "",
        ]
        for u in units
    ]  # fmt: skip
    _sheet(book, UNIT_SHEET, [*(n for n, _f, _r in UNIT_COLUMNS), "数据性质"], unit_rows)
    duty_rows = [
        [
            u["name"], d["label"], d["due_on"] or "未设期限", d["done_on"] or "", d["status"],
            d["light_label"], d["note"], d["source"], DEMO if d["is_demo"] else "",
        ]
        for u in units
        for d in u["duties"]
    ]  # fmt: skip
    sheet = _sheet(
        book,
        "跟踪事项",
        ["单位", "事项", "期限", "完成日期", "状态", "灯色", "备注", "依据", "数据性质"],
        duty_rows,
    )
    lights = [d["light"] for u in units for d in u["duties"]]
    for offset, light in enumerate(lights, start=2):
        sheet.cell(row=offset, column=6).fill = LIGHT_FILLS[light]
    query_rows = [
        [
            q["id"], q["date"], q["parcel_id"], q["purpose"], q["asked_by"], q["unit"], q["status"],
            q["answer"], q["reason"], q["rule"], "；".join(
                f"{r['replied_on']} {r['text'] or r['file']}" for r in q["replies"]
            ),
        ]
        for q in registry.queries
    ]  # fmt: skip
    _sheet(
        book,
        "查询记录",
        ["编号", "查询日期", "地块编号", "用途", "查询人", "查询单位", "返回状态", "答复", "理由",
         "依据", "生态环境部门书面回复"],
        query_rows,
    )  # fmt: skip
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def template_workbook() -> bytes:
    """The empty import template: sheets 地块 and 重点监管单位 with their headers (required ones
    marked in 说明) and a 说明 sheet with what each column takes."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    _sheet(book, PLOT_SHEET, [n for n, _f, _r in PLOT_COLUMNS], [])
    _sheet(book, UNIT_SHEET, [n for n, _f, _r in UNIT_COLUMNS], [])
    notes = [
        [PLOT_SHEET, "地块编号", "必填；全市唯一"],
        [PLOT_SHEET, "县（市、区）", "必填；" + "、".join(known_counties())],
        [PLOT_SHEET, "面积（平方米）", "正数"],
        [PLOT_SHEET, "边界（GeoJSON）", 'Polygon 或 MultiPolygon，WGS 84 经纬度，如 {"type":"Polygon","coordinates":[[[112.86,35.50],…]]}'],
        [PLOT_SHEET, "原企业统一社会信用代码", "18 位（GB 32100-2015 校验）"],
        [PLOT_SHEET, "规划用途", "第一类用地 或 第二类用地（GB 36600-2018）；空 = 规划用途不明确（按第一类用地评价）"],
        [PLOT_SHEET, "当前阶段", "空 = 疑似污染地块；可填 " + "、".join(s.value for s in Stage)],
        [PLOT_SHEET, "登记日期", "YYYY-MM-DD；空 = 导入当日"],
        [UNIT_SHEET, "单位名称", "必填"],
        [UNIT_SHEET, "县（市、区）", "必填"],
        [UNIT_SHEET, "统一社会信用代码", "18 位；名录内唯一"],
        [UNIT_SHEET, "涉重金属", "是 或 否（是：2025年底前安装使用自动监测设备）"],
        [UNIT_SHEET, "纳入名录日期", "YYYY-MM-DD；2021-04-08 后纳入的新增单位一年内完成隐患排查"],
        ["", "", "导入时全部行通过检查才写入；任何问题都会列出工作表、行号和列名，且不导入任何数据。"],
    ]  # fmt: skip
    _sheet(book, "说明", ["工作表", "列", "填写要求"], notes)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
