"""`envplan land units …`, `envplan land import` and `envplan land export`: the soil key supervised
units with their tracked duties, and the registry's Excel import and export (mounted on the
``envplan land`` group by :func:`register`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from envplan.cli.db_cmd import acting_user, fail, parse_date
from envplan.cli.land_common import echo_json, evidence_store, read_file, unit_of_work

units_app = typer.Typer(
    help="土壤污染重点监管单位及其跟踪事项 / Key supervised units and their duties.",
    no_args_is_help=True,
)
UserOption = typer.Option(None, "--user", help="以该用户身份操作 / Act as this user.")
JsonOption = typer.Option(False, "--json", help="输出 JSON / Print JSON.")
DateOption = typer.Option(None, "--date", help="日期 YYYY-MM-DD（默认今天）/ Date.")


def register(app: typer.Typer) -> None:
    app.add_typer(units_app, name="units")
    app.command("import")(import_cmd)
    app.command("export")(export_cmd)
    app.command("template")(template_cmd)


# --- key supervised units -------------------------------------------------------------------------


@units_app.command("add")
def units_add(
    name: str = typer.Option(
        "", "--name", help="单位名称（空：取企业名录）/ Unit name (default: enterprise registry)."
    ),
    county: str = typer.Option(
        "", "--county", help="县（市、区）（空：取企业名录）/ County (default: registry)."
    ),
    credit_code: str | None = typer.Option(
        None, "--credit-code", help="统一社会信用代码 / Credit code."
    ),
    industry: str = typer.Option("", "--industry", help="行业 / Industry."),
    heavy_metal: bool = typer.Option(False, "--heavy-metal", help="涉重金属 / Heavy-metal unit."),
    listed_on: str | None = typer.Option(
        None, "--listed-on", help="纳入名录日期 YYYY-MM-DD / Listing date."
    ),
    permit: str = typer.Option("", "--permit", help="排污许可证编号 / Permit number."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """列入土壤污染重点监管单位名录并生成跟踪事项 / List a key unit and open its duties."""
    from envplan.services.land import KeyUnitInput, add_key_unit, list_key_units

    listed = parse_date(listed_on, "--listed-on") if listed_on else None
    with unit_of_work() as session:
        unit = add_key_unit(
            session,
            KeyUnitInput(name, county, credit_code, industry, heavy_metal, listed, permit),
            actor=acting_user(session, user),
        )
        unit_id = unit.id
        shown = [u for u in list_key_units(session, as_of=dt.date.today()) if u["id"] == unit_id]
    if as_json:
        echo_json(shown[0])
        return
    typer.echo(f"已列入重点监管单位：{name}（{len(shown[0]['duties'])} 项跟踪事项）")


@units_app.command("list")
def units_list(
    as_of: str | None = typer.Option(None, "--as-of", help="评估日期 / Evaluation date."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """重点监管单位及跟踪事项的状态与灯色 / Key units with their duties' status and light."""
    from envplan.services.land import list_key_units, visible_counties

    with unit_of_work() as session:
        rows = list_key_units(
            session,
            as_of=parse_date(as_of, "--as-of"),
            counties=visible_counties(acting_user(session, user)),
        )
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        demo = "（示例）" if row["is_demo"] else ""
        typer.echo(f"{row['name']}{demo}\t{row['county']}\t{row['credit_code'] or ''}")
        for duty in row["duties"]:
            typer.echo(
                f"  [{duty['id']}] {duty['label']}\t期限 {duty['due_on'] or '未设'}\t"
                f"{duty['status']}\t{duty['light_label']}"
            )


