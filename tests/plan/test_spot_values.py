"""Spot values read BY HAND from the seed (晋市政办〔2021〕9号): deadline, lead unit, text fragment.

Each row below was typed from the seed document, not from the registry's output.
"""

from __future__ import annotations

from datetime import date

import pytest

from envplan.plan import Plan, SupervisedItem


def _item(plan: Plan, item_id: str) -> SupervisedItem:
    return next(i for i in plan.supervised_items() if i.id == item_id)


def _names(plan: Plan, unit_ids: tuple[str, ...]) -> list[str]:
    return [plan.unit(u).name for u in unit_ids]


# (id, due date or None, lead unit names, fragment of the text)
BY_DATE = [
    ("air-m01", date(2021, 12, 31), ["市生态环境局"], "天溪煤制油分公司关停搬迁"),
    ("air-m02", date(2021, 4, 30), ["市工信局"], "分年度整合退出时间表"),
    ("air-m03", date(2021, 2, 28), ["市生态环境局"], "煤化工、钢铁（冶铸）、石灰、砖瓦"),
    ("air-m06", date(2021, 4, 30), ["市能源局"], "清洁取暖“回头看”"),
    ("air-m07", date(2021, 4, 30), ["市能源局"], "力争达70%以上"),
    ("air-m09", date(2021, 5, 31), ["市城市管理局"], "恒光、金驹"),
    ("air-m15", date(2021, 9, 30), ["市公安局"], "秋冬防"),
    ("air-m19", date(2021, 4, 30), ["市生态环境局"], "六个百分之百"),
    ("air-m21", date(2021, 1, 31), ["市生态环境局"], "挥发性有机液体储罐清单"),
    ("air-m23", date(2021, 3, 31), ["市生态环境局"], "差别化电价政策"),
    ("air-k01", date(2021, 12, 31), ["晋能控股装备制造集团", "市工信局"], "天溪煤制油分公司"),
    ("air-k03", date(2021, 4, 30), ["市工信局"], "普钢生产"),
    ("air-k04", date(2021, 2, 28), ["市生态环境局"], "制定化工、钢铁（冶铸）"),
    ("air-k05", date(2021, 12, 31), ["市工信局"], "绿色示范企业"),
    ("air-k09", date(2021, 4, 30), ["市生态环境局"], "可持续运营方案"),
    ("air-k11", date(2021, 9, 30), ["市生态环境局"], "3月份完成工业余热供热情况的摸底调查"),
    ("air-k12", date(2021, 9, 30), ["市工信局"], "不得作为热源"),
    ("air-k13", date(2021, 5, 31), ["市城市管理局"], "阳电大热源"),
    ("air-k21", date(2021, 12, 31), ["市交通局"], "757辆"),
    ("air-k22", date(2021, 9, 30), ["市公安局"], "限行通告"),
    ("air-k28", date(2021, 4, 30), ["城区人民政府"], "制定城区精细化管控实施方案"),
    ("air-k32", date(2021, 12, 31), ["市规划和自然资源局"], "露天矿、采石场"),
    ("air-k34", date(2021, 9, 30), ["市生态环境局"], "绩效分级分类管控清单"),
    ("air-k39", date(2021, 10, 31), ["市生态环境局"], "超低排放改造"),
    ("air-k45", date(2021, 3, 31), ["市生态环境局"], "差异化错峰生产"),
    ("air-k47", date(2021, 12, 31), ["市生态环境局"], "区域联防联控方案"),
    ("water-m2-3", date(2021, 10, 31), ["市城市管理局"], "保(提)温提效改造"),
    ("water-m2-8", date(2021, 12, 31), ["市农业农村局"], "畜禽粪污"),
    ("water-m3-1", date(2021, 12, 31), ["市生态环境局"], "北石店河背荫生态湿地"),
    ("water-p01", date(2021, 6, 30), ["高平市人民政府"], "天阳污水处理厂提标改造"),
    ("water-p03", date(2021, 8, 31), ["泽州县人民政府"], "巴公河薛庄湿地"),
    ("water-p08", date(2021, 12, 31), ["市城市管理局", "市国投公司"], "晋城市污水处理厂提标扩容"),
    ("water-p10", date(2022, 6, 30), ["高平市人民政府"], "丹河生态长廊"),
    ("water-p12", date(2021, 4, 10), ["开发区管委会"], "金匠污水处理厂（南线）"),
    ("water-p16", date(2021, 9, 30), ["泽州县人民政府"], "华昱煤化工"),
    ("water-p22", date(2021, 12, 31), ["城区人民政府"], "南村镇污水管网工程"),
    ("water-p29", date(2021, 12, 31), ["沁水县人民政府"], "635个生态井场"),
    ("water-p32", date(2021, 12, 31), ["陵川县人民政府"], "城南生态公园"),
    ("soil-m02", date(2021, 9, 30), ["市生态环境局"], "国家土壤环境监测网基础点位"),
]


