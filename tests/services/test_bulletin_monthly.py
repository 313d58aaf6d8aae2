"""Environment sections of the monthly bulletin against the engines and hand-derived values.

Air: the real aqistudy daily means of 11 Shanxi cities (shared/data, third-party processed); the
hand values are plain means of the file's June 2016 / June 2015 rows for 晋城 (rounded to whole
µg/m³). Water: the bundled 示例 monthly file, 赵庄 June 2021 classed by hand from GB 3838-2002
Table 1. Soil: the bundled 示例 parcels (areas and 已安全利用 flags read off the files).
"""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from pathlib import Path

import polars as pl
import pytest

from envplan.plan import default_plan
from envplan.services import air as air_service
from envplan.services.bulletin import (
    BulletinOptions,
    DataGap,
    Month,
    Section,
    Table,
    assemble_monthly_bulletin,
    cn_ordinal,
)
from envplan.services.bulletin.air_section import air_section
from envplan.services.bulletin.environment_sections import soil_section, water_section
from envplan.services.bulletin.sources import (
    air_inputs_from_files,
    demo_soil_files,
    demo_water_file,
    soil_facts_from_files,
    water_facts_from_file,
)

SHANXI = "air/aqistudy-daily-shanxi-11-cities-2013_2017.csv"


@pytest.fixture(scope="module")
def plan():
    return default_plan()


@pytest.fixture(scope="module")
def air(test_data: Path):
    inputs = air_inputs_from_files([test_data / SHANXI])
    assert inputs is not None and inputs.city == "晋城市"
    return inputs


def _hand_mean(test_data: Path, month: str, column: str) -> float:
    with (test_data / SHANXI).open(encoding="utf-8-sig") as handle:
        rows = [r for r in csv.DictReader(handle) if r["city"] == "晋城" and r["date"][:7] == month]
    assert len(rows) == 30
    return statistics.mean(float(r[column]) for r in rows)


def _table(section: Section, caption_part: str) -> Table:
    return next(b for b in section.blocks if isinstance(b, Table) and caption_part in b.caption)


def _rows_by_first(table: Table) -> dict[str, list[str]]:
    return {row[0].text: [cell.text for cell in row] for row in table.rows}


def test_cn_ordinal() -> None:
    assert [cn_ordinal(i) for i in (1, 6, 10, 11, 20, 23)] == [
        "一",
        "六",
        "十",
        "十一",
        "二十",
        "二十三",
    ]


def test_air_month_with_data_hand_means(air, plan, test_data: Path) -> None:
    section = air_section(dt.date(2016, 6, 1), air, plan)
    pollutants = _rows_by_first(_table(section, "六项污染物"))
    so2 = pollutants["SO₂（平均浓度，µg/m³）"]
    no2 = pollutants["NO₂（平均浓度，µg/m³）"]
    pm25 = pollutants["PM₂.₅（平均浓度，µg/m³）"]
    # month, last year's month, change — against plain means of the file's rows
    assert abs(int(so2[1]) - _hand_mean(test_data, "2016-06", "so2")) <= 0.5  # 24.56
    assert abs(int(so2[2]) - _hand_mean(test_data, "2015-06", "so2")) <= 0.5  # 50.84
    assert so2[3] == f"{(int(so2[1]) - int(so2[2])) / int(so2[2]) * 100:.1f}%"  # (25−51)/51
    assert abs(int(no2[1]) - _hand_mean(test_data, "2016-06", "no2")) <= 0.5
    assert abs(int(pm25[1]) - _hand_mean(test_data, "2016-06", "pm25")) <= 0.5


