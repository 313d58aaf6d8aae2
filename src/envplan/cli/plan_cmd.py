"""`envplan plan` command group: browse, query, validate and export the plan registry."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from envplan.plan import Deadline, Plan

app = typer.Typer(
    help="计划台账：查看、校验、导出行动计划 / Plan registry: show, validate, export the action plans.",
    no_args_is_help=True,
)

PLAN_NAMES = {"air": "空气", "water": "水", "soil": "土壤"}
KIND_NAMES = {"measure": "正文措施", "key_task": "重点任务", "project": "重点工程"}
COMPARATOR_NAMES = {
    "<=": "不高于",
    ">=": "不低于",
    "meets_standard": "达到标准级别",
    "outside_bottom": "排名退出后",
    "decrease_by_at_least": "较基准年下降至少",
    "increase": "较上年提升",
    "decrease": "较上年减少",
    "meets_provincial_target": "完成省定目标",
}

PlanDirOption = typer.Option(
    None,
    "--plan-dir",
    help="计划目录（含 plan.yaml），默认内置的晋城市2021年计划 / Plan directory (default: built-in Jincheng 2021).",
)


def _load(plan_dir: Path | None) -> Plan:
    from envplan.plan import PlanValidationError, default_plan, load_plan

    try:
        return load_plan(plan_dir) if plan_dir is not None else default_plan()
    except PlanValidationError as exc:
        _print_problems(exc.problems)
        raise typer.Exit(code=1) from exc


def _print_problems(problems: Sequence[object]) -> None:
    """Plain zh-CN lines on stderr (no console markup: the text is shown as it is)."""
    typer.echo(f"计划文件有 {len(problems)} 处问题：", err=True)
    for problem in problems:
        typer.echo(f"  ✗ {problem}", err=True)


def _deadline_text(deadline: Deadline) -> str:
    """Short zh-CN form of a deadline: the original wording plus the structured date(s)."""
    kind = deadline.kind
    if kind == "by_date" and deadline.due:
        structured = f"≤ {deadline.due.isoformat()}"
    elif kind == "from_date" and deadline.start:
        structured = f"自 {deadline.start.isoformat()} 起"
    elif kind == "window" and deadline.start and deadline.end:
        structured = f"{deadline.start.isoformat()} 至 {deadline.end.isoformat()}"
    elif kind == "recurring":
        structured = {"monthly": "每月", "quarterly": "每季度"}.get(
            deadline.frequency or "", "定期"
        )
    elif kind == "long_term":
        structured = "长期"
    elif kind == "milestones":
        structured = "；".join(
            f"{'自' if m.kind == 'from' else '≤'}{m.due.isoformat()}" for m in deadline.milestones
        )
    else:
        structured = "无时限"
    if deadline.raw and kind in ("by_date", "from_date", "window"):
        return f"{deadline.raw.strip()}（{structured}）"
    return structured


def _units_text(
    plan: Plan, lead: tuple[str, ...], co: tuple[str, ...], all_counties: bool, dev_zone: bool
) -> str:
    parts = [plan.unit(u).name for u in lead]
    text = "、".join(parts) if parts else ""
    if co:
        text += ("；配合：" if text else "配合：") + "、".join(plan.unit(u).name for u in co)
    if all_counties:
        group = "各县（市、区）人民政府" + ("、开发区管委会" if dev_zone else "")
        text += ("；" if text else "") + group
    return text or "（未填）"


@app.command("show")
def show(
    plan_key: str | None = typer.Option(
        None, "--plan", help="只显示一个子计划：air | water | soil / Show one sub-plan."
    ),
    plan_dir: Path | None = PlanDirOption,
) -> None:
    """显示计划内容（目标、措施、附件清单） / Show the plans (targets, measures, annex lists)."""
    from rich.console import Console
    from rich.table import Table

    plan = _load(plan_dir)
    console = Console()
    if plan_key is not None and plan_key not in PLAN_NAMES:
        Console(stderr=True).print(f"[red]未知的子计划“{plan_key}”，应为 air、water 或 soil。[/]")
        raise typer.Exit(code=2)
    console.print(f"[bold]{plan.title}[/]")
    console.print(
        f"{plan.document_number}　印发日期 {plan.issued.isoformat()}　版本 {plan.version}"
    )
    if plan_key is None:
        summary = Table(title="子计划概况")
        for column in ("子计划", "标题", "目标", "措施", "重点任务", "考核断面", "重点工程"):
            summary.add_column(column)
        for sub in plan.subplans:
            summary.add_row(
                sub.key,
                sub.title,
                str(len(sub.targets)),
                str(len(sub.measures)),
                str(len(sub.key_tasks)),
                str(len(sub.sections)),
                str(len(sub.projects)),
            )
        console.print(summary)
        console.print(
            f"责任单位 {len(plan.units)} 个，县级区域 {len(plan.counties)} 个，管控区 {len(plan.zones)} 个，"
            f"数据质量说明 {len(plan.data_quality_notes)} 条。用 --plan air|water|soil 查看明细。"
        )
        return

    sub = plan.subplan(plan_key)  # type: ignore[arg-type]
    targets = Table(title=f"{sub.title}：目标", show_lines=False)
    for column in ("编号", "目标", "指标", "比较", "数值"):
        targets.add_column(column)
    for t in sub.targets:
        value = "" if t.value is None else f"{t.value:g}{t.unit or ''}"
        targets.add_row(
            t.id,
            t.text,
            t.indicator or "（定性）",
            COMPARATOR_NAMES.get(t.comparator or "", ""),
            value,
        )
    console.print(targets)

    measures = Table(title=f"{sub.title}：措施（{len(sub.measures)} 条）", show_lines=True)
    for column in ("序号", "章节", "内容", "时限", "责任单位"):
        measures.add_column(column, overflow="fold")
    for m in sub.measures:
        text = m.text if len(m.text) <= 80 else m.text[:80] + "…"
        measures.add_row(
            m.number,
            m.section,
            text,
            _deadline_text(m.deadline),
            _units_text(plan, m.lead_units, m.co_units, m.all_counties, m.includes_dev_zone),
        )
    console.print(measures)

    if sub.key_tasks:
        tasks = Table(title=f"重点任务清单（{len(sub.key_tasks)} 项）", show_lines=True)
        for column in ("序号", "类别", "任务", "时限", "牵头单位", "对应措施"):
            tasks.add_column(column, overflow="fold")
        for k in sub.key_tasks:
            lead = "、".join(plan.unit(u).name for u in k.lead_units) or "（空）"
            if "lead_units" in k.inferred_fields:
                lead += "（推断）"
            deadline = _deadline_text(k.deadline)
            if "deadline" in k.inferred_fields:
                deadline += "（推断）"
            tasks.add_row(
                str(k.number),
                k.category,
                k.text,
                deadline,
                lead,
                k.measure_id or "",
            )
        console.print(tasks)
    if sub.sections:
        sections = Table(title=f"地表水考核断面（{len(sub.sections)} 个）")
        for column in (
            "序号",
            "县（市、区）",
            "断面",
            "目标水质",
            "考核级别",
            "水体类型",
            "评价指标集",
        ):
            sections.add_column(column)
        for s in sub.sections:
            sections.add_row(
                str(s.number),
                plan.county(s.county).name,
                s.name,
                s.target_raw,
                s.assessment_level,
                {"river": "河流", "lake": "湖泊", "reservoir": "水库"}[s.water_body_type],
                s.indicator_set,
            )
        console.print(sections)
    if sub.projects:
        projects = Table(title=f"重点工程（{len(sub.projects)} 项）", show_lines=False)
        for column in ("序号", "工程", "责任主体", "时限", "省重点"):
            projects.add_column(column, overflow="fold")
        for p in sub.projects:
            projects.add_row(
                str(p.number),
                p.text,
                "、".join(plan.unit(u).name for u in p.lead_units),
                _deadline_text(p.deadline),
                "是" if p.provincial_key else "",
            )
        console.print(projects)


@app.command("tasks")
def tasks(
    unit: str | None = typer.Option(
        None, "--unit", help="责任单位（名称、简称或 id） / Responsible unit."
    ),
    county: str | None = typer.Option(
        None, "--county", help="县（市、区），如 城区、泽州县 / County-level area."
    ),
    due_before: str | None = typer.Option(
        None,
        "--due-before",
        help="只列出在该日期（含）前有到期节点的任务，YYYY-MM-DD / Due on or before.",
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
    plan_dir: Path | None = PlanDirOption,
) -> None:
    """列出督办任务（正文措施、重点任务、重点工程） / List supervised tasks."""
    from rich.console import Console
    from rich.table import Table

    from envplan.plan import items_for

    err = Console(stderr=True)
    due: date | None = None
    if due_before is not None:
        try:
            due = date.fromisoformat(due_before)
        except ValueError:
            err.print(f"[red]参数 --due-before 的日期“{due_before}”无效，应为 YYYY-MM-DD。[/]")
            raise typer.Exit(code=2) from None
    plan = _load(plan_dir)
    try:
        items = items_for(plan, unit=unit, county=county, due_before=due)
    except KeyError as exc:
        which = (
            "--unit 责任单位"
            if unit is not None and plan.find_unit(unit) is None
            else "--county 县（市、区）"
        )
        err.print(f"[red]未知的{which}“{exc.args[0]}”。[/]")
        raise typer.Exit(code=2) from None
    if as_json:
        payload = [
            {
                **item.model_dump(mode="json"),
                "lead_unit_names": [plan.unit(u).name for u in item.lead_units],
                "co_unit_names": [plan.unit(u).name for u in item.co_units],
                "counties": list(plan.responsible_counties(item)),
            }
            for item in items
        ]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"督办任务（{len(items)} 项）", show_lines=True)
    for column in ("编号", "计划", "类型", "内容", "时限", "责任单位"):
        table.add_column(column, overflow="fold")
    for item in items:
        text = item.text if len(item.text) <= 60 else item.text[:60] + "…"
        table.add_row(
            item.id,
            PLAN_NAMES[item.plan],
            KIND_NAMES[item.kind],
            text,
            _deadline_text(item.deadline),
            _units_text(
                plan, item.lead_units, item.co_units, item.all_counties, item.includes_dev_zone
            ),
        )
    Console().print(table)


@app.command("zone-of")
def zone_of(
    town: str = typer.Argument(..., help="乡镇或街道，如 巴公镇 / Town or street office."),
    village: str | None = typer.Argument(None, help="村（社区），可选 / Village (optional)."),
    plan_dir: Path | None = PlanDirOption,
) -> None:
    """查询乡镇（村）所属管控区 / Which control zones a town (village) belongs to."""
    from rich.console import Console

    from envplan.plan import zones_of

    plan = _load(plan_dir)
    place = town + (f" {village}" if village else "")
    matches = zones_of(plan, town, village)
    console = Console()
    if not matches:
        console.print(f"{place}：不在任何管控区范围内（或名称未收录）。")
        return
    console.print(f"{place} 属于：")
    wording = {
        "whole": "全域在内",
        "village": "该村（社区）列入",
        "villages": "部分村（社区）列入，请指定村名查询",
    }
    for match in matches:
        via = ""
        if match.via_zone:
            via = f"（通过所含的“{next(z.name for z in plan.zones if z.id == match.via_zone)}”）"
        console.print(f"  • {match.zone_name}：{wording[match.coverage]}{via}")


@app.command("validate")
def validate(
    file: Path = typer.Argument(
        ..., help="计划目录、plan.yaml 或单个子计划文件 / Plan dir, plan.yaml or sub-plan file."
    ),
) -> None:
    """校验计划文件，列出全部问题（文件、行号、字段） / Validate a plan file, listing every problem."""
    from rich.console import Console

    from envplan.plan import validate_file

    problems = validate_file(file)
    if problems:
        _print_problems(problems)
        raise typer.Exit(code=1)
    Console().print(f"[green]✓[/] {file}：校验通过，未发现问题。")


@app.command("export")
def export(
    fmt: str = typer.Option(
        "json", "--format", help="导出格式，目前只支持 json / Export format (json)."
    ),
    plan_dir: Path | None = PlanDirOption,
) -> None:
    """将整个计划台账导出到标准输出 / Write the whole registry to stdout."""
    from envplan.plan import export_dict

    if fmt != "json":
        from rich.console import Console

        Console(stderr=True).print(f"[red]不支持的导出格式“{fmt}”，目前只支持 json。[/]")
        raise typer.Exit(code=2)
    plan = _load(plan_dir)
    sys.stdout.write(json.dumps(export_dict(plan), ensure_ascii=False, indent=2) + "\n")
