"""Bad plan files: every problem is reported with file, line and field; nothing is loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from envplan.plan import DEFAULT_PLAN_DIR, PlanValidationError, Problem, load_plan, validate_file


def _copy_plan(tmp_path: Path) -> Path:
    target = tmp_path / "plan"
    shutil.copytree(DEFAULT_PLAN_DIR, target)
    return target


def _replace_once(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in the file; return the 1-based line where ``new`` now starts."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old) :], encoding="utf-8")
    return text[:index].count("\n") + 1


def _problem(problems: list[Problem], file_name: str, field_part: str) -> Problem:
    found = [p for p in problems if p.file.endswith(file_name) and field_part in p.field]
    assert found, [str(p) for p in problems]
    return found[0]


def test_shipped_plan_is_valid() -> None:
    assert validate_file(DEFAULT_PLAN_DIR) == []


def test_wrong_field_type_names_file_line_and_field(tmp_path: Path) -> None:
    plan_dir = _copy_plan(tmp_path)
    line = _replace_once(plan_dir / "air.yaml", "    number: 14\n", "    number: 十四\n")
    problems = validate_file(plan_dir)
    problem = _problem(problems, "air.yaml", "key_tasks[13].number")
    assert problem.line == line
    assert "整数" in problem.message
    with pytest.raises(PlanValidationError) as raised:
        load_plan(plan_dir)
    assert f"air.yaml:{line}" in str(raised.value)


def test_unknown_unit_names_file_line_and_field(tmp_path: Path) -> None:
    plan_dir = _copy_plan(tmp_path)
    line = _replace_once(
        plan_dir / "water.yaml", "responsible: 高平市政府\n", "responsible: 高平市环保局\n"
    )
    problems = validate_file(plan_dir)
    problem = _problem(problems, "water.yaml", "projects[0].responsible")
    assert problem.line == line
    assert "高平市环保局" in problem.message
    with pytest.raises(PlanValidationError):
        load_plan(plan_dir)


def test_all_problems_are_collected_across_files(tmp_path: Path) -> None:
    plan_dir = _copy_plan(tmp_path)
    type_line = _replace_once(plan_dir / "air.yaml", "    number: 14\n", "    number: 十四\n")
    unit_line = _replace_once(
        plan_dir / "water.yaml", "responsible: 高平市政府\n", "responsible: 高平市环保局\n"
    )
    dup_line = _replace_once(plan_dir / "soil.yaml", "  - id: soil-m03\n", "  - id: soil-m02\n")
    bad_deadline_line = _replace_once(
        plan_dir / "soil.yaml", "deadline: 2021年9月底前\n", "deadline: 尽快\n"
    )
    lead_line = _replace_once(plan_dir / "air.yaml", "lead: 市交通局\n", "lead: [市交通局]\n")
    problems = validate_file(plan_dir)
    assert _problem(problems, "air.yaml", "key_tasks[13].number").line == type_line
    assert _problem(problems, "water.yaml", "responsible").line == unit_line
    duplicate = _problem(problems, "soil.yaml", "measures[2].id")
    assert duplicate.line == dup_line and "重复" in duplicate.message
    assert _problem(problems, "soil.yaml", "measures[1].deadline").line == bad_deadline_line
    assert _problem(problems, "air.yaml", ".lead").line == lead_line
    assert len(problems) >= 5


def test_unknown_field_and_missing_field(tmp_path: Path) -> None:
    plan_dir = _copy_plan(tmp_path)
    line = _replace_once(
        plan_dir / "air.yaml", "    category_printed: false\n", "    category_printd: false\n"
    )
    problems = validate_file(plan_dir)
    unknown = _problem(problems, "air.yaml", "category_printd")
    assert unknown.line == line and "未知字段" in unknown.message


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    plan_dir = _copy_plan(tmp_path)
    line = _replace_once(plan_dir / "zones.yaml", "  - id: urban-10km\n", "  - id: [urban-10km\n")
    problems = validate_file(plan_dir)
    assert len(problems) == 1
    assert problems[0].file.endswith("zones.yaml")
    assert problems[0].line is not None and problems[0].line >= line


def test_declared_village_count_must_match(tmp_path: Path) -> None:
    plan_dir = _copy_plan(tmp_path)
    line = _replace_once(plan_dir / "zones.yaml", "declared_count: 24\n", "declared_count: 25\n")
    problem = _problem(validate_file(plan_dir), "zones.yaml", "declared_count")
    assert problem.line == line and "25" in problem.message


def test_a_single_subplan_file_is_validated_against_the_registry(tmp_path: Path) -> None:
    lone = tmp_path / "air.yaml"
    shutil.copy(DEFAULT_PLAN_DIR / "air.yaml", lone)
    assert validate_file(lone) == []
    line = _replace_once(lone, "lead: 市交通局\n", "lead: 市交通厅\n")
    problem = _problem(validate_file(lone), "air.yaml", ".lead")
    assert problem.line == line and "市交通厅" in problem.message


def test_problem_text_is_chinese_with_location(tmp_path: Path) -> None:
    plan_dir = _copy_plan(tmp_path)
    line = _replace_once(
        plan_dir / "water.yaml", "    provincial_key: true\n", "    provincial_key: 是\n"
    )
    problem = _problem(validate_file(plan_dir), "water.yaml", "provincial_key")
    assert str(problem).startswith(f"{plan_dir / 'water.yaml'}:{line}：字段 ")
    assert "布尔值" in problem.message


def test_indicator_set_must_be_known_to_the_standards_layer(tmp_path: Path) -> None:
    plan_dir = _copy_plan(tmp_path)
    line = _replace_once(
        plan_dir / "water.yaml", "indicator_set: eval-2011-21\n", "indicator_set: eval-2099\n"
    )
    problem = _problem(validate_file(plan_dir), "water.yaml", "indicator_set")
    assert problem.line == line and "eval-2099" in problem.message


def test_an_item_with_a_type_error_is_still_checked_for_units_and_deadline(tmp_path: Path) -> None:
    plan_dir = _copy_plan(tmp_path)
    water = plan_dir / "water.yaml"
    # Same project (附件2第1行): wrong type for provincial_key, unknown unit, bad deadline.
    type_line = _replace_once(water, "    provincial_key: true\n", "    provincial_key: 是\n")
    unit_line = _replace_once(water, "responsible: 高平市政府\n", "responsible: 高平市环保局\n")
    deadline_line = _replace_once(water, "deadline: 2021年6月底\n", "deadline: 尽快\n")
    problems = validate_file(plan_dir)
    assert _problem(problems, "water.yaml", "projects[0].provincial_key").line == type_line
    assert _problem(problems, "water.yaml", "projects[0].responsible").line == unit_line
    assert _problem(problems, "water.yaml", "projects[0].deadline").line == deadline_line
