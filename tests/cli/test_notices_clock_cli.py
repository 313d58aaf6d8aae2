"""Notices and 13710 items from the command line (issue #12), as system and as users."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from envplan.cli import app
from envplan.store.testing import db_backend, db_engine, db_url  # noqa: F401

runner = CliRunner()


@pytest.fixture
def run(tmp_path: Path, db_url: str):  # type: ignore[no-untyped-def]  # noqa: F811
    env = {"ENVPLAN_HOME": str(tmp_path / "home"), "ENVPLAN_DATABASE_URL": db_url}

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output and "[red]" not in result.output
        return result.output

    return invoke


def test_notice_reply_comment_close(run, db_backend: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run("db", "init")
    run(
        "users",
        "add",
        "gxj",
        "--role",
        "unit_clerk",
        "--unit",
        "市工信局",
        "--password",
        "pw-12345678",
    )
    # air-k03 (市工信局, 2021年4月底前 = Friday 4-30): blue notice one working day later, 5-06
    # (5-01…05 is the Labour Day holiday)
    out = run("dispatch", "escalate", "--as-of", "2021-05-06")
    assert "共签发" in out
    rows = json.loads(
        run("notices", "list", "--as-of", "2021-05-06", "--unit", "city-industry-it", "--json")
    )
    k03 = next(r for r in rows if r["task_key"] == "air-k03")
    assert (k03["issued_on"], k03["level"]) == ("2021-05-06", "blue")
    number = k03["number"]
    out = run(
        "notices",
        "reply",
        number,
        "--text",
        "已印发时间表",
        "--date",
        "2021-05-07",
        "--user",
        "gxj",
    )
    assert "已回复" in out
    out = run(
        "notices",
        "reply",
        number,
        "--text",
        "第二次",
        "--date",
        "2021-05-08",
        "--user",
        "gxj",
        code=1,
    )
    assert "已于 2021-05-07 回复" in out
    run("notices", "comment", number, "--text", "请附印发文件")
    out = run("notices", "close", number, "--user", "gxj", "--date", "2021-05-10", code=1)
    assert "无权" in out
    run("notices", "close", number, "--note", "核实无误", "--date", "2021-05-10")
    shown = run("notices", "show", number, "--as-of", "2021-05-31")
    assert "已办结销号" in shown and "请附印发文件" in shown and "已印发时间表" in shown
    assert "不存在" in run("notices", "show", "督〔2099〕1号", code=1)


def test_13710_from_the_command_line(run, db_backend: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run("db", "init")
    out = run(
        "13710",
        "register",
        "--title",
        "核查露天焚烧举报",
        "--source",
        "市政府常务会议",
        "--unit",
        "city-industry-it",
        "--date",
        "2021-09-30",
        "--content",
        "逐一核查整改",
    )
    assert "时限 2021-10-11" in out and "时限 2021-10-15" in out
    item_id = out.split("]")[0].lstrip("[")
    run("13710", "answer", item_id, "--text", "核查中", "--date", "2021-10-09")
    assert "共催办 1 项" in run("13710", "escalate", "--as-of", "2021-10-18")
    out = run("13710", "extend", item_id, "--to", "2021-10-29", "--reason", "需协调")
    assert "已延期至 2021-10-29" in out
    run("13710", "settle", item_id, "--text", "整改到位", "--date", "2021-10-28")
    run("13710", "close", item_id, "--date", "2021-10-29")
    listed = json.loads(run("13710", "list", "--as-of", "2021-10-31", "--json"))
    assert listed[0]["closed"] and listed[0]["settlement_text"] == "整改到位"
    assert "交办来源" in run(
        "13710", "register", "--title", "x", "--source", " ", "--unit", "city-industry-it", code=1
    )
