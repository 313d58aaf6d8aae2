"""`envplan serve`: start the web platform.

Opens the installation under ``ENVPLAN_HOME`` / ``ENVPLAN_DATABASE_URL`` (a fresh home is loaded
once with the Jincheng 2021 plan, the bundled real monitoring data and, in demo mode, the 示例
progress data), prints the address and the demo logins, then serves with uvicorn.
"""

from __future__ import annotations

import os
import time

import typer


def uvicorn_proxy_options(trusted_proxies: tuple[str, ...]) -> dict[str, object]:
    """X-Forwarded-For / -Proto are believed only from the configured proxies (none by default:
    uvicorn would otherwise believe them from 127.0.0.1, and any local client could then choose
    the address the login throttle sees)."""
    if not trusted_proxies:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(trusted_proxies)}


def register(app: typer.Typer) -> None:
    """Mount the serve command on the root app."""

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="监听地址 / Bind address."),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="端口 / Port."),
        demo: bool = typer.Option(
            False, "--demo", help="演示模式（示例进展数据与演示账号）/ Demo mode."
        ),
    ) -> None:
        """启动 Web 平台 / Start the web platform."""
        import uvicorn

        from envplan.services.dashboard import open_platform
        from envplan.services.settings import load_settings
        from envplan.web import create_app
        from envplan.web.app import SettingsError, validate_settings

        try:
            settings = load_settings(os.environ, demo=demo)
            validate_settings(settings)
        except (ValueError, SettingsError) as exc:
            typer.echo(f"配置错误 / configuration error: {exc}", err=True)
            raise typer.Exit(2) from exc

        started = time.monotonic()
        typer.echo(f"数据目录 / home: {settings.home}")
        from envplan.services.home import HomeModeError

        try:
            platform = open_platform(settings, progress=lambda line: typer.echo(f"  · {line}"))
        except HomeModeError as exc:
            typer.echo(f"配置错误 / configuration error: {exc}", err=True)
            raise typer.Exit(2) from exc
        web_app = create_app(settings, platform=platform)
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        typer.echo(f"准备就绪，用时 {time.monotonic() - started:.1f} 秒 / ready")
        typer.echo(f"平台地址 / address: http://{shown_host}:{port}/")
        typer.echo(f"信息公开 / public pages: http://{shown_host}:{port}/public/")
        logins = platform.demo_logins() if demo else []
        if logins:
            typer.echo("演示账号（示例）/ demo logins:")
            for login in logins:
                unit = f"  {login.unit_name}" if login.unit_name else ""
                typer.echo(
                    f"  {login.username:<16} 密码 {login.password:<16} {login.role_label}{unit}"
                )
        uvicorn.run(
            web_app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            **uvicorn_proxy_options(settings.trusted_proxies),  # type: ignore[arg-type]
        )
