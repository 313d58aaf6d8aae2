"""`envplan plan validate` on broken plan folders (issues #12 and #21): each bad field reported
once, in plain zh-CN, never a crash; no file outside the plan folder is read or echoed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from envplan.cli import app
from envplan.plan import DeadlineParseError, parse_deadline

PLAN_DATA = Path(__file__).resolve().parents[2] / "src" / "envplan" / "plan" / "data"
runner = CliRunner()


@pytest.fixture
def plan_dir(tmp_path: Path) -> Path:
    target = tmp_path / "plan"
    shutil.copytree(PLAN_DATA / "jincheng-2021", target)
    return target


def _validate(path: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["plan", "validate", str(path)])
    return result.exit_code, result.output


def test_month_13_is_one_problem_not_a_crash(plan_dir: Path) -> None:
    air = plan_dir / "air.yaml"
    text = air.read_text(encoding="utf-8")
    assert "deadline: 2021年4月底前" in text
    air.write_text(text.replace("deadline: 2021年4月底前", "deadline: 2022年13月底前", 1), "utf-8")
    code, out = _validate(plan_dir)
    assert code == 1
    assert "Traceback" not in out and "IllegalMonthError" not in out
    # before: literal "[red]✗[/]" (markup disabled on a markup string)
    assert "[red]" not in out and "[/]" not in out
    # before: 51 problems (every reference to a measure after the bad one was "unknown")
    assert "计划文件有 1 处问题" in out
    assert "air.yaml:" in out and "measures[1].deadline" in out and "2022年13月底前" in out


def test_parse_deadline_refuses_dates_that_do_not_exist() -> None:
    for raw in ("2022年13月底前", "2021年2月30日前", "2021年0月底前"):
        with pytest.raises(DeadlineParseError, match="不存在"):
            parse_deadline(raw, 2021)


def test_loader_does_not_follow_parent_paths_nor_echo_them(plan_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2-do-not-show\n", encoding="utf-8")
    plan_yaml = plan_dir / "plan.yaml"
    text = plan_yaml.read_text(encoding="utf-8")
    plan_yaml.write_text(text.replace("units: units.yaml", "units: ../secret.yaml"), "utf-8")
    code, out = _validate(plan_dir)
    assert code == 1
    assert "须位于计划目录内" in out
    assert "hunter2" not in out and "password" not in out
    (plan_dir / "link.yaml").symlink_to(secret)
    plan_yaml.write_text(text.replace("units: units.yaml", "units: link.yaml"), "utf-8")
    code, out = _validate(plan_dir)
    assert code == 1 and "须位于计划目录内" in out and "hunter2" not in out


def test_syntax_error_does_not_quote_the_file(plan_dir: Path) -> None:
    (plan_dir / "units.yaml").write_text("a: [unclosed\nsecret-line: hunter2\n", "utf-8")
    code, out = _validate(plan_dir)
    assert code == 1 and "YAML 语法错误" in out and "hunter2" not in out
