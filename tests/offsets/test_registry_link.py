"""Credits, the inventory and the zone lists linked to the enterprise registry by 统一社会信用代码."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM
from envplan.services.enterprises import EmissionInput, EnterpriseInput, save_enterprise
from envplan.services.offsets import (
    OffsetsError,
    add_credit,
    inventory_check,
    list_credits,
    list_emissions,
    save_inventory,
)
from envplan.services.offsets.inventory import EmissionRow
from envplan.services.siting import enterprises_in_zones
from envplan.standards.enterprises import credit_code_check_char

CODE = "91140525MA0K12345"
CODE += credit_code_check_char(CODE)  # a well-formed code (区划 140525 = 泽州县)


def _registry(session: Session) -> None:
    save_enterprise(
        session,
        EnterpriseInput(
            credit_code=CODE,
            name="名录钢铁有限公司",
            county="泽州县",
            industry="长流程联合钢铁",
            town="巴公镇",
            village="西郜村",
            emissions=(
                EmissionInput(2020, "SO2", 100.0, "执行报告"),
                EmissionInput(2021, "SO2", 97.0, "执行报告"),
                EmissionInput(2021, "NOx", 50.0, "执行报告"),
            ),
        ),
    )


def test_credit_links_to_the_registry(db_session: Session) -> None:
    _registry(db_session)
    credit = add_credit(db_session, SYSTEM, county="泽州县", pollutant="SO2", tonnes="1",
                        kind="工程减排", source="名录钢铁", source_credit_code=CODE.lower(),
                        on=dt.date(2021, 5, 1))  # fmt: skip
    assert credit.source_credit_code == CODE
    assert list_credits(db_session, SYSTEM)[0]["registry_name"] == "名录钢铁有限公司"
    with pytest.raises(OffsetsError, match="在企业名录中属于泽州县"):
        add_credit(db_session, SYSTEM, county="城区", pollutant="SO2", tonnes="1",
                   kind="工程减排", source="x", source_credit_code=CODE)  # fmt: skip
    with pytest.raises(OffsetsError, match="校验码错误"):
        bad = CODE[:17] + ("0" if CODE[17] != "0" else "1")
        add_credit(db_session, SYSTEM, county="泽州县", pollutant="SO2", tonnes="1",
                   kind="工程减排", source="x", source_credit_code=bad)  # fmt: skip


def test_inventory_includes_registry_emissions_imported_figures_win(db_session: Session) -> None:
    _registry(db_session)
    check = inventory_check(db_session, SYSTEM, 2021)
    so2 = next(r for r in check["rows"] if r["area"] == "泽州县" and r["pollutant"] == "SO2")
    assert (so2["base"], so2["current"], so2["change_pct"]) == (100.0, 97.0, -3.0)
    # the bureau's inventory gives 99 t for 2021: it replaces the registry's 97 t
    save_inventory(
        db_session,
        SYSTEM,
        [
            EmissionRow(
                2021,
                "名录钢铁有限公司",
                CODE,
                "泽州县",
                "巴公镇",
                "西郜村",
                "钢铁",
                {"SO2": 99_000_000},
                "源清单",
            )
        ],
    )
    check = inventory_check(db_session, SYSTEM, 2021)
    so2 = next(r for r in check["rows"] if r["area"] == "泽州县" and r["pollutant"] == "SO2")
    assert (so2["current"], so2["change_pct"], so2["met"]) == (99.0, -1.0, False)
    rows = {(r["year"], r["origin"]): r for r in list_emissions(db_session, SYSTEM)}
    assert rows[(2021, "排放清单")]["SO2"] == 99.0
    assert rows[(2021, "企业名录")]["NOx"] == 50.0 and rows[(2020, "企业名录")]["SO2"] == 100.0


def test_zone_list_reads_the_registry(db_session: Session) -> None:
    _registry(db_session)
    zones = {z["id"]: z["enterprises"] for z in enterprises_in_zones(db_session, SYSTEM)["zones"]}
    assert [(e["name"], e["origin"]) for e in zones["key-control"]] == [
        ("名录钢铁有限公司", "企业名录")
    ]
    assert zones["urban-10km"] == []


def test_enterprise_without_a_current_figure_is_left_out_and_listed(db_session: Session) -> None:
    _registry(db_session)
    code = "91140525MA0K54321"
    code += credit_code_check_char(code)
    save_enterprise(
        db_session,
        EnterpriseInput(credit_code=code, name="只报2020年的焦化", county="泽州县", industry="焦化",
                        emissions=(EmissionInput(2020, "SO2", 500.0),)),
    )  # fmt: skip
    check = inventory_check(db_session, SYSTEM, 2021)
    so2 = next(r for r in check["rows"] if r["area"] == "泽州县" and r["pollutant"] == "SO2")
    # like-for-like: 100 → 97 as before, the 500 t without a 2021 figure is not a "reduction"
    assert (so2["base"], so2["current"], so2["change_pct"]) == (100.0, 97.0, -3.0)
    assert so2["missing"] == ["只报2020年的焦化"]
    city = next(r for r in check["rows"] if r["area"] == "全市" and r["pollutant"] == "SO2")
    assert city["missing"] == ["只报2020年的焦化"]
    nox = next(r for r in check["rows"] if r["area"] == "泽州县" and r["pollutant"] == "NOx")
    # a figure for 2021 only (a new source) counts as an increase from 0
    assert (nox["base"], nox["current"], nox["met"]) == (0.0, 50.0, False)
