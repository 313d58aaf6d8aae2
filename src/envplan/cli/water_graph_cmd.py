"""Water-graph commands mounted on `envplan water`: tracing, warnings, imports, indicators.

Stable contracts (used by acceptance checks):
* ``envplan water trace --section NAME --indicator 氨氮 --date YYYY-MM-DD --json`` prints
  ``{"section", "upstream": [{"kind", "name", "value", "rank"}], "missing": [...], …}``.
* ``envplan water warn --as-of YYYY-MM-DD --json`` prints ``{"as_of", "rule", "warnings": [...]}``,
  the warnings in force (issued as notices to the counties unless ``--dry-run``).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from envplan.cli.db_cmd import acting_user, fail, parse_date, records_session


class MonitoringKind(StrEnum):
    section = "section"
    outfall = "outfall"
    enterprise = "enterprise"


class RankBy(StrEnum):
    concentration = "concentration"
    load = "load"


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=1, default=str))


def _input_errors() -> tuple[type[Exception], ...]:
    from envplan.monitoring.errors import InputFileError
    from envplan.services.access import AccessDenied
    from envplan.services.water_graph import IndicatorError, TraceError, WarningError

    return (InputFileError, AccessDenied, IndicatorError, TraceError, WarningError)


def trace(
    section: str = typer.Option(..., "--section", help="超标断面名称 / Section name."),
    indicator: str = typer.Option(..., "--indicator", help="指标，如 氨氮 / Indicator."),
    date: str = typer.Option(..., "--date", help="超标日期 YYYY-MM-DD / Date of the exceedance."),
    window: int = typer.Option(3, "--window", help="窗口月数（含当月）/ Window in months."),
    by: RankBy = typer.Option(
        RankBy.concentration, "--by", help="排序依据：浓度或负荷 / Rank by concentration or load."
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """反向溯源：列出超标断面上游的断面、排污口与排污单位并排序 / Trace upstream of an exceedance."""
    from envplan.services.water_graph import TraceRequest, trace_upstream

    day = parse_date(date, "--date")
    with records_session() as session:
        try:
            result = trace_upstream(
                session, TraceRequest(section, indicator, day, window, by.value)
            )
        except _input_errors() as exc:
            raise fail(str(exc)) from exc
    if as_json:
        _echo_json(result)
        return
    tag = "【示例】" if result["demo"] else ""
    observed = result["observed"]
    typer.echo(
        f"{tag}{result['section']} {result['indicator']} 窗口 {result['window']['start']}—"
        f"{result['window']['end']} 均值 {observed['value']}（目标 {observed['target_class'] or '未配置'}"
        f"类，限值 {observed['limit']}）"
    )
    labels = {"section": "断面", "outfall": "排污口", "enterprise": "排污单位"}
    for item in result["upstream"]:
        rank = f"第{item['rank']}位" if item["rank"] else "无数据"
        typer.echo(f"  [{labels[item['kind']]}] {item['name']}：{item['value']}（{rank}）")
    for line in result["missing"]:
        typer.echo(f"  缺失：{line}")


def warn(
    as_of: str = typer.Option(..., "--as-of", help="评估日期 YYYY-MM-DD / Evaluation date."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="只评估，不签发预警督办单 / Evaluate only, issue nothing."
    ),
    margin: float | None = typer.Option(
        None, "--margin", help="预警阈值（目标限值的比例，默认 0.9）/ Share of the limit."
    ),
    window: int | None = typer.Option(
        None, "--window", help="窗口月数（默认 3）/ Window in months."
    ),
    user: str | None = typer.Option(None, "--user", help="签发人 / Issuing user."),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """正向预警：列出当前有效的水质预警并签发给断面所在县（市、区）/ Warnings in force."""
    from envplan.services.water_graph import evaluate_as_of, issue_warnings
    from envplan.standards.water.warning_rules import custom_rule

    day = parse_date(as_of, "--as-of")
    try:
        rule = custom_rule(margin=margin, window_months=window)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    with records_session() as session:
        try:
            if dry_run:
                warnings = evaluate_as_of(session, day, rule=rule)
            else:
                actor = acting_user(session, user)
                warnings = issue_warnings(session, day, actor=actor, rule=rule)
                session.commit()
        except _input_errors() as exc:
            raise fail(str(exc)) from exc
    rule_json = {
        "id": rule.id,
        "name": rule.name_zh,
        "margin": rule.margin,
        "window_months": rule.window_months,
        "source": rule.source,
    }
    if as_json:
        _echo_json({"as_of": day.isoformat(), "rule": rule_json, "warnings": warnings})
        return
    if not warnings:
        typer.echo(f"{day.isoformat()} 无有效水质预警（规则：{rule.name_zh}）。")
    for w in warnings:
        tag = "【示例】" if w["demo"] else ""
        notice = w.get("notice", {}).get("number", "（未签发）")
        typer.echo(
            f"{tag}{w['level_label']} {w['section']}（{w['county']}）{w['indicator']} 均值 "
            f"{w['window_mean']:g}，{w['target_class']}类限值 {w['limit']:g} 的 "
            f"{w['ratio'] * 100:.0f}% — {notice}"
        )


def graph_import(
    reaches: Path | None = typer.Option(None, "--reaches", help="河段表 / Reaches file."),
    sections: Path | None = typer.Option(None, "--sections", help="断面表 / Sections file."),
    outfalls: Path | None = typer.Option(None, "--outfalls", help="排污口表 / Outfalls file."),
    user: str | None = typer.Option(None, "--user", help="操作人 / Acting user."),
) -> None:
    """导入水系图（河段、断面、排污口；全部成功或全部不导入）/ Import the water graph."""
    from envplan.services.water_graph import import_graph

    with records_session() as session:
        try:
            result = import_graph(
                session,
                reaches=reaches,
                sections=sections,
                outfalls=outfalls,
                actor=acting_user(session, user),
            )
        except _input_errors() as exc:
            raise fail(str(exc)) from exc
        session.commit()
    typer.echo(
        f"已导入 {'、'.join(result.files)}：新增 {result.created}，更新 {result.updated}，"
        f"未变 {result.unchanged}。"
    )


def monitoring_import(
    path: Path = typer.Argument(..., metavar="FILE", help="监测数据文件 / Monitoring file."),
    kind: MonitoringKind = typer.Option(
        ...,
        "--kind",
        help="section 断面（月报模板）/ outfall 排污口 / enterprise 企业自行监测 / Kind.",
    ),
    user: str | None = typer.Option(None, "--user", help="操作人 / Acting user."),
) -> None:
    """导入断面、排污口或企业自行监测数据 / Import section, outfall or self-monitoring data."""
    from envplan.services.water_graph import import_monitoring

    with records_session() as session:
        try:
            result = import_monitoring(
                session, path, kind=kind.value, actor=acting_user(session, user)
            )
        except _input_errors() as exc:
            raise fail(str(exc)) from exc
        session.commit()
    typer.echo(
        f"已导入 {path.name}：新增 {result.created} 个数值，已存在相同值 {result.unchanged}。"
    )


def sources_import(
    path: Path = typer.Argument(..., metavar="FILE", help="水源地登记表 / Sources file."),
    user: str | None = typer.Option(None, "--user", help="操作人 / Acting user."),
) -> None:
    """导入千吨万人饮用水水源地登记表 / Import the 千吨万人 drinking-water sources."""
    from envplan.services.water_graph import import_drinking_sources

    with records_session() as session:
        try:
            result = import_drinking_sources(session, path, actor=acting_user(session, user))
        except _input_errors() as exc:
            raise fail(str(exc)) from exc
        session.commit()
    typer.echo(f"已导入 {path.name}：新增 {result.created}，更新 {result.updated}。")


def targets_import(
    path: Path = typer.Argument(..., metavar="FILE", help="省定断面目标 / Provincial targets."),
    source: str = typer.Option(..., "--source", help="来源文件文号 / Source document."),
    user: str | None = typer.Option(None, "--user", help="操作人 / Acting user."),
) -> None:
    """导入“完成省定目标”断面的省定目标类别（须注明文号）/ Import provincial section targets."""
    from envplan.services.water_graph import import_section_targets

    with records_session() as session:
        try:
            result = import_section_targets(
                session, path, actor=acting_user(session, user), source=source
            )
        except _input_errors() as exc:
            raise fail(str(exc)) from exc
        session.commit()
    typer.echo(f"已导入 {path.name}：新增 {result.created}，更新 {result.updated}。")


def graph_template(
    out_dir: Path = typer.Argument(..., metavar="DIR", help="输出目录 / Output folder."),
) -> None:
    """写出水系图、排污口监测、水源地与省定目标的导入模板（CSV 与 Excel）/ Write templates."""
    from envplan.services.water_graph import write_templates

    for path in write_templates(out_dir):
        typer.echo(f"已写出 {path}")


def indicator_report(
    target: str = typer.Option(..., "--target", help="计划目标编号，如 water-t09 / Target id."),
    period: str = typer.Option(..., "--period", help="时段 YYYY-MM / Period."),
    value: float = typer.Option(..., "--value", help="报送值 / Reported value."),
    area: str = typer.Option("全市", "--area", help="范围：全市或县（市、区）/ Area."),
    evidence: Path | None = typer.Option(None, "--evidence", help="证明材料 / Evidence file."),
    narrative: str = typer.Option("", "--narrative", help="说明 / Narrative."),
    reported_on: str | None = typer.Option(None, "--date", help="报送日期 / Report date."),
    user: str | None = typer.Option(None, "--user", help="报送人 / Reporting user."),
) -> None:
    """报送计划数值指标（如进水BOD₅、管网改造比例）/ Report a plan indicator value."""
    from envplan.cli.db_cmd import cli_settings
    from envplan.services.water_graph import report_indicator
    from envplan.store import EvidenceStore

    day = parse_date(reported_on, "--date")
    payload = None
    if evidence is not None:
        try:
            payload = (evidence.name, evidence.read_bytes())
        except OSError as exc:
            raise fail(f"证明材料「{evidence}」无法读取：{exc}") from exc
    store = EvidenceStore(cli_settings().home / "evidence")
    with records_session() as session:
        try:
            report = report_indicator(
                session,
                acting_user(session, user),
                target_id=target,
                period=period,
                value=value,
                reported_on=day,
                area=area,
                narrative=narrative,
                evidence=payload,
                evidence_store=store,
            )
        except _input_errors() as exc:
            raise fail(str(exc)) from exc
        session.commit()
        typer.echo(f"已报送 {target}（{area}）{period}：{report.value:g}")


def indicators(
    period: str = typer.Option(..., "--period", help="截至时段 YYYY-MM / As-of period."),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """计划数值指标亮灯情况（绿达标/红未达/灰未报）/ Indicator lights against targets."""
    from envplan.services.water_graph import indicator_board

    with records_session() as session:
        try:
            board = indicator_board(session, as_of_period=period)
        except _input_errors() as exc:
            raise fail(str(exc)) from exc
    if as_json:
        _echo_json(board)
        return
    for row in board:
        value = "—" if row["value"] is None else f"{row['value']:g}{row['unit']}"
        sign = "≥" if row["comparator"] == ">=" else "≤"
        typer.echo(
            f"[{row['light']}] {row['indicator']}（{row['area']}）{value}，"
            f"目标 {sign}{row['target_value']:g}{row['unit']}"
        )


def graph_show(
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """按上下游顺序显示水系图 / Show the graph in downstream order."""
    from envplan.services.water_graph import graph_overview

    with records_session() as session:
        overview = graph_overview(session)
    if as_json:
        _echo_json(overview)
        return
    tag = "【示例】" if overview["demo"] else ""
    for reach in overview["reaches"]:
        points = " → ".join(
            p["name"] if p["kind"] == "section" else f"〔{p['code']}〕" for p in reach["points"]
        )
        typer.echo(
            f"{tag}{reach['river']} {reach['code']}：{points} ⇒ {reach['downstream'] or '出境'}"
        )
    if overview["unplaced_sections"]:
        typer.echo(f"未登记到河段的断面：{'、'.join(overview['unplaced_sections'])}")


def demo(
    as_of: str | None = typer.Option(None, "--as-of", help="预警日期（默认 2021-06-30）/ Date."),
) -> None:
    """载入示例水系图与监测数据（示例，非实测）/ Load the 示例 graph and data."""
    from envplan.services.water_graph import DEMO_WARNING_DAY, seed_water_graph_demo

    day = parse_date(as_of, "--as-of", DEMO_WARNING_DAY)
    with records_session() as session:
        try:
            created = seed_water_graph_demo(session, as_of=day)
        except _input_errors() as exc:
            raise fail(str(exc)) from exc
        session.commit()
    typer.echo("已载入示例水系图与监测数据。" if created else "记录库已有水系图，未重复载入示例。")


def register(app: typer.Typer) -> None:
    """Add the water-graph commands to the ``water`` command group."""
    app.command("trace")(trace)
    app.command("warn")(warn)
    app.command("graph")(graph_show)
    app.command("graph-import")(graph_import)
    app.command("graph-template")(graph_template)
    app.command("monitoring-import")(monitoring_import)
    app.command("sources-import")(sources_import)
    app.command("targets-import")(targets_import)
    app.command("indicator-report")(indicator_report)
    app.command("indicators")(indicators)
    app.command("graph-demo")(demo)
