"""`envplan emergency` command group: heavy-pollution warnings and emergency-reduction lists.

Stable contracts (docs/emergency.md):
- ``envplan emergency warn FORECAST.csv --json`` → ``{"level": "none"|"yellow"|"orange"|"red", …}``
- ``envplan emergency list --level yellow|orange|red --json`` → ``{"level", "enterprises": […],
  "totals", "share", "required", "meets", …}``
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path

import typer

from envplan.cli.db_cmd import acting_user, fail, parse_date, records_session

app = typer.Typer(
    help=(
        "重污染天气应急：预警评估、减排清单、预警发布与督查 / "
        "Heavy-pollution emergency: warnings, reduction lists, response."
    ),
    no_args_is_help=True,
)
UserOption = typer.Option(None, "--user", help="以该用户身份操作 / Act as this user.")


class Level(StrEnum):
    yellow = "yellow"
    orange = "orange"
    red = "red"


class NewLevel(StrEnum):
    none = "none"
    yellow = "yellow"
    orange = "orange"
    red = "red"


def _dump(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=1, default=str))


@app.command("warn")
def warn_cmd(
    forecast: Path = typer.Argument(
        ..., metavar="FORECAST.csv", help="预报文件 date,aqi[,primary_pollutant] / Forecast CSV."
    ),
    rules: str | None = typer.Option(
        None, "--rules", help="规则集 warning-2019（默认）| o3-seed-25 / Rule set."
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / JSON output."),
) -> None:
    """按预报 AQI 评估应发布的预警级别 / Warning level for a forecast."""
    from envplan.services.emergency import ForecastError, WarningError, warn_from_file

    try:
        result = warn_from_file(forecast, rules)
    except (ForecastError, WarningError) as exc:
        raise fail(str(exc)) from exc
    data = result.contract()
    if as_json:
        _dump(data)
        return
    if data["level"] == "none":
        typer.echo(f"无需发布预警（{data['rule_set_name']}）")
    else:
        typer.echo(
            f"应发布{data['level_name']}（{data['response']}），响应 {data['start']} 至 "
            f"{data['end']}；重度及以上 {data['heavy_days']} 天，严重 {data['severe_days']} 天"
        )
    typer.echo(f"依据：{data['rule_source']}")
    if data["rule_note"]:
        typer.echo(f"注：{data['rule_note']}")


@app.command("list")
def list_cmd(
    level: Level = typer.Option(..., "--level", help="预警级别 / Warning level."),
    county: str | None = typer.Option(None, "--county", help="县（市、区）/ County."),
    year: int | None = typer.Option(None, "--year", help="排放年份 / Emission year."),
    out: Path | None = typer.Option(None, "--out", help="导出 Excel（官方格式）/ Excel export."),
    user: str | None = UserOption,
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / JSON output."),
) -> None:
    """生成该级别的应急减排清单并核算减排比例 / Emergency list of a level, self-checked."""
    from envplan.services.access import AccessDenied
    from envplan.services.emergency import EmergencyError, build_list

    with records_session() as session:
        principal = acting_user(session, user)
        try:
            result = build_list(session, level.value, county=county, year=year, principal=principal)
        except (EmergencyError, AccessDenied) as exc:
            raise fail(str(exc)) from exc
    if out is not None:
        from envplan.reports.enterprises_xlsx import write_emergency_list

        write_emergency_list(out, result)
    data = result.contract()
    if as_json:
        _dump(data)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{data['level_name']}应急减排清单（{len(result.enterprises)} 家）")
    for header in (
        "县（市、区）",
        "企业名称",
        "级别",
        "措施",
        *(f"{p} 吨/日" for p in data["share"]),
    ):
        table.add_column(header)
    for e in result.enterprises:
        table.add_row(
            e.county, e.name, e.grade or "—", "；".join(e.measures + e.notes),
            *(f"{v:.4f}" for v in e.reductions.values()),
        )  # fmt: skip
    console = Console(width=220, markup=False)
    console.print(table)
    shares = "，".join(f"{p} {v:.2%}" for p, v in result.share.items())
    console.print(f"减排比例：{shares}（最低 {result.required:.0%}）")
    console.print(result.message())
    if out is not None:
        console.print(f"已导出 {out}")


@app.command("totals")
def totals_cmd(
    year: int = typer.Option(..., "--year", help="年份 / Year."),
    so2: float = typer.Option(..., "--so2", help="SO2 全社会排放量 [吨/年]"),
    nox: float = typer.Option(..., "--nox", help="NOx 全社会排放量 [吨/年]"),
    pm: float = typer.Option(..., "--pm", help="颗粒物 全社会排放量 [吨/年]"),
    vocs: float = typer.Option(..., "--vocs", help="VOCs 全社会排放量 [吨/年]"),
    source: str = typer.Option(..., "--source", help="数据来源（源排放清单）/ Source."),
    user: str | None = UserOption,
) -> None:
    """登记全社会排放总量（核算减排比例的分母）/ Record society-wide emissions."""
    from envplan.services.access import AccessDenied
    from envplan.services.emergency import EmergencyError, set_totals

    with records_session() as session:
        principal = acting_user(session, user)
        try:
            set_totals(
                session, year, {"SO2": so2, "NOx": nox, "PM": pm, "VOCs": vocs},
                source=source, principal=principal,
            )  # fmt: skip
        except (EmergencyError, AccessDenied) as exc:
            session.rollback()
            raise fail(str(exc)) from exc
        session.commit()
    typer.echo(f"已登记 {year} 年全社会排放总量（来源：{source}）")


@app.command("issue")
def issue_cmd(
    level: Level = typer.Option(..., "--level", help="预警级别 / Level."),
    start: str = typer.Option(..., "--start", help="响应开始 YYYY-MM-DD / Start."),
    end: str | None = typer.Option(None, "--end", help="预计结束 YYYY-MM-DD / Planned end."),
    on: str | None = typer.Option(None, "--date", help="发布日期（默认今天）/ Issue date."),
    rules: str | None = typer.Option(None, "--rules", help="规则集 / Rule set."),
    note: str = typer.Option("", "--note", help="说明 / Note."),
    user: str | None = UserOption,
) -> None:
    """发布预警（记录在案）/ Issue a warning (recorded)."""
    from envplan.services.access import AccessDenied
    from envplan.services.emergency import WarningError, issue_warning

    day = parse_date(on, "--date")
    with records_session() as session:
        principal = acting_user(session, user)
        try:
            w = issue_warning(
                session, level.value, on=day, start=parse_date(start, "--start"),
                end=parse_date(end, "--end") if end else None, rules=rules,
                principal=principal, note=note,
            )  # fmt: skip
        except (WarningError, AccessDenied) as exc:
            session.rollback()
            raise fail(str(exc)) from exc
        session.commit()
        typer.echo(f"已发布第 {w.id} 号预警（{level.value}），{day}")


@app.command("change")
def change_cmd(
    warning_id: int = typer.Argument(..., help="预警编号 / Warning id."),
    level: NewLevel = typer.Option(..., "--level", help="新级别（none = 解除）/ New level."),
    on: str | None = typer.Option(None, "--date", help="调整日期（默认今天）/ Date."),
    end: str | None = typer.Option(None, "--end", help="预计结束 / Planned end."),
    note: str = typer.Option("", "--note", help="说明 / Note."),
    user: str | None = UserOption,
) -> None:
    """升级、降级或解除预警（记录在案）/ Upgrade, downgrade or lift (recorded)."""
    from envplan.services.access import AccessDenied
    from envplan.services.emergency import WarningError, change_warning

    day = parse_date(on, "--date")
    with records_session() as session:
        principal = acting_user(session, user)
        try:
            w = change_warning(
                session, warning_id, level.value, on=day,
                end=parse_date(end, "--end") if end else None, principal=principal, note=note,
            )  # fmt: skip
        except (WarningError, AccessDenied) as exc:
            session.rollback()
            raise fail(str(exc)) from exc
        session.commit()
        typer.echo(f"第 {w.id} 号预警：{w.events[-1].action} → {level.value}（{day}）")


@app.command("status")
def status_cmd(
    on: str | None = typer.Option(None, "--date", help="日期（默认今天）/ Date."),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / JSON output."),
) -> None:
    """显示在执行的预警及全部预警记录 / Warning in force and every warning."""
    from envplan.services.emergency import list_warnings, warning_dict, warning_in_force

    day = parse_date(on, "--date", dt.date.today())
    with records_session() as session:
        current = warning_in_force(session, day)
        warnings = [warning_dict(w) for w in list_warnings(session)]
        data = {
            "date": day.isoformat(),
            "in_force": warning_dict(current) if current else None,
            "warnings": warnings,
        }
    if as_json:
        _dump(data)
        return
    typer.echo(
        f"{day}：" + (f"{current.level} 预警执行中（第 {current.id} 号）" if current else "无预警")
    )
    for w in warnings:
        steps = " → ".join(f"{e['on']} {e['action']} {e['to']}" for e in w["events"])
        typer.echo(f"第 {w['id']} 号：{steps}")


@app.command("inspect")
def inspect_cmd(
    credit_code: str = typer.Argument(..., help="统一社会信用代码 / Credit code."),
    inspector: str = typer.Option(..., "--inspector", help="检查人员 / Inspector."),
    compliant: bool = typer.Option(
        ..., "--compliant/--non-compliant", help="是否落实措施 / Measures in place."
    ),
    finding: str = typer.Option("", "--finding", help="检查发现 / Finding."),
    on: str | None = typer.Option(None, "--date", help="检查日期（默认今天）/ Date."),
    user: str | None = UserOption,
) -> None:
    """登记预警期间的企业检查 / Record an inspection during a warning."""
    from envplan.services.access import AccessDenied
    from envplan.services.emergency import WarningError, record_inspection
    from envplan.services.enterprises import EnterpriseNotFound

    day = parse_date(on, "--date")
    with records_session() as session:
        principal = acting_user(session, user)
        try:
            row = record_inspection(
                session, credit_code, on=day, inspector=inspector, compliant=compliant,
                finding=finding, principal=principal,
            )  # fmt: skip
        except (WarningError, AccessDenied, EnterpriseNotFound) as exc:
            session.rollback()
            raise fail(str(exc)) from exc
        session.commit()
        typer.echo(f"已登记检查记录第 {row.id} 号（{'落实' if compliant else '未落实'}）")
