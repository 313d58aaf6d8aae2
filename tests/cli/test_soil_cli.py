"""`envplan soil classify`: the stable CLI contract."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from envplan.cli import app

TEMPLATES = (
    Path(__file__).resolve().parents[2] / "src" / "envplan" / "monitoring" / "bundled" / "templates"
)


def test_farmland_json() -> None:
    result = CliRunner().invoke(
        app,
        ["soil", "classify", str(TEMPLATES / "soil_farmland_示例.csv"), "--land-use", "farmland",
         "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["standard"] == "GB 15618-2018"
    assert [s["risk"] for s in payload["samples"]] == [
        "低风险", "低风险", "可能存在风险", "高风险", "低风险",
    ]  # fmt: skip
    assert payload["rules_unconfirmed"] is True


def test_construction_text() -> None:
    path = TEMPLATES / "soil_construction_示例.csv"
    result = CliRunner().invoke(
        app, ["soil", "classify", str(path), "--land-use", "construction-1"]
    )
    assert result.exit_code == 0, result.output
    assert "超过管制值" in result.output and "苯并[a]芘(0.8)" in result.output


def test_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "s.csv"
    bad.write_text("样点编号,土壤pH,用地类型,镉\nA,6,林地,0.1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["soil", "classify", str(bad), "--land-use", "farmland"])
    assert result.exit_code == 2
    assert "s.csv" in result.output and "第 2 行" in result.output and "用地类型" in result.output
