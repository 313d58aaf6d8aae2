"""`envplan water` command group."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="地表水：断面水质类别与目标评价 / Surface water: section classes and target assessment.",
    no_args_is_help=True,
)
