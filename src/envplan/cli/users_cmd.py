"""`envplan users` command group."""

from __future__ import annotations

import typer

app = typer.Typer(help="用户管理 / User management.", no_args_is_help=True)
