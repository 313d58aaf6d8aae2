"""`envplan plan …`: zone-of, tasks, validate, export, show (expected values read from the seed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from envplan.cli import app
from envplan.plan import DEFAULT_PLAN_DIR

runner = CliRunner()


def _run(*args: str) -> Any:
    return runner.invoke(app, ["plan", *args], env={"COLUMNS": "250"})


@pytest.fixture(scope="module")
def exported() -> dict[str, Any]:
    result = _run("export", "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_zone_of_bagong_xigao_answers_the_key_control_zone_only() -> None:
    result = _run("zone-of", "巴公镇", "西郜村")
    assert result.exit_code == 0
    assert "市区周边重点管控区范围" in result.output
    assert "市区10公里范围" not in result.output


def test_zone_of_beishidian_answers_both_zones() -> None:
    result = _run("zone-of", "北石店镇")
    assert result.exit_code == 0
    assert "市区10公里范围" in result.output
    assert "市区周边重点管控区范围" in result.output


def test_zone_of_unknown_place() -> None:
    result = _run("zone-of", "润城镇")
    assert result.exit_code == 0
    assert "不在任何管控区范围内" in result.output


def test_export_contract_keys_and_counts(exported: dict[str, Any]) -> None:
    assert {"plans", "units", "zones", "data_quality_notes"} <= set(exported)
    plans = exported["plans"]
    assert set(plans) == {"air", "water", "soil"}
    assert len(plans["air"]["measures"]) == 28
    assert len(plans["air"]["key_tasks"]) == 47
    assert len(plans["water"]["measures"]) == 25
    assert len(plans["water"]["sections"]) == 22
    assert len(plans["water"]["projects"]) == 32
    assert len(plans["soil"]["measures"]) == 15
    for key in ("air", "water", "soil"):
        assert plans[key]["targets"]
    counts = {z["name"]: z["village_counts"] for z in exported["zones"]}
    assert counts["市区10公里范围"] == {"南村镇": 24, "金村镇": 39, "大箕镇": 12, "巴公镇": 5}
    assert counts["市区周边重点管控区范围"]["巴公镇"] == 33
    assert exported["data_quality_notes"]


def test_export_items_carry_text_deadline_and_units(exported: dict[str, Any]) -> None:
    plans = exported["plans"]
    items = [
        *plans["air"]["targets"],
        *plans["water"]["targets"],
        *plans["soil"]["targets"],
        *plans["water"]["sections"],
        *plans["air"]["measures"],
        *plans["air"]["key_tasks"],
        *plans["water"]["measures"],
        *plans["water"]["projects"],
        *plans["soil"]["measures"],
    ]
    for item in items:
        assert item["text"]
        assert {"raw", "kind", "due", "start", "end", "frequency", "milestones"} <= set(
            item["deadline"]
        )
        assert isinstance(item["lead_units"], list) and isinstance(item["co_units"], list)
    water24 = next(m for m in plans["water"]["measures"] if m["number"] == "(二)4")
    assert [m["due"] for m in water24["deadline"]["milestones"]] == [
        "2021-04-30",
        "2021-06-30",
        "2021-12-31",
    ]
    k18 = plans["air"]["key_tasks"][17]
    assert (k18["deadline"]["raw"], k18["deadline"]["kind"], k18["deadline"]["start"]) == (
        "2021 年 5 月 1 日起",
        "from_date",
        "2021-05-01",
    )
    assert k18["lead_unit_names"] == ["市交通局"]
    section9 = plans["water"]["sections"][8]  # 9 城区 白水河 完成省定目标 省考
    assert section9["text"] == "9 城区 白水河 完成省定目标 省考"
    assert section9["lead_unit_names"] == ["城区人民政府"]


def test_tasks_by_unit_alias_and_due_date() -> None:
    result = _run("tasks", "--unit", "城区政府", "--due-before", "2021-04-30", "--json")
    assert result.exit_code == 0, result.output
    ids = {item["id"] for item in json.loads(result.stdout)}
    assert "air-k28" in ids  # 附件2第28行：制定城区精细化管控实施方案，2021年4月底前，城区政府
    assert "air-k29" not in ids  # 长期坚持: no due date
    assert "water-p22" not in ids  # 南村镇污水管网工程: 2021年12月底


def test_tasks_by_county() -> None:
    result = _run("tasks", "--county", "陵川县", "--json")
    assert result.exit_code == 0
    ids = {item["id"] for item in json.loads(result.stdout)}
    assert {"water-p30", "water-p31", "water-p32"} <= ids  # 陵川县政府 projects
    assert "water-p29" not in ids  # 沁水县政府
    assert "air-m25" not in ids  # 市生态环境局 alone, no county group
    assert "air-m03" in ids  # 各县（市、区）人民政府


def test_tasks_table_and_bad_arguments() -> None:
    result = _run("tasks", "--unit", "市能源局")
    assert result.exit_code == 0
    assert "air-m06" in result.output
    bad_unit = _run("tasks", "--unit", "市宇宙局")
    assert bad_unit.exit_code != 0
    assert "市宇宙局" in bad_unit.output
    bad_date = _run("tasks", "--due-before", "2021-13-01")
    assert bad_date.exit_code != 0
    assert "YYYY-MM-DD" in bad_date.output


def test_validate_shipped_plan() -> None:
    result = _run("validate", str(DEFAULT_PLAN_DIR))
    assert result.exit_code == 0
    assert "校验通过" in result.output


def test_validate_bad_file_exits_non_zero_with_location(tmp_path: Path) -> None:
    plan_dir = tmp_path / "plan"
    shutil.copytree(DEFAULT_PLAN_DIR, plan_dir)
    air = plan_dir / "air.yaml"
    text = air.read_text(encoding="utf-8")
    index = text.index("    number: 14\n")
    line = text[:index].count("\n") + 1
    air.write_text(text.replace("    number: 14\n", "    number: 十四\n", 1), encoding="utf-8")
    result = _run("validate", str(plan_dir))
    assert result.exit_code == 1
    flat = "".join(result.output.split())
    assert f"air.yaml:{line}" in flat
    assert "key_tasks[13].number" in flat
    # The other commands refuse to work from the invalid plan.
    shown = _run("show", "--plan-dir", str(plan_dir))
    assert shown.exit_code == 1


def test_show_overview_and_one_plan() -> None:
    overview = _run("show")
    assert overview.exit_code == 0
    assert "晋市政办〔2021〕9号" in overview.output
    water = _run("show", "--plan", "water")
    assert water.exit_code == 0
    assert "张峰水库出口" in water.output
    assert "丹河生态长廊建设工程" in water.output
    bad = _run("show", "--plan", "noise")
    assert bad.exit_code != 0