def test_air_tables_equal_engine_values(air, plan) -> None:
    section = air_section(dt.date(2016, 6, 1), air, plan)
    ytd = air_service.parse_period("2016-06").year_to_date()
    level2 = air_service.assess_period(air.daily, ytd, level=2).filter(pl.col("site") == "晋城市")
    level1 = air_service.assess_period(air.daily, ytd, level=1).filter(pl.col("site") == "晋城市")
    compliance = _rows_by_first(_table(section, "达标情况"))
    assert compliance["NO₂（二级）"][1] == str(int(level2["NO2_mean"][0]))
    assert compliance["NO₂（二级）"][2] == "40"  # GB 3095-2012 annual NO2 limit
    assert compliance["SO₂（一级）"][2] == "20"  # GB 3095-2012 annual SO2 level-1 limit
    assert compliance["SO₂（一级）"][3] == ("达标" if level1["SO2_ok"][0] else "超标")
    ranks = air_service.rank_cities(air.daily, ytd)
    table = _rows_by_first(_table(section, "综合指数及排名"))
    assert len(table) == 11  # the 11 Shanxi cities in the data, not the 168-city ranking
    for row in ranks.iter_rows(named=True):
        assert table[row["site"]][3] == f"{row['composite_index']:.2f}"
        assert table[row["site"]][4] == str(row["rank"])


def test_air_without_the_month_says_so_and_shows_no_other_year(air, plan, test_data: Path) -> None:
    with (test_data / SHANXI).open(encoding="utf-8-sig") as handle:
        dates = sorted(r["date"] for r in csv.DictReader(handle) if r["city"] == "晋城")
    first, last = (dt.date.fromisoformat(d) for d in (dates[0], dates[-1]))
    section = air_section(dt.date(2021, 6, 1), air, plan)
    assert len(section.blocks) == 1
    gap = section.blocks[0]
    assert isinstance(gap, DataGap)
    assert gap.text.startswith(
        "数据缺失：晋城市环境空气质量监测数据（2021年6月、2021年1—6月及上年同期）"
    )
    assert "不以其他年份数据代替" in gap.text
    # the dates the file's rows carry (a daily value belongs to its start day)
    coverage = (
        f"{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日"
    )
    assert f"仅覆盖{coverage}" in gap.text


def test_water_demo_month_against_engine_and_hand_class(plan) -> None:
    facts = water_facts_from_file(demo_water_file(), "2021-06", plan=plan)
    section = water_section(dt.date(2021, 6, 1), facts, plan)
    table = _table(section, "地表水考核断面水质")
    rows = {row[2].text: [c.text for c in row] for row in table.rows}
    assert len(rows) == 22
    # 赵庄 2021-06: DO 8.8 (Ⅰ ≥ 7.5), CODMn 3.6 (Ⅱ ≤ 4), NH3-N 0.393 (Ⅱ ≤ 0.5),
    # TP 0.072 (Ⅱ ≤ 0.1, river) → Ⅱ
    assert rows["赵庄"][5] == "Ⅱ"
    engine = facts.sections
    for row in engine.iter_rows(named=True):
        printed = rows[row["section"]]
        assert printed[5] == (row["water_class"] or "—")
        assert printed[6] == (row["compliance"] or "—")
        assert printed[7] == (row["exceeding"] or "—")
    shares = _rows_by_first(_table(section, "水质类别比例"))
    figures = facts.shares["全部断面"]
    assert shares["全部断面"][3] == f"{figures['share_i_iii']:.1f}%"
    assert shares["全部断面"][4] == f"{figures['share_worse_than_v']:.1f}%"


def test_water_file_outside_the_month_is_a_gap(plan) -> None:
    gap = water_facts_from_file(demo_water_file(), "2021-09", plan=plan)
    section = water_section(dt.date(2021, 9, 1), gap, plan)
    first = section.blocks[0]
    assert isinstance(first, DataGap)
    assert first.what == "22个考核断面水质监测数据" and first.period == "2021年9月"
    assert "2021-06" in first.text  # names what the file covers


def test_soil_demo_safe_use_rates_by_hand(plan) -> None:
    farmland, construction = demo_soil_files()
    section = soil_section(dt.date(2021, 6, 1), soil_facts_from_files(farmland, construction), plan)
    rates = _rows_by_first(_table(section, "土壤污染防治目标指标"))
    # farmland: contaminated 地块B 85 亩 (safely used) + 地块C 40 亩 (not) → 85/125 = 68.0 %
    assert rates["受污染耕地安全利用率"][1:] == ["68.0%", "≥90%"]
    # plots above screening: 甲 30 亩 (safely used) + 乙 20 亩 (not) → 30/50 = 60.0 %
    assert rates["污染地块安全利用率"][1:] == ["60.0%", "≥90%"]


