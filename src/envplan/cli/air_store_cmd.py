"""`envplan air import`: an air data file, folder or archive into the platform's store.

The same use case as the import page (``services.air.import_air_data``): every row is checked
first and a refused file writes nothing (the problems name file, row and field); a file imported
before is recognised. The daily tables the platform and the bulletin read are then computed
(``services.dashboard.compute_air_views``), so the next ``envplan serve`` or ``envplan report
monthly`` starts from them. Local files have no row limit (uploads keep theirs).
"""

from __future__ import annotations

from pathlib import Path

import typer

from envplan.cli.air_cmd import QUIET_HELP
from envplan.cli.db_cmd import acting_user, cli_settings, fail, records_session


def _fail(message: str) -> typer.Exit:
    """The records commands' error line (``db_cmd.fail``) with the air commands' exit code 2."""
    return fail(message, 2)


def import_command(
    path: Path = typer.Argument(
        ..., metavar="PATH", help="数据文件、逐日文件的文件夹或 zip 压缩包 / File, folder or zip."
    ),
    fmt: str | None = typer.Option(
        None, "--format", help="数据格式（默认自动识别） / Layout (default: detected)."
    ),
    data_version: str | None = typer.Option(
        None, "--data-version", help="数据版本（默认按格式，如实时） / Data version."
    ),
    user: str | None = typer.Option(None, "--user", help="操作人（局管理员） / Acting user."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
) -> None:
    """导入空气监测数据到平台数据目录（全部成功或全部不导入） / Import air data into the store."""
    from envplan.cli.progress import Steps, progress_enabled
    from envplan.monitoring.air_layouts import AIR_FORMATS
    from envplan.monitoring.errors import InputFileError
    from envplan.services.access import AccessDenied
    from envplan.services.air import AirImportRequest, import_air_data
    from envplan.services.dashboard import compute_air_views

    if fmt is not None and fmt not in AIR_FORMATS:
        raise _fail(f"--format 未知的数据格式“{fmt}”：可选 {'、'.join(AIR_FORMATS)}")
    if not path.exists():
        raise _fail(f"文件不存在：{path}")
    timeseries_dir = cli_settings().timeseries_dir
    with Steps(progress_enabled(quiet)) as steps, records_session() as session:
        principal = acting_user(session, user)
        # End the read now: on SQLite every transaction takes the single write lock (BEGIN
        # IMMEDIATE), which the file import (seconds to minutes) must not hold; the audit entry
        # starts its own transaction when the store import has committed.
        session.commit()
        with steps.step(f"读取、检查并导入 {path.name}") as step:
            try:
                result = import_air_data(
                    AirImportRequest(path, fmt, data_version),
                    timeseries_dir=timeseries_dir,
                    session=session,
                    principal=principal,
                )
            except InputFileError as error:
                raise _fail(f"未导入：{error}") from None
            except AccessDenied as error:
                raise _fail(str(error)) from None
            session.commit()
            step.rows = result.measurement_rows
        with steps.step("计算平台与通报使用的日统计表"):
            compute_air_views(timeseries_dir, lambda _message, _began: None)
    if result.already_imported:
        typer.echo(f"{path.name} 已导入过（导入编号 {result.import_id}），未重复写入。")
        return
    typer.echo(
        f"已导入 {path.name}（{result.format}，导入编号 {result.import_id}）："
        f"{result.measurement_rows} 个监测值，{result.published_rows} 行发布值"
        + (f"，共 {len(result.files)} 个文件" if len(result.files) > 1 else "")
        + "。"
    )


def register(app: typer.Typer) -> None:
    """Add ``import`` to the ``envplan air`` group."""
    app.command("import")(import_command)


__all__ = ["register"]
