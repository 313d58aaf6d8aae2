"""Warnings: assess a forecast, and issue / upgrade / downgrade / lift a warning, each recorded
(append-only events + audit chain); inspections of listed enterprises during a warning."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from envplan.services.access import SYSTEM, AccessDenied, Action, Principal, Role
from envplan.services.emergency.forecast import Forecast, read_forecast
from envplan.services.enterprises import can_access, get_enterprise
from envplan.standards.emergency import (
    DEFAULT_RULE_SET,
    LEVEL_NAMES,
    LEVEL_ORDER,
    RESPONSE_NAMES,
    RULE_SETS,
    WarningAssessment,
    WarningRuleSpec,
    assess,
)
from envplan.store import audit
from envplan.store.enterprises import EmergencyWarning, Inspection, WarningEvent


class WarningError(ValueError):
    """A warning cannot be issued, changed or assessed (zh-CN message)."""

    pass


def rule_set(code: str | None) -> WarningRuleSpec:
    """The warning rule set named ``code`` (None = the default); WarningError when unknown."""
    code = code or DEFAULT_RULE_SET
    if code not in RULE_SETS:
        raise WarningError(f"未知预警规则集：{code}（可选：{'、'.join(RULE_SETS)}）")
    return RULE_SETS[code]


@dataclass(frozen=True)
class WarnResult:
    """A forecast's assessment under a warning rule set."""

    assessment: WarningAssessment
    spec: WarningRuleSpec
    forecast: Forecast

    def contract(self) -> dict[str, Any]:
        """JSON of ``envplan emergency warn FORECAST.csv --json`` (stable contract: ``level``)."""
        a = self.assessment
        return {
            "level": a.level,
            "level_name": LEVEL_NAMES[a.level],
            "response": RESPONSE_NAMES[a.level],
            "start": a.start.isoformat() if a.start else None,
            "end": a.end.isoformat() if a.end else None,
            "heavy_days": a.heavy_days,
            "severe_days": a.severe_days,
            "rule_set": self.spec.code,
            "rule_set_name": self.spec.name,
            "rule_source": self.spec.citation.text(),
            "rule_note": self.spec.note,
            "forecast": self.forecast.rows(),
            "source": self.forecast.source,
        }


def assess_forecast(forecast: Forecast, rules: str | None = None) -> WarnResult:
    """The warning level of ``forecast`` under the rule set ``rules`` (None = the default set)."""
    spec = rule_set(rules)
    try:
        assessment = assess(forecast.dates, forecast.aqi, spec, forecast.primary)
    except ValueError as exc:
        raise WarningError(f"{forecast.source}：{exc}") from None
    return WarnResult(assessment, spec, forecast)


def warn_from_file(path: Path, rules: str | None = None) -> WarnResult:
    """Read a forecast file and assess it (``envplan emergency warn``)."""
    return assess_forecast(read_forecast(path), rules)


# --- recorded warnings -------------------------------------------------------------------------


def _require_admin(principal: Principal, what: str) -> None:
    if principal.role is not Role.ADMIN:
        raise AccessDenied(f"只有局管理员可以{what}（用户 {principal.username}）")


def warning_dict(w: EmergencyWarning) -> dict[str, Any]:
    """A recorded warning as a JSON-ready dict, with its events."""
    return {
        "id": w.id,
        "level": w.level,
        "level_name": LEVEL_NAMES[w.level],
        "response": RESPONSE_NAMES[w.level],
        "rule_set": w.rule_set,
        "issued_on": w.issued_on.isoformat(),
        "start_on": w.start_on.isoformat(),
        "end_on": w.end_on.isoformat() if w.end_on else None,
        "lifted_on": w.lifted_on.isoformat() if w.lifted_on else None,
        "primary_pollutant": w.primary_pollutant,
        "is_demo": w.is_demo,
        "events": [
            {
                "action": e.action,
                "from": e.level_from,
                "to": e.level_to,
                "on": e.event_on.isoformat(),
                "actor": e.actor,
                "note": e.note,
            }
            for e in w.events
        ],
    }


