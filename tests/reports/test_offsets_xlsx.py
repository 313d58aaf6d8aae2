"""The offsets ledger workbook laid out from plain data written here (no database)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from envplan.reports.offsets_xlsx import write_offsets_workbook
from envplan.services.siting import OffsetsExport

PLANT = {"county": "泽州县", "town": "巴公镇", "village": "西郜村", "industry": "焦化"}


def _ledger() -> OffsetsExport:
    check_rows = [
        {
            "area": "泽州县", "pollutant_label": "二氧化硫", "base": 100.0, "current": 97.0,
            "change_pct": -3.0, "target_pct": -2.0, "allowed": 98.0, "margin": 1.0, "met": True,
            "missing": ["乙厂"],
        },
        {
            "area": "城区", "pollutant_label": "氮氧化物", "base": 50.0, "current": 50.0,
            "change_pct": 0.0, "target_pct": -2.0, "allowed": 49.0, "margin": -1.0, "met": False,
            "missing": [],
        },
        {  # no target for this pollutant: not a row of the check sheet
            "area": "城区", "pollutant_label": "颗粒物", "base": 1.0, "current": 1.0,
            "change_pct": 0.0, "target_pct": None, "allowed": None, "margin": None, "met": None,
            "missing": [],
        },
    ]  # fmt: skip
    return OffsetsExport(
        year=2021,
        balances=(
            {"county": "泽州县", "pollutant": "SO2", "credited": 10.0, "used": 4.0,
             "remaining": 6.0, "credits": 2},
        ),
        credits=(
            {"id": 3, "county": "泽州县", "pollutant": "SO2", "tonnes": 10.0, "remaining": 6.0,
             "kind": "关停", "source": "甲厂", "source_credit_code": None, "date": "2021-03-01",
             "evidence": "关停文件",
             "history": [{"date": "2021-05-01", "project": "乙项目", "tonnes": 4.0}]},
        ),
        debits=(
            {"id": 9, "date": "2021-05-01", "project": "乙项目", "county": "泽州县",
             "pollutant": "SO2", "tonnes": 2.0, "ratio": 2, "required": 4.0, "ok": True,
             "used": [{"credit": 3, "source": "甲厂", "tonnes": 4.0}], "reason": "",
             "approval_no": "晋市审批〔2021〕1号"},
            {"id": 10, "date": "2021-06-01", "project": "丙项目", "county": "城区",
             "pollutant": "NOx", "tonnes": 5.0, "ratio": 2, "required": 10.0, "ok": False,
             "used": [], "reason": "余量不足", "approval_no": ""},
        ),
        check={"rows": check_rows, "note": "缺报企业未计入对比"},
        zones={
            "zones": [{"name": "市区10公里范围", "enterprises": [{**PLANT, "name": "甲厂"}]}],
            "unresolved": [{**PLANT, "village": "", "zone": "市区周边重点管控区", "name": "丁厂"}],
        },
        rules=(
            {"id": "air-2021", "ratio": "2:1", "same_county": ["城区", "泽州县"],
             "valid_from": "2021-04-08",
             "clauses": [{"clause": "空气 二、2", "quote": "实行倍量削减替代"},
                         {"clause": "附件1", "quote": "市区周边"}]},
        ),
    )  # fmt: skip


def _rows(sheet: object) -> list[list[object]]:
    return [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)]  # type: ignore[attr-defined]


def test_offsets_workbook_cells() -> None:
    out = BytesIO()
    counts = write_offsets_workbook(_ledger(), out)
    assert counts == {
        "余量": 1, "削减量台账": 1, "替代使用记录": 2, "减排目标核算": 2, "管控区企业": 2,
        "规则依据": 2,
    }  # fmt: skip
    book = load_workbook(BytesIO(out.getvalue()))
    assert book.sheetnames == list(counts)
    assert book["余量"]["A2"].value.startswith("依据：晋市政办〔2021〕9号")
    assert _rows(book["余量"]) == [["泽州县", "SO2", 10, 4, 6, 2]]
    assert _rows(book["削减量台账"]) == [
        [3, "泽州县", "SO2", 10, 6, "关停", "甲厂", None, "2021-03-01", "关停文件",
         "2021-05-01 乙项目 4 吨"],
    ]  # fmt: skip
    assert _rows(book["替代使用记录"]) == [
        [9, "2021-05-01", "乙项目", "泽州县", "SO2", 2, "2:1", 4, "通过", "#3 甲厂 4 吨", None,
         "晋市审批〔2021〕1号"],
        [10, "2021-06-01", "丙项目", "城区", "NOx", 5, "2:1", 10, "拒绝", None, "余量不足", None],
    ]  # fmt: skip
    check = book["减排目标核算"]
    assert check["A1"].value == "2021年主要污染物排放量较2020年变化（吨/年）"
    assert [c.value for c in check[3]][3] == "2021年"
    rows = _rows(check)
    assert rows[:2] == [
        ["泽州县", "二氧化硫", 100, 97, -3, -2, 98, 1, "达标", "乙厂"],
        ["城区", "氮氧化物", 50, 50, 0, -2, 49, -1, "未达标", None],
    ]  # fmt: skip
    assert check["I4"].fill.fgColor.rgb.endswith("C6EFCE")  # met: green
    assert check["I5"].fill.fgColor.rgb.endswith("FFC7CE")  # not met: red
    assert check["A7"].value == "缺报企业未计入对比"  # two data rows from row 4, a gap, the note
    assert _rows(book["管控区企业"]) == [
        ["市区10公里范围", "泽州县", "巴公镇", "西郜村", "甲厂", "焦化"],
        ["市区周边重点管控区（待核实所在村）", "泽州县", "巴公镇", None, "丁厂", "焦化"],
    ]
    assert _rows(book["规则依据"]) == [
        ["air-2021", "2:1", "城区、泽州县", "2021-04-08", "空气 二、2", "实行倍量削减替代"],
        ["air-2021", "2:1", "城区、泽州县", "2021-04-08", "附件1", "市区周边"],
    ]