@pytest.mark.parametrize(("item_id", "due", "lead", "fragment"), BY_DATE)
def test_by_date_items(plan: Plan, item_id: str, due: date, lead: list[str], fragment: str) -> None:
    item = _item(plan, item_id)
    assert item.deadline.kind == "by_date"
    assert item.deadline.due == due
    assert _names(plan, item.lead_units) == lead
    assert fragment in item.text


# (id, deadline kind, start date, lead unit names, fragment)
FROM_DATE = [
    ("air-m27", date(2021, 10, 1), ["市生态环境局"], "2021—2022年秋冬季"),
    ("air-k07", date(2021, 4, 1), ["市生态环境局"], "逐行业开展工业企业绩效评估"),
    ("air-k18", date(2021, 5, 1), ["市交通局"], "国五及以上标准"),
    ("air-k20", date(2021, 7, 1), ["市市场监管局"], "6a标准"),
    ("air-k46", date(2021, 10, 1), ["市生态环境局"], "2021—2022年秋冬季"),
    ("water-m1-1", date(2021, 1, 1), ["市水务局"], "应急补水保障机制"),
]


@pytest.mark.parametrize(("item_id", "start", "lead", "fragment"), FROM_DATE)
def test_from_date_items(
    plan: Plan, item_id: str, start: date, lead: list[str], fragment: str
) -> None:
    item = _item(plan, item_id)
    assert item.deadline.kind == "from_date"
    assert item.deadline.start == start
    assert _names(plan, item.lead_units) == lead
    assert fragment in item.text


LONG_TERM = [
    ("air-k15", ["市能源局"], "不得简单拆除群众取暖设施"),
    ("air-k17", ["市财政局"], "防止补贴退坡导致散煤复烧"),
    ("air-k19", ["市生态环境局"], "门禁视频系统"),
    ("air-k23", ["市公安局"], "每季度最少开展一次专项行动"),
    ("air-k25", ["市交通局"], "尿素加注监管"),
    ("air-k30", ["市城市管理局"], "六个百分之百"),
    ("air-k31", ["市住建局"], "渣土运输车辆"),
]


@pytest.mark.parametrize(("item_id", "lead", "fragment"), LONG_TERM)
def test_long_term_key_tasks(plan: Plan, item_id: str, lead: list[str], fragment: str) -> None:
    item = _item(plan, item_id)
    assert item.deadline.kind == "long_term"
    assert item.deadline.raw == "长期坚持"
    assert _names(plan, item.lead_units) == lead
    assert fragment in item.text


def test_windows(plan: Plan) -> None:
    for item_id in ("air-m25", "air-k43"):
        deadline = _item(plan, item_id).deadline
        assert (deadline.kind, deadline.start, deadline.end) == (
            "window",
            date(2021, 5, 1),
            date(2021, 9, 30),
        )


def test_recurring(plan: Plan) -> None:
    assert _item(plan, "air-m18").deadline.frequency == "quarterly"
    assert _item(plan, "air-m18").deadline.kind == "recurring"
    assert _item(plan, "water-m4-2").deadline.frequency == "quarterly"  # 按季度开展监测
    assert _item(plan, "water-m5-1").deadline.frequency == "monthly"  # 监测结果每月向社会公开


