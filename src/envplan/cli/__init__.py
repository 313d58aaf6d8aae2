"""The envplan command line (Typer). Help texts are Chinese first, English after.

Each command group lives in its own module and exposes ``app``; this module only mounts them.
Heavy libraries are imported inside the commands so that ``envplan --help`` stays fast.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from typing import NoReturn

import typer

from envplan import __version__
from envplan.cli import (
    air_analysis_cmd,
    air_cmd,
    air_store_cmd,
    audit_cmd,
    clock_cmd,
    db_cmd,
    dispatch_cmd,
    emergency_cmd,
    enterprise_cmd,
    land_cmd,
    ledger_cmd,
    notices_cmd,
    offsets_cmd,
    plan_cmd,
    report_cmd,
    serve_cmd,
    siting_cmd,
    soil_cmd,
    tasks_cmd,
    users_cmd,
    water_cmd,
    water_graph_cmd,
)

app = typer.Typer(
    name="envplan",
    help=(
        "envplan：城市污染防治行动计划运行平台（计划台账、标准计算、调度督办、月度通报）。\n\n"
        "envplan: run a city's pollution-prevention action plans "
        "(plan registry, standards engines, supervision, monthly bulletins)."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

app.add_typer(plan_cmd.app, name="plan")
app.add_typer(air_cmd.app, name="air")
air_analysis_cmd.register(air_cmd.app)
air_store_cmd.register(air_cmd.app)
app.add_typer(water_cmd.app, name="water")
water_graph_cmd.register(water_cmd.app)
app.add_typer(soil_cmd.app, name="soil")
app.add_typer(db_cmd.app, name="db")
app.add_typer(users_cmd.app, name="users")
app.add_typer(tasks_cmd.app, name="tasks")
app.add_typer(dispatch_cmd.app, name="dispatch")
app.add_typer(ledger_cmd.app, name="ledger")
app.add_typer(notices_cmd.app, name="notices")
app.add_typer(clock_cmd.app, name="13710")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(report_cmd.app, name="report")
app.add_typer(enterprise_cmd.app, name="enterprise")
app.add_typer(emergency_cmd.app, name="emergency")
app.add_typer(offsets_cmd.app, name="offsets")
app.add_typer(siting_cmd.app, name="siting")
app.add_typer(land_cmd.app, name="land")
serve_cmd.register(app)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"envplan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version_callback,
        is_eager=True,
        help="显示版本 / Show version.",
    ),
) -> None:
    """envplan 命令行 / envplan command line."""


def main() -> None:
    """Console-script entry point. A data folder that cannot be used (``ENVPLAN_HOME`` naming a
    file, say) is one zh-CN line and exit code 2, whichever command met it. When the command has
    finished, the process leaves through :func:`leave`."""
    from envplan.services.settings import HomeNotUsable

    try:
        app()
    except HomeNotUsable as error:
        typer.secho(f"配置错误：{error}", fg=typer.colors.RED, err=True)
        leave(2)
    except SystemExit as finished:  # Typer/Click end every command this way, errors included
        leave(finished.code)


def leave(code: object) -> NoReturn:
    """End the process with ``code`` (``sys.exit``'s meaning) without tearing the interpreter
    down: the exit handlers run (temporary folders, logging) and the output is flushed, then
    ``os._exit``. Freeing every module and object one by one is what a normal exit adds after a
    command such as ``envplan report monthly`` (≈ 0.5 s of its 2.8 s, issue 20); nothing of it
    is needed once every file and database session is closed, which the commands do with
    ``with`` blocks. An exception that escapes a command still ends the normal way (traceback)."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): the message on stderr, status 1
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`envplan … | head`)
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    main()
