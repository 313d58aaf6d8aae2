"""The issue-14 contract commands end to end (CLI → services → database), on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from envplan.cli import app

runner = CliRunner()


@pytest.fixture
def run(tmp_path: Path, db_url: str, migrated_engine: object):  # type: ignore[no-untyped-def]
    env = {"ENVPLAN_HOME": str(tmp_path / "home"), "ENVPLAN_DATABASE_URL": db_url}

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def test_offsets_contract(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    credit = json.loads(
        run(
            "offsets",
            "credit",
            "--county",
            "泽州县",
            "--pollutant",
            "NOx",
            "--tonnes",
            "10",
            "--kind",
            "工程减排",
            "--source",
            "某钢铁有限公司",
            "--json",
        )
    )
    assert isinstance(credit["id"], int) and credit["tonnes"] == 10.0

    first = json.loads(
        run(
            "offsets",
            "debit",
            "--county",
            "泽州县",
            "--pollutant",
            "NOx",
            "--tonnes",
            "4",
            "--project",
            "项目甲",
            "--json",
        )
    )
    assert first["ok"] is True and first["required"] == 8.0
    assert first["used"] == [{"credit": credit["id"], "tonnes": 8.0}]
    assert json.loads(run("offsets", "balance", "--county", "泽州县", "--json"))["NOx"] == 2.0

    refused = json.loads(
        run(
            "offsets",
            "debit",
            "--county",
            "泽州县",
            "--pollutant",
            "NOx",
            "--tonnes",
            "2",
            "--project",
            "项目乙",
            "--json",
            code=1,
        )
    )
    assert refused["ok"] is False and refused["required"] == 4.0 and refused["used"] == []
    assert refused["reason"]

    chengqu = json.loads(
        run(
            "offsets",
            "debit",
            "--county",
            "城区",
            "--pollutant",
            "NOx",
            "--tonnes",
            "0.5",
            "--project",
            "项目丙",
            "--json",
            code=1,
        )
    )
    assert chengqu["ok"] is False
    assert json.loads(run("offsets", "balance", "--county", "泽州县", "--json"))["NOx"] == 2.0

    history = json.loads(run("offsets", "credits", "--county", "泽州县", "--json"))
    assert [h["project"] for h in history[0]["history"]] == ["项目甲"]
    debits = json.loads(run("offsets", "debits", "--json"))
    assert [d["ok"] for d in debits] == [False, False, True]

    out = run("offsets", "debit", "--county", "某县", "--pollutant", "NOx", "--tonnes", "1",
              "--project", "x", code=1)  # fmt: skip
    assert "项目所在县（市、区）不存在：某县" in out and "Traceback" not in out
    out = run("offsets", "credit", "--county", "泽州县", "--pollutant", "CO", "--tonnes", "1",
              "--kind", "工程减排", "--source", "x", code=1)  # fmt: skip
    assert "未知污染物：CO" in out

    xlsx = tmp_path / "offsets.xlsx"
    out = run("offsets", "export", "--out", str(xlsx))
    assert "替代使用记录 3 行" in out
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    assert wb.sheetnames == [
        "余量",
        "削减量台账",
        "替代使用记录",
        "减排目标核算",
        "管控区企业",
        "规则依据",
    ]
    assert wb["削减量台账"]["G4"].value == "某钢铁有限公司"


def test_siting_contract(run) -> None:  # type: ignore[no-untyped-def]
    base = ("siting", "check", "--industry", "钢铁", "--town", "巴公镇", "--village", "西郜村")
    banned = json.loads(run(*base, "--json"))
    assert banned["verdict"] == "禁止" and banned["clauses"]
    short = json.loads(run(*base, "--short-process", "--json"))
    assert short["verdict"] != "禁止" and short["clauses"]
    upgrade = json.loads(run(*base, "--no-new-capacity", "--json"))
    assert upgrade["verdict"] == "有条件"
    casting = json.loads(
        run(
            "siting",
            "check",
            "--industry",
            "铸造",
            "--town",
            "巴公镇",
            "--village",
            "西郜村",
            "--high-end-casting",
            "--json",
        )
    )
    assert casting["verdict"] != "禁止" and casting["clauses"]
    out = run("siting", "check", "--industry", "钢铁", "--town", " ", code=1)
    assert "乡镇（街道）不能为空" in out


def test_inventory_and_zone_commands(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from envplan.services.offsets import INVENTORY_COLUMNS

    path = tmp_path / "inv.csv"
    rows = [
        ["2020", "甲钢铁", "", "泽州县", "巴公镇", "西郜村", "钢铁", "100", "200", "", "", ""],
        ["2021", "甲钢铁", "", "泽州县", "巴公镇", "西郜村", "钢铁", "97.9", "199", "", "", ""],
        ["2021", "乙热电", "", "城区", "西街办事处", "", "电力", "1", "", "", "", ""],
    ]
    path.write_text(
        "\n".join([",".join(INVENTORY_COLUMNS)] + [",".join(r) for r in rows]), encoding="utf-8"
    )
    assert "5 项排放量" in run("offsets", "inventory", "import", str(path))
    check = json.loads(run("offsets", "inventory", "check", "--year", "2021", "--json"))
    so2 = next(r for r in check["rows"] if r["area"] == "泽州县" and r["pollutant"] == "SO2")
    # 100 → 97.9: −2.1 %, allowed 98, margin 0.1
    assert (so2["change_pct"], so2["met"]) == (-2.1, True)
    assert so2["margin"] == pytest.approx(0.1)
    nox = next(r for r in check["rows"] if r["area"] == "泽州县" and r["pollutant"] == "NOx")
    assert (nox["change_pct"], nox["met"]) == (-0.5, False)  # 200 → 199

    zones = json.loads(run("siting", "zones", "--json"))
    by_id = {z["id"]: [e["name"] for e in z["enterprises"]] for z in zones["zones"]}
    assert by_id == {"urban-10km": ["乙热电"], "key-control": ["乙热电", "甲钢铁"]}
