"""zones_of: the two cases of the issue and name variants."""

from __future__ import annotations

from envplan.plan import Plan, zones_of

TEN_KM = "市区10公里范围"
KEY = "市区周边重点管控区范围"


def _names(plan: Plan, town: str, village: str | None = None) -> list[str]:
    return [m.zone_name for m in zones_of(plan, town, village)]


def test_bagong_xigao_is_only_in_the_key_control_zone(plan: Plan) -> None:
    # 西郜村 is listed under 巴公镇 in the key control zone (33 villages), not in the 10 km list (5).
    assert _names(plan, "巴公镇", "西郜村") == [KEY]


def test_beishidian_is_in_both_zones(plan: Plan) -> None:
    matches = zones_of(plan, "北石店镇")
    assert [m.zone_name for m in matches] == [TEN_KM, KEY]
    assert all(m.coverage == "whole" for m in matches)


def test_village_of_the_ten_km_list_is_in_both(plan: Plan) -> None:
    assert _names(plan, "巴公镇", "二仙掌村") == [TEN_KM, KEY]
    assert _names(plan, "金村镇", "府城村") == [TEN_KM, KEY]


def test_whole_towns_of_the_key_zone_only(plan: Plan) -> None:
    assert _names(plan, "高都镇") == [KEY]
    assert _names(plan, "川底乡", "任意村") == [KEY]


def test_town_with_listed_villages_only_is_partial(plan: Plan) -> None:
    matches = zones_of(plan, "巴公镇")
    assert [(m.zone_name, m.coverage) for m in matches] == [(TEN_KM, "villages"), (KEY, "villages")]


def test_name_variants(plan: Plan) -> None:
    assert _names(plan, "泽州县北石店镇") == [TEN_KM, KEY]
    assert _names(plan, "晋庙铺镇", "天井关村") == [KEY]
    assert _names(plan, "南城街道", "许庄") == [KEY]
    assert _names(plan, "北街街道") == [TEN_KM, KEY]


def test_places_outside_both_zones(plan: Plan) -> None:
    assert _names(plan, "巴公镇", "不存在村") == []
    assert _names(plan, "润城镇") == []
