"""`envplan enterprise` command group: the enterprise registry (排污单位名录).

``import`` is all or nothing (every row checked first; errors name row and column).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from envplan.cli.db_cmd import acting_user, fail, records_session

app = typer.Typer(
    help="企业名录：导入、查询、导出、变更历史 / Enterprise registry: import, list, export, history.",
    no_args_is_help=True,
)
UserOption = typer.Option(None, "--user", help="以该用户身份操作 / Act as this user.")


@app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., help="企业名录 .xlsx（导入模板格式）/ Registry workbook."),
    user: str | None = UserOption,
) -> None:
    """导入企业名录（全部校验通过才写入）/ Import the registry (all or nothing)."""
    from envplan.services.access import AccessDenied
    from envplan.services.enterprises import EnterpriseError, RegistryImportError, import_registry

    if not path.is_file():
        raise fail(f"文件不存在：{path}")
    with records_session() as session:
        principal = acting_user(session, user)
        try:
            result = import_registry(session, path, principal=principal)
        except (RegistryImportError, EnterpriseError, AccessDenied) as exc:
            session.rollback()
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
        session.commit()
    typer.echo(
        f"已导入 {path.name}：新增 {len(result.created)} 家，更新 {len(result.updated)} 家。"
    )


@app.command("template")
def template_cmd(
    out: Path = typer.Option(..., "--out", help="输出 .xlsx / Output file."),
) -> None:
    """生成空白导入模板 / Write an empty import template."""
    from envplan.reports.enterprises_xlsx import write_template

    write_template(out)
    typer.echo(f"已生成导入模板 {out}")


@app.command("list")
def list_cmd(
    county: str | None = typer.Option(None, "--county", help="县（市、区）/ County."),
    industry: str | None = typer.Option(None, "--industry", help="行业类别 / Industry."),
    user: str | None = UserOption,
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / JSON output."),
) -> None:
    """列出企业（县级用户只看到本县）/ List enterprises (county clerks see their county)."""
    from envplan.services.enterprises import enterprise_dict, list_enterprises

    with records_session() as session:
        principal = acting_user(session, user)
        rows = [
            enterprise_dict(e)
            for e in list_enterprises(
                session, county=county, industry=industry, principal=principal
            )
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"企业名录（{len(rows)} 家）")
    for header in ("统一社会信用代码", "企业名称", "县（市、区）", "行业", "绩效级别", "清洁运输"):
        table.add_column(header)
    for r in rows:
        table.add_row(
            r["credit_code"], r["name"], r["county"], r["industry"], r["grade"] or "—",
            "是" if r["clean_transport"] else "否",
        )  # fmt: skip
    Console(width=200, markup=False).print(table)


@app.command("show")
def show_cmd(
    credit_code: str = typer.Argument(..., help="统一社会信用代码 / Credit code."),
    user: str | None = UserOption,
    history: bool = typer.Option(False, "--history", help="含变更历史 / With change history."),
) -> None:
    """显示一家企业（JSON）/ Show one enterprise (JSON)."""
    from envplan.services.access import AccessDenied
    from envplan.services.enterprises import (
        EnterpriseNotFound,
        enterprise_dict,
        enterprise_history,
        enterprise_zones,
        get_enterprise,
    )

    with records_session() as session:
        principal = acting_user(session, user)
        try:
            enterprise = get_enterprise(session, credit_code, principal=principal)
            data = enterprise_dict(enterprise)
            data["zones"] = enterprise_zones(enterprise)
            if history:
                data["history"] = enterprise_history(session, credit_code, principal=principal)
        except (EnterpriseNotFound, AccessDenied) as exc:
            raise fail(str(exc)) from exc
    typer.echo(json.dumps(data, ensure_ascii=False, indent=1, default=str))


@app.command("export")
def export_cmd(
    out: Path = typer.Option(..., "--out", help="输出 .xlsx / Output file."),
    county: str | None = typer.Option(None, "--county", help="县（市、区）/ County."),
    user: str | None = UserOption,
) -> None:
    """导出企业名录（与导入模板同格式）/ Export the registry (import layout)."""
    from envplan.reports.enterprises_xlsx import write_registry
    from envplan.services.enterprises import registry_export

    with records_session() as session:
        principal = acting_user(session, user)
        registry = registry_export(session, county=county, principal=principal)
    count = write_registry(out, registry)
    typer.echo(f"已导出 {count} 家企业到 {out}")
