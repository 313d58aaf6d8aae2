"""Model validation of plan files (issue 18): each pydantic error comes back as a zh-CN problem at
the line of the YAML key concerned. The plan below is written here; line numbers in the
assertions were counted by hand in these strings (the comment before each file lists them)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from envplan.plan import PlanValidationError, Problem, load_plan, validate_file

# plan.yaml — 1 id, 5 issued, 9 subplans
PLAN_YAML = """\
id: test-plan
city: 测试市
document_number: 测〔2021〕1号
title: 测试计划
issued: '2021-04-08'
version: '1'
units: units.yaml
zones: zones.yaml
subplans: [air.yaml]
"""
# units.yaml — 2 county chengqu, 6 unit sthjj (8 its kind), 9 unit chengqu-gov
UNITS_YAML = """\
counties:
  - id: chengqu
    name: 城区
    government_unit: chengqu-gov
units:
  - id: sthjj
    name: 市生态环境局
    kind: municipal_department
  - id: chengqu-gov
    name: 城区人民政府
    kind: county_government
    county: chengqu
"""
ZONES_YAML = "zones: []\n"
# air.yaml — 3 headings, 5 target (7 source_section), 9 measure (10 number, 15 deadline),
# 17 key task (18 number, 19 category, 21 deadline, 22 lead, 23 measure_id)
AIR_YAML = """\
key: air
title: 测试空气计划
headings: [二、主要目标, 三、重点任务]
targets:
  - id: air-t01
    text: 优良天数比例提升
    source_section: 二、主要目标
measures:
  - id: air-m01
    number: "1"
    chapter: 三、重点任务
    section: （一）结构调整
    text: 推进结构调整。
    responsible: 市生态环境局
    deadline: 2021年9月底前
key_tasks:
  - id: air-k01
    number: 1
    category: 结构调整
    text: 完成排查。
    deadline: 长期坚持
    lead: 市生态环境局
    measure_id: air-m01
