"""`envplan db` command group."""

from __future__ import annotations

import typer

app = typer.Typer(help="数据库：初始化与升级 / Database: init and upgrade.", no_args_is_help=True)
