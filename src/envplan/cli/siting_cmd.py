"""`envplan siting` command group: siting pre-screen (选址预审) against air 1–2 and 附件1.

Stable contract (issue 14): ``envplan siting check --industry 钢铁 --town 巴公镇 --village 西郜村
[--short-process] [--high-end-casting] [--no-new-capacity] --json`` prints ``{"verdict":
"禁止"|"允许"|"有条件", "clauses": [...]}``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

import typer

from envplan.cli.db_cmd import acting_user, fail, records_session

app = typer.Typer(
    help=(
        "选址预审：管控区布局限制（空气第1、2条，附件1）/ "
        "Siting pre-screen against the control zones (air measures 1–2, annex 1)."
    ),
    no_args_is_help=True,
)


class PlanningArea(StrEnum):
    inside = "in"
    outside = "out"
    unknown = "unknown"


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@app.command("check")
def check(
    industry: str = typer.Option(
        ..., "--industry", help="行业，如 钢铁、铸造、水泥、有色、焦化 / Industry."
    ),
    town: str = typer.Option(..., "--town", help="乡镇（街道），如 巴公镇 / Town."),
    village: str | None = typer.Option(None, "--village", help="村（社区）/ Village."),
    county_planning_area: PlanningArea = typer.Option(
        "unknown",
        "--county-planning-area",
        help="是否位于县城规划区：in | out | unknown（默认待核实）/ Inside a county planning area.",
    ),
    no_new_capacity: bool = typer.Option(
        False,
        "--no-new-capacity",
        help="同一企业内部不新增产能的技术改造 / In-enterprise upgrade adding no capacity.",
    ),
    relocation: bool = typer.Option(
        False, "--relocation", help="关停搬迁项目 / Relocation of a closed plant."
    ),
    short_process: bool = typer.Option(
        False, "--short-process", help="电弧炉短流程炼钢 / EAF short-process steel."
    ),
    capacity_replacement: bool = typer.Option(
        False,
        "--capacity-replacement",
        help="产能减量置换铸造高炉 / Casting blast furnace under capacity reduction.",
    ),
    high_end_casting: bool = typer.Option(
        False, "--high-end-casting", help="高端铸件 / High-end castings."
    ),
    coal_consuming: bool = typer.Option(
        False, "--coal-consuming", help="耗煤项目 / The project consumes coal."
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """预审项目选址：禁止 / 允许 / 有条件，并引用依据条款 / Screen a project's site."""
    from envplan.services.siting import SitingError, SitingRequest, check_siting

    request = SitingRequest(
        industry=industry,
        town=town,
        village=village,
        county_planning_area=county_planning_area.value,
        new_capacity=not no_new_capacity,
        relocation=relocation,
        short_process=short_process,
        capacity_replacement=capacity_replacement,
        high_end_casting=high_end_casting,
        coal_consuming=coal_consuming,
    )
    try:
        result = check_siting(request)
    except SitingError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        _print_json(result)
        return
    typer.echo(f"{result['place']} {result['industry']}：{result['verdict']}")
    for clause in result["clauses"]:
        typer.echo(f"  [{clause['clause']}] {clause['reason']}")
        typer.echo(f"      “{clause['quote']}”")
    for condition in result["conditions"]:
        typer.echo(f"  条件：{condition}")


@app.command("zones")
def zones(
    user: str | None = typer.Option(None, "--user", help="操作用户名 / Acting user."),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """市区10公里范围与重点管控区内的企业名单 / Enterprises inside the two zones."""
    from envplan.services.offsets import OffsetsDenied
    from envplan.services.siting import enterprises_in_zones

    with records_session() as session:
        principal = acting_user(session, user)
        try:
            data = enterprises_in_zones(session, principal)
        except OffsetsDenied as exc:
            raise fail(str(exc)) from exc
    if as_json:
        _print_json(data)
        return
    for zone in data["zones"]:
        typer.echo(f"{zone['name']}：{len(zone['enterprises'])} 家")
        for row in zone["enterprises"]:
            typer.echo(f"  {row['county']} {row['town']}{row['village']} {row['name']}")
    if data["unresolved"]:
        typer.echo(f"待核实所在村的企业：{len(data['unresolved'])} 家")