"""


def _plan(tmp_path: Path, **changes: tuple[str, str]) -> Path:
    """Write the plan; ``changes`` maps a file stem to (old, new), replaced once in that file."""
    files = {"plan": PLAN_YAML, "units": UNITS_YAML, "zones": ZONES_YAML, "air": AIR_YAML}
    for stem, (old, new) in changes.items():
        assert files[stem].count(old) == 1, old
        files[stem] = files[stem].replace(old, new)
    for stem, text in files.items():
        (tmp_path / f"{stem}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_the_hand_written_plan_is_valid_and_loads(tmp_path: Path) -> None:
    plan = load_plan(_plan(tmp_path))
    assert plan.issued == date(2021, 4, 8)
    measure = plan.subplan("air").measures[0]
    assert measure.lead_units == ("sthjj",)
    assert measure.deadline.kind == "by_date" and measure.deadline.due == date(2021, 9, 30)
    task = plan.subplan("air").key_tasks[0]
    assert task.category_printed is True  # the default when the key is absent
    assert task.deadline.kind == "long_term" and task.measure_id == "air-m01"


def test_unknown_key_is_reported_at_its_line_with_the_known_fields(tmp_path: Path) -> None:
    plan_dir = _plan(tmp_path, air=("    lead: 市生态环境局\n", "    leader: 市生态环境局\n"))
    problem = _only(validate_file(plan_dir))
    assert problem.file == str(plan_dir / "air.yaml")
    assert (problem.line, problem.field) == (22, "key_tasks[0].leader")
    assert problem.message.startswith("条目 air-k01：未知字段“leader”（可用字段：id、number、")
    assert "lead_inferred" in problem.message


def test_wrong_type_is_reported_at_its_line(tmp_path: Path) -> None:
    plan_dir = _plan(tmp_path, air=("    number: 1\n", "    number: 一\n"))
    problem = _only(validate_file(plan_dir))
    assert (problem.line, problem.field) == (18, "key_tasks[0].number")
    assert problem.message == "条目 air-k01：类型错误：应为整数，实际为文本（'一'）"


def test_a_quoted_number_is_not_an_integer_and_a_number_is_not_text(tmp_path: Path) -> None:
    # strict validation: no coercion either way
    plan_dir = _plan(
        tmp_path,
        air=("    number: 1\n", '    number: "1"\n'),
        units=("    name: 城区\n", "    name: 3\n"),
    )
    problems = {(Path(p.file).name, p.line, p.field) for p in validate_file(plan_dir)}
    assert ("air.yaml", 18, "key_tasks[0].number") in problems
    assert ("units.yaml", 3, "counties[0].name") in problems


def test_missing_required_field_is_reported_at_the_line_of_its_item(tmp_path: Path) -> None:
    plan_dir = _plan(tmp_path, air=("    source_section: 二、主要目标\n", ""))
    problem = _only(validate_file(plan_dir))
    # the key is absent: the line is the item's first line (“- id: air-t01”)
    assert (problem.line, problem.field) == (5, "targets[0].source_section")
    assert problem.message == "条目 air-t01：缺少必填字段"


def test_missing_top_level_field_of_plan_yaml(tmp_path: Path) -> None:
    plan_dir = _plan(tmp_path, plan=("city: 测试市\n", ""))
    problem = _only(validate_file(plan_dir))
    assert (Path(problem.file).name, problem.line, problem.field) == ("plan.yaml", 1, "(根).city")
    assert problem.message == "缺少必填字段"


@pytest.mark.parametrize("issued", ["'2021-02-30'", "2021-02-30", "'2021年4月8日'"])
def test_bad_date_is_reported_at_its_line(tmp_path: Path, issued: str) -> None:
    # quoted or not, a date that does not exist is one located problem, not a parser crash
    plan_dir = _plan(tmp_path, plan=("issued: '2021-04-08'\n", f"issued: {issued}\n"))
    problem = _only(validate_file(plan_dir))
    assert (Path(problem.file).name, problem.line, problem.field) == ("plan.yaml", 5, "(根).issued")
    assert problem.message.startswith("日期无效：应为 YYYY-MM-DD")
    assert issued.strip("'") in problem.message


def test_bad_date_inside_a_deadline_mapping(tmp_path: Path) -> None:
    plan_dir = _plan(
        tmp_path,
        air=("    deadline: 2021年9月底前\n", "    deadline: {kind: by_date, due: 2021-09-31}\n"),
    )
    problem = _only(validate_file(plan_dir))
    assert (problem.line, problem.field) == (15, "measures[0].deadline.due")
    assert "日期无效" in problem.message and "2021-09-31" in problem.message


def test_deadline_neither_text_nor_mapping(tmp_path: Path) -> None:
    plan_dir = _plan(tmp_path, air=("    deadline: 长期坚持\n", "    deadline: 2021\n"))
    problem = _only(validate_file(plan_dir))
    assert (problem.line, problem.field) == (21, "key_tasks[0].deadline")
    assert problem.message == "条目 air-k01：类型错误：应为时限文本或时限映射，实际为整数（2021）"


def test_value_not_in_the_allowed_values(tmp_path: Path) -> None:
    plan_dir = _plan(tmp_path, units=("    kind: municipal_department\n", "    kind: 市直部门\n"))
    problem = _only(validate_file(plan_dir))
    assert (Path(problem.file).name, problem.line, problem.field) == (
        "units.yaml",
        8,
        "units[0].kind",
    )
    assert problem.message == (
        "条目 sthjj：取值无效：应为 municipal_department、county_government、enterprise、other"
        " 之一，实际为“市直部门”"
    )


def test_wrong_item_inside_a_list(tmp_path: Path) -> None:
    plan_dir = _plan(
        tmp_path, air=("headings: [二、主要目标, 三、重点任务]\n", "headings: [二、主要目标, 3]\n")
    )
    problem = _only(validate_file(plan_dir))
    assert (problem.line, problem.field) == (3, "headings[1]")
    assert problem.message == "类型错误：应为文本，实际为整数（3）"


def test_every_problem_is_collected_before_refusing(tmp_path: Path) -> None:
    plan_dir = _plan(
        tmp_path,
        plan=("issued: '2021-04-08'\n", "issued: '2021-04-08'\nplan_yaer: 2021\n"),
        air=("    number: 1\n", "    number: 一\n"),
        units=("    kind: municipal_department\n", "    kind: 市直部门\n"),
    )
    # plan.yaml refuses the plan before its files are read: only its own problem
    problem = _only(validate_file(plan_dir))
    assert (problem.line, problem.field) == (6, "(根).plan_yaer")
    (plan_dir / "plan.yaml").write_text(PLAN_YAML, encoding="utf-8")
    # a wrong type, an unknown key, a missing key and an unknown unit in one sub-plan file,
    # a bad value in another file: all of them, once each
    air = AIR_YAML.replace("    number: 1\n", "    number: 一\n")
    air = air.replace("    chapter: 三、重点任务\n", "    chaptre: 三、重点任务\n")
    air = air.replace("    lead: 市生态环境局\n", "    lead: 市交通局\n")
    (plan_dir / "air.yaml").write_text(air, encoding="utf-8")
    found = {(Path(p.file).name, p.line, p.field) for p in validate_file(plan_dir)}
    assert found == {
        ("units.yaml", 8, "units[0].kind"),
        ("air.yaml", 11, "measures[0].chaptre"),
        ("air.yaml", 9, "measures[0].chapter"),
        ("air.yaml", 18, "key_tasks[0].number"),
        ("air.yaml", 22, "key_tasks[0].lead"),
    }
    with pytest.raises(PlanValidationError) as raised:
        load_plan(plan_dir)
    assert len(raised.value.problems) == 5


# ------------------------------------------------------------------ checks a model cannot express
def test_deadline_mapping_must_give_the_dates_of_its_kind(tmp_path: Path) -> None:
    plan_dir = _plan(
        tmp_path,
        air=("    deadline: 2021年9月底前\n", "    deadline: {raw: 九月, kind: by_date}\n"),
    )
    problem = _only(validate_file(plan_dir))
    assert (problem.line, problem.field) == (15, "measures[0].deadline.due")
    assert problem.message == "条目 air-m01：kind 为 by_date 时必须给出 due"


def test_measure_gives_text_or_clauses_not_both(tmp_path: Path) -> None:
    clauses = "    clauses:\n      - {text: 分段, responsible: 市生态环境局}\n"
    plan_dir = _plan(tmp_path, air=("    deadline: 2021年9月底前\n", clauses))
    problem = _only(validate_file(plan_dir))
    assert (problem.line, problem.field) == (9, "measures[0]")
    assert "二者取一" in problem.message


def test_inferred_value_beside_a_filled_cell(tmp_path: Path) -> None:
    plan_dir = _plan(
        tmp_path,
        air=(
            "    deadline: 长期坚持\n",
            "    deadline: 长期坚持\n    deadline_inferred: 长期坚持\n",
        ),
    )
    problem = _only(validate_file(plan_dir))
    assert (problem.line, problem.field) == (22, "key_tasks[0].deadline_inferred")
    assert problem.message == "条目 air-k01：时限单元格不为空时不应再填写推断值"


def test_unknown_measure_reference_and_duplicate_id(tmp_path: Path) -> None:
    plan_dir = _plan(
        tmp_path,
        air=("    measure_id: air-m01\n", "    measure_id: air-m99\n"),
        units=("  - id: sthjj\n", "  - id: air-t01\n"),
    )
    problems = {(Path(p.file).name, p.line, p.field, p.message) for p in validate_file(plan_dir)}
    assert problems == {
        ("air.yaml", 23, "key_tasks[0].measure_id", "条目 air-k01：未知的措施 id“air-m99”"),
        (
            "air.yaml",
            5,
            "targets[0].id",
            f"重复的 id“air-t01”（首次定义于 {plan_dir / 'units.yaml'}:6）",
        ),
    }
