"""The enterprise workbooks laid out from plain data written here (no database): the registry in
the import layout, and the emergency list in the provinces' table layout."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from openpyxl import load_workbook

from envplan.reports.enterprises_xlsx import write_emergency_list, write_registry
from envplan.services.emergency import EmergencyList, ListedEnterprise
from envplan.services.enterprises import RegistryExport, RegistryRow

# 华为技术有限公司's published code (its business licence), as in the registry tests
CODE = "914403001922038216"


def test_registry_rows_land_in_the_import_columns() -> None:
    row = RegistryRow(
        credit_code=CODE,
        name="【示例】某焦化有限公司",
        county="泽州县",
        industry="焦化",
        permit_number="PW-7",
        town="巴公镇",
        village="西郜村",
        lon=112.9,
        lat=35.6,
        lines=(("1号焦炉", "60万吨/年"), ("2号焦炉", "")),
        year=2020,
        source="排污许可执行报告",
        tonnes={"SO2": 12.5, "PM": 3.25},  # no NOx or VOCs reported
        grade="B",
        graded_on=dt.date(2021, 3, 1),
        grade_body="市生态环境局",
        clean_transport=True,
        gate_system=False,
        cut_shares={"yellow": 0.3, "red": 1.0},  # no orange measure
        measure_text="焦炉延长结焦时间",
        is_demo=True,
    )
    out = BytesIO()
    assert write_registry(out, RegistryExport((row,))) == 1
    sheet = load_workbook(BytesIO(out.getvalue()))["企业名录"]
    assert sheet["A1"].value == "晋城市排污单位名录（示例数据）"
    header = [c.value for c in sheet[2]]
    cells = dict(zip(header, (c.value for c in sheet[3]), strict=True))
    assert sheet.max_row == 3
    assert cells["序号"] == 1
    assert (cells["统一社会信用代码"], cells["企业名称"], cells["排污许可证编号"]) == (
        CODE,
        "【示例】某焦化有限公司",
        "PW-7",
    )
    assert (cells["县（市、区）"], cells["乡镇（街道）"], cells["村（社区）"]) == (
        "泽州县",
        "巴公镇",
        "西郜村",
    )
    assert (cells["行业类别"], cells["经度"], cells["纬度"]) == ("焦化", 112.9, 35.6)
    # a line without a capacity is written by its name alone; lines are joined by "；"
    assert cells["主要生产线（名称:产能，分号分隔）"] == "1号焦炉:60万吨/年；2号焦炉"
    assert (cells["排放年份"], cells["数据来源"]) == (2020, "排污许可执行报告")
    emissions = [cells[h] for h in header[13:17]]
    assert header[13:17] == [
        "二氧化硫（吨/年）",
        "氮氧化物（吨/年）",
        "颗粒物（吨/年）",
        "挥发性有机物（吨/年）",
    ]
    assert emissions == [12.5, None, 3.25, None]
    assert cells["绩效级别"] == "B"
    assert cells["评级日期"] == dt.datetime(2021, 3, 1)  # a date cell, read back as datetime
    assert cells["评级单位"] == "市生态环境局"
    assert (cells["清洁运输（是/否）"], cells["门禁系统（是/否）"]) == ("是", "否")
    # shares 0…1 become per cent: 0.3 → 30, 1.0 → 100; the missing orange level stays empty
    assert (
        cells["黄色预警限产比例（%）"],
        cells["橙色预警限产比例（%）"],
        cells["红色预警限产比例（%）"],
    ) == (30, None, 100)
    assert cells["应急减排措施说明"] == "焦炉延长结焦时间"


def test_the_empty_registry_has_no_demo_mark_and_no_rows() -> None:
    out = BytesIO()
    assert write_registry(out, RegistryExport(())) == 0
    sheet = load_workbook(BytesIO(out.getvalue()))["企业名录"]
    assert sheet["A1"].value == "晋城市排污单位名录"
    assert sheet.max_row == 2


def test_emergency_list_cells() -> None:
    # One B-grade plant stopping 30 % of its production under the yellow level. Hand figures:
    # SO2 365 t/a × 0.3 / 365 = 0.3 t/d; NOx 730 t/a → 0.6 t/d; PM 36.5 → 0.03; VOCs 0 → 0.
    # Society-wide: SO2 3 650 t/a = 10 t/d, so the share is 0.3 / 10 = 3 % (< 10 %: short).
    annual = {"SO2": 365.0, "NOx": 730.0, "PM": 36.5, "VOCs": 0.0}
    daily = {"SO2": 0.3, "NOx": 0.6, "PM": 0.03, "VOCs": 0.0}
    totals = {"SO2": 10.0, "NOx": 4.0, "PM": 0.2, "VOCs": 1.0}
    share = {"SO2": 0.03, "NOx": 0.15, "PM": 0.15, "VOCs": 0.0}
    plant = ListedEnterprise(
        credit_code=CODE, name="某焦化有限公司", county="泽州县", town="巴公镇",
        industry="焦化", grade="B", measures=["焦炉延长结焦时间"], basis="guide",
        cut_share=0.3, reductions=daily, annual=annual, notes=["错峰运输"],
        lon=None, lat=None, is_demo=False,
    )  # fmt: skip
    result = EmergencyList(
        level="yellow", year=2020, county=None, enterprises=[plant], totals=totals,
        totals_annual={p: v * 365 for p, v in totals.items()}, totals_source="2020年统计",
        reduced=daily, share=share, required=0.10, meets=False,
        shortfall={"SO2": {"share": 7.0, "tonnes_per_day": 0.7}},
    )  # fmt: skip
    out = BytesIO()
    write_emergency_list(out, result)
    sheet = load_workbook(BytesIO(out.getvalue()))["黄色预警减排清单"]
    assert sheet["A1"].value == "晋城市重污染天气黄色预警应急减排清单（工业源）"
    assert [sheet.cell(row=4, column=c).value for c in (8, 9, 10, 11, 12, 13)] == [
        "二氧化硫", "氮氧化物", "颗粒物", "挥发性有机物", "措施", "二氧化硫",
    ]  # fmt: skip
    row = [c.value for c in sheet[5]]
    assert row[:7] == [1, "泽州县", "某焦化有限公司", CODE, "焦化", "B", "技术指南"]
    assert row[7:11] == [365, 730, 36.5, 0]
    assert row[11] == "焦炉延长结焦时间；错峰运输"
    assert row[12:16] == [0.3, 0.6, 0.03, 0]
    assert sheet.cell(row=6, column=1).value == "合计（吨/日）"
    assert sheet.cell(row=7, column=13).value == 10  # 全社会排放量 SO2 t/d
    assert sheet.cell(row=8, column=1).value == "减排比例"
    assert sheet.cell(row=8, column=13).value == 0.03
    assert sheet.cell(row=8, column=13).fill.fgColor.rgb.endswith("FFC7CE")  # short: red
    assert sheet.cell(row=8, column=14).fill.fgColor.rgb.endswith("C6EFCE")  # 15 % ≥ 10 %
    assert sheet.cell(row=9, column=13).value == 0.1  # 最低要求
    assert sheet.cell(row=10, column=1).value.startswith("是否达标：黄色预警减排清单未达到")
