"""`envplan users` command group."""

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
        help="密码（不少于 8 位；省略时交互输入）/ Password.",
    ),
) -> None:
    """新增用户 / Add a user."""
    from sqlalchemy import or_, select

    from envplan.services.access import ROLE_LABELS, Role, UserError, create_user
    from envplan.store.models import Unit

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
            typer.echo(f"{user.username}\t{ROLE_LABELS[Role(user.role)]}\t{where}{demo}")
