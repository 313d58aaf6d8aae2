"""`envplan air` command group."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="环境空气：AQI、日评价、期间评价、排名 / Air quality: AQI, daily statistics, assessment, ranking.",
    no_args_is_help=True,
)
