"""`envplan audit` command group."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="审计日志：校验哈希链 / Audit log: verify the hash chain.", no_args_is_help=True
)
