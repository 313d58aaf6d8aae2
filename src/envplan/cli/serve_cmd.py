"""`envplan serve`: start the web platform."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Mount the serve command on the root app."""

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="监听地址 / Bind address."),
        port: int = typer.Option(8000, "--port", help="端口 / Port."),
        demo: bool = typer.Option(False, "--demo", help="演示模式 / Demo mode."),
    ) -> None:
        """启动平台 / Start the platform."""
        typer.echo("平台尚未实现 / the web platform is not built yet", err=True)
        raise typer.Exit(1)
