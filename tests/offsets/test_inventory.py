"""Emission inventory: import all or nothing, and the −2 % check on the 示例 inventory against a
hand computation."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, Principal, Role
from envplan.services.offsets import (
    INVENTORY_COLUMNS,
    InventoryImportError,
    import_inventory,
    inventory_check,
    list_emissions,
    reduction_targets,
)
from envplan.services.offsets.demo import seed_offsets_demo
from envplan.store.offsets import EmissionRecord


def _row(check: dict, area: str, pollutant: str) -> dict:  # type: ignore[type-arg]
    return next(r for r in check["rows"] if r["area"] == area and r["pollutant"] == pollutant)


def test_targets_come_from_the_plan_registry() -> None:
    targets = reduction_targets()
    assert {p: t["pct"] for p, t in targets.items()} == {"SO2": 2, "NOx": 2, "VOCs": 2}
    assert {t["target_id"] for t in targets.values()} == {"air-t09", "air-t10", "air-t11"}
    assert all(t["baseline_year"] == 2020 for t in targets.values())


def test_demo_check_equals_hand_computation(db_session: Session) -> None:
    assert seed_offsets_demo(db_session)
    db_session.commit()
    assert not seed_offsets_demo(db_session)  # idempotent
    check = inventory_check(db_session, SYSTEM, 2021)

    # 泽州县 SO2 [t/a]: 2020 = 420.5 + 35.2 + 260.0 = 715.7; 2021 = 405.1 + 36.0 + 258.0 = 699.1
    # change = (699.1 − 715.7) / 715.7 = −2.319 %; allowed = 715.7 × 0.98 = 701.386;
    # margin = 701.386 − 699.1 = 2.286 → met
    row = _row(check, "泽州县", "SO2")
    assert (row["base"], row["current"]) == (715.7, 699.1)
    assert row["change_pct"] == -2.32
    assert row["allowed"] == pytest.approx(701.386)
    assert row["margin"] == pytest.approx(2.286)
    assert row["met"] is True

    # 泽州县 VOCs: 2020 = 65.0 + 22.4 + 180.0 = 267.4; 2021 = 63.2 + 23.5 + 170.0 = 256.7
    # change = −10.7 / 267.4 = −4.00 %; margin = 262.052 − 256.7 = 5.352
    row = _row(check, "泽州县", "VOCs")
    assert (row["base"], row["current"], row["change_pct"]) == (267.4, 256.7, -4.0)
    assert row["margin"] == pytest.approx(5.352)

    # 高平市 SO2: 80 → 82 (+2.5 %); allowed 78.4, margin −3.6 → not met
    row = _row(check, "高平市", "SO2")
    assert (row["change_pct"], row["met"]) == (2.5, False)
    assert row["margin"] == pytest.approx(-3.6)

    # 沁水县 closed its only enterprise in 2021: 12 → 0 SO2, −100 %
    row = _row(check, "沁水县", "SO2")
    assert (row["base"], row["current"], row["change_pct"], row["met"]) == (12.0, 0.0, -100.0, True)

    # 全市 NOx: 2020 = 980.2+48.6+540+300+420+60+20 = 2368.8; 2021 = 951+47+520+290+410+57 = 2275
    # change = −93.8 / 2368.8 = −3.96 %; margin = 2368.8 × 0.98 − 2275 = 46.424
    row = _row(check, "全市", "NOx")
    assert (row["base"], row["current"], row["change_pct"]) == (2368.8, 2275.0, -3.96)
    assert row["margin"] == pytest.approx(46.424)

    # PM has no target; 陵川县 has no data
    assert _row(check, "全市", "PM")["target_pct"] is None
    assert _row(check, "陵川县", "SO2")["met"] is None


def test_county_clerk_sees_own_county(db_session: Session) -> None:
    seed_offsets_demo(db_session)
    clerk = Principal(1, "c", Role.COUNTY_CLERK, None, "泽州县")
    check = inventory_check(db_session, clerk, 2021)
    assert {r["area"] for r in check["rows"]} == {"泽州县"}
    assert {r["county"] for r in list_emissions(db_session, clerk)} == {"泽州县"}


def _csv(path: Path, rows: list[list[str]]) -> Path:
    lines = [",".join(INVENTORY_COLUMNS)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = [
    "2021",
    "甲公司",
    "",
    "泽州县",
    "巴公镇",
    "西郜村",
    "钢铁",
    "1.5",
    "2",
    "",
    "0.5",
    "执行报告",
]


def test_import_all_or_nothing(db_session: Session, tmp_path: Path) -> None:
    bad = _csv(
        tmp_path / "bad.csv",
        [
            GOOD,
            ["20x1", "乙公司", "", "泽州县", "", "", "", "1", "", "", "", ""],
            ["2021", "丙公司", "", "某县", "", "", "", "-1", "", "", "", ""],
            ["2021", "丁公司", "12345", "城区", "", "", "", "1", "", "", "", ""],
            GOOD,
        ],
    )
    with pytest.raises(InventoryImportError) as caught:
        import_inventory(db_session, SYSTEM, bad)
    message = str(caught.value)
    assert "bad.csv 第 3 行“年份”" in message
    assert "第 4 行“县（市、区）”不存在：某县" in message
    assert "第 4 行“SO2（吨/年）”" in message
    assert "第 5 行“统一社会信用代码”" in message
    assert "第 6 行：与第 2 行重复" in message
    assert db_session.scalar(select(func.count(EmissionRecord.id))) == 0

    good = _csv(tmp_path / "good.csv", [GOOD])
    assert import_inventory(db_session, SYSTEM, good) == 3  # SO2, NOx, PM filled
    rows = list_emissions(db_session, SYSTEM, year=2021)
    assert rows[0]["SO2"] == 1.5 and rows[0]["VOCs"] is None and rows[0]["PM"] == 0.5


def test_import_xlsx_template_round_trip(db_session: Session, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from envplan.reports.offsets_xlsx import write_inventory_template

    path = tmp_path / "inventory.xlsx"
    write_inventory_template(path)
    wb = load_workbook(path)
    ws = wb["排放清单"]
    assert [c.value for c in ws[1]] == list(INVENTORY_COLUMNS)
    ws.append([2020, "乙公司", None, "高平市", "马村镇", None, "水泥", 3, 4.25, None, None, "x"])
    wb.save(path)
    assert import_inventory(db_session, SYSTEM, path) == 2
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InventoryImportError, match="只支持"):
        import_inventory(db_session, SYSTEM, tmp_path / "x.txt")
    (tmp_path / "broken.xlsx").write_text("not excel", encoding="utf-8")
    with pytest.raises(InventoryImportError, match="不是有效的 Excel 文件"):
        import_inventory(db_session, SYSTEM, tmp_path / "broken.xlsx")
