"""`envplan enterprise` and `envplan emergency` end to end on SQLite and PostgreSQL (the contracts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from envplan.cli import app
from envplan.store.testing import db_backend, db_engine, db_url  # noqa: F401

runner = CliRunner()


def _forecast(tmp_path: Path, values: list[int], name: str = "f.csv") -> Path:
    path = tmp_path / name
    rows = [f"2021-01-{i + 1:02d},{v}" for i, v in enumerate(values)]
    path.write_text("date,aqi\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("values", "level"),
    [([210, 220, 150], "yellow"), ([250, 310, 320, 260], "red"), ([120, 130], "none")],
)
def test_warn_contract(tmp_path: Path, values: list[int], level: str) -> None:
    result = runner.invoke(app, ["emergency", "warn", str(_forecast(tmp_path, values)), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["level"] == level
    assert "648号" in data["rule_source"]


def test_warn_bad_file_names_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("date,aqi\n2021-01-01,210\n2021-01-02,高\n2021-01-04,230\n", encoding="utf-8")
    result = runner.invoke(app, ["emergency", "warn", str(path), "--json"])
    assert result.exit_code == 1
    assert "bad.csv 第 3 行 aqi" in result.output
    assert "Traceback" not in result.output
    missing = runner.invoke(app, ["emergency", "warn", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1 and "不存在" in missing.output


def test_registry_and_list_commands(tmp_path: Path, db_engine: object, db_url: str) -> None:  # noqa: F811
    from openpyxl import Workbook

    from envplan.services.enterprises import COLUMNS

    env = {"ENVPLAN_HOME": str(tmp_path / "home"), "ENVPLAN_DATABASE_URL": db_url}

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    run("db", "init")
    headers = [name for name, _ in COLUMNS]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    values = {
        "统一社会信用代码": "91330100716105852F", "企业名称": "测试水泥", "县（市、区）": "阳城县",
        "行业类别": "水泥", "排放年份": 2020, "二氧化硫（吨/年）": 73, "氮氧化物（吨/年）": 365,
        "颗粒物（吨/年）": 36.5, "挥发性有机物（吨/年）": 0, "绩效级别": "C",
        "评级日期": "2020-10-01",
    }  # fmt: skip
    ws.append([values.get(h) for h in headers])
    ws.append([{**values, "企业名称": "重复"}.get(h) for h in headers])
    bad = tmp_path / "dup.xlsx"
    wb.save(bad)
    out = run("enterprise", "import", str(bad), code=1)
    assert "第 2 行 统一社会信用代码" in out and "第 3 行 统一社会信用代码" in out
    assert json.loads(run("enterprise", "list", "--json")) == []
    ws.delete_rows(3)
    good = tmp_path / "good.xlsx"
    wb.save(good)
    assert "新增 1 家" in run("enterprise", "import", str(good))
    exported = tmp_path / "registry.xlsx"
    assert "已导出 1 家企业" in run("enterprise", "export", "--out", str(exported))
    from openpyxl import load_workbook

    sheet = load_workbook(exported)["企业名录"]
    cells = dict(zip(headers, (c.value for c in sheet[3]), strict=True))
    assert (cells["企业名称"], cells["排放年份"], cells["二氧化硫（吨/年）"]) == (
        "测试水泥",
        2020,
        73,
    )
    assert (cells["颗粒物（吨/年）"], cells["绩效级别"]) == (36.5, "C")
    assert "已导出 0 家企业" in run(
        "enterprise", "export", "--out", str(exported), "--county", "城区"
    )
    out = run("emergency", "list", "--level", "red", "--json", code=1)
    assert "全社会排放总量" in out
    run("emergency", "totals", "--year", "2020", "--so2", "365", "--nox", "3650", "--pm", "730",
        "--vocs", "365", "--source", "测试清单")  # fmt: skip
    data = json.loads(run("emergency", "list", "--level", "yellow", "--json"))
    assert set(data) >= {"level", "enterprises", "totals", "share", "required", "meets"}
    assert data["level"] == "yellow" and data["required"] == 0.1
    [ent] = data["enterprises"]
    assert ent["credit_code"] == "91330100716105852F" and ent["grade"] == "C"
    assert set(ent["reductions"]) == {"SO2", "NOx", "PM", "VOCs"}
    # 水泥 C at yellow: 停产50% → NOx 365 × 0.5 / 365 = 0.5 t/d of 10 t/d = 5 %
    assert ent["reductions"]["NOx"] == pytest.approx(0.5)
    assert data["share"]["NOx"] == pytest.approx(0.05)
    assert data["meets"] is False
    xlsx = tmp_path / "list.xlsx"
    run("emergency", "list", "--level", "red", "--out", str(xlsx))
    assert xlsx.is_file()
    run("emergency", "issue", "--level", "yellow", "--start", "2021-01-02", "--date", "2021-01-01")
    run("emergency", "change", "1", "--level", "none", "--date", "2021-01-03")
    status = json.loads(run("emergency", "status", "--date", "2021-01-02", "--json"))
    assert status["in_force"]["id"] == 1
    assert [e["action"] for e in status["warnings"][0]["events"]] == ["issue", "lift"]
    shown = json.loads(run("enterprise", "show", "91330100716105852F", "--history"))
    assert shown["history"][0]["action"] == "enterprise.create"
