"""Issue #12 from the command line: county duties, co-unit lines, system as the default user.

On a fresh `db init` home, `tasks list --county X --as-of 2021-12-31 --json` lists at least one
occurrence of each of the 76 paragraphs (65 items) whose 〔责任单位〕 names 各县（市、区）人民政府,
for every county; the development zone for the 50 that also name 开发区管委会 (counted in
tests/services/supervision/test_county_duties.py from the printed wording).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from envplan.cli import app
from envplan.plan import default_plan
from envplan.store.testing import db_backend, db_engine, db_url  # noqa: F401

runner = CliRunner()
GROUP = re.compile(r"[各相]关?县[（(]市、区[）)]人民政府")


@pytest.fixture
def run(tmp_path: Path, db_url: str):  # type: ignore[no-untyped-def]  # noqa: F811
    env = {"ENVPLAN_HOME": str(tmp_path / "home"), "ENVPLAN_DATABASE_URL": db_url}

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def _paragraphs_naming_every_county() -> set[tuple[str, int]]:
    duties = set()
    for sub in default_plan().subplans:
        for measure in sub.measures:
            several = len(measure.clauses) > 1
            for number, clause in enumerate(measure.clauses, start=1):
                if GROUP.search(clause.responsibility.raw or ""):
                    duties.add((measure.id, number if several else 0))
    return duties


def test_every_county_lists_every_item_naming_it(run, db_backend: str) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    out = run("db", "init")
    assert "147 项任务，723 个调度期次" in out and "县级落实" in out
    wanted = _paragraphs_naming_every_county()
    assert len(wanted) == 76 and len({item for item, _ in wanted}) == 65
    for county in ("城区", "泽州县", "高平市", "阳城县", "陵川县", "沁水县"):
        rows = json.loads(
            run("tasks", "list", "--county", county, "--as-of", "2021-12-31", "--json")
        )
        have = {(r["task_id"], r["clause"]) for r in rows if r["role"] == "county"}
        assert wanted <= have, county
        assert all(r["county"] == county for r in rows)
    zone = json.loads(run("tasks", "list", "--county", "开发区", "--as-of", "2021-12-31", "--json"))
    assert len({r["duty_key"] for r in zone if r["role"] == "county"}) == 50


def test_report_without_user_runs_as_system_and_county_clerk_is_scoped(
    run,  # type: ignore[no-untyped-def]
    db_backend: str,  # noqa: F811
) -> None:
    run("db", "init")
    # before: `--user` was required although the docs say the command runs as system
    out = run(
        "tasks",
        "report",
        "air-m01#1",
        "--unit",
        "泽州县人民政府",
        "--percent",
        "30",
        "--narrative",
        "泽州县：排查完成",
        "--date",
        "2021-05-10",
    )
    assert "已填报" in out
    run(
        "users",
        "add",
        "zz",
        "--role",
        "county_clerk",
        "--county",
        "泽州县",
        "--password",
        "secret-123",
    )
    run(
        "users",
        "add",
        "gp",
        "--role",
        "county_clerk",
        "--county",
        "高平市",
        "--password",
        "secret-123",
    )
    # 高平市's clerk cannot report 泽州县's line; without --unit it gets its own line
    out = run(
        "tasks",
        "report",
        "air-m01#1",
        "--unit",
        "zezhou-gov",
        "--user",
        "gp",
        "--percent",
        "10",
        "--narrative",
        "x",
        code=1,
    )
    assert "无权" in out and "错误：" in out and "Traceback" not in out
    out = run(
        "tasks",
        "report",
        "air-m01#1",
        "--user",
        "gp",
        "--percent",
        "10",
        "--narrative",
        "高平",
        "--date",
        "2021-05-12",
    )
    assert "已填报" in out
    shown = run("tasks", "show", "air-m01#1", "--as-of", "2021-05-31")
    assert "县级落实：0/7 已完成" in shown and "未报送：" in shown
    missing = shown.split("未报送：")[1].splitlines()[0]
    assert "泽州县人民政府" not in missing and "高平市人民政府" not in missing
    assert "城区人民政府" in missing and "开发区管委会" in missing
    assert "配合单位：" in shown and "市工信局" in shown
    # the zone clerk's view of its own county list holds only its own lines and the leads'
    rows = json.loads(run("tasks", "list", "--user", "zz", "--as-of", "2021-12-31", "--json"))
    assert {r["county"] for r in rows if r["role"] != "lead"} == {"泽州县"}
