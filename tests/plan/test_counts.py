"""Counts the issue fixes (read from the seed by hand): 28 / 47 / 25 / 22 / 32 / 15 and the zones."""

from __future__ import annotations

from collections import Counter

from envplan.plan import Plan


def test_air_has_28_measures_and_47_key_tasks(plan: Plan) -> None:
    air = plan.subplan("air")
    assert [m.number for m in air.measures] == [str(n) for n in range(1, 29)]
    assert [k.number for k in air.key_tasks] == list(range(1, 48))


def test_water_has_25_measures_in_five_sections(plan: Plan) -> None:
    water = plan.subplan("water")
    per_section = Counter(m.number.split(")")[0] + ")" for m in water.measures)
    assert per_section == {"(一)": 4, "(二)": 9, "(三)": 4, "(四)": 3, "(五)": 5}
    assert len(water.measures) == 25


def test_water_annexes_have_22_sections_and_32_projects(plan: Plan) -> None:
    water = plan.subplan("water")
    assert [s.number for s in water.sections] == list(range(1, 23))
    assert [p.number for p in water.projects] == list(range(1, 33))


def test_soil_has_15_measures(plan: Plan) -> None:
    assert [m.number for m in plan.subplan("soil").measures] == [str(n) for n in range(1, 16)]


def test_assessment_levels_match_the_body_count_of_nine_national_and_provincial(plan: Plan) -> None:
    # Water body (五)3: "2021年5月起9个国、省考监测断面全部纳入生态补偿考核"; 附件1: 7 国考 + 2 省考.
    levels = Counter(s.assessment_level for s in plan.subplan("water").sections)
    assert levels == {"国考": 7, "省考": 2, "市考": 13}


def test_eleven_projects_are_provincial_key(plan: Plan) -> None:
    flagged = [p.number for p in plan.subplan("water").projects if p.provincial_key]
    assert flagged == list(range(1, 12))


def test_ten_km_zone_village_counts(plan: Plan) -> None:
    zone = next(z for z in plan.zones if z.name == "市区10公里范围")
    assert {t.town: len(t.villages) for t in zone.towns} == {
        "南村镇": 24,
        "金村镇": 39,
        "大箕镇": 12,
        "巴公镇": 5,
    }
    names = [a.name for a in zone.whole_areas]
    street_offices = [n for n in names if n.endswith("办事处")]
    assert len(street_offices) == 7 and "开发区街道办事处" in street_offices
    assert "北石店镇" in names


def test_key_control_zone_village_counts(plan: Plan) -> None:
    zone = next(z for z in plan.zones if z.name == "市区周边重点管控区范围")
    assert {t.town: len(t.villages) for t in zone.towns} == {
        "南村镇": 9,
        "巴公镇": 33,
        "金村镇": 20,
        "大箕镇": 11,
        "晋庙铺": 6,
        "李寨乡": 5,
        "大阳镇": 20,
        "南城办": 10,
        "原村乡": 9,
    }
    assert sorted(a.name for a in zone.whole_areas) == sorted(
        [
            "北义城镇",
            "高都镇",
            "犁川镇",
            "周村镇",
            "川底乡",
            "大东沟镇",
            "下村镇",
            "北留镇",
            "马村镇",
            "河西镇",
        ]
    )
    ten_km = next(z for z in plan.zones if z.name == "市区10公里范围")
    assert zone.includes == (ten_km.id,)


def test_seven_county_level_areas(plan: Plan) -> None:
    assert [c.name for c in plan.counties] == [
        "城区",
        "泽州县",
        "高平市",
        "阳城县",
        "陵川县",
        "沁水县",
        "开发区",
    ]
    for county in plan.counties:
        assert plan.unit(county.government_unit).county == county.id


def test_supervised_items_cover_measures_key_tasks_and_projects(plan: Plan) -> None:
    kinds = Counter((i.plan, i.kind) for i in plan.supervised_items())
    assert kinds == {
        ("air", "measure"): 28,
        ("air", "key_task"): 47,
        ("water", "measure"): 25,
        ("water", "project"): 32,
        ("soil", "measure"): 15,
    }
