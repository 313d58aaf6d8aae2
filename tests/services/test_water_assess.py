"""assess_plan_sections on the Jincheng 2021 plan. Expected classes worked by hand from GB 3838-2002
Table 1 (limits quoted next to each case); targets from the seed's 附件1."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from envplan.monitoring.water_template import read_water_template
from envplan.plan import default_plan
from envplan.services.water.sections import assess_plan_sections, classify_measurements

DATA = """断面名称,监测时间,pH,溶解氧,高锰酸盐指数,化学需氧量,氨氮,总磷
洞头,2021-04,7.8,6.5,5.0,32,1.2,0.15
洞头,2021-05,7.6,6.1,5.4,36,1.4,0.17
黑龙潭,2021-04,8.0,8.0,3.0,12,0.4,0.25
黑龙潭,2021-05,8.1,8.2,3.2,13,0.4,0.27
九女湖,2021-05,8.2,9.0,3.0,12,0.2,0.04
张峰水库出口,2021-05,8.3,10.0,2.5,10,0.1,0.03
赵庄,2021-05,6.5,7.0,3.0,12,0.3,0.05
赵庄,2021-06,7.5,7.0,3.0,12,0.3,0.05
赵庄,2021-06,8.5,7.0,3.0,12,0.3,0.05
洞头,2021-07,7.0,1.0,20,60,5.0,0.9
不在计划中的断面,2021-05,7.0,8.0,2.0,10,0.1,0.02
"""


@pytest.fixture(scope="module")
def measurements(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    path = tmp_path_factory.mktemp("water") / "monthly.csv"
    path.write_text(DATA, encoding="utf-8")
    return read_water_template(path).frame


def _row(result: pl.DataFrame, name: str) -> dict[str, object]:
    return result.filter(pl.col("section") == name).row(0, named=True)


def test_sections_against_targets(measurements: pl.DataFrame) -> None:
    assessment = assess_plan_sections(default_plan(), measurements, "2021-H1")
    sections = assessment.sections
    assert sections.height == 22
    assert sections.get_column("number").to_list() == list(range(1, 23))

    dongtou = _row(sections, "洞头")  # target Ⅴ; July excluded by the period
    # COD mean 34 (30 < 34 ≤ 40 → Ⅴ), NH3-N 1.3 (Ⅳ), CODMn 5.2 (Ⅲ), TP 0.16 (Ⅲ), DO 6.3 (Ⅱ)
    assert (dongtou["water_class"], dongtou["target_class"], dongtou["compliance"]) == (
        "Ⅴ", "Ⅴ", "达标",
    )  # fmt: skip
    assert dongtou["main_pollutants"] == "化学需氧量(0.7),氨氮(0.3)"  # (34−20)/20, (1.3−1)/1
    assert dongtou["exceeding"] == ""
    assert dongtou["n_samples"] == 2

    heilongtan = _row(sections, "黑龙潭")  # target Ⅲ; TP mean 0.26 (0.2 < 0.26 ≤ 0.3 → Ⅳ)
    assert (heilongtan["water_class"], heilongtan["compliance"]) == ("Ⅳ", "不达标")
    assert heilongtan["exceeding"] == "总磷(0.3)"

    # 九女湖 is a lake: TP 0.04 is Ⅲ in the 湖、库 column (0.025 < 0.04 ≤ 0.05), Ⅱ for a river.
    jiunvhu = _row(sections, "九女湖")
    assert (jiunvhu["water_body_type"], jiunvhu["water_class"]) == ("lake", "Ⅲ")
    assert jiunvhu["compliance"] == "达标"

    # "完成省定目标" without a configured provincial target is never invented.
    zhangfeng = _row(sections, "张峰水库出口")
    assert zhangfeng["water_class"] == "Ⅲ"  # reservoir TP 0.03 → Ⅲ
    assert (zhangfeng["target_class"], zhangfeng["compliance"]) == ("", "省定目标未配置")

    assert _row(sections, "郑庄")["compliance"] == "无监测数据"
    assert assessment.unmatched == ("不在计划中的断面",)


def test_provincial_targets_resolve(measurements: pl.DataFrame) -> None:
    targets = pl.DataFrame(
        {"section": ["张峰水库出口", "赵庄"], "year": [2021, 2021], "target_class": [2, 3]},
        schema_overrides={"year": pl.Int32, "target_class": pl.Int8},
    )
    sections = assess_plan_sections(default_plan(), measurements, "2021", targets).sections
    zhangfeng = _row(sections, "张峰水库出口")
    assert (zhangfeng["target_class"], zhangfeng["compliance"]) == ("Ⅱ", "不达标")
    assert zhangfeng["exceeding"] == "总磷(0.2)"  # (0.03 − 0.025) / 0.025
    zhaozhuang = _row(sections, "赵庄")  # pH mean via [H⁺] 6.93, all Ⅱ or better
    assert (zhaozhuang["water_class"], zhaozhuang["compliance"]) == ("Ⅱ", "达标")
    # A target for another year does not apply.
    other_year = targets.with_columns(pl.lit(2022, dtype=pl.Int32).alias("year"))
    sections = assess_plan_sections(default_plan(), measurements, "2021", other_year).sections
    assert _row(sections, "张峰水库出口")["compliance"] == "省定目标未配置"


def test_plan_level_shares(measurements: pl.DataFrame) -> None:
    shares = assess_plan_sections(default_plan(), measurements, "2021-H1").shares
    everything = shares["全部断面"]
    # classed: 洞头 Ⅴ, 黑龙潭 Ⅳ, 九女湖 Ⅲ, 张峰水库出口 Ⅲ, 赵庄 Ⅱ → Ⅰ–Ⅲ 3/5
    assert everything["classed"] == 5
    assert everything["share_i_iii"] == 60.0
    assert everything["share_worse_than_v"] == 0.0
    assert (everything["met"], everything["judged"]) == (2, 3)
    assert everything["no_data"] == 17
    assert shares["国考"]["classed"] == 2


def test_period_july_only(measurements: pl.DataFrame) -> None:
    sections = assess_plan_sections(default_plan(), measurements, "2021-07").sections
    dongtou = _row(sections, "洞头")
    assert dongtou["water_class"] == "劣Ⅴ"
    # All 劣Ⅴ: NH3-N 5.0 → 4.0, TP 0.9 → 3.5, CODMn 20 → (20−6)/6 = 2.33, COD 60 → 2.0, DO 1.0
    # (no multiple, ranked last): the top three by multiple.
    assert dongtou["main_pollutants"] == "氨氮(4.0),总磷(3.5),高锰酸盐指数(2.3)"


def test_bad_period_is_refused(measurements: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="时段"):
        assess_plan_sections(default_plan(), measurements, "2021年")


def test_classify_measurements_lake_list(test_data: Path) -> None:
    from envplan.monitoring.water_cnemc import read_cnemc_water_auto

    frame = read_cnemc_water_auto(
        test_data / "water" / "cnemc-water-auto-2026-02-04-north.csv"
    ).frame
    lakes = ["白龟山水库", "三门峡水库", "五龙泉", "瀛湖坝前", "千河公路桥", "碛塄"]
    out = classify_measurements(
        frame, indicator_set="auto-basic", round_values=False, lake_sections=lakes
    )
    published = out.filter(pl.col("official_class").is_not_null())
    assert published.height == 240
    assert (published["water_class"] == published["official_class"]).all()


def test_lake_trophic_state_and_tn(tmp_path: Path) -> None:
    # 九女湖 (lake): reference W4 row 1 → TLI 53.25, 轻度富营养; TN 1.5 → Ⅳ (separate).
    path = tmp_path / "lake.csv"
    path.write_text(
        "断面名称,监测时间,叶绿素a（mg/m³）,总磷,总氮,透明度（m）,高锰酸盐指数\n"
        "九女湖,2021-06,10,0.1,1.5,0.8,5\n芦苇河,2021-06,10,0.1,1.5,0.8,5\n",
        encoding="utf-8",
    )
    sections = assess_plan_sections(default_plan(), read_water_template(path).frame).sections
    lake = _row(sections, "九女湖")
    assert lake["tli"] == pytest.approx(53.25, abs=0.01)
    assert (lake["trophic_grade"], lake["tn_class"]) == ("轻度富营养", "Ⅳ")
    river = _row(sections, "芦苇河")
    assert (river["tli"], river["trophic_grade"], river["tn_class"]) == (None, "", "")


def test_classes_by_month_and_trend(tmp_path: Path) -> None:
    from envplan.services.water.sections import section_classes_by_period, section_trends

    # 郑庄 (target Ⅲ): NH3-N rising month by month 0.1 → 1.8: Ⅰ Ⅱ Ⅲ Ⅳ Ⅴ (by Table 1 limits).
    path = tmp_path / "months.csv"
    path.write_text(
        "断面名称,监测时间,氨氮\n郑庄,2021-01,0.1\n郑庄,2021-02,0.4\n郑庄,2021-03,0.9\n"
        "郑庄,2021-04,1.4\n郑庄,2021-05,1.8\n洞头,2021-05,0.1\n",
        encoding="utf-8",
    )
    by_month = section_classes_by_period(default_plan(), read_water_template(path).frame)
    zhengzhuang = by_month.filter((pl.col("section") == "郑庄") & (pl.col("n_samples") > 0))
    assert zhengzhuang["water_class"].to_list() == ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"]
    assert zhengzhuang["compliance"].to_list() == ["达标", "达标", "达标", "不达标", "不达标"]
    trends = section_trends(by_month)
    row = trends.filter(pl.col("section") == "郑庄").row(0, named=True)
    assert (row["rs"], row["trend"]) == (1.0, "显著上升")  # ranks equal time order: rs = 1
    assert trends.filter(pl.col("section") == "洞头")["trend"][0] == "数据不足"


def test_round_values_reaches_the_class(tmp_path: Path) -> None:
    # 郑庄 CODMn 4.05: rounded half-even to 4.0 → Ⅱ; as published (unrounded) 4.05 > 4 → Ⅲ.
    path = tmp_path / "r.csv"
    path.write_text("断面名称,监测时间,高锰酸盐指数\n郑庄,2021-05,4.05\n", encoding="utf-8")
    frame = read_water_template(path).frame
    rounded = assess_plan_sections(default_plan(), frame, round_values=True).sections
    published = assess_plan_sections(default_plan(), frame, round_values=False).sections
    assert _row(rounded, "郑庄")["water_class"] == "Ⅱ"
    assert _row(published, "郑庄")["water_class"] == "Ⅲ"
