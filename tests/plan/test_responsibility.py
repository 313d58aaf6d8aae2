"""责任单位 wording → lead / co / county group (cases copied from the seed)."""

from __future__ import annotations

from collections.abc import Callable

from envplan.plan import Plan
from envplan.plan.responsibility import merge_responsibilities, parse_responsible


def _names(plan: Plan, ids: tuple[str, ...]) -> list[str]:
    return [plan.unit(u).name for u in ids]


def _resolver(plan: Plan) -> Callable[[str], str | None]:
    def resolve(name: str) -> str | None:
        unit = plan.find_unit(name)
        return unit.id if unit else None

    return resolve


def test_body_wording_with_group_and_enterprise_after_it(plan: Plan) -> None:
    # 空气第1条
    raw = "市生态环境局、市工信局、市审批服务管理局，各县（市、区）人民政府、开发区管委会、晋能控股装备制造集团"
    resp, unknown = parse_responsible(raw, _resolver(plan))
    assert unknown == []
    assert _names(plan, resp.lead_units) == ["市生态环境局"]
    assert _names(plan, resp.co_units) == ["市工信局", "市审批服务管理局", "晋能控股装备制造集团"]
    assert resp.all_counties and resp.includes_dev_zone
    assert resp.county_group_raw == "各县（市、区）人民政府、开发区管委会"


def test_half_width_brackets_and_group_without_dev_zone(plan: Plan) -> None:
    resp, _ = parse_responsible(
        "市住建局、市城市管理局，各县(市、区)人民政府", _resolver(plan)
    )  # 水（二）2
    assert _names(plan, resp.lead_units) == ["市住建局"]
    assert resp.all_counties and not resp.includes_dev_zone


def test_group_only(plan: Plan) -> None:
    resp, _ = parse_responsible("各县（市、区）人民政府", _resolver(plan))  # 空气第11条
    assert resp.lead_units == () and resp.co_units == () and resp.all_counties


def test_annex_cells_all_lead_and_space_separated(plan: Plan) -> None:
    resp, _ = parse_responsible(
        "市城市管理局 市国投公司", _resolver(plan), all_lead=True
    )  # 水附件2第8行
    assert _names(plan, resp.lead_units) == ["市城市管理局", "市国投公司"]
    resp, _ = parse_responsible("开发区管委会", _resolver(plan), all_lead=True)  # 水附件2第12行
    assert _names(plan, resp.lead_units) == ["开发区管委会"] and not resp.all_counties


def test_short_county_names_and_unknown_units(plan: Plan) -> None:
    resp, unknown = parse_responsible("泽州县、阳城县人民政府", _resolver(plan))  # 水（三）3
    assert _names(plan, resp.lead_units + resp.co_units) == ["泽州县人民政府", "阳城县人民政府"]
    assert unknown == []
    _, unknown = parse_responsible("市生态环境局、市宇宙局", _resolver(plan))
    assert unknown == ["市宇宙局"]


def test_merging_clauses(plan: Plan) -> None:
    first, _ = parse_responsible(
        "市农业农村局、市生态环境局，各县（市、区）人民政府", _resolver(plan)
    )
    second, _ = parse_responsible(
        "市规划和自然资源局（林业局）、市农业农村局、市发展改革委，各县（市、区）人民政府、开发区管委会",
        _resolver(plan),
    )
    merged = merge_responsibilities([first, second])
    assert _names(plan, merged.lead_units) == ["市农业农村局", "市规划和自然资源局"]
    assert _names(plan, merged.co_units) == ["市生态环境局", "市发展改革委"]
    assert merged.all_counties and merged.includes_dev_zone
