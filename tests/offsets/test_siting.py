"""Siting pre-screen: the acceptance cases, exceptions, and that every verdict cites its clause."""

from __future__ import annotations

import pytest

from envplan.plan import default_plan
from envplan.services.siting import SitingError, SitingRequest, check_siting
from envplan.standards import siting


def _check(**kwargs: object) -> dict:  # type: ignore[type-arg]
    return check_siting(SitingRequest(**kwargs))  # type: ignore[arg-type]


def test_steel_in_key_control_zone_is_banned() -> None:
    result = _check(industry="钢铁", town="巴公镇", village="西郜村")
    assert result["verdict"] == "禁止"
    ids = [c["id"] for c in result["clauses"]]
    assert "air-m02" in ids and "air-annex1" in ids
    ban = next(c for c in result["clauses"] if c["id"] == "air-m02")
    assert "不再布局钢铁（不含短流程炼钢和产能减量置换铸造高炉）" in ban["quote"]
    assert ban["clause"] == "空气 三、重点任务 2"


def test_short_process_steel_is_not_banned() -> None:
    result = _check(industry="钢铁", town="巴公镇", village="西郜村", short_process=True)
    assert result["verdict"] == "有条件"
    quotes = " ".join(c["quote"] for c in result["clauses"])
    assert "短流程" in quotes and "2:1" in quotes


def test_capacity_replacement_casting_furnace_is_not_banned() -> None:
    result = _check(industry="钢铁", town="北石店镇", capacity_replacement=True)
    assert result["verdict"] == "有条件"


def test_high_end_casting_is_not_banned_but_other_casting_is() -> None:
    assert _check(industry="铸造", town="高都镇")["verdict"] == "禁止"
    result = _check(industry="铸造", town="高都镇", high_end_casting=True)
    assert result["verdict"] == "有条件"
    assert any("高端铸件" in c["reason"] for c in result["clauses"])
    # high-end castings do not lift the steel ban
    assert _check(industry="钢铁", town="高都镇", high_end_casting=True)["verdict"] == "禁止"


def test_upgrade_without_new_capacity_and_relocation_are_exceptions() -> None:
    assert _check(industry="水泥", town="马村镇", new_capacity=False)["verdict"] == "有条件"
    assert _check(industry="焦化", town="马村镇", relocation=True)["verdict"] == "有条件"
    assert _check(industry="焦化", town="马村镇")["verdict"] == "禁止"


def test_village_outside_the_listed_ones_is_outside_the_zone() -> None:
    # 巴公镇 is only partly listed; 某某村 is not one of its listed villages
    result = _check(industry="钢铁", town="巴公镇", village="某某村", county_planning_area="out")
    assert result["verdict"] == "允许"
    assert result["zones"] == []


def test_partly_listed_town_without_village_needs_checking() -> None:
    result = _check(industry="钢铁", town="巴公镇", county_planning_area="out")
    assert result["verdict"] == "有条件"
    assert any("核实项目所在村" in c for c in result["conditions"])


def test_county_planning_area() -> None:
    assert _check(industry="有色", town="町店镇")["verdict"] == "有条件"  # not declared
    assert _check(industry="有色", town="町店镇", county_planning_area="in")["verdict"] == "禁止"
    assert _check(industry="有色", town="町店镇", county_planning_area="out")["verdict"] == "允许"


def test_unlisted_industry_is_allowed_with_the_offset_condition() -> None:
    result = _check(industry="电子", town="巴公镇", village="西郜村")
    assert result["verdict"] == "允许"
    assert any("倍量削减" in c for c in result["conditions"])


def test_10km_zone_cites_measure_1() -> None:
    result = _check(industry="电子", town="西街办事处")
    assert any(c["id"] == "air-m01" for c in result["clauses"])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"industry": "钢铁", "town": "巴公镇", "village": "西郜村"},
        {"industry": "钢铁", "town": "巴公镇", "village": "西郜村", "short_process": True},
        {"industry": "铸造", "town": "巴公镇", "village": "西郜村", "high_end_casting": True},
        {"industry": "钢铁", "town": "巴公镇", "village": "西郜村", "new_capacity": False},
        {"industry": "水泥", "town": "町店镇"},
        {"industry": "电子", "town": "町店镇"},
    ],
)
def test_every_verdict_cites_registry_words(kwargs: dict) -> None:  # type: ignore[type-arg]
    measures = {m.id: m.text for m in default_plan().subplan("air").measures}
    result = _check(**kwargs)
    assert result["clauses"]
    for clause in result["clauses"]:
        assert clause["clause"] and clause["quote"] and clause["reason"]
        if clause["id"].startswith("air-m"):
            assert clause["quote"] in measures[clause["id"]]


def test_registry_holds_the_quoted_sentences() -> None:
    text = next(m.text for m in default_plan().subplan("air").measures if m.id == "air-m02")
    for sentence in (siting.MEASURE_2_BAN, siting.MEASURE_2_CAPACITY, siting.MEASURE_2_EAF):
        assert sentence in text


def test_bad_input() -> None:
    with pytest.raises(SitingError, match="行业不能为空"):
        _check(industry=" ", town="巴公镇")
    with pytest.raises(SitingError, match="乡镇"):
        _check(industry="钢铁", town="")


def test_registry_industry_names() -> None:
    base = {"town": "巴公镇", "village": "西郜村"}
    assert _check(industry="长流程联合钢铁", **base)["verdict"] == "禁止"
    assert _check(industry="短流程钢铁", **base)["verdict"] == "有条件"
    assert _check(industry="电解铝", **base)["verdict"] == "禁止"
    assert _check(industry="煤制氮肥", **base)["verdict"] == "禁止"
    assert _check(industry="包装印刷", **base)["verdict"] == "允许"
