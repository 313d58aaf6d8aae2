"""`envplan plan` command group."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="计划台账：查看、校验、导出行动计划 / Plan registry: show, validate, export the action plans.",
    no_args_is_help=True,
)
