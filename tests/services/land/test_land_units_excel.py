"""Key supervised units' duties and the Excel import/export, on SQLite and PostgreSQL.

Deadlines are those of 晋市政办〔2021〕9号 二（五）12, written out by hand: 2021年底前 for units on
the list; one year after listing for new units; 2025年底前 automatic monitoring for heavy-metal units.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session

from envplan.reports.land_xlsx import registry_workbook
from envplan.services.land import (
    KeyUnitInput,
    LandError,
    PlotInput,
    add_key_unit,
    add_plot,
    complete_duty,
    land_export,
    list_key_units,
    list_plots,
    open_year,
    plan_demolition,
)
from envplan.services.land.excel import LandImportError, import_workbook
from envplan.store import EvidenceStore
from envplan.store.audit import verify_chain

D = dt.date


def _duties(session: Session, as_of: dt.date) -> dict[str, dict[str, dict]]:  # type: ignore[type-arg]
    return {
        u["name"]: {d["kind"] + (str(d["year"]) if d["year"] else ""): d for d in u["duties"]}
        for u in list_key_units(session, as_of=as_of)
    }


def test_deadlines_status_and_lights(db_session: Session, tmp_path: Path) -> None:
    add_key_unit(db_session, KeyUnitInput("老单位", "高平市", listed_on=D(2020, 6, 1)))
    add_key_unit(
        db_session,
        KeyUnitInput(
            "新单位", "阳城县", "91350100M000100Y43", heavy_metal=True, listed_on=D(2022, 3, 15)
        ),
    )
    db_session.commit()
    duties = _duties(db_session, D(2022, 1, 10))
    old, new = duties["老单位"], duties["新单位"]
    assert old["hidden_danger"]["due_on"] == "2021-12-31"
    assert old["hidden_danger"]["light"] == "red" and old["hidden_danger"]["status"] == "已逾期"
    assert "auto_monitoring" not in old
    assert new["hidden_danger"]["due_on"] == "2023-03-15"
    assert new["auto_monitoring"]["due_on"] == "2025-12-31"
    assert new["self_monitoring_plan2022"]["due_on"] == "2022-12-31"
    assert old["self_monitoring_plan2021"]["due_on"] == "2021-12-31"

    store = EvidenceStore(tmp_path / "ev")
    duty_id = old["hidden_danger"]["id"]
    complete_duty(
        db_session, duty_id, done_on=D(2022, 2, 1), upload=("排查报告.pdf", b"x"), store=store
    )
    db_session.commit()
    closed = _duties(db_session, D(2022, 3, 1))["老单位"]["hidden_danger"]
    assert (closed["status"], closed["light"]) == ("逾期完成", "yellow")
    with pytest.raises(LandError, match="已于 2022-02-01 完成"):
        complete_duty(db_session, duty_id, done_on=D(2022, 2, 2))

    permit = old["permit_clause"]["id"]
    complete_duty(db_session, permit, done_on=D(2022, 2, 1), passed=False, note="副本第5页")
    db_session.commit()
    checked = _duties(db_session, D(2022, 3, 1))["老单位"]["permit_clause"]
    assert checked["done_on"] is None and "未载明" in checked["note"]

    assert open_year(db_session, 2022) == 2  # 老单位 lacks 2022; 新单位 already has it
    assert open_year(db_session, 2022) == 0
    unit_id = next(
        u["id"] for u in list_key_units(db_session, as_of=D(2022, 3, 1)) if u["name"] == "新单位"
    )
    duty = plan_demolition(db_session, unit_id, demolition_on=D(2022, 9, 1))
    assert duty.due_on == D(2022, 8, 31)
    db_session.commit()
    assert verify_chain(db_session)[1] == []


def test_duplicate_or_bad_credit_code_refused(db_session: Session) -> None:
    add_key_unit(db_session, KeyUnitInput("甲", "城区", "91110108551385082Q"))
    with pytest.raises(LandError, match="已在重点监管单位名录中"):
        add_key_unit(db_session, KeyUnitInput("乙", "城区", "91110108551385082Q"))
    with pytest.raises(LandError, match="校验码错误"):
        add_key_unit(db_session, KeyUnitInput("丙", "城区", "91110108551385082A"))


def _book(plots: list[list[object]], units: list[list[object]] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "地块"  # type: ignore[union-attr]
    sheet.append(["地块编号", "地块名称", "县（市、区）", "面积（平方米）", "规划用途", "当前阶段"])  # type: ignore[union-attr]
    for row in plots:
        sheet.append(row)  # type: ignore[union-attr]
    if units is not None:
        unit_sheet = book.create_sheet("重点监管单位")
        unit_sheet.append(
            ["单位名称", "统一社会信用代码", "县（市、区）", "涉重金属", "纳入名录日期"]
        )
        for row in units:
            unit_sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_is_all_or_nothing_with_sheet_row_field(db_session: Session) -> None:
    data = _book(
        [
            ["A-1", "甲地块", "泽州县", 1000, "第一类用地", "疑似污染地块"],
            ["A-2", "乙地块", "太原市", 1000, "第一类用地", ""],
            ["A-1", "丙地块", "城区", "一千", "", ""],
            ["A-4", "丁地块", "城区", 50, "住宅用地", ""],
        ],
        [["某厂", "91350100M000100Y44", "城区", "也许", "2021-13-01"]],
    )
    with pytest.raises(LandImportError) as caught:
        import_workbook(db_session, data, "名录.xlsx", today=D(2021, 5, 1))
    problems = {(s, r, c) for s, r, c, _m in caught.value.problems}
    assert ("地块", 3, "县（市、区）") in problems
    assert ("地块", 4, "面积（平方米）") in problems
    assert ("地块", 5, "规划用途") in problems
    assert ("重点监管单位", 2, "统一社会信用代码") in problems
    assert ("重点监管单位", 2, "涉重金属") in problems
    assert ("重点监管单位", 2, "纳入名录日期") in problems
    assert "名录.xlsx" in str(caught.value) and "未导入任何数据" in str(caught.value)
    db_session.rollback()
    assert list_plots(db_session) == []

    dup = _book([["B-1", "", "城区", None, "", ""], ["B-1", "", "城区", None, "", ""]])
    with pytest.raises(LandImportError, match="与第 2 行重复"):
        import_workbook(db_session, dup, "dup.xlsx", today=D(2021, 5, 1))


def test_export_then_import_round_trip(db_session: Session, tmp_path: Path) -> None:
    add_plot(
        db_session,
        PlotInput("R-1", "陵川县", "第二类用地", stage="风险评估", name="原焦化厂", area_m2=8000.5),
        on=D(2021, 2, 1),
    )
    add_key_unit(
        db_session, KeyUnitInput("某焦化厂", "陵川县", "911100001000044477", heavy_metal=True)
    )
    db_session.commit()
    data = registry_workbook(land_export(db_session, as_of=D(2021, 6, 1)))
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["地块", "重点监管单位", "跟踪事项", "查询记录"]
    plot_row = [c.value for c in book["地块"][2]]
    assert plot_row[:3] == ["R-1", "原焦化厂", "陵川县"] and plot_row[5] == 8000.5
    assert plot_row[11] == "风险评估"
    # an exported workbook edited in Excel imports back: same layout, new parcel and code
    with pytest.raises(LandImportError, match="地块编号已在名录中：R-1"):
        import_workbook(db_session, data, "导出.xlsx", today=D(2021, 6, 2))
    db_session.rollback()
    book["地块"]["A2"] = "R-2"
    book["重点监管单位"]["B2"] = "91440300708461136T"
    edited = BytesIO()
    book.save(edited)
    result = import_workbook(db_session, edited.getvalue(), "导出.xlsx", today=D(2021, 6, 2))
    db_session.commit()
    assert (result.plots, result.units) == (1, 1)
    copy = next(p for p in list_plots(db_session) if p.parcel_id == "R-2")
    assert (copy.name, copy.county, copy.area_m2, copy.planned_use, copy.stage) == (
        "原焦化厂", "陵川县", 8000.5, "第二类用地", "风险评估",
    )  # fmt: skip
    assert copy.steps[0].step_on == D(2021, 2, 1)


def test_key_unit_and_former_enterprise_link_to_the_enterprise_registry(
    db_session: Session,
) -> None:
    from envplan.services.enterprises import EnterpriseInput, save_enterprise
    from envplan.services.land import plot_detail

    # 华为技术有限公司's published code (its business licence), as in the enterprise tests
    code = "914403001922038216"
    save_enterprise(
        db_session,
        EnterpriseInput(
            code, "【示例】某铅冶炼有限公司", "阳城县", "铅锌冶炼", permit_number="PW-1"
        ),
    )
    unit = add_key_unit(db_session, KeyUnitInput(credit_code=code, heavy_metal=True))
    assert (unit.name, unit.county, unit.industry, unit.permit_number) == (
        "【示例】某铅冶炼有限公司", "阳城县", "铅锌冶炼", "PW-1",
    )  # fmt: skip
    listed = list_key_units(db_session, as_of=D(2021, 6, 1))[0]
    assert listed["enterprise"]["name"] == "【示例】某铅冶炼有限公司"
    with pytest.raises(LandError, match="与企业名录不符"):
        _other_county(db_session)
    plot = add_plot(
        db_session,
        PlotInput("L-1", "阳城县", "第二类用地", former_enterprise_code=code),
        on=D(2021, 1, 5),
    )
    assert plot.former_enterprise_name == "【示例】某铅冶炼有限公司"
    detail = plot_detail(db_session, plot, as_of=D(2021, 6, 1))
    assert detail["former_enterprise"]["industry"] == "铅锌冶炼"
    # a closed former enterprise absent from the registry: the code and typed name stand
    closed = add_plot(
        db_session,
        PlotInput("L-2", "城区", None, former_enterprise_code="91330100716105852F",
                  former_enterprise_name="原某厂（已关闭）"),
        on=D(2021, 1, 5),
    )  # fmt: skip
    assert plot_detail(db_session, closed, as_of=D(2021, 6, 1))["former_enterprise"] is None


def _other_county(session: Session) -> None:
    from envplan.services.enterprises import EnterpriseInput, save_enterprise

    code = "9144030071526726XG"
    save_enterprise(session, EnterpriseInput(code, "【示例】丙焦化", "高平市", "焦化"))
    add_key_unit(session, KeyUnitInput("丙", "城区", code))
