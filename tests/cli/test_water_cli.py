"""`envplan water classify|assess`: the stable CLI contracts."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from envplan.cli import app

TEMPLATES = (
    Path(__file__).resolve().parents[2] / "src" / "envplan" / "monitoring" / "bundled" / "templates"
)
DEMO = TEMPLATES / "water_monthly_示例_jincheng-2021.csv"
CLASSES = {"Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ"}


def test_classify_cnemc_auto(test_data: Path, tmp_path: Path) -> None:
    source = test_data / "water" / "cnemc-water-auto-2026-02-04-north.csv"
    lakes = tmp_path / "lakes.txt"
    lakes.write_text(
        "白龟山水库\n三门峡水库\n五龙泉\n瀛湖坝前\n千河公路桥\n碛塄\n", encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app,
        ["water", "classify", str(source), "--format", "cnemc-auto",
         "--lake-sections", str(lakes), "--output", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written.columns == [
        "province", "basin", "section", "time", "water_class", "status", "main_pollutants",
    ]  # fmt: skip
    official = pl.read_csv(source, infer_schema=False).get_column("水质类别")
    published = [o != "--" for o in official]
    assert sum(published) == 240
    for ours, theirs, has in zip(written["water_class"], official, published, strict=True):
        if has:
            assert ours == theirs
            assert ours in CLASSES
    row = written.filter(pl.col("section") == "朱家沟").row(0, named=True)
    # 朱家沟: CODMn 17.48 (劣Ⅴ, (17.48−6)/6 = 1.9), TP 0.308 (Ⅴ, 0.5), NH3-N 0.752 (Ⅲ)
    assert (row["water_class"], row["status"]) == ("劣Ⅴ", "重度污染")
    assert row["main_pollutants"] == "高锰酸盐指数(1.9),总磷(0.5)"


def test_classify_bad_file_names_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "m.csv"
    bad.write_text("断面名称,监测时间,总磷\n赵庄,2021-05,高\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app, ["water", "classify", str(bad), "--format", "template", "--output", str(out)]
    )
    assert result.exit_code == 2
    assert "m.csv" in result.output and "第 2 行" in result.output and "总磷" in result.output
    assert not out.exists()


def test_assess_prints_every_section_and_shares() -> None:
    result = CliRunner().invoke(
        app,
        ["water", "assess", "--plan", "jincheng-2021", "--input", str(DEMO), "--period", "2021"],
    )
    assert result.exit_code == 0, result.output
    for name in ("赵庄", "拴驴泉", "张峰水库出口", "九女湖", "东焦河水库出口", "郑庄", "金匠桥"):
        assert name in result.output
    assert "省定目标未配置" in result.output
    assert "Ⅰ～Ⅲ类比例" in result.output and "劣Ⅴ类比例" in result.output


def test_assess_json_with_provincial_targets(tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text("2021:\n  赵庄: Ⅲ类\n  拴驴泉: Ⅱ类\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["water", "assess", "--plan", "jincheng-2021", "--input", str(DEMO),
         "--provincial-targets", str(targets), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    sections = {s["section"]: s for s in payload["sections"]}
    assert len(sections) == 22
    assert sections["赵庄"]["target_class"] == "Ⅲ"
    assert sections["赵庄"]["compliance"] in {"达标", "不达标"}
    assert sections["牛村"]["compliance"] == "省定目标未配置"
    assert payload["shares"]["全部断面"]["sections"] == 22


def test_assess_unknown_plan() -> None:
    result = CliRunner().invoke(app, ["water", "assess", "--plan", "nowhere", "--input", str(DEMO)])
    assert result.exit_code == 2
    assert "未知的计划" in result.output


def test_classify_weekly_table_via_template(test_data: Path, tmp_path: Path) -> None:
    source = test_data / "water" / "national-weekly-2007w02-first6.csv"
    out = tmp_path / "weekly.csv"
    result = CliRunner().invoke(
        app, ["water", "classify", str(source), "--format", "template", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    ours = pl.read_csv(out, infer_schema=False).with_columns(pl.all().fill_null(""))
    official = pl.read_csv(source, infer_schema=False).with_columns(pl.all().fill_null(""))
    assert ours["water_class"].to_list() == official["水质类别_本周"].to_list()  # 6/6
    names = [{p.split("(")[0] for p in text.split(",") if p} for text in ours["main_pollutants"]]
    assert names == [{p for p in text.split(",") if p} for text in official["主要污染指标"]]
    # 肇源 CODMn 6.3: (6.3 − 6) / 6 = 0.05, kept at one significant figure rather than "0.0".
    assert ours["main_pollutants"][0] == "高锰酸盐指数(0.05)"
