"""`envplan audit` command group."""

from __future__ import annotations

import typer

from envplan.cli.db_cmd import records_session

app = typer.Typer(
    help="审计日志：校验哈希链 / Audit log: verify the hash chain.", no_args_is_help=True
)


@app.command("verify")
def verify() -> None:
    """校验审计日志哈希链（发现被改动的记录时退出码为 1）/ Verify the audit chain."""
    from envplan.store.audit import verify_chain

    with records_session() as session:
        count, problems = verify_chain(session)
    if problems:
        typer.echo(f"审计日志校验失败：{count} 条记录中发现 {len(problems)} 处问题：", err=True)
        for problem in problems:
            typer.echo(f"  第 {problem.seq} 条：{problem.reason}", err=True)
        raise typer.Exit(1)
    typer.echo(f"审计日志完整：{count} 条记录，哈希链校验通过。")