def test_missing_sources_print_gaps_not_numbers(plan) -> None:
    bulletin = assemble_monthly_bulletin("2021-06", plan=plan, options=BulletinOptions())
    gaps = [gap.text for gap in bulletin.gaps()]
    assert "数据缺失：月调度快照（2021年6月）。" in gaps
    assert "数据缺失：22个考核断面水质监测数据（2021年6月）。" in gaps
    assert "数据缺失：任务事项清单（2021年7月）。" in gaps
    assert bulletin.document_number == "晋环调〔2021〕6号"
    assert bulletin.issue_date_text == "2021年7月5日"
    assert next(h for h, _ in bulletin.numbered_sections()) == "一、重点任务总体进展"
    assert not bulletin.demo


def test_bad_month_message() -> None:
    with pytest.raises(ValueError, match="月份格式应为 YYYY-MM"):
        Month.parse("2021-1x")
    with pytest.raises(ValueError, match="月份 01–12"):
        Month.parse("2021-13")


def test_air_month_has_every_figure_filled_and_traced(air, plan) -> None:
    section = air_section(dt.date(2016, 6, 1), air, plan)
    good = _table(section, "优良天数比例")
    month_row = good.rows[0]
    # June 2016 of the aqistudy file: 30 days, all valid (the old bulletin printed 0 valid days)
    assert month_row[1].text == "30" and int(month_row[2].text) > 0
    assert all(cell.text != "—" for cell in month_row)
    source = month_row[1].source
    assert "晋城市2016年6月日数据30行" in source and "HJ 633-2012" in source
    assert "HJ 663-2013" in source and "GB 3095-2012" in source


def test_rank_target_needs_a_168_table(air, plan, test_data: Path) -> None:
    from dataclasses import replace

    from envplan.monitoring.air_city_table import read_city_statistics
    from envplan.services.air.city_sets import CITY_SETS
    from envplan.services.air.ranking import rank_table

    section = air_section(dt.date(2016, 6, 1), air, plan)
    gap = [b for b in section.blocks if isinstance(b, DataGap) and "排名" in b.what]
    assert gap and "缺少输入：全国168个重点城市环境空气质量统计表" in gap[0].text
    table = read_city_statistics(test_data / "air/shanxi-11-cities-statistics-constructed.csv")
    ranked = rank_table(table, CITY_SETS["shanxi-11"], period=Month.parse("2016-06"))
    with_table = air_section(dt.date(2016, 6, 1), replace(air, ranking=ranked), plan)
    gap = [b for b in with_table.blocks if isinstance(b, DataGap) and "排名" in b.what]
    assert "目标要求全国168个重点城市" in gap[0].text


def test_a_month_outside_the_plan_year_says_which_plan_it_follows(plan) -> None:
    bulletin = assemble_monthly_bulletin("2026-06", plan=plan)
    first = bulletin.sections[0].blocks[0]
    assert "2026年6月不在行动计划年度（2021年）内" in first.text  # type: ignore[union-attr]
    assert plan.document_number in first.text  # type: ignore[union-attr]
    in_year = assemble_monthly_bulletin("2021-06", plan=plan)
    assert not any("不在行动计划年度" in getattr(b, "text", "") for b in in_year.sections[0].blocks)


def test_a_city_without_last_year_gets_no_empty_cells(air, plan) -> None:
    """Data from 2 March of the year only (as the demo's 2026 stations): every printed figure is
    filled, the missing last year is one data gap, the year-to-date span is stated."""
    from dataclasses import replace

    recent = air.daily.filter(pl.col("date") >= dt.date(2016, 3, 2))
    section = air_section(dt.date(2016, 6, 1), replace(air, daily=recent), plan)
    cells = [c.text for b in section.blocks if isinstance(b, Table) for r in b.rows for c in r]
    assert cells and "—" not in cells
    gaps = [b.text for b in section.blocks if isinstance(b, DataGap)]
    assert any("上年同期" in g for g in gaps)
    notes = [getattr(b, "text", "") for b in section.blocks]
    assert any("2016年数据自2016年3月2日起" in n for n in notes)
