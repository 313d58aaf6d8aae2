"""Excel export of the offsets ledger for 市审批服务管理局 and 市生态环境局, and the inventory template.

Sheets: 余量 (per county and pollutant), 削减量台账 (credits with their use), 替代使用记录 (debits,
granted and refused, with the credits used), 减排目标核算 (the −2 % check), 管控区企业 (enterprises
in the 10 km and key control zones), 规则依据 (the rule and its clauses). Row 1 is the title, row 2
the basis, row 3 the header (frozen). Demo rows keep their 【示例】 names. The data is gathered
once by ``services.siting.offsets_export``; this module only lays it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from envplan.services.offsets import INVENTORY_COLUMNS
from envplan.services.siting import OffsetsExport

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
RED_FILL = PatternFill("solid", fgColor="FFC7CE")
GREEN_FILL = PatternFill("solid", fgColor="C6EFCE")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BASIS = (
    "依据：晋市政办〔2021〕9号 空气 二、主要目标；三、重点任务 1、2、4；五、保障措施（三）；附件1"
)


def _sheet(
    wb: Workbook, title: str, heading: str, header: Sequence[str], rows: list[list[Any]]
) -> int:
    ws = wb.create_sheet(title)
    ws.cell(row=1, column=1, value=heading).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1, value=BASIS)
    for col, name in enumerate(header, start=1):
        cell = ws.cell(row=3, column=col, value=name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        width = max(10, min(50, max((len(str(r[col - 1])) for r in rows), default=0) + 4))
        ws.column_dimensions[get_column_letter(col)].width = max(width, len(name) * 2 + 2)
    for r, values in enumerate(rows, start=4):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = "A4"
    return len(rows)


def write_offsets_workbook(ledger: OffsetsExport, out: Path | IO[bytes]) -> dict[str, int]:
    """Write the ledger (gathered by ``services.siting.offsets_export``); returns sheet name →
    data rows."""
    year = ledger.year
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    counts: dict[str, int] = {}
    counts["余量"] = _sheet(
        wb,
        "余量",
        "各县（市、区）削减量余量（吨/年）",
        ("县（市、区）", "污染物", "登记削减量", "已使用", "余量", "笔数"),
        [
            [b["county"], b["pollutant"], b["credited"], b["used"], b["remaining"], b["credits"]]
            for b in ledger.balances
        ],
    )
    credit_rows = ledger.credits
    counts["削减量台账"] = _sheet(
        wb,
        "削减量台账",
        "主要大气污染物削减量台账",
        (
            "编号",
            "县（市、区）",
            "污染物",
            "削减量（吨/年）",
            "余量（吨/年）",
            "类型",
            "来源企业",
            "统一社会信用代码",
            "生效日期",
            "佐证材料",
            "使用记录",
        ),
        [
            [
                c["id"],
                c["county"],
                c["pollutant"],
                c["tonnes"],
                c["remaining"],
                c["kind"],
                c["source"],
                c["source_credit_code"] or "",
                c["date"],
                c["evidence"],
                "；".join(f"{h['date']} {h['project']} {h['tonnes']:g} 吨" for h in c["history"]),
            ]
            for c in credit_rows
        ],
    )
    debit_rows = ledger.debits
    counts["替代使用记录"] = _sheet(
        wb,
        "替代使用记录",
        "建设项目新增排放量削减替代记录（含未通过的申请）",
        (
            "编号",
            "审批日期",
            "项目名称",
            "县（市、区）",
            "污染物",
            "新增（吨/年）",
            "比例",
            "需削减（吨/年）",
            "结果",
            "使用削减量",
            "说明",
            "审批文号",
        ),
        [
            [
                d["id"],
                d["date"],
                d["project"],
                d["county"],
                d["pollutant"],
                d["tonnes"],
                f"{d['ratio']}:1",
                d["required"],
                "通过" if d["ok"] else "拒绝",
                "；".join(f"#{u['credit']} {u['source']} {u['tonnes']:g} 吨" for u in d["used"]),
                d["reason"],
                d["approval_no"],
            ]
            for d in debit_rows
        ],
    )
    check = ledger.check
    rows = [r for r in check["rows"] if r["target_pct"] is not None]
    counts["减排目标核算"] = _sheet(
        wb,
        "减排目标核算",
        f"{year}年主要污染物排放量较2020年变化（吨/年）",
        (
            "区域",
            "污染物",
            "2020年",
            f"{year}年",
            "变化（%）",
            "目标（%）",
            "目标允许排放量",
            "余量",
            "结果",
            "缺报企业（未计入对比）",
        ),
        [
            [
                r["area"],
                r["pollutant_label"],
                r["base"],
                r["current"],
                r["change_pct"],
                r["target_pct"],
                r["allowed"],
                r["margin"],
                {True: "达标", False: "未达标", None: "无数据"}[r["met"]],
                "、".join(r["missing"]),
            ]
            for r in rows
        ],
    )
    ws = wb["减排目标核算"]
    for i, r in enumerate(rows, start=4):
        if r["met"] is not None:
            ws.cell(row=i, column=9).fill = GREEN_FILL if r["met"] else RED_FILL
    ws.cell(row=len(rows) + 5, column=1, value=check["note"])
    zones = ledger.zones
    zone_rows = [
        [z["name"], e["county"], e["town"], e["village"], e["name"], e["industry"]]
        for z in zones["zones"]
        for e in z["enterprises"]
    ] + [
        [
            f"{e['zone']}（待核实所在村）",
            e["county"],
            e["town"],
            e["village"],
            e["name"],
            e["industry"],
        ]
        for e in zones["unresolved"]
    ]
    counts["管控区企业"] = _sheet(
        wb,
        "管控区企业",
        "市区10公里范围与市区周边重点管控区内企业（空气第1条拉网式排查）",
        ("管控区", "县（市、区）", "乡镇（街道）", "村（社区）", "企业名称", "行业"),
        zone_rows,
    )
    rule_rows = [
        [r["id"], r["ratio"], "、".join(r["same_county"]), r["valid_from"], c["clause"], c["quote"]]
        for r in ledger.rules
        for c in r["clauses"]
    ]
    counts["规则依据"] = _sheet(
        wb,
        "规则依据",
        "削减替代规则及依据条款",
        ("规则", "比例", "只能本区域内替代", "施行日期", "条款", "原文"),
        rule_rows,
    )
    wb.save(out)
    return counts


def write_inventory_template(out: Path | IO[bytes]) -> None:
    """The empty inventory import sheet (header row), and a 填写说明 sheet with a 示例 row."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "排放清单"
    guide = wb.create_sheet("填写说明")
    example: list[Any] = [2021, "【示例】某某有限公司", "", "泽州县", "巴公镇", "西郜村", "钢铁"]
    example += [1.5, 2.25, 0.3, 0.8, "排污许可执行报告"]
    guide.cell(
        row=1, column=1, value="每行一家企业一个年份；排放量单位 吨/年，最多 6 位小数；下行为示例："
    )
    for col, name in enumerate(INVENTORY_COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = max(12, len(name) * 2 + 2)
        guide.cell(row=2, column=col, value=name).font = Font(bold=True)
        guide.cell(row=3, column=col, value=example[col - 1])
    wb.save(out)
