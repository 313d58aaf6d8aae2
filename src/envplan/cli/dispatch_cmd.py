"""`envplan dispatch` command group."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="月调度：冻结月末快照 / Monthly dispatch: freeze month-end snapshots.",
    no_args_is_help=True,
)
