"""#21 regressions: units against the declared header, absurd values, duplicate rows, short rows —
in the water and soil readers. Expected values are hand arithmetic written next to each case."""

from __future__ import annotations

from pathlib import Path

import pytest

from envplan.monitoring.errors import InputFileError
from envplan.monitoring.soil_readers import read_construction_samples, read_farmland_samples
from envplan.monitoring.water_cnemc import read_cnemc_water_auto
from envplan.monitoring.water_template import read_water_template


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _problems(call: object, path: Path) -> list[str]:
    with pytest.raises(InputFileError) as caught:
        call(path)  # type: ignore[operator]
    assert all(p.file == path.name for p in caught.value.problems)
    return [str(p) for p in caught.value.problems]


def test_declared_ug_per_litre_is_converted(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "ug.csv", "断面名称,监测时间,总磷（μg/L）,氨氮(ug/L)\n甲,2021-05,100,20L\n"
    )
    row = read_water_template(path).frame.row(0, named=True)
    assert row["tp"] == pytest.approx(0.1)  # 100 µg/L = 0.1 mg/L
    assert row["nh3n"] == pytest.approx(0.01)  # not detected at 20 µg/L → half of 0.02 mg/L


def test_unconvertible_unit_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "g.csv", "断面名称,监测时间,氨氮(g/L)\n甲,2021-05,0.5\n")
    (message,) = _problems(read_water_template, path)
    assert "第 1 行" in message and "g/L" in message and "mg/L" in message


def test_absurd_values_and_duplicates(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "bad.csv",
        "断面名称,监测时间,溶解氧,总磷\n"
        "甲,2021-05-03,7,0.1\n"
        "甲,2021-05-03,7,0.2\n"  # same section, same sampling date
        "乙,2021-05,700,0.1\n"  # DO 700 mg/L: above the 30 mg/L ceiling
        "丙,2021-05,7,0.1\n"
        "丙,2021-05,7,0.1\n",  # the same row twice
    )
    messages = _problems(read_water_template, path)
    assert len(messages) == 3
    assert "第 3 行" in messages[0] and "已在第 2 行出现" in messages[0]
    assert "第 4 行" in messages[1] and "700" in messages[1] and "0–30" in messages[1]
    assert "第 6 行" in messages[2] and "整行相同" in messages[2]


def test_two_samples_of_a_month_are_kept(tmp_path: Path) -> None:
    path = _write(tmp_path / "two.csv", "断面名称,监测时间,总磷\n甲,2021-06,0.1\n甲,2021-06,0.2\n")
    assert read_water_template(path).frame.height == 2


def test_short_rows_are_not_partial_data(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "short.csv", "断面名称,监测时间,溶解氧,总磷\n甲,2021-05,7,0.1\n乙,2021-05,7\n"
    )
    (message,) = _problems(read_water_template, path)
    assert "第 3 行" in message and "3 个字段" in message and "4 列" in message


def test_auto_table_duplicates_are_refused(test_data: Path, tmp_path: Path) -> None:
    lines = (
        (test_data / "water" / "cnemc-water-auto-2025-11-06T20.csv").read_text("utf-8").splitlines()
    )
    path = _write(tmp_path / "auto.csv", "\n".join([lines[0], lines[1], lines[2], lines[1]]) + "\n")
    (message,) = _problems(read_cnemc_water_auto, path)
    assert "第 4 行" in message and "北京市·码头" in message and "第 2 行" in message


def test_soil_units_ranges_duplicates(tmp_path: Path) -> None:
    farmland = _write(
        tmp_path / "f.csv",
        "样点编号,土壤pH,用地类型,镉（mg/kg）\nA,7.0,旱地,0.2\nA,7.1,旱地,0.3\nB,7.0,旱地,250000\n",
    )
    messages = _problems(read_farmland_samples, farmland)
    assert any("第 3 行" in m and "重复" in m for m in messages)
    assert any("第 4 行" in m and "250000" in m for m in messages)  # > 100,000 mg/kg (10 %)
    unit = _write(tmp_path / "u.csv", "样点编号,土壤pH,用地类型,镉（μg/kg）\nA,7.0,旱地,200\n")
    (message,) = _problems(read_farmland_samples, unit)
    assert "μg/kg" in message and "mg/kg" in message
    construction = _write(
        tmp_path / "c.csv", "样点编号,检测项目,含量（mg/kg）\nS1,砷,18.5\nS1,砷,19\nS1,苯,0.05L\n"
    )
    (message,) = _problems(read_construction_samples, construction)
    assert "第 3 行" in message and "重复" in message
