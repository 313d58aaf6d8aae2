"""Forward early warning (正向预警): sections nearing their target limit, issued to the section's
responsible county as supervised warning notices (预警督办单) tracked to reply.

Wiring into the supervision notices (``store.models.Notice``) would need an occurrence of a plan
task per warning; a warning is not a plan duty, so warnings keep their own table
(``water_warnings``) with the same life cycle: number, addressee unit, reply due after
``REPLY_WORKING_DAYS`` working days, reply, audit entries. The warning page lists them with the
notices' reply states.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.access import AccessDenied, Principal, Role
from envplan.services.calendar import WorkingCalendar
from envplan.services.water_graph.targets import plan_section_info, provincial_targets
from envplan.services.water_graph.trace import window_bounds
from envplan.standards.water.gb3838 import CLASS_LABELS, TABLE_1_BY_ID
from envplan.standards.water.sections import EVAL_2011_21
from envplan.standards.water.warning_rules import (
    DEFAULT_RULE,
    WarningRule,
    evaluate_warnings,
    target_limit,
)
from envplan.store import audit
from envplan.store.water_graph import WaterMonitoring, WaterWarning

REPLY_WORKING_DAYS = 5
_CALENDAR = WorkingCalendar()
#: Indicators with a single Table 1 limit that a warning can near (pH has a range, not a limit).
WARNED_INDICATORS = tuple(i for i in EVAL_2011_21 if TABLE_1_BY_ID[i].direction in ("le", "ge"))


class WarningError(ValueError):
    """A warning request that cannot be answered (zh-CN message)."""


def _month_text(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def evaluate_as_of(
    session: Session, as_of: dt.date, *, rule: WarningRule = DEFAULT_RULE, plan: Any = None
) -> list[dict[str, Any]]:
    """The warnings in force on ``as_of`` (not written): one dict per section × indicator whose
    window mean reaches ``rule.margin`` of its target limit with a rising trend, or exceeds it."""
    start, end = window_bounds(as_of, rule.window_months)
    rows = session.execute(
        select(
            WaterMonitoring.subject, WaterMonitoring.sampled_on, WaterMonitoring.indicator,
            WaterMonitoring.value, WaterMonitoring.is_demo,
        ).where(
            WaterMonitoring.kind == "section",
            WaterMonitoring.sampled_on >= start,
            WaterMonitoring.sampled_on <= end,
            WaterMonitoring.indicator.in_(WARNED_INDICATORS),
        )
    ).all()  # fmt: skip
    if not rows:
        return []
    data = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={
            "section": pl.String,
            "sampled_on": pl.Date,
            "indicator": pl.String,
            "value": pl.Float64,
            "is_demo": pl.Boolean,
        },
        orient="row",
    )
    info = plan_section_info(plan)
    imported = provincial_targets(session, as_of.year)
    targets: dict[str, int] = {}
    for name in data.get_column("section").unique().to_list():
        section = info.get(name)
        if section is not None and section.plan_target is not None:
            targets[name] = section.plan_target
        elif name in imported:
            targets[name] = imported[name][0]
    limits = [
        (name, indicator, target_limit(indicator, code, lake=bool(info.get(name) and info[name].lake)))
        for name, code in targets.items()
        for indicator in WARNED_INDICATORS
    ]  # fmt: skip
    limit_frame = pl.DataFrame(
        [(n, i, v) for n, i, v in limits if v is not None],
        schema={"section": pl.String, "indicator": pl.String, "limit": pl.Float64},
        orient="row",
    )
    monthly = (
        data.with_columns(
            (pl.col("sampled_on").dt.year() * 12 + pl.col("sampled_on").dt.month()).alias(
                "month_index"
            )
        )
        .group_by(["section", "indicator", "month_index"])
        .agg(pl.col("value").mean(), pl.col("is_demo").any())
        .join(limit_frame, on=["section", "indicator"], how="inner")
    )
    judged = evaluate_warnings(monthly.drop("is_demo"), rule).filter(pl.col("level") > 0)
    demo = monthly.group_by("section").agg(pl.col("is_demo").any())
    judged = judged.join(demo, on="section", how="left").sort(
        ["level", "ratio"], descending=[True, True]
    )
    result = []
    for row in judged.iter_rows(named=True):
        section = info.get(row["section"])
        code = targets[row["section"]]
        result.append(
            {
                "section": row["section"],
                "county": section.county if section else "",
                "county_unit_id": section.county_unit_id if section else None,
                "indicator": TABLE_1_BY_ID[row["indicator"]].name_zh,
                "indicator_id": row["indicator"],
                "level": int(row["level"]),
                "level_label": row["level_label"],
                "target_class": CLASS_LABELS[code],
                "target_class_code": code,
                "limit": row["limit"],
                "window_mean": round(float(row["mean"]), 6),
                "ratio": round(float(row["ratio"]), 4),
                "slope_per_month": None
                if row["slope"] != row["slope"]
                else round(float(row["slope"]), 6),
                "latest": row["latest"],
                "points": int(row["points"]),
                "window": {"start": start.isoformat(), "end": end.isoformat()},
                "rule": rule.id,
                "demo": bool(row["is_demo"]),
            }
        )
    return result


def _next_number(session: Session, year: int) -> int:
    prefix = f"水预警〔{year}〕"
    numbers = session.scalars(
        select(WaterWarning.number).where(WaterWarning.number.like(f"{prefix}%"))
    )
    return max((int(n[len(prefix) : -1]) for n in numbers), default=0) + 1


def issue_warnings(
    session: Session,
    as_of: dt.date,
    *,
    actor: Principal,
    rule: WarningRule = DEFAULT_RULE,
    plan: Any = None,
) -> list[dict[str, Any]]:
    """Evaluate and issue: each warning in force that has no notice for its month gets one,
    addressed to the section's county government (audited). Returns the warnings in force, each
    with its notice number and reply state. Running it again issues nothing new."""
    if actor.role is not Role.ADMIN:
        raise AccessDenied(f"无权签发水质预警：用户 {actor.username} 不是局管理员")
    in_force = evaluate_as_of(session, as_of, rule=rule, plan=plan)
    month = _month_text(as_of)
    number = _next_number(session, as_of.year)
    changes: list[audit.Change] = []
    for warning in in_force:
        record = session.scalar(
            select(WaterWarning).where(
                WaterWarning.section == warning["section"],
                WaterWarning.indicator == warning["indicator_id"],
                WaterWarning.month == month,
            )
        )
        if record is None:
            tag = "【示例】" if warning["demo"] else ""
            reply_due = _CALENDAR.add_working_days(as_of, REPLY_WORKING_DAYS)
            body = (
                f"{tag}{warning['county']}：{warning['section']}断面{warning['indicator']}"
                f"{warning['window']['start'][:7]}至{month}均值 {warning['window_mean']:g} mg/L，"
                f"为{warning['target_class']}类目标限值 {warning['limit']:g} mg/L 的 "
                f"{warning['ratio'] * 100:.0f}%（{warning['level_label']}），请于 {reply_due.isoformat()} 前"
                "排查上游排污口与排污单位并书面回复管控措施。"
            )
            record = WaterWarning(
                number=f"水预警〔{as_of.year}〕{number}号",
                section=warning["section"],
                indicator=warning["indicator_id"],
                month=month,
                county=warning["county"],
                unit_id=warning["county_unit_id"],
                level=warning["level"],
                rule_id=rule.id,
                target_class=warning["target_class_code"],
                window_mean=warning["window_mean"],
                limit_value=warning["limit"],
                ratio=warning["ratio"],
                slope=warning["slope_per_month"],
                issued_on=as_of,
                reply_due=reply_due,
                body=body,
                is_demo=warning["demo"],
            )
            number += 1
            session.add(record)
            session.flush()
            changes.append(
                audit.Change(
                    actor.username, "water_warning.issue", "water_warning", record.id, None,
                    {"number": record.number, "section": record.section, "indicator": record.indicator,
                     "month": month, "county": record.county, "level": record.level},
                )
            )  # fmt: skip
        warning["notice"] = notice_state(record, as_of)
    audit.append_many(session, changes)
    return in_force


def notice_state(record: WaterWarning, as_of: dt.date) -> dict[str, Any]:
    if record.replied_on is not None and record.replied_on <= as_of:
        state, label = "replied", "已回复"
    elif as_of > record.reply_due:
        state, label = "reply_overdue", "逾期未回复"
    else:
        state, label = "awaiting_reply", "待回复"
    return {
        "number": record.number,
        "issued_on": record.issued_on.isoformat(),
        "reply_due": record.reply_due.isoformat(),
        "state": state,
        "state_label": label,
        "body": record.body,
    }


def list_warning_notices(
    session: Session, *, as_of: dt.date, principal: Principal | None = None
) -> list[dict[str, Any]]:
    """Warning notices issued by ``as_of``; a county clerk sees only its county's."""
    query = (
        select(WaterWarning)
        .where(WaterWarning.issued_on <= as_of)
        .order_by(WaterWarning.issued_on.desc(), WaterWarning.id.desc())
    )
    if principal is not None and principal.role is Role.COUNTY_CLERK:
        query = query.where(WaterWarning.county == (principal.county or ""))
    result = []
    for record in session.scalars(query):
        item = notice_state(record, as_of)
        item.update(
            section=record.section,
            indicator=TABLE_1_BY_ID[record.indicator].name_zh,
            county=record.county,
            level=record.level,
            ratio=record.ratio,
            demo=record.is_demo,
            id=record.id,
        )
        result.append(item)
    return result


