"""The analysis commands end to end on real files and on hand-made ones."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from scipy import stats
from typer.testing import CliRunner

from envplan.cli import app

runner = CliRunner()
JINCHENG = "air/aqistudy-daily-jincheng-2014-12-31_2017-01-31.csv"


def _json(args: list[str]) -> object:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_trend_equals_scipy_on_the_monthly_means_of_the_file(test_data: Path) -> None:
    # independent monthly means: the file's daily PM2.5 rounded to integers (GB/T 8170, half to
    # even = Python's round), averaged per calendar month; months with < 27 days (Feb < 25) out
    by_month: dict[tuple[int, int], list[int]] = {}
    with (test_data / JINCHENG).open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            day = dt.date.fromisoformat(row["date"])
            if row["pm25"] and 2015 <= day.year <= 2016:
                by_month.setdefault((day.year, day.month), []).append(round(float(row["pm25"])))
    months = sorted(k for k, v in by_month.items() if len(v) >= (25 if k[1] == 2 else 27))
    x = [y + (m - 0.5) / 12 for y, m in months]
    y = [sum(by_month[k]) / len(by_month[k]) for k in months]
    reference = stats.theilslopes(y, x)

    answer = _json(
        [
            "air",
            "trend",
            str(test_data / JINCHENG),
            "--format",
            "aqistudy-daily",
            "--city",
            "晋城市",
            "--pollutant",
            "PM2.5",
            "--json",
        ]
    )
    assert isinstance(answer, dict)
    got = [m for m in answer["months"] if m["month"] < "2017"]
    assert [m["month"] for m in got] == [f"{a}-{b:02d}" for a, b in months]
    assert [m["mean"] for m in got] == pytest.approx([round(v, 2) for v in y])
    if len(answer["months"]) == len(months):
        assert answer["slope"] == pytest.approx(reference.slope, abs=5e-4)
        assert answer["lower"] == pytest.approx(reference.low_slope, abs=5e-4)
        assert answer["upper"] == pytest.approx(reference.high_slope, abs=5e-4)
    assert answer["unit"] == "µg/m³/年"


def _template(path: Path, days: list[tuple[str, float]]) -> Path:
    lines = [
        "site,time,averaging,data_version,SO2,NO2,CO,O3,PM10,PM2.5",
        "unit,单位,,,ug/m3,ug/m3,mg/m3,ug/m3,ug/m3,ug/m3",
    ]
    for day, pm25 in days:
        lines.append(f"晋城市,{day},日均值,审核,10,20,0.5,,60,{pm25}")
        lines.append(f"晋城市,{day},8H_max_day,审核,,,,80,,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_like_for_like_shows_both_editions(tmp_path: Path) -> None:
    # PM2.5 = 70 µg/m³: HJ 633-2012 Table 1 IAQI = 50 + (70 − 35)/(75 − 35) × 50 = 93.75 → good;
    # HJ 633-2026 Table 3 IAQI = 100 + (70 − 60)/(115 − 60) × 50 = 109.1 → not good.
    # PM10 60 (IAQI 55 / 2026 57.1), the rest lower: PM2.5 decides.
    path = _template(
        tmp_path / "days.csv", [("2026-02-27", 70), ("2026-02-28", 70), ("2026-03-01", 70)]
    )
    answer = _json(
        [
            "air",
            "compare",
            str(path),
            "--format",
            "template",
            "--city",
            "晋城市",
            "--start",
            "2026-02-27",
            "--end",
            "2026-03-01",
            "--json",
        ]
    )
    assert isinstance(answer, dict)
    rows = {r["rules"]: r for r in answer["rows"]}
    assert rows["hj633-2012"]["valid_days"] == 3 and rows["hj633-2012"]["good_days"] == 3
    assert rows["hj633-2026"]["valid_days"] == 3 and rows["hj633-2026"]["good_days"] == 0
    assert rows["hj633-2012"]["label"] == "按 HJ 633-2012 计算"


def test_projection_says_what_is_missing(tmp_path: Path) -> None:
    path = _template(tmp_path / "days.csv", [("2026-01-01", 30), ("2026-01-02", 80)])
    answer = _json(
        [
            "air",
            "projection",
            str(path),
            "--format",
            "template",
            "--city",
            "晋城市",
            "--as-of",
            "2026-01-02",
            "--good-ratio",
            "50",
            "--json",
        ]
    )
    assert isinstance(answer, dict)
    # 2 valid days, 1 good (PM2.5 30 → IAQI 43; 80 → 2026 IAQI 119); 363 days left;
    # 50 % of 365 = 182.5 → 183 good days, 182 still needed
    assert answer["valid_days"] == 2 and answer["good_days"] == 1
    assert answer["remaining_days"] == 363 and answer["good_days_needed"] == 182
    assert any("PM2.5" in m for m in answer["missing"])


def test_bad_input_is_a_zh_message_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["air", "trend", str(tmp_path / "nope.csv"), "--city", "晋城市"])
    assert result.exit_code == 2 and "文件不存在" in result.output
    path = _template(tmp_path / "days.csv", [("2026-01-01", 30)])
    result = runner.invoke(
        app, ["air", "trend", str(path), "--format", "template", "--city", "长治市"]
    )
    assert result.exit_code == 2 and "没有城市“长治市”" in result.output
    result = runner.invoke(
        app,
        [
            "air",
            "projection",
            str(path),
            "--format",
            "template",
            "--city",
            "晋城市",
            "--as-of",
            "2026-13-01",
        ],
    )
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
