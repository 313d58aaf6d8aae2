"""The `envplan land` contract end to end, on SQLite and on PostgreSQL (ENVPLAN_DATABASE_URL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from envplan.cli import app
from envplan.store.testing import db_backend, db_url, migrated_engine  # noqa: F401

runner = CliRunner()
STAGES = ["初步调查", "详细调查", "风险评估", "治理修复", "效果评估", "移出名录"]


@pytest.fixture
def run(tmp_path: Path, migrated_engine: Engine, db_url: str):  # type: ignore[no-untyped-def]  # noqa: F811
    env = {"ENVPLAN_HOME": str(tmp_path / "home"), "ENVPLAN_DATABASE_URL": db_url}

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def _gate(run, parcel: str, date: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    out = run("land", "gate", "--parcel", parcel, "--purpose", "供地", "--user", "zrzy-li",
              "--date", date, "--json")  # fmt: skip
    return json.loads(out)  # type: ignore[no-any-return]


def test_contract_lifecycle_gate_queries(  # type: ignore[no-untyped-def]
    run,
    tmp_path: Path,
    migrated_engine: Engine,  # noqa: F811
    db_backend: str,  # noqa: F811
) -> None:
    report = tmp_path / "报告.pdf"
    report.write_bytes(b"%PDF-1.4 report")
    out = run("land", "plot", "add", "--parcel", "ZZ-01", "--county", "泽州县",
              "--planned-use", "第一类用地", "--status", "疑似污染地块", "--json")  # fmt: skip
    added = json.loads(out)
    assert added["parcel_id"] == "ZZ-01" and added["stage"] == "疑似污染地块"

    first = _gate(run, "ZZ-01", "2021-05-06")
    assert first["allowed"] is False and "需开展调查" in first["reason"]
    assert "二（四）7" in first["rule"]
    assert set(first) >= {"allowed", "reason", "rule"}

    out = run("land", "plot", "advance", "--parcel", "ZZ-01", "--to", "风险评估",
              "--report", str(report), "--json", code=1)  # fmt: skip
    assert "不得跳过阶段" in out and "Traceback" not in out

    answers = []
    for n, stage in enumerate(STAGES):
        out = run("land", "plot", "advance", "--parcel", "ZZ-01", "--to", stage,
                  "--report", str(report), "--date", f"2021-{6 + n:02d}-01", "--json")  # fmt: skip
        assert json.loads(out)["stage"] == stage
        answers.append(_gate(run, "ZZ-01", f"2021-{6 + n:02d}-02")["allowed"])
    assert answers == [False, False, False, False, False, True]

    queries = json.loads(run("land", "queries", "--parcel", "ZZ-01", "--json"))
    assert [q["date"] for q in queries] == [
        "2021-05-06", "2021-06-02", "2021-07-02", "2021-08-02", "2021-09-02", "2021-10-02",
        "2021-11-02",
    ]  # fmt: skip
    assert [q["status"] for q in queries] == ["疑似污染地块", *STAGES]
    assert [q["answer"] for q in queries] == ["不可以"] * 6 + ["可以"]
    assert "哈希链校验通过" in run("audit", "verify")
    assert "7 条记录与审计日志一致" in run("land", "verify")

    public = json.loads(run("land", "public", "--json"))
    assert public["lists"][3]["plots"][0]["parcel_id"] == "ZZ-01"

    # tampering behind the guard is detected
    with migrated_engine.begin() as conn:
        if db_backend == "sqlite":
            conn.execute(text("DROP TRIGGER land_queries_no_update"))
        else:
            conn.execute(text("ALTER TABLE land_queries DISABLE TRIGGER land_queries_append_only"))
        conn.execute(text("UPDATE land_queries SET allowed = true WHERE id = 1"))
    out = run("land", "verify", code=1)
    assert "查询第 1 号" in out and "allowed" in out


def test_samples_over_screening_block_effect_assessment(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    report = tmp_path / "r.pdf"
    report.write_bytes(b"r")
    run("land", "plot", "add", "--parcel", "CQ-02", "--county", "城区", "--planned-use",
        "第一类用地", "--status", "风险评估")  # fmt: skip
    run("land", "plot", "advance", "--parcel", "CQ-02", "--to", "治理修复", "--report", str(report))
    samples = tmp_path / "effect.csv"
    # 苯 2 mg/kg > 1 mg/kg: GB 36600-2018 表1 第一类用地筛选值
    samples.write_text("样点编号,检测项目,含量（mg/kg）\nE1,苯,2\nE2,铅,100\n", encoding="utf-8")
    out = run("land", "plot", "advance", "--parcel", "CQ-02", "--to", "效果评估", "--report",
              str(report), "--samples", str(samples), "--json", code=1)  # fmt: skip
    assert "效果评估不通过" in out and "E1：苯 2 mg/kg" in out
    shown = json.loads(run("land", "plot", "show", "--parcel", "CQ-02", "--json"))
    assert shown["stage"] == "治理修复" and shown["assessment"]["samples"] == []  # nothing kept
    ok = tmp_path / "ok.csv"
    ok.write_text("样点编号,检测项目,含量（mg/kg）\nE1,苯,0.8\n", encoding="utf-8")
    out = run("land", "plot", "advance", "--parcel", "CQ-02", "--to", "效果评估", "--report",
              str(report), "--samples", str(ok), "--json")  # fmt: skip
    assert json.loads(out)["stage"] == "效果评估"


def test_bad_input_answers_in_chinese(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = run("land", "plot", "add", "--parcel", "X", "--county", "太原", code=1)
    assert "不是晋城市的县" in out
    out = run("land", "plot", "advance", "--parcel", "NOPE", "--to", "初步调查", code=1)
    assert "地块不存在：NOPE" in out
    out = run("land", "gate", "--parcel", "X", "--purpose", "出租", "--user", "u", code=1)
    assert "--purpose「出租」无效" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("样点编号,检测项目,含量\nE1,不存在的项目,1\n", encoding="utf-8")
    run("land", "plot", "add", "--parcel", "Y", "--county", "城区")
    out = run("land", "samples", "add", str(bad), "--parcel", "Y", code=1)
    assert "文件「bad.csv」 第 2 行 列「检测项目」" in out and "未导入任何数据" in out
    # a parcel not in the registry is answered (可以) and the query recorded
    free = json.loads(run("land", "gate", "--parcel", "FREE-9", "--purpose", "征收",
                          "--user", "u", "--json"))  # fmt: skip
    assert free["allowed"] is True and free["status"] == "未列入名单名录"
    assert len(json.loads(run("land", "queries", "--parcel", "FREE-9", "--json"))) == 1


def test_key_units_and_excel_commands(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    out = run("land", "units", "add", "--name", "某冶炼厂", "--county", "阳城县",
              "--credit-code", "91350100M000100Y43", "--heavy-metal", "--listed-on", "2022-03-15",
              "--json")  # fmt: skip
    unit = json.loads(out)
    due = {d["kind"]: d["due_on"] for d in unit["duties"]}
    assert due["hidden_danger"] == "2023-03-15" and due["auto_monitoring"] == "2025-12-31"
    listed = json.loads(run("land", "units", "list", "--as-of", "2023-03-16", "--json"))
    hidden = next(d for d in listed[0]["duties"] if d["kind"] == "hidden_danger")
    assert (hidden["status"], hidden["light"]) == ("已逾期", "red")
    run("land", "units", "done", "--duty", str(hidden["id"]), "--date", "2023-03-20")
    assert "已于" in run("land", "units", "done", "--duty", str(hidden["id"]), code=1)
    template = tmp_path / "模板.xlsx"
    run("land", "template", str(template))
    book = load_workbook(template)
    assert book.sheetnames == ["地块", "重点监管单位", "说明"]
    sheet = book["地块"]
    sheet.append(["T-1", "", "城区"])
    book.save(template)
    assert "已导入地块 1 块" in run("land", "import", str(template))
    out = run("land", "import", str(template), code=1)
    assert "地块编号已在名录中：T-1" in out and "未导入任何数据" in out
    exported = tmp_path / "导出.xlsx"
    run("land", "export", str(exported))
    assert load_workbook(exported)["地块"]["A2"].value == "T-1"
