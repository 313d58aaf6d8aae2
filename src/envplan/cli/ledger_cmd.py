"""`envplan ledger` command group."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="台账：Excel 导出与导入 / Ledger: Excel export and import.", no_args_is_help=True
)
