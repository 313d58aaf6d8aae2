"""`envplan tasks` command group."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="任务调度：查看、填报、审核 / Tasks: list, show, report, approve.", no_args_is_help=True
)
