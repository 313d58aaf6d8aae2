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

app = typer.Typer(help="数据库：初始化与升级 / Database: init and upgrade.", no_args_is_help=True)


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
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise fail(f"用户不存在或已停用：{username}")
    return Principal.of(user)


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
) -> None:
    """降级记录库架构（base 删除全部表）/ Downgrade the schema."""
    from envplan.store import current_revision, downgrade

    engine = cli_engine()
    before = current_revision(engine)
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
