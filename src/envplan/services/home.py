"""Demo and production homes are kept apart.

A home (data folder) is marked at first use with ``envplan-home.json`` naming its mode. A home
first served with ``--demo`` holds published demo logins and 示例 records: production refuses it;
a production home holds real records: demo mode refuses it (it would seed 示例 data and demo logins
into it). A database that already holds demo accounts is refused in production even without the
marker (a home made before the marker existed, or a shared PostgreSQL database).

Demo mode signs its cookies with a key generated at random for that home (``demo-secret``,
mode 0600), never with a constant: a published key would let anyone forge demo cookies.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

MARKER = "envplan-home.json"
DEMO_SECRET_FILE = "demo-secret"


class HomeModeError(ValueError):
    """The home belongs to the other mode (zh-CN message)."""


def home_mode(home: Path) -> str | None:
    marker = home / MARKER
    if not marker.exists():
        return None
    try:
        mode = json.loads(marker.read_text(encoding="utf-8")).get("mode")
    except (OSError, ValueError) as exc:
        raise HomeModeError(f"数据目录标记文件 {marker} 无法读取：{exc}") from exc
    return str(mode) if mode in ("demo", "production") else None


def claim_home(home: Path, *, demo: bool, has_demo_accounts: bool = False) -> None:
    """Refuse a home of the other mode; mark an unmarked one with this mode."""
    wanted = "demo" if demo else "production"
    found = home_mode(home)
    if found is None and not demo and has_demo_accounts:
        found = "demo"
    if found == "demo" and not demo:
        raise HomeModeError(
            f"数据目录 {home} 是演示目录（含示例数据与公开的演示账号），不能以正式模式使用："
            "请为正式环境设置新的 ENVPLAN_HOME（及 ENVPLAN_DATABASE_URL）"
        )
    if found == "production" and demo:
        raise HomeModeError(
            f"数据目录 {home} 是正式目录，演示模式不能使用它（会写入示例数据与演示账号）："
            "演示请使用另一个 ENVPLAN_HOME"
        )
    if found is None:
        home.mkdir(parents=True, exist_ok=True)
        (home / MARKER).write_text(json.dumps({"mode": wanted}) + "\n", encoding="utf-8")


def demo_secret(home: Path) -> str:
    """The random cookie-signing key of this demo home (created on first use, mode 0600)."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / DEMO_SECRET_FILE
    try:
        value = path.read_text(encoding="utf-8").strip()
        if len(value) >= 32:
            return value
    except FileNotFoundError:
        pass
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value
