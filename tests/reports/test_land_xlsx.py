"""The land registry workbook laid out from plain data written here (no database)."""

from __future__ import annotations

import datetime as dt
import json
from io import BytesIO

from openpyxl import load_workbook

from envplan.reports.land_xlsx import registry_workbook
from envplan.services.land import LandExport, PlotRow

POLYGON = {"type": "Polygon", "coordinates": [[[112.86, 35.5], [112.87, 35.5], [112.86, 35.51]]]}


def _duty(label: str, due: str | None, done: str | None, light: str, **extra: object) -> dict:
    return {
        "label": label, "due_on": due, "done_on": done, "status": extra.get("status", ""),
        "light": light, "light_label": {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}[light],
        "note": "", "source": "土壤 8", "is_demo": False,
    }  # fmt: skip


def _registry() -> LandExport:
    plots = (
        PlotRow(
            parcel_id="ZZ-001", name="原焦化厂", county="泽州县", stage="风险评估",
            town="巴公镇", village="西郜村", area_m2=8000.5, polygon=POLYGON, former_use="焦化",
            former_enterprise_code="914403001922038216", former_enterprise_name="某焦化厂",
            planned_use="第二类用地", stage_on=dt.date(2021, 2, 1), is_demo=True,
        ),
        PlotRow(parcel_id="CQ-002", name="", county="城区", stage="疑似污染地块"),
    )  # fmt: skip
    units = (
        {
            "name": "某铅冶炼有限公司", "credit_code": None, "county": "阳城县",
            "industry": "铅锌冶炼", "heavy_metal": True, "listed_on": "2021-05-01",
            "permit_number": "PW-1", "is_demo": False,
            "duties": [
                _duty("土壤污染隐患排查", "2021-06-30", None, "red", status="逾期未完成"),
                _duty("自行监测（2021年度）", None, "2021-04-01", "green", status="已完成"),
            ],
        },
    )  # fmt: skip
    queries = (
        {
            "id": 7, "date": "2021-06-02", "parcel_id": "ZZ-001", "purpose": "住宅",
            "asked_by": "张三", "unit": "市自然资源局", "status": "不可以供地",
            "answer": "不可以", "reason": "风险评估未完成", "rule": "土壤 10",
            "replies": [
                {"replied_on": "2021-06-05", "text": "同意暂缓", "file": None},
                {"replied_on": "2021-06-09", "text": "", "file": "复函.pdf"},
            ],
        },
    )  # fmt: skip
    return LandExport(plots, units, queries)


def test_land_workbook_cells() -> None:
    book = load_workbook(BytesIO(registry_workbook(_registry())))
    assert book.sheetnames == ["地块", "重点监管单位", "跟踪事项", "查询记录"]

    plots = book["地块"]
    assert [c.value for c in plots[1]][-3:] == ["当前阶段", "登记日期", "数据性质"]
    first = [c.value for c in plots[2]]
    assert first[:6] == ["ZZ-001", "原焦化厂", "泽州县", "巴公镇", "西郜村", 8000.5]
    assert json.loads(first[6]) == POLYGON
    assert first[7:] == [
        "焦化", "914403001922038216", "某焦化厂", "第二类用地", "风险评估", "2021-02-01", "示例",
    ]  # fmt: skip
    second = [c.value for c in plots[3]]
    # empty facts are empty cells: no polygon, no code, planned use unknown, no stage date
    assert second[0] == "CQ-002" and second[2] == "城区" and second[11] == "疑似污染地块"
    assert [second[i] for i in (5, 6, 8, 10, 12, 13)] == [None] * 6

    units = book["重点监管单位"]
    assert [c.value for c in units[2]] == [
        "某铅冶炼有限公司", None, "阳城县", "铅锌冶炼", "是", "2021-05-01", "PW-1", None,
    ]  # fmt: skip

    duties = book["跟踪事项"]
    assert [c.value for c in duties[1]][:6] == ["单位", "事项", "期限", "完成日期", "状态", "灯色"]
    overdue = [c.value for c in duties[2]]
    assert overdue[:6] == [
        "某铅冶炼有限公司", "土壤污染隐患排查", "2021-06-30", None, "逾期未完成", "红灯",
    ]  # fmt: skip
    assert duties.cell(row=2, column=6).fill.fgColor.rgb.endswith("FFC7CE")  # red light
    done = [c.value for c in duties[3]]
    assert done[2:4] == ["未设期限", "2021-04-01"]  # no due date is written as 未设期限
    assert duties.cell(row=3, column=6).fill.fgColor.rgb.endswith("C6EFCE")  # green light

    queries = book["查询记录"]
    row = [c.value for c in queries[2]]
    assert row[:10] == [
        7, "2021-06-02", "ZZ-001", "住宅", "张三", "市自然资源局", "不可以供地", "不可以",
        "风险评估未完成", "土壤 10",
    ]  # fmt: skip
    # each reply: its date, then its text, or the file name when it has no text
    assert row[10] == "2021-06-05 同意暂缓；2021-06-09 复函.pdf"
