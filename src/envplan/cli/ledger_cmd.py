"""`envplan ledger` command group: Excel ledger (台账) export and import."""

from __future__ import annotations

from pathlib import Path

import typer

from envplan.cli.db_cmd import acting_user, fail, parse_date, records_session

app = typer.Typer(
    help="台账：Excel 导出与导入 / Ledger: Excel export and import.", no_args_is_help=True
)


@app.command("export")
def export(
    out: Path = typer.Option(..., "--out", help="输出文件 .xlsx / Output file."),
    month: str | None = typer.Option(
        None, "--month", help="台账月份 YYYY-MM（默认全部期次）/ Month."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="截至日期（默认该月月末或今天）/ As of."
    ),
    plan: str | None = typer.Option(None, "--plan", help="air | water | soil"),
    user: str | None = typer.Option(
        None, "--user", help="只导出该用户可见的任务 / Visible to user."
    ),
) -> None:
    """导出台账（每个计划一张工作表）/ Export the ledger."""
    from envplan.reports.ledger import write_ledger
    from envplan.services.bulletin import ledger_book
    from envplan.services.supervision import SupervisionError, parse_month

    try:
        default = parse_month(month)[1] if month else None
    except SupervisionError as exc:
        raise fail(f"--month：{exc}") from exc
    day = parse_date(as_of, "--as-of", default)
    with records_session() as session:
        principal = acting_user(session, user) if user else None
        book = ledger_book(session, as_of=day, month=month, plan_key=plan, principal=principal)
    result = write_ledger(book, out)
    rows = "，".join(f"{name} {count} 行" for name, count in result.sheets.items())
    typer.echo(f"已导出台账 {out}（截至 {day}）：{rows}")


@app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., help="填好的台账 .xlsx / Filled-in ledger."),
    user: str = typer.Option(..., "--user", help="填报人用户名 / Reporting user."),
    on: str | None = typer.Option(None, "--date", help="填报日期（默认今天）/ Report date."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="只列出将要修改的内容 / Show changes only."
    ),
) -> None:
    """导入单位填报的台账（全部校验通过才写入）/ Import a filled-in ledger (all or nothing)."""
    from envplan.services.supervision import ConflictError, LedgerImportError, import_ledger

    if not path.is_file():
        raise fail(f"文件不存在：{path}")
    day = parse_date(on, "--date")
    with records_session() as session:
        principal = acting_user(session, user)
        try:
            changes = import_ledger(session, principal, path, reported_on=day, dry_run=dry_run)
        except LedgerImportError as exc:
            session.rollback()
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
        except ConflictError as exc:
            session.rollback()
            raise fail(str(exc)) from exc
        for change in changes:
            typer.echo(change.describe())
        if dry_run:
            session.rollback()
            typer.echo(f"试运行：将写入 {len(changes)} 条进展，未做任何修改。")
        else:
            session.commit()
            typer.echo(f"已导入 {len(changes)} 条进展。")