def test_water_2_1_has_dated_steps(plan: Plan) -> None:
    item = _item(plan, "water-m2-1")
    dues = [m.due for m in item.deadline.milestones]
    assert item.deadline.kind == "milestones"
    # （1）4月上旬 投运南线, 6月底前 提标改造, 12月底前 北线等; （2）10月底前; （3）12月底前.
    assert dues == [
        date(2021, 4, 10),
        date(2021, 6, 30),
        date(2021, 12, 31),
        date(2021, 10, 31),
        date(2021, 12, 31),
    ]
    assert "金匠污水处理厂（南线）" in item.deadline.milestones[0].label
    assert _names(plan, item.lead_units) == ["市城市管理局"]
    assert _names(plan, item.co_units) == ["市国投公司"]
    assert item.all_counties and item.includes_dev_zone


def test_water_2_4_has_three_milestones(plan: Plan) -> None:
    deadline = _item(plan, "water-m2-4").deadline
    assert [(m.due, m.label[:4]) for m in deadline.milestones] == [
        (date(2021, 4, 30), "完成排查"),
        (date(2021, 6, 30), "制定整改"),
        (date(2021, 12, 31), "完成整治"),
    ]


def test_air_14_steps_and_units(plan: Plan) -> None:
    item = _item(plan, "air-m14")
    steps = [(m.kind, m.due) for m in item.deadline.milestones]
    assert steps == [("from", date(2021, 7, 1)), ("by", date(2021, 12, 31))]
    assert _names(plan, item.lead_units) == ["市市场监管局"]
    assert _names(plan, item.co_units) == [
        "市交通局",
        "市公安局",
        "市工信局",
        "市生态环境局",
        "市财政局",
        "市商务局",
    ]


def test_soil_12_has_the_2025_step(plan: Plan) -> None:
    dues = [m.due for m in _item(plan, "soil-m12").deadline.milestones]
    assert dues == [date(2021, 12, 31), date(2025, 12, 31)]


def test_county_group_flags(plan: Plan) -> None:
    # air 3: "各县（市、区）人民政府" only; air 4: "…、开发区管委会"; air 25: 市生态环境局 alone.
    assert (_item(plan, "air-m03").all_counties, _item(plan, "air-m03").includes_dev_zone) == (
        True,
        False,
    )
    assert (_item(plan, "air-m04").all_counties, _item(plan, "air-m04").includes_dev_zone) == (
        True,
        True,
    )
    assert _item(plan, "air-m25").all_counties is False
    air11 = _item(plan, "air-m11")  # 〔责任单位：各县（市、区）人民政府〕
    assert air11.lead_units == () and air11.all_counties


def test_named_county_governments(plan: Plan) -> None:
    air9 = _item(plan, "air-m09")  # 市城市管理局、市生态环境局，城区人民政府、泽州县人民政府
    assert _names(plan, air9.co_units) == ["市生态环境局", "城区人民政府", "泽州县人民政府"]
    assert not air9.all_counties
    assert plan.responsible_counties(air9) == ("chengqu", "zezhou")
    water33 = _item(plan, "water-m3-3")  # 〔责任单位：泽州县、阳城县人民政府〕
    assert _names(plan, water33.lead_units) == ["泽州县人民政府"]
    assert _names(plan, water33.co_units) == ["阳城县人民政府"]


def test_multi_paragraph_measures_keep_each_paragraphs_units(plan: Plan) -> None:
    water25 = next(m for m in plan.subplan("water").measures if m.id == "water-m2-5")
    assert len(water25.clauses) == 2
    assert water25.clauses[1].text.startswith("采用固定床间歇式气化工艺的煤化工企业")
    assert _names(plan, water25.clauses[1].responsibility.lead_units) == ["市工信局"]
    soil13 = next(m for m in plan.subplan("soil").measures if m.id == "soil-m13")
    assert len(soil13.clauses) == 3
    assert "市供销社" in _names(plan, soil13.co_units)
    soil2 = next(m for m in plan.subplan("soil").measures if m.id == "soil-m02")
    assert (
        soil2.clauses[0].responsibility.county_group_raw == "相关县（市、区）人民政府、开发区管委会"
    )


def test_key_task_links(plan: Plan) -> None:
    tasks = {k.id: k for k in plan.subplan("air").key_tasks}
    assert tasks["air-k09"].measure_id == "air-m06"
    assert tasks["air-k20"].measure_id == "air-m14"
    assert tasks["air-k43"].measure_id == "air-m25"
    assert tasks["air-k47"].measure_id == "air-m28"
    projects = {p.id: p for p in plan.subplan("water").projects}
    assert projects["water-p03"].measure_id == "water-m3-3"
    assert projects["water-p12"].measure_id == "water-m2-1"