def _event(
    session: Session, w: EmergencyWarning, action: str, old: str, new: str, on: dt.date,
    actor: Principal, note: str,
) -> None:  # fmt: skip
    before = warning_dict(w) if action != "issue" else None
    session.add(
        WarningEvent(
            warning_id=w.id, action=action, level_from=old, level_to=new, event_on=on,
            actor=actor.username, note=note, is_demo=w.is_demo,
        )
    )  # fmt: skip
    session.flush()
    session.refresh(w, ["events"])
    audit.append(
        session,
        actor=actor.username,
        action=f"warning.{action}",
        entity="emergency_warning",
        entity_id=w.id,
        before=before,
        after=warning_dict(w),
    )


def issue_warning(
    session: Session,
    level: str,
    *,
    on: dt.date,
    start: dt.date,
    end: dt.date | None = None,
    rules: str | None = None,
    primary_pollutant: str = "",
    forecast: list[dict[str, object]] | None = None,
    principal: Principal = SYSTEM,
    note: str = "",
    is_demo: bool = False,
) -> EmergencyWarning:
    """Issue a warning (only one in force at a time: change the one in force instead)."""
    _require_admin(principal, "发布预警")
    if level not in LEVEL_ORDER[1:]:
        raise WarningError(f"预警级别应为 yellow、orange 或 red，收到：{level}")
    if end is not None and end < start:
        raise WarningError(f"响应结束日期 {end} 早于开始日期 {start}")
    current = warning_in_force(session, on)
    if current is not None:
        raise WarningError(
            f"已有{LEVEL_NAMES[current.level]}（第 {current.id} 号）在执行，请升级、降级或解除"
        )
    w = EmergencyWarning(
        rule_set=rule_set(rules).code, level=level, issued_on=on, start_on=start, end_on=end,
        primary_pollutant=primary_pollutant, forecast=forecast or [], is_demo=is_demo,
    )  # fmt: skip
    session.add(w)
    session.flush()
    _event(session, w, "issue", "none", level, on, principal, note)
    return w


def change_warning(
    session: Session,
    warning_id: int,
    level: str,
    *,
    on: dt.date,
    end: dt.date | None = None,
    principal: Principal = SYSTEM,
    note: str = "",
) -> EmergencyWarning:
    """Upgrade, downgrade (``level``) or lift (``level="none"``) a warning in force."""
    _require_admin(principal, "调整预警")
    w = _load(session, warning_id)
    if w.lifted_on is not None:
        raise WarningError(f"第 {w.id} 号预警已于 {w.lifted_on} 解除")
    if level not in LEVEL_ORDER:
        raise WarningError(f"预警级别应为 none、yellow、orange 或 red，收到：{level}")
    if level == w.level:
        raise WarningError(f"第 {w.id} 号预警已是{LEVEL_NAMES[level]}")
    if on < w.issued_on:
        raise WarningError(f"调整日期 {on} 早于发布日期 {w.issued_on}")
    old = w.level
    if level == "none":
        action = "lift"
        w.lifted_on = on
        w.end_on = on
    else:
        action = "upgrade" if LEVEL_ORDER.index(level) > LEVEL_ORDER.index(old) else "downgrade"
        w.level = level
        if end is not None:
            w.end_on = end
    w.version += 1
    session.flush()
    _event(session, w, action, old, level, on, principal, note)
    return w


def _load(session: Session, warning_id: int) -> EmergencyWarning:
    w = session.scalar(
        select(EmergencyWarning)
        .options(selectinload(EmergencyWarning.events))
        .where(EmergencyWarning.id == warning_id)
    )
    if w is None:
        raise WarningError(f"预警不存在：第 {warning_id} 号")
    return w


