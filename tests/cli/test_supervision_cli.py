"""The supervision commands end to end, on SQLite and on PostgreSQL (ENVPLAN_DATABASE_URL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from envplan.cli import app
from envplan.store import head_revision
from envplan.store.testing import db_backend, db_engine, db_url  # noqa: F401

runner = CliRunner()


@pytest.fixture
def run(tmp_path: Path, db_url: str):  # type: ignore[no-untyped-def]  # noqa: F811
    env = {"ENVPLAN_HOME": str(tmp_path / "home"), "ENVPLAN_DATABASE_URL": db_url}

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def test_supervision_commands(run, db_engine: Engine, db_backend: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    out = run("tasks", "list", code=1)
    assert "尚未初始化" in out
    out = run("db", "init")
    assert "147 项任务，723 个调度期次" in out
    assert "未重复载入" in run("db", "init")

    run(
        "users",
        "add",
        "clerk1",
        "--role",
        "unit_clerk",
        "--unit",
        "市工信局",
        "--password",
        "secret-123",
    )
    run(
        "users",
        "add",
        "lead1",
        "--role",
        "unit_leader",
        "--unit",
        "市工信局",
        "--password",
        "secret-123",
    )
    assert "必须指定所属单位" in run(
        "users", "add", "x", "--role", "unit_clerk", "--password", "secret-123", code=1
    )

    # The stable JSON contract. Due in June 2021 (hand count from the seed): 51 monthly reports
    # (air measures 9, air key tasks 16, water measures 13, soil 13), 3 second-quarter reports
    # (air-m18, water-m2-4, water-m4-2) and 9 dated items (air-k37, air-m22, water-m2-1,
    # water-m2-4, water-p01, p02, p13, p14, p15) = 63.
    rows = json.loads(run("tasks", "list", "--json", "--month", "2021-06"))
    assert len(rows) == 63
    assert {"task_id", "unit", "due_date", "status", "light"} <= set(rows[0])
    k37 = next(r for r in rows if r["task_id"] == "air-k37")
    assert (k37["due_date"], k37["unit_name"], k37["status"], k37["light"]) == (
        "2021-06-30",
        "市生态环境局",
        "at_risk",
        "yellow",
    )

    run(
        "tasks",
        "report",
        "air-k03",
        "--user",
        "clerk1",
        "--done",
        "--narrative",
        "已印发时间表",
        "--date",
        "2021-04-28",
    )
    out = run(
        "tasks",
        "report",
        "air-k02",
        "--user",
        "clerk1",
        "--percent",
        "10",
        "--narrative",
        "x",
        code=1,
    )
    assert "无权" in out
    out = run("tasks", "approve", "air-k03", "--user", "clerk1", "--date", "2021-04-29", code=1)
    assert "无权审核" in out
    run("tasks", "approve", "air-k03", "--user", "lead1", "--date", "2021-04-29")
    shown = run("tasks", "show", "air-k03", "--as-of", "2021-05-01")
    assert "已完成" in shown and "已印发时间表" in shown
    april = json.loads(
        run("tasks", "list", "--json", "--month", "2021-04", "--unit", "city-industry-it")
    )
    assert [
        (r["task_id"], r["status"], r["on_time"]) for r in april if r["task_id"] == "air-k03"
    ] == [("air-k03", "done", True)]

    out = run("dispatch", "snapshot", "--month", "2021-06")
    assert "已冻结 2021-06" in out
    assert "不可更改" in run("dispatch", "snapshot", "--month", "2021-06")
    snapshot = json.loads(run("dispatch", "snapshot", "--month", "2021-06", "--json"))
    units = {r["key"]: r for r in snapshot["rates"]["unit"]}
    assert units["city-industry-it"]["done_on_time"] == 1

    ledger = tmp_path / "ledger.xlsx"
    assert "空气" in run("ledger", "export", "--out", str(ledger), "--month", "2021-06")
    assert "未做任何修改" in run("ledger", "import", str(ledger), "--user", "clerk1", "--dry-run")

    assert "哈希链校验通过" in run("audit", "verify")
    with db_engine.begin() as conn:
        if db_backend == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        conn.execute(text("UPDATE audit_log SET after = replace(after, '已印发', '未印发')"))
    out = run("audit", "verify", code=1)
    assert "被修改" in out

    run("db", "downgrade", "--revision", "base")
    assert "尚未初始化" in run("tasks", "list", code=1)
    assert head_revision() in run("db", "upgrade")
