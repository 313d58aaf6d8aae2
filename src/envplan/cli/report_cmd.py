"""`envplan report` command group."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="报告：月度调度通报 / Reports: the monthly dispatch bulletin.", no_args_is_help=True
)