def reply_warning(
    session: Session, principal: Principal, warning_id: int, *, replied_on: dt.date, text: str
) -> WaterWarning:
    """The county's written reply to a warning notice (once; audited)."""
    record = session.get(WaterWarning, warning_id)
    if record is None:
        raise WarningError(f"预警督办单不存在：{warning_id}")
    allowed = principal.role is Role.ADMIN or (
        principal.role is Role.COUNTY_CLERK and principal.county == record.county
    )
    if not allowed:
        raise AccessDenied(f"无权回复预警督办单 {record.number}：用户 {principal.username}")
    if record.replied_on is not None:
        raise WarningError(f"预警督办单 {record.number} 已于 {record.replied_on.isoformat()} 回复")
    if not text.strip():
        raise WarningError("字段 回复内容：不能为空")
    if replied_on < record.issued_on:
        raise WarningError(
            f"字段 回复日期：{replied_on.isoformat()} 早于签发日期 {record.issued_on.isoformat()}"
        )
    record.replied_on = replied_on
    record.reply_text = ("【示例】" if record.is_demo else "") + text.strip()
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action="water_warning.reply",
        entity="water_warning",
        entity_id=record.id,
        before={"replied_on": None},
        after={"replied_on": replied_on.isoformat(), "reply_text": record.reply_text},
    )
    return record
