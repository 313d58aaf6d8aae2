"""`envplan users` disable / enable / role / password and the password policy (issue 21)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from envplan.cli import app
from envplan.store import make_engine, make_session_factory
from envplan.store.models import User
from envplan.store.sessions import create, resolve
from envplan.store.testing import db_backend, db_engine, db_url  # noqa: F401

runner = CliRunner()


@pytest.fixture
def run(tmp_path: Path, db_url: str):  # type: ignore[no-untyped-def]  # noqa: F811
    env = {"ENVPLAN_HOME": str(tmp_path / "home"), "ENVPLAN_DATABASE_URL": db_url}

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def test_weak_passwords_and_odd_names_are_refused(run, db_backend: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run("db", "init")
    # before: 12345678 was accepted for an admin
    out = run("users", "add", "boss", "--role", "admin", "--password", "12345678", code=1)
    assert "至少 12" in out or "常见" in out
    out = run("users", "add", "boss", "--role", "viewer", "--password", "12345678", code=1)
    assert "常见" in out
    out = run("users", "add", "boss", "--role", "viewer", "--password", "boss-boss-1", code=1)
    assert "用户名" in out
    run("users", "add", " boss ", "--role", "admin", "--password", "long-enough-pass-1")
    # "boss " with a trailing space is the same user, not a second one
    assert "已存在" in run(
        "users", "add", "boss ", "--role", "admin", "--password", "long-enough-pass-1", code=1
    )


def test_disable_role_and_password_take_effect_on_sessions(
    run,
    db_url: str,  # noqa: F811
    db_backend: str,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    run("db", "init")
    run("users", "add", "clerk", "--role", "viewer", "--password", "river-stone-2021")
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with factory() as session:
        uid = session.scalar(select(User.id).where(User.username == "clerk"))
        assert uid is not None
        tokens = [create(session, uid).token for _ in range(2)]
        session.commit()
    assert "结束登录会话 2 个" in run("users", "disable", "clerk")
    with factory() as session:
        assert all(resolve(session, t) is None for t in tokens)
    assert "已停用" in run("users", "list")
    run("users", "enable", "clerk")
    out = run("users", "role", "clerk", "admin")
    assert "admin" in out
    with factory() as session:
        token = create(session, uid).token
        session.commit()
    assert "结束登录会话 1 个" in run(
        "users", "password", "clerk", "--password", "new-river-stone-99"
    )
    with factory() as session:
        assert resolve(session, token) is None
        assert session.get(User, uid).role == "admin"  # type: ignore[union-attr]
    assert "用户不存在" in run("users", "disable", "nobody", code=1)
    out = run("audit", "verify")
    assert "哈希链校验通过" in out
    engine.dispose()


def test_the_acting_user_lookup_does_not_keep_the_write_lock(
    run,
    db_url: str,  # noqa: F811
    db_backend: str,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    # before: a CLI ledger import took the SQLite write lock at its first query and kept it while
    # the workbook was parsed (the web waited 14 s)
    import sqlite3

    from envplan.cli.db_cmd import acting_user

    if db_backend != "sqlite":
        pytest.skip("the single write lock is SQLite's")
    run("db", "init")
    run("users", "add", "clerk", "--role", "viewer", "--password", "river-stone-2021")
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        assert acting_user(session, "clerk ").username == "clerk"
        other = sqlite3.connect(engine.url.database or "", timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # would raise "database is locked" before the fix
        other.execute("ROLLBACK")
        other.close()
    engine.dispose()
