"""`envplan users` command group: add, list, disable / enable, role, password.

Disabling a user or changing a password ends every open web session of that user at once; a role
change takes effect with the user's next request (the web reads the user on every request).
"""

from __future__ import annotations

import typer

from envplan.cli.db_cmd import fail, records_session

app = typer.Typer(help="用户管理 / User management.", no_args_is_help=True)

ROLE_HELP = "admin（局管理员）| unit_clerk（填报员）| unit_leader（单位负责人）| county_clerk（县区填报员）| viewer（只读）"


@app.command("add")
def add(
    username: str = typer.Argument(..., help="用户名 / Username."),
    role: str = typer.Option(..., "--role", help=f"角色 / Role: {ROLE_HELP}."),
    unit: str | None = typer.Option(
        None, "--unit", help="所属单位（编号或名称）/ Unit id or name."
    ),
    county: str | None = typer.Option(
        None, "--county", help="所属县（市、区），如 泽州县 / County."
    ),
    name: str | None = typer.Option(None, "--name", help="显示名 / Display name."),
    password: str = typer.Option(
        ...,
        "--password",
        prompt="密码",
        hide_input=True,
        confirmation_prompt=True,
        help="密码（不少于 8 位，管理员 12 位；不接受常见弱口令；省略时交互输入）/ Password.",
    ),
) -> None:
    """新增用户 / Add a user."""
    from sqlalchemy import or_, select

    from envplan.services.access import ROLE_LABELS, Role, UserError, create_user
    from envplan.services.accounts import check_password, check_username
    from envplan.store.models import Unit

    try:
        username = check_username(username)
        check_password(password, role=role, username=username)
    except (UserError, ValueError) as exc:
        raise fail(str(exc) if isinstance(exc, UserError) else f"--role：未知角色 {role}") from exc
    with records_session() as session:
        unit_id = None
        if unit:
            found = session.scalar(select(Unit).where(or_(Unit.id == unit, Unit.name == unit)))
            if found is None:
                raise fail(f"--unit：单位不存在：{unit}")
            unit_id = found.id
        try:
            user = create_user(
                session,
                username=username,
                password=password,
                role=role,
                display_name=name,
                unit_id=unit_id,
                county=county,
            )
        except UserError as exc:
            raise fail(str(exc)) from exc
        session.commit()
        typer.echo(f"已添加用户 {user.username}（{ROLE_LABELS[Role(user.role)]}）")


@app.command("list")
def list_users() -> None:
    """列出用户 / List users."""
    from sqlalchemy import select

    from envplan.services.access import ROLE_LABELS, Role
    from envplan.store.models import User

    with records_session() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            where = user.unit.name if user.unit else (user.county or "")
            demo = "（示例）" if user.is_demo else ""
            state = "" if user.active else "\t已停用"
            typer.echo(f"{user.username}\t{ROLE_LABELS[Role(user.role)]}\t{where}{demo}{state}")


def _unit_id(session: object, unit: str | None) -> str | None:
    from sqlalchemy import or_, select
    from sqlalchemy.orm import Session

    from envplan.store.models import Unit

    if unit is None:
        return None
    assert isinstance(session, Session)
    found = session.scalar(select(Unit).where(or_(Unit.id == unit, Unit.name == unit)))
    if found is None:
        raise fail(f"--unit：单位不存在：{unit}")
    return found.id


@app.command("disable")
def disable(username: str = typer.Argument(..., help="用户名 / Username.")) -> None:
    """停用用户，立即结束其全部登录会话 / Disable a user and end every session at once."""
    from envplan.services.access import UserError
    from envplan.services.accounts import set_active

    with records_session() as session:
        try:
            ended = set_active(session, username, False)
        except UserError as exc:
            raise fail(str(exc)) from exc
        session.commit()
    typer.echo(f"已停用用户 {username.strip()}，结束登录会话 {ended} 个")


@app.command("enable")
def enable(username: str = typer.Argument(..., help="用户名 / Username.")) -> None:
    """重新启用用户 / Enable a user again."""
    from envplan.services.access import UserError
    from envplan.services.accounts import set_active

    with records_session() as session:
        try:
            set_active(session, username, True)
        except UserError as exc:
            raise fail(str(exc)) from exc
        session.commit()
    typer.echo(f"已启用用户 {username.strip()}")


@app.command("role")
def role(
    username: str = typer.Argument(..., help="用户名 / Username."),
    new_role: str = typer.Argument(..., help=f"新角色 / New role: {ROLE_HELP}."),
    unit: str | None = typer.Option(None, "--unit", help="所属单位 / Unit id or name."),
    county: str | None = typer.Option(None, "--county", help="所属县（市、区）/ County."),
) -> None:
    """更改用户角色（下一次请求即生效）/ Change a user's role (effective at the next request)."""
    from envplan.services.access import UserError
    from envplan.services.accounts import set_role

    with records_session() as session:
        try:
            set_role(session, username, new_role, unit_id=_unit_id(session, unit), county=county)
        except UserError as exc:
            raise fail(str(exc)) from exc
        session.commit()
    typer.echo(f"已将用户 {username.strip()} 的角色改为 {new_role}")


@app.command("password")
def password_cmd(
    username: str = typer.Argument(..., help="用户名 / Username."),
    password: str = typer.Option(
        ...,
        "--password",
        prompt="新密码",
        hide_input=True,
        confirmation_prompt=True,
        help="新密码（省略时交互输入）/ New password.",
    ),
) -> None:
    """重设密码，结束该用户全部登录会话 / Set a new password; every session of the user ends."""
    from envplan.services.access import UserError
    from envplan.services.accounts import set_password

    with records_session() as session:
        try:
            ended = set_password(session, username, password)
        except UserError as exc:
            raise fail(str(exc)) from exc
        session.commit()
    typer.echo(f"已重设用户 {username.strip()} 的密码，结束登录会话 {ended} 个")
