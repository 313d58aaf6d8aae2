"""Infrastructure indicators: the plan's numeric targets (water: influent BOD₅, pipe network,
50 % / 33 % of combined sewers rebuilt, reclaimed water, rural sewage …; the same for any plan's
"≤"/"≥" targets) reported per period by the responsible unit with evidence, tracked against the
target with a light: 绿 met, 红 below target, 灰 not reported.

Who reports: the bureau (admin) for any target; a unit clerk or leader for targets of measures
its unit leads or co-leads; a county clerk for its own county's figure (area = its county).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.plan import default_plan
from envplan.services.access import AccessDenied, Principal, Role
from envplan.store import EvidenceStore, audit
from envplan.store.water_graph import IndicatorReport

TRACKED_COMPARATORS = ("<=", ">=")
LIGHTS = {"met": ("绿", "达标"), "below": ("红", "未达目标"), "missing": ("灰", "未报送")}
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


class IndicatorError(ValueError):
    """A report that cannot be accepted (zh-CN message naming the field)."""


@dataclass(frozen=True)
class TrackedTarget:
    plan_key: str
    target_id: str
    indicator: str
    comparator: str
    value: float
    unit: str
    scope: str
    text: str
    year: int | None
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...]


def tracked_targets(plan: Any = None, plan_key: str | None = None) -> list[TrackedTarget]:
    """Every quantitative "≤"/"≥" target of the plan (optionally of one sub-plan)."""
    plan = plan or default_plan()
    result = []
    for sub in plan.subplans:
        if plan_key is not None and sub.key != plan_key:
            continue
        measures = {m.id: m for m in sub.measures}
        for target in sub.targets:
            if target.comparator not in TRACKED_COMPARATORS or target.value is None:
                continue
            measure = measures.get(target.measure_id or "")
            result.append(
                TrackedTarget(
                    plan_key=sub.key,
                    target_id=target.id,
                    indicator=target.indicator or target.text,
                    comparator=target.comparator,
                    value=float(target.value),
                    unit=target.unit or "",
                    scope=target.scope or "",
                    text=target.text,
                    year=target.year,
                    lead_units=tuple(measure.lead_units) if measure else (),
                    co_units=tuple(measure.co_units) if measure else (),
                )
            )
    return result


def target_met(target: TrackedTarget, value: float) -> bool:
    """Whether ``value`` meets the target (comparator of the plan's target text)."""
    return value <= target.value if target.comparator == "<=" else value >= target.value


def _can_report(principal: Principal, target: TrackedTarget, area: str) -> bool:
    if principal.role is Role.ADMIN:
        return True
    if principal.role in (Role.UNIT_CLERK, Role.UNIT_LEADER):
        return principal.unit_id in (*target.lead_units, *target.co_units)
    if principal.role is Role.COUNTY_CLERK:
        return principal.county is not None and area == principal.county
    return False


def report_indicator(
    session: Session,
    principal: Principal,
    *,
    target_id: str,
    period: str,
    value: float,
    reported_on: dt.date,
    area: str = "全市",
    narrative: str = "",
    evidence: tuple[str, bytes] | None = None,
    evidence_store: EvidenceStore | None = None,
    plan: Any = None,
    is_demo: bool = False,
) -> IndicatorReport:
    """Record a unit's value for ``target_id`` in ``period`` (YYYY-MM), with optional evidence
    file (name, bytes) stored by SHA-256. Every report is kept; the latest counts."""
    targets = {t.target_id: t for t in tracked_targets(plan)}
    target = targets.get(target_id)
    if target is None:
        raise IndicatorError(
            f"字段 指标：「{target_id}」不是计划中可跟踪的数值目标（可选：{'、'.join(targets)}）"
        )
    if not _PERIOD.match(period):
        raise IndicatorError(f"字段 时段：「{period}」应为 YYYY-MM，如 2021-06")
    if value != value or value < 0:
        raise IndicatorError(f"字段 数值：{value} 应为不小于 0 的数")
    if not area.strip():
        raise IndicatorError("字段 范围：不能为空（全市或县（市、区）名称）")
    if not _can_report(principal, target, area):
        raise AccessDenied(
            f"无权报送指标「{target.indicator}」（{area}）：用户 {principal.username} 不是该项责任单位"
        )
    sha = filename = None
    if evidence is not None:
        filename, data = evidence
        if not data:
            raise IndicatorError(f"字段 证明材料：文件「{filename}」为空")
        if len(data) > MAX_EVIDENCE_BYTES:
            raise IndicatorError(f"字段 证明材料：文件「{filename}」超过 20 MB")
        if evidence_store is None:
            raise IndicatorError("证明材料存储未配置")
        sha = evidence_store.put(data)
    report = IndicatorReport(
        plan_key=target.plan_key,
        target_id=target_id,
        area=area.strip(),
        period=period,
        value=float(value),
        unit_id=principal.unit_id,
        reported_on=reported_on,
        narrative=(("【示例】" if is_demo else "") + narrative.strip()),
        evidence_sha256=sha,
        evidence_filename=filename,
        author_id=principal.user_id,
        is_demo=is_demo,
    )
    session.add(report)
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action="indicator.report",
        entity="indicator_report",
        entity_id=report.id,
        after={
            "target_id": target_id,
            "area": report.area,
            "period": period,
            "value": report.value,
            "evidence_sha256": sha,
        },
    )
    return report


def indicator_board(
    session: Session, *, as_of_period: str, plan: Any = None, plan_key: str | None = None
) -> list[dict[str, Any]]:
    """Each tracked target with its latest report up to ``as_of_period`` per area, the light
    (绿 met / 红 below target / 灰 not reported) and the evidence of that report."""
    if not _PERIOD.match(as_of_period):
        raise IndicatorError(f"字段 时段：「{as_of_period}」应为 YYYY-MM")
    reports = session.scalars(
        select(IndicatorReport)
        .where(IndicatorReport.period <= as_of_period)
        .order_by(IndicatorReport.period, IndicatorReport.reported_on, IndicatorReport.id)
    ).all()
    latest: dict[tuple[str, str], IndicatorReport] = {}
    for row in reports:
        latest[(row.target_id, row.area)] = row  # later rows win
    board = []
    for target in tracked_targets(plan, plan_key):
        areas: list[str | None] = [
            *sorted({area for (tid, area) in latest if tid == target.target_id})
        ] or [None]
        for area in areas:
            report: IndicatorReport | None = latest.get((target.target_id, area)) if area else None
            if report is None:
                state = "missing"
            else:
                state = "met" if target_met(target, report.value) else "below"
            colour, label = LIGHTS[state]
            board.append(
                {
                    "plan_key": target.plan_key,
                    "target_id": target.target_id,
                    "indicator": target.indicator,
                    "target_text": target.text,
                    "comparator": target.comparator,
                    "target_value": target.value,
                    "unit": target.unit,
                    "scope": target.scope,
                    "area": area or "—",
                    "period": report.period if report else None,
                    "value": report.value if report else None,
                    "reported_on": report.reported_on.isoformat() if report else None,
                    "unit_id": report.unit_id if report else None,
                    "evidence": report.evidence_filename if report else None,
                    "evidence_sha256": report.evidence_sha256 if report else None,
                    "state": state,
                    "light": colour,
                    "state_label": label,
                    "demo": bool(report and report.is_demo),
                }
            )
    return board