SECTIONS = [
    # number, county, name, target_class, level, water body type, indicator set
    (1, "高平市", "赵庄", None, "国考", "river", "national-2021-5x"),
    (5, "沁水县", "张峰水库出口", None, "国考", "reservoir", "national-2021-5x"),
    (8, "沁水县", "尉迟", None, "省考", "river", "national-2021-5x"),
    (9, "城区", "白水河", None, "省考", "river", "national-2021-5x"),
    (10, "城区", "洞头", "Ⅴ", "市考", "river", "eval-2011-21"),
    (12, "开发区", "寺底南桥", "Ⅴ", "市考", "river", "eval-2011-21"),
    (13, "泽州县", "东焦河水库出口", "Ⅲ", "市考", "reservoir", "eval-2011-21"),
    (15, "泽州县", "北焦庄", "Ⅳ", "市考", "river", "eval-2011-21"),
    (18, "阳城县", "九女湖", "Ⅲ", "市考", "lake", "eval-2011-21"),
    (20, "陵川县", "台北村", "Ⅳ", "市考", "river", "eval-2011-21"),
    (22, "沁水县", "郑庄", "Ⅲ", "市考", "river", "eval-2011-21"),
]


@pytest.mark.parametrize(
    ("number", "county", "name", "target", "level", "body", "indicators"), SECTIONS
)
def test_sections(
    plan: Plan,
    number: int,
    county: str,
    name: str,
    target: str | None,
    level: str,
    body: str,
    indicators: str,
) -> None:
    section = plan.subplan("water").sections[number - 1]
    assert section.number == number
    assert plan.county(section.county).name == county
    assert section.name == name
    assert section.target_class == target
    assert section.target_kind == ("provincial" if target is None else "class")
    assert section.assessment_level == level
    assert section.water_body_type == body
    assert section.indicator_set == indicators


def test_air_targets(plan: Plan) -> None:
    targets = plan.subplan("air").targets
    no2 = next(t for t in targets if t.indicator and t.indicator.startswith("NO₂"))
    so2 = next(t for t in targets if t.indicator and t.indicator.startswith("SO₂"))
    assert (no2.comparator, no2.value) == ("meets_standard", 2)
    assert (so2.comparator, so2.value) == ("meets_standard", 1)
    rank = next(t for t in targets if t.comparator == "outside_bottom")
    assert rank.value == 20 and rank.scope is not None and "168" in rank.scope
    cuts = [t for t in targets if t.comparator == "decrease_by_at_least"]
    assert sorted(t.indicator or "" for t in cuts) == sorted(
        ["二氧化硫排放量", "氮氧化物排放量", "挥发性有机物排放量"]
    )
    assert all(t.value == 2 and t.unit == "%" and t.baseline_year == 2020 for t in cuts)
    assert any(not t.quantitative and "约束性指标" in t.text for t in targets)


def test_water_and_soil_targets(plan: Plan) -> None:
    water = {t.indicator: t for t in plan.subplan("water").targets if t.quantitative}
    assert (water["公共供水管网漏损率"].comparator, water["公共供水管网漏损率"].value) == ("<=", 10)
    assert water["城市再生水利用率"].value == 23
    assert (water["新增高效节水灌溉面积"].value, water["新增高效节水灌溉面积"].unit) == (
        2.1,
        "万亩",
    )
    assert water["城镇污水处理厂进水BOD₅平均浓度"].value == 150
    assert water["城镇污水处理厂进水BOD₅单次浓度"].value == 100
    assert water["农村生活污水处理设施正常运行率"].value == 80
    assert water["开工建设村庄生活污水治理设施数量"].value == 60
    soil = [t for t in plan.subplan("soil").targets if t.quantitative]
    assert sorted(t.indicator or "" for t in soil) == ["受污染耕地安全利用率", "污染地块安全利用率"]
    assert all((t.comparator, t.value, t.unit) == (">=", 90, "%") for t in soil)
