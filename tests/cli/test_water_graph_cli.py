"""The water-graph contract commands end to end on the 示例 graph (SQLite and PostgreSQL)."""

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
        return result.output

    return invoke


def test_trace_and_warn_contract(run, db_backend: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run("db", "init")
    assert "已载入示例" in run("water", "graph-demo")
    out = run(
        "water",
        "trace",
        "--section",
        "金匠桥",
        "--indicator",
        "氨氮",
        "--date",
        "2021-06-30",
        "--json",
    )
    result = json.loads(out)
    assert {"section", "upstream", "missing"} <= set(result)
    assert result["section"] == "金匠桥"
    outfalls = [u for u in result["upstream"] if u["kind"] == "outfall"]
    # 示例 outfall data (demo_data/排污口监测_示例.csv), 氨氮 2021-04..06 means by hand:
    # SL-BSH-002 (8.5+9.0+9.5)/3 = 9.0; SL-BSH-003 (4.0+4.2+4.4)/3 = 4.2; SL-BSH-001 (1.2+1.1+1.3)/3 = 1.2.
    assert [(o["name"], o["value"], o["rank"]) for o in outfalls] == [
        ("示例·城区某焦化企业排污口", 9.0, 1),
        ("示例·城区某化工企业排污口", 4.2, 2),
        ("示例·城区某污水处理厂排污口", 1.2, 3),
    ]
    # SL-BSH-004 lies below 金匠桥 (12 km > 9 km on 白水河): never listed; nor 白水河 section.
    names = {u["name"] for u in result["upstream"]}
    assert "示例·城区某机械企业排污口（金匠桥下游）" not in names and "白水河" not in names
    for item in result["upstream"]:
        assert set(item) >= {"kind", "name", "value", "rank"}

    # An exceedance: 金匠桥 COD June 2021 is 44 > 40 mg/L (Ⅴ, GB 3838-2002 表1); June COD of the
    # 示例 outfalls: SL-BSH-002 66 > SL-BSH-003 49 > SL-BSH-001 29.
    exceeded = json.loads(
        run(
            "water", "trace", "--section", "金匠桥", "--indicator", "化学需氧量",
            "--date", "2021-06-30", "--window", "1", "--json",
        )
    )  # fmt: skip
    assert exceeded["observed"] == {
        "value": 44.0,
        "target_class": "Ⅴ",
        "limit": 40.0,
        "exceeded": True,
    }
    assert [
        (u["code"], u["value"], u["rank"]) for u in exceeded["upstream"] if u["kind"] == "outfall"
    ] == [
        ("SL-BSH-002", 66.0, 1),
        ("SL-BSH-003", 49.0, 2),
        ("SL-BSH-001", 29.0, 3),
    ]
    assert any("排污单位" in line and "化学需氧量" in line for line in exceeded["missing"])

    warned = json.loads(run("water", "warn", "--as-of", "2021-06-30", "--json"))
    pairs = {(w["section"], w["indicator"]) for w in warned["warnings"]}
    # 示例 section data: 金匠桥 COD (38+38+44)/3 = 40 = 100 % of Ⅴ 40 mg/L, rising; 北焦庄 COD
    # (29+37+27)/3 = 31 > Ⅳ 30 mg/L.
    assert ("金匠桥", "化学需氧量") in pairs and ("北焦庄", "化学需氧量") in pairs
    assert all(w["notice"]["number"].startswith("水预警〔2021〕") for w in warned["warnings"])

    out = run(
        "water",
        "trace",
        "--section",
        "无此断面",
        "--indicator",
        "氨氮",
        "--date",
        "2021-06-30",
        code=1,
    )
    assert "不在水系图中" in out
    out = run(
        "water",
        "trace",
        "--section",
        "金匠桥",
        "--indicator",
        "氨氮",
        "--date",
        "2021-6-31",
        code=1,
    )
    assert "YYYY-MM-DD" in out
    assert "红" in run("water", "indicators", "--period", "2021-06")
