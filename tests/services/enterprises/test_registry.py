"""The enterprise registry: credit-code check, all-or-nothing import, scope, audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, AccessDenied, Principal, Role
from envplan.services.enterprises import (
    EnterpriseInput,
    EnterpriseNotFound,
    GradeInput,
    RegistryImportError,
    current_grade,
    enterprise_history,
    enterprise_zones,
    get_enterprise,
    import_registry,
    latest_emissions,
    list_enterprises,
    record_grade,
    save_enterprise,
)
from envplan.standards.enterprises import credit_code_check_char, credit_code_problem
from envplan.store.audit import verify_chain
from envplan.store.enterprises import Enterprise
from envplan.store.models import AuditEntry

from .conftest import PUBLISHED_CODES, row

Build = Callable[[list[dict[str, Any]]], Path]
ZEZHOU_CLERK = Principal(None, "clerk-zz", Role.COUNTY_CLERK, county="泽州县")
GAOPING_CLERK = Principal(None, "clerk-gp", Role.COUNTY_CLERK, county="高平市")
CODE_A, CODE_B, CODE_C = PUBLISHED_CODES


# --- GB 32100-2015 ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", list(PUBLISHED_CODES))
def test_published_codes_are_valid(code: str) -> None:
    assert credit_code_problem(code) is None


def test_check_character_by_hand() -> None:
    # 91330100716105852 → values 9,1,3,3,0,1,0,0,7,1,6,1,0,5,8,5,2 with weights
    # 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28: Σ = 9+3+27+81+0+26+0+0+140+29+150+13+0
    # +120+80+150+56 = 884; 884 mod 31 = 16; 31 − 16 = 15 → character 15 of the set = F.
    assert credit_code_check_char("91330100716105852") == "F"


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91330100716105852G", "校验码错误：第 18 位应为 F"),
        ("9133010071610585", "应为 18 位，实为 16 位"),
        ("91330100716105852I", "不允许的字符 I"),
        ("91AB0100716105852F", "行政区划代码"),
    ],
)
def test_malformed_codes_are_named(code: str, fragment: str) -> None:
    problem = credit_code_problem(code)
    assert problem is not None and fragment in problem


# --- import ----------------------------------------------------------------------------------


def test_import_creates_enterprises_and_audits(db_session: Session, workbook: Build) -> None:
    path = workbook([row(), row(**{"统一社会信用代码": CODE_B, "企业名称": "乙公司"})])
    result = import_registry(db_session, path)
    db_session.commit()
    assert sorted(result.created) == sorted([CODE_A, CODE_B])
    ent = get_enterprise(db_session, CODE_A)
    assert ent.county == "泽州县" and ent.industry == "铸造"
    assert latest_emissions(ent) == {"SO2": 10.0, "NOx": 20.0, "PM": 5.0, "VOCs": 2.0}
    grade = current_grade(ent)
    assert grade is not None and grade.grade == "B" and grade.graded_on == dt.date(2020, 10, 15)
    # 西郜村 of 巴公镇 is listed in the key control zone (空气计划附件1)
    assert "市区周边重点管控区范围" in enterprise_zones(ent)
    actions = db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions == ["enterprise.create", "enterprise.create"]
    assert verify_chain(db_session) == (2, [])


def test_duplicate_code_fails_whole_naming_rows(db_session: Session, workbook: Build) -> None:
    path = workbook(
        [
            row(),
            row(**{"统一社会信用代码": CODE_B, "企业名称": "乙"}),
            row(**{"统一社会信用代码": CODE_A.lower(), "企业名称": "丙"}),
        ]
    )
    with pytest.raises(RegistryImportError) as caught:
        import_registry(db_session, path)
    message = str(caught.value)
    # header on row 2, data rows 3, 4, 5: rows 3 and 5 carry the same code
    assert "第 3 行 统一社会信用代码" in message and "第 5 行 统一社会信用代码" in message
    assert "重复" in message and "第 4 行" not in message
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Enterprise)) == 0
    assert db_session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_malformed_code_fails_whole_naming_rows(db_session: Session, workbook: Build) -> None:
    path = workbook([row(), row(**{"统一社会信用代码": "91330100716105852G", "企业名称": "错"})])
    with pytest.raises(RegistryImportError) as caught:
        import_registry(db_session, path)
    assert "第 4 行 统一社会信用代码" in str(caught.value)
    assert "校验码错误" in str(caught.value)
    assert [p.row for p in caught.value.problems] == [4]
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Enterprise)) == 0


def test_bad_fields_are_all_reported(db_session: Session, workbook: Build) -> None:
    path = workbook(
        [row(**{"县（市、区）": "太原市", "行业类别": "造纸术", "经度": "东经", "绩效级别": "E"})]
    )
    with pytest.raises(RegistryImportError) as caught:
        import_registry(db_session, path)
    columns = {p.column for p in caught.value.problems}
    assert {"县（市、区）", "行业类别", "经度", "绩效级别"} <= columns


def test_not_an_excel_file(db_session: Session, tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("not excel")
    with pytest.raises(RegistryImportError, match="无法读取"):
        import_registry(db_session, path)


def test_reimport_updates_and_keeps_grade_history(db_session: Session, workbook: Build) -> None:
    import_registry(db_session, workbook([row()]))
    db_session.commit()
    import_registry(
        db_session, workbook([row(**{"绩效级别": "A", "评级日期": "2021-09-20"})], "v2.xlsx")
    )
    db_session.commit()
    ent = get_enterprise(db_session, CODE_A)
    assert [g.grade for g in ent.grades] == ["B", "A"]
    assert current_grade(ent).grade == "A"  # type: ignore[union-attr]
    assert current_grade(ent, as_of=dt.date(2021, 1, 1)).grade == "B"  # type: ignore[union-attr]
    history = enterprise_history(db_session, CODE_A)
    assert [h["action"] for h in history] == ["enterprise.create", "enterprise.update"]
    assert history[1]["before"]["grade"] == "B" and history[1]["after"]["grade"] == "A"


# --- scope -----------------------------------------------------------------------------------


def _two_counties(session: Session) -> None:
    save_enterprise(session, EnterpriseInput(CODE_A, "泽州企业", "泽州县", "焦化"))
    save_enterprise(session, EnterpriseInput(CODE_B, "高平企业", "高平市", "水泥"))
    session.commit()


def test_county_clerk_sees_only_its_county(db_session: Session) -> None:
    _two_counties(db_session)
    assert [e.credit_code for e in list_enterprises(db_session, principal=ZEZHOU_CLERK)] == [CODE_A]
    assert len(list_enterprises(db_session, principal=SYSTEM)) == 2
    with pytest.raises(AccessDenied):
        get_enterprise(db_session, CODE_B, principal=ZEZHOU_CLERK)
    unit_clerk = Principal(None, "u", Role.UNIT_CLERK, unit_id="city-industry-it")
    assert list_enterprises(db_session, principal=unit_clerk) == []


def test_county_clerk_edits_only_its_county(db_session: Session) -> None:
    _two_counties(db_session)
    save_enterprise(
        db_session, EnterpriseInput(CODE_A, "泽州企业（更名）", "泽州县", "焦化"),
        principal=ZEZHOU_CLERK,
    )  # fmt: skip
    db_session.commit()
    assert get_enterprise(db_session, CODE_A).name == "泽州企业（更名）"
    with pytest.raises(AccessDenied):  # another county's enterprise
        save_enterprise(
            db_session, EnterpriseInput(CODE_B, "x", "高平市", "水泥"), principal=ZEZHOU_CLERK
        )
    db_session.rollback()
    with pytest.raises(AccessDenied):  # moving its own enterprise to another county
        save_enterprise(
            db_session, EnterpriseInput(CODE_A, "x", "高平市", "焦化"), principal=ZEZHOU_CLERK
        )
    db_session.rollback()
    with pytest.raises(AccessDenied):
        record_grade(
            db_session, CODE_B, GradeInput("A", dt.date(2021, 5, 1)), principal=ZEZHOU_CLERK
        )
    db_session.rollback()
    assert get_enterprise(db_session, CODE_B).name == "高平企业"


def test_county_clerk_import_of_other_county_fails_whole(
    db_session: Session, workbook: Build
) -> None:
    path = workbook([row(), row(**{"统一社会信用代码": CODE_B, "县（市、区）": "高平市"})])
    with pytest.raises(RegistryImportError) as caught:
        import_registry(db_session, path, principal=GAOPING_CLERK)
    assert [p.row for p in caught.value.problems] == [3]
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Enterprise)) == 0


def test_missing_enterprise(db_session: Session) -> None:
    with pytest.raises(EnterpriseNotFound, match=CODE_C):
        get_enterprise(db_session, CODE_C)


def test_export_then_import_gives_the_same_registry(db_session: Session, workbook: Build) -> None:
    from envplan.reports.enterprises_xlsx import write_registry
    from envplan.services.enterprises import enterprise_dict, parse_registry, registry_export

    path = workbook(
        [
            row(**{"主要生产线（名称:产能，分号分隔）": "1号线:60万吨/年；2号线",
                   "黄色预警限产比例（%）": 30, "红色预警限产比例（%）": 100,
                   "应急减排措施说明": "按一厂一策"}),
            row(**{"统一社会信用代码": CODE_B, "企业名称": "乙", "县（市、区）": "开发区"}),
        ]
    )  # fmt: skip
    import_registry(db_session, path)
    db_session.commit()
    before = [enterprise_dict(e) for e in list_enterprises(db_session)]
    out = path.parent / "export.xlsx"
    assert write_registry(out, registry_export(db_session)) == 2
    parsed = {item.credit_code: item for _, item in parse_registry(out)}
    first = parsed[CODE_A]
    assert first.lines == (("1号线", "60万吨/年"), ("2号线", ""))
    assert first.measures == {"yellow": (0.3, "按一厂一策"), "red": (1.0, "按一厂一策")}
    import_registry(db_session, out)
    db_session.commit()
    after = [enterprise_dict(e) for e in list_enterprises(db_session)]
    assert after == before
    assert db_session.scalar(select(func.count()).select_from(AuditEntry)) == 2  # no change