@units_app.command("done")
def units_done(
    duty: int = typer.Option(..., "--duty", help="跟踪事项编号 / Duty id."),
    date: str | None = DateOption,
    note: str = typer.Option("", "--note", help="说明 / Note."),
    file: Path | None = typer.Option(None, "--file", help="证明材料 / Evidence file."),
    failed: bool = typer.Option(
        False, "--failed", help="许可证核查未通过（事项保持未完成）/ Permit check failed."
    ),
    user: str | None = UserOption,
) -> None:
    """登记跟踪事项完成（或许可证条款核查结果）/ Close a duty (or record a permit check)."""
    from envplan.services.land import complete_duty

    upload = (file.name, read_file(file, "--file")) if file is not None else None
    with unit_of_work() as session:
        row = complete_duty(
            session, duty, done_on=parse_date(date, "--date"), note=note, upload=upload,
            store=evidence_store(), actor=acting_user(session, user), passed=not failed,
        )  # fmt: skip
        done = row.done_on
    typer.echo(f"跟踪事项第 {duty} 号：" + (f"已于 {done} 完成" if done else "已记录核查结果"))


@units_app.command("demolition")
def units_demolition(
    unit: int = typer.Option(..., "--unit", help="重点监管单位编号 / Unit id."),
    date: str = typer.Option(..., "--date", help="计划拆除日期 / Planned demolition date."),
    note: str = typer.Option("", "--note", help="拆除内容 / What is demolished."),
    user: str | None = UserOption,
) -> None:
    """登记拆除计划：拆除前须有经评审并备案的土壤污染防治工作方案 / Register a demolition."""
    from envplan.services.land import plan_demolition

    with unit_of_work() as session:
        duty = plan_demolition(
            session, unit, demolition_on=parse_date(date, "--date"), note=note,
            actor=acting_user(session, user),
        )  # fmt: skip
        due = duty.due_on
    typer.echo(f"已登记拆除计划：工作方案须于 {due} 前评审备案")


@units_app.command("open-year")
def units_open_year(
    year: int = typer.Argument(..., help="年度 / Year."),
    user: str | None = UserOption,
) -> None:
    """为全部重点监管单位生成该年度自行监测方案与结果事项 / Open a year's self-monitoring duties."""
    from envplan.services.land import open_year

    with unit_of_work() as session:
        opened = open_year(session, year, actor=acting_user(session, user))
    typer.echo(f"{year} 年度新增自行监测跟踪事项 {opened} 项")


# --- Excel ----------------------------------------------------------------------------------------


def import_cmd(
    input_path: Path = typer.Argument(..., metavar="FILE", help="Excel 文件（.xlsx）/ Workbook."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """导入地块与重点监管单位（全部成功或全部不导入）/ Import plots and key units (all or nothing)."""
    from envplan.services.land import import_workbook

    data = read_file(input_path, "FILE")
    with unit_of_work() as session:
        result = import_workbook(
            session, data, input_path.name, today=dt.date.today(), actor=acting_user(session, user)
        )
    if as_json:
        echo_json({"plots": result.plots, "units": result.units})
        return
    typer.echo(f"已导入地块 {result.plots} 块、重点监管单位 {result.units} 家")


def export_cmd(
    output: Path = typer.Argument(..., metavar="FILE", help="输出 Excel 文件 / Output .xlsx."),
    as_of: str | None = typer.Option(None, "--as-of", help="评估日期 / Evaluation date."),
) -> None:
    """导出名录、重点监管单位、跟踪事项与查询记录 / Export the registry to Excel."""
    from envplan.reports.land_xlsx import registry_workbook
    from envplan.services.land import land_export

    with unit_of_work() as session:
        registry = land_export(session, as_of=parse_date(as_of, "--as-of"))
    data = registry_workbook(registry)
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise fail(f"无法写入文件「{output}」（{exc.strerror or exc}）") from exc
    typer.echo(f"已导出：{output}")


def template_cmd(
    output: Path = typer.Argument(..., metavar="FILE", help="输出 Excel 文件 / Output .xlsx."),
) -> None:
    """导出空白导入模板（地块、重点监管单位、填写说明）/ Write the empty import template."""
    from envplan.reports.land_xlsx import template_workbook

    try:
        output.write_bytes(template_workbook())
    except OSError as exc:
        raise fail(f"无法写入文件「{output}」（{exc.strerror or exc}）") from exc
    typer.echo(f"已导出导入模板：{output}")