def warning_in_force(session: Session, on: dt.date) -> EmergencyWarning | None:
    """The warning not lifted on ``on`` (issued on or before it), if any."""
    rows = session.scalars(
        select(EmergencyWarning)
        .options(selectinload(EmergencyWarning.events))
        .where(EmergencyWarning.issued_on <= on)
        .order_by(EmergencyWarning.issued_on.desc(), EmergencyWarning.id.desc())
    )
    for w in rows:
        if w.lifted_on is None or w.lifted_on > on:
            return w
    return None


def list_warnings(session: Session) -> list[EmergencyWarning]:
    """Every recorded warning with its events, oldest first."""
    return list(
        session.scalars(
            select(EmergencyWarning)
            .options(selectinload(EmergencyWarning.events))
            .order_by(EmergencyWarning.issued_on, EmergencyWarning.id)
        )
    )


# --- inspections (响应督查) ----------------------------------------------------------------------


def record_inspection(
    session: Session,
    credit_code: str,
    *,
    on: dt.date,
    inspector: str,
    compliant: bool,
    finding: str = "",
    warning_id: int | None = None,
    evidence_sha256: str | None = None,
    evidence_name: str = "",
    principal: Principal = SYSTEM,
    is_demo: bool = False,
) -> Inspection:
    """Record an inspection of a listed enterprise (append-only, audited, county scope)."""

    enterprise = get_enterprise(session, credit_code, principal=principal)
    if not can_access(principal, Action.REPORT, enterprise.county):
        raise AccessDenied(f"无权登记 {enterprise.name} 的检查记录（用户 {principal.username}）")
    if not inspector.strip():
        raise WarningError("检查人员不能为空")
    if warning_id is None:
        current = warning_in_force(session, on)
        warning_id = current.id if current else None
    row = Inspection(
        warning_id=warning_id, enterprise_id=enterprise.id, inspected_on=on,
        inspector=inspector.strip(), compliant=compliant, finding=finding,
        evidence_sha256=evidence_sha256, evidence_name=evidence_name, is_demo=is_demo,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action="inspection.record",
        entity="emergency_inspection",
        entity_id=row.id,
        after={
            "credit_code": enterprise.credit_code, "on": on, "inspector": row.inspector,
            "compliant": compliant, "finding": finding, "warning_id": warning_id,
        },
    )  # fmt: skip
    return row


def list_inspections(
    session: Session, *, warning_id: int | None = None, principal: Principal = SYSTEM
) -> list[Inspection]:
    """Recorded inspections, optionally of one warning, of the enterprises ``principal`` may read."""
    stmt = select(Inspection).options(selectinload(Inspection.enterprise))
    if warning_id is not None:
        stmt = stmt.where(Inspection.warning_id == warning_id)

    rows = session.scalars(stmt.order_by(Inspection.inspected_on, Inspection.id))
    return [r for r in rows if can_access(principal, Action.READ, r.enterprise.county)]


# --- daily dispatch (每日调度) -------------------------------------------------------------------


def daily_dispatch(
    session: Session, warning_id: int, *, principal: Principal = SYSTEM
) -> list[dict[str, Any]]:
    """One row per day of a warning's response: the level in force that day, the inspections
    made (in the principal's scope) and how many found the measures not carried out."""
    w = _load(session, warning_id)
    last = w.lifted_on or w.end_on or max(e.event_on for e in w.events)
    inspections = list_inspections(session, warning_id=w.id, principal=principal)
    rows: list[dict[str, Any]] = []
    day = min(w.issued_on, w.start_on)
    while day <= last:
        level = "none"
        for event in w.events:  # events are few; the last one on or before the day holds
            if event.event_on <= day:
                level = event.level_to
        today = [i for i in inspections if i.inspected_on == day]
        rows.append(
            {
                "date": day.isoformat(),
                "level": level,
                "level_name": LEVEL_NAMES[level],
                "inspections": len(today),
                "non_compliant": sum(1 for i in today if not i.compliant),
                "findings": [f"{i.enterprise.name}：{i.finding}" for i in today if not i.compliant],
            }
        )
        day += dt.timedelta(days=1)
    return rows
