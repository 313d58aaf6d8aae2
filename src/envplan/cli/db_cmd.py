"""`envplan db` command group: create and upgrade the records database.

Also holds the small helpers the other supervision command groups share (opening the records
database from ``ENVPLAN_HOME`` / ``ENVPLAN_DATABASE_URL``, dates, acting user).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from envplan.services.access import Principal
    from envplan.services.settings import Settings

app = typer.Typer(
    help="数据库：初始化、升级、备份与恢复 / Database: init, upgrade, backup, restore.",
    no_args_is_help=True,
)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a zh-CN error on stderr and return the Exit to raise."""
    typer.echo(f"错误：{message}", err=True)
    return typer.Exit(code)


def cli_settings() -> Settings:
    """Settings for command-line use: the records commands never sign cookies, so a missing
    ENVPLAN_SECRET_KEY is accepted here (the web server still requires it)."""
    from envplan.services.settings import DEMO_SECRET_KEY, ENV_SECRET_KEY, load_settings

    secret = os.environ.get(ENV_SECRET_KEY)
    return load_settings(os.environ, demo=secret in (None, "", DEMO_SECRET_KEY))


def cli_engine() -> Engine:
    from envplan.store import make_engine

    return make_engine(cli_settings().database_url)


@contextmanager
def records_session() -> Iterator[Session]:
    """A session on the configured database; refuses a database that is not initialised."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from envplan.store import current_revision, head_revision, make_session_factory

    engine = cli_engine()
    try:
        revision = current_revision(engine)
    except (OperationalError, ProgrammingError) as exc:
        raise fail(f"无法连接记录库：{str(exc).splitlines()[0]}") from exc
    if revision is None:
        raise fail("记录库尚未初始化，请先运行 envplan db init")
    if revision != head_revision():
        raise fail(
            f"记录库版本 {revision} 落后于程序版本 {head_revision()}，请先运行 envplan db upgrade"
        )
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def parse_date(value: str | None, option: str, default: dt.date | None = None) -> dt.date:
    if value is None:
        return default or dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option} 日期格式应为 YYYY-MM-DD，收到：{value}") from None


def acting_user(session: Session, username: str | None) -> Principal:
    """The principal the command acts as (``--user``); the system account when omitted."""
    from sqlalchemy import select

    from envplan.services.access import SYSTEM, Principal
    from envplan.store.models import User

    if username is None:
        return SYSTEM
    from envplan.services.accounts import normalise_username

    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None or not user.active:
        raise fail(f"用户不存在或已停用：{username}")
    principal = Principal.of(user)
    # End this first (reading) transaction: on SQLite it holds the single write lock, and the
    # command may now parse a file for seconds — the web must not wait behind that.
    session.commit()
    return principal


@app.command("init")
def init(
    plan_dir: Path | None = typer.Option(
        None, "--plan-dir", help="计划目录（默认内置的晋城市2021年计划）/ Plan directory."
    ),
) -> None:
    """初始化记录库并载入计划（空库载入晋城市2021年计划）/ Create the schema and load the plan."""
    from sqlalchemy import func, select

    from envplan.plan import PlanValidationError, default_plan, load_plan
    from envplan.services.supervision import load_plan_into_db
    from envplan.store import head_revision, make_session_factory, upgrade
    from envplan.store.models import Occurrence, PlanVersion, Task

    settings = cli_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    engine = cli_engine()
    try:
        upgrade(engine)
    except Exception as exc:
        raise fail(f"数据库迁移失败：{str(exc).splitlines()[0]}") from exc
    try:
        plan = load_plan(plan_dir) if plan_dir is not None else default_plan()
    except PlanValidationError as exc:
        raise fail(f"计划文件有问题：\n{exc}") from exc
    with make_session_factory(engine)() as session:
        if session.scalar(select(func.count(PlanVersion.id))):
            typer.echo(f"记录库已初始化（架构版本 {head_revision()}），未重复载入计划。")
        else:
            load_plan_into_db(session, plan)
            session.commit()
            tasks = session.scalar(select(func.count(Task.id)))
            roles = dict(
                session.execute(
                    select(Occurrence.role, func.count(Occurrence.id)).group_by(Occurrence.role)
                ).all()
            )
            typer.echo(
                f"已初始化记录库（架构版本 {head_revision()}），载入计划 {plan.document_number}："
                f"{tasks} 项任务，{roles.get('lead', 0)} 个调度期次"
                f"（另有县级落实 {roles.get('county', 0)} 项、配合单位 {roles.get('co', 0)} 项）。"
            )
    typer.echo(f"数据目录：{settings.home}")
    engine.dispose()


@app.command("upgrade")
def upgrade_cmd(
    revision: str = typer.Option("head", "--revision", help="目标版本 / Target revision."),
) -> None:
    """升级记录库架构 / Upgrade the schema."""
    from envplan.store import current_revision, upgrade

    engine = cli_engine()
    before = current_revision(engine)
    upgrade(engine, revision)
    typer.echo(f"架构版本：{before or '（空）'} → {current_revision(engine)}")
    engine.dispose()


@app.command("downgrade")
def downgrade_cmd(
    revision: str = typer.Option(
        ..., "--revision", help="目标版本（base 为清空）/ Target revision."
    ),
    yes: bool = typer.Option(
        False, "--yes", help="不再确认（降级会删除数据）/ Do not ask (a downgrade deletes data)."
    ),
) -> None:
    """降级记录库架构（会删除数据，base 删除全部表；需确认）/ Downgrade the schema (asks first)."""
    from envplan.store import current_revision, downgrade

    engine = cli_engine()
    before = current_revision(engine)
    if not yes:
        typer.echo(
            f"警告：降级到 {revision} 会删除数据库 {engine.url.render_as_string(hide_password=True)} "
            "中该版本之后的表和数据"
            + ("（base：全部表与全部记录）" if revision == "base" else "")
            + "。建议先运行 envplan db backup。",
            err=True,
        )
        if not typer.confirm("确定降级？/ Downgrade?", default=False):
            engine.dispose()
            raise fail("已取消，未做任何改动", code=1)
    downgrade(engine, revision)
    typer.echo(f"架构版本：{before or '（空）'} → {current_revision(engine) or '（空）'}")
    engine.dispose()


@app.command("status")
def status() -> None:
    """显示记录库位置与架构版本 / Show where the records are and the schema revision."""
    from envplan.store import current_revision, head_revision

    settings = cli_settings()
    engine = cli_engine()
    typer.echo(f"数据目录：{settings.home}")
    typer.echo(f"数据库：{engine.url.render_as_string(hide_password=True)}")
    typer.echo(
        f"架构版本：{current_revision(engine) or '（未初始化）'}（程序版本 {head_revision()}）"
    )
    engine.dispose()


@app.command("backup")
def backup_cmd(
    out: Path = typer.Argument(..., help="备份文件（不覆盖已有文件）/ Backup file to write."),
    fmt: str = typer.Option(
        "auto",
        "--format",
        help="sqlite（SQLite 在线备份）| portable（JSON 行，任意数据库）| auto / Format.",
    ),
) -> None:
    """在线备份记录库（服务运行中也可执行）/ Back up the records database online."""
    from envplan.store.backup import BackupError, backup_sqlite, dump_portable, sqlite_path

    engine = cli_engine()
    if fmt not in ("auto", "sqlite", "portable"):
        raise fail(f"--format：应为 sqlite、portable 或 auto，收到：{fmt}")
    if fmt == "auto":
        fmt = "sqlite" if sqlite_path(engine) is not None else "portable"
    try:
        if fmt == "sqlite":
            pages = backup_sqlite(engine, out)
            typer.echo(f"已备份（SQLite 在线备份，{pages} 页）：{out}")
        else:
            counts = dump_portable(engine, out)
            typer.echo(f"已备份（便携格式，{len(counts)} 张表 {sum(counts.values())} 行）：{out}")
    except BackupError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    typer.echo("请同时保存审计链头（envplan audit head），恢复后用 audit verify --expect 核对。")


@app.command("restore")
def restore_cmd(
    backup_file: Path = typer.Argument(..., exists=True, dir_okay=False, help="备份文件 / Backup."),
    yes: bool = typer.Option(False, "--yes", help="不再确认 / Do not ask."),
) -> None:
    """从备份恢复记录库（SQLite 文件覆盖当前库；便携格式只恢复到空库；需先停止服务）/ Restore."""
    from envplan.store.backup import BackupError, restore_portable, restore_sqlite

    engine = cli_engine()
    portable = backup_file.name.endswith((".jsonl.gz", ".gz"))
    target = engine.url.render_as_string(hide_password=True)
    if not yes:
        what = "写入空库" if portable else "覆盖当前记录库的全部内容"
        typer.echo(
            f"将从 {backup_file} 恢复到 {target}（{what}），请先停止 envplan serve。", err=True
        )
        if not typer.confirm("确定恢复？/ Restore?", default=False):
            engine.dispose()
            raise fail("已取消，未做任何改动", code=1)
    try:
        if portable:
            counts = restore_portable(backup_file, engine)
            typer.echo(f"已恢复 {len(counts)} 张表 {sum(counts.values())} 行到 {target}")
        else:
            restore_sqlite(backup_file, engine)
            typer.echo(f"已从 SQLite 备份恢复到 {target}")
    except BackupError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    typer.echo("请运行 envplan audit verify 核对审计链与记录。")
