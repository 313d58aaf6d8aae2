"""Shared pieces of the land services: errors, access scope, counties, evidence, audit payloads."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from envplan.plan import default_plan
from envplan.services.access import AccessDenied, Action, Principal, Role, allowed
from envplan.store import EvidenceStore
from envplan.store.land import LandPlot
from envplan.store.models import EvidenceFile

#: Prefix of the names of 示例 (demo) plots, units and queries, so no one takes them for real data.
DEMO_TAG = "【示例】"


class LandError(ValueError):
    """Bad input to a land service (zh-CN message naming the field); nothing was written."""


class LandNotFound(LookupError):
    """No plot (or unit, duty, query) has the given identifier (zh-CN message naming it)."""


class LandConflict(RuntimeError):
    """Someone changed the plot first (optimistic lock); nothing was written."""


@functools.cache
def known_counties() -> tuple[str, ...]:
    """The plan's county-level areas (城区, 泽州县 … 开发区).

    Returns
    -------
    tuple of str
    """

    return tuple(county.name for county in default_plan().counties)


def check_county(county: str, field: str = "县（市、区）") -> str:
    clean = county.strip()
    if clean not in known_counties():
        raise LandError(
            f"{field}「{county}」不是晋城市的县（市、区）（可选：{'、'.join(known_counties())}）"
        )
    return clean


def is_own_county(principal: Principal, county: str) -> bool:
    if principal.role is Role.COUNTY_CLERK:
        return principal.county == county
    return principal.role is Role.ADMIN


def require_county(principal: Principal, action: Action, county: str, what: str) -> None:
    """County clerks act on their county's plots and units; the bureau on all; viewers read."""
    if not allowed(principal, action, own=is_own_county(principal, county)):
        verb = "查看" if action is Action.READ else "修改"
        raise AccessDenied(f"无权{verb}{what}（{county}）：用户 {principal.username}")


def visible_counties(principal: Principal) -> tuple[str, ...] | None:
    """Counties whose records ``principal`` may read; None = all.

    Parameters
    ----------
    principal : Principal
        The acting user.

    Returns
    -------
    tuple of str or None
        None = all (admin, viewer); the clerk's county; empty for unit roles.
    """
    if principal.role is Role.COUNTY_CLERK:
        return (principal.county,) if principal.county else ()
    if principal.role in (Role.ADMIN, Role.VIEWER):
        return None
    return ()  # unit clerks and leaders have no land records of their own


def find_plot(session: Session, parcel_id: str) -> LandPlot:
    """The plot with this 地块编号.

    Parameters
    ----------
    session : Session
        Open database session.
    parcel_id : str
        The plot's 地块编号 (surrounding spaces ignored).

    Returns
    -------
    LandPlot
        The stored plot.

    Raises
    ------
    LandNotFound
        No plot has this number.
    """
    plot = session.scalar(select(LandPlot).where(LandPlot.parcel_id == parcel_id.strip()))
    if plot is None:
        raise LandNotFound(f"地块不存在：{parcel_id}")
    return plot


def store_evidence(session: Session, store: EvidenceStore | None, data: bytes) -> str:
    """Put ``data`` into the evidence store and its row (once); return its SHA-256."""
    if store is None:
        raise LandError("未配置证明材料存储目录，无法保存附件")
    sha = store.put(data)
    if session.get(EvidenceFile, sha) is None:
        # Two writers may store the same bytes at once: the second insert is a no-op, not an error.
        values = {"sha256": sha, "size": len(data), "created_at": dt.datetime.now(dt.UTC)}
        if session.get_bind().dialect.name == "postgresql":
            statement: Any = postgresql.insert(EvidenceFile).values(**values)
        else:
            statement = sqlite.insert(EvidenceFile).values(**values)
        session.execute(statement.on_conflict_do_nothing(index_elements=["sha256"]))
    return sha


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def plot_payload(plot: LandPlot) -> dict[str, Any]:
    """The audited (and exported) facts of a plot."""
    return {
        "parcel_id": plot.parcel_id,
        "name": plot.name,
        "county": plot.county,
        "town": plot.town,
        "village": plot.village,
        "area_m2": plot.area_m2,
        "polygon": plot.polygon,
        "former_use": plot.former_use,
        "former_enterprise_code": plot.former_enterprise_code,
        "former_enterprise_name": plot.former_enterprise_name,
        "planned_use": plot.planned_use,
        "stage": plot.stage,
        "version": plot.version,
    }
