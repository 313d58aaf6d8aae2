"""`envplan soil` command group."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="土壤：农用地与建设用地风险筛选 / Soil: farmland and construction-land risk classification.",
    no_args_is_help=True,
)
