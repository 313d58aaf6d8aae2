"""The offsets ledger (削减替代台账): credits, debits and balances.

A credit is a verified reduction of one pollutant in one county [t/a]. A debit is a new project's
added emission: it takes ratio × amount (the rule in force, 2:1 from air 五（三）) from credits of
the counties the rule allows, oldest first (own county first), in one transaction:

- PostgreSQL: the candidate credits are read with ``SELECT … FOR UPDATE`` (in id order, so two
  debits never deadlock); a concurrent debit waits for the lock and then sees the lowered
  ``remaining_g`` (READ COMMITTED re-checks the row), so it never spends the same grams.
- SQLite: every transaction starts with ``BEGIN IMMEDIATE`` (the single writer, see
  ``envplan.store.engine``): the second debit reads only after the first committed.
- The database's CHECK (0 ≤ remaining ≤ amount) is the last guard.

Refused debits are recorded too (with the reason), so the approval office sees every request.
Every write is audited. The caller commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envplan.plan import Plan, default_plan
from envplan.services.access import Principal, Role
from envplan.standards.offsets import (
    CREDIT_KINDS,
    OFFSET_RULES,
    POLLUTANTS,
    OffsetRule,
    OffsetRuleError,
    allowed_credit_counties,
    grams_to_tonnes,
    parse_pollutant,
    required_grams,
    rule_in_force,
    tonnes_to_grams,
)
from envplan.store import audit
from envplan.store.offsets import OffsetAllocation, OffsetCredit, OffsetDebit

#: The approval office (市审批服务管理局) records debits when it approves projects.
APPROVAL_UNIT_ID = "city-approval-services"
DEMO_TAG = "【示例】"


class OffsetsError(ValueError):
    """Bad input to the ledger (zh-CN message naming the field)."""


class OffsetsDenied(PermissionError):
    """The user may not do this on the ledger (zh-CN message)."""


# --- access ---------------------------------------------------------------------------------


def _is_approval_office(principal: Principal) -> bool:
    return principal.unit_id == APPROVAL_UNIT_ID and principal.role in (
        Role.UNIT_CLERK,
        Role.UNIT_LEADER,
    )


def readable_counties(principal: Principal) -> set[str] | None:
    """Counties whose ledger the user may read (None = all)."""
    if principal.role in (Role.ADMIN, Role.VIEWER) or _is_approval_office(principal):
        return None
    if principal.role is Role.COUNTY_CLERK and principal.county:
        return {principal.county}
    return set()


def _readable_or_deny(principal: Principal) -> set[str] | None:
    allowed = readable_counties(principal)
    if allowed is not None and not allowed:
        raise OffsetsDenied(f"无权查看削减替代台账：用户 {principal.username}")
    return allowed


def _require_read(principal: Principal, county: str | None) -> None:
    allowed = readable_counties(principal)
    if allowed is None or (county is not None and county in allowed):
        return
    if county is None and allowed:
        return
    raise OffsetsDenied(f"无权查看{county or ''}削减替代台账：用户 {principal.username}")


def _require_credit(principal: Principal, county: str) -> None:
    if principal.role is Role.ADMIN:
        return
    if principal.role is Role.COUNTY_CLERK and principal.county == county:
        return
    raise OffsetsDenied(
        f"无权登记{county}的削减量：用户 {principal.username}（仅市生态环境局或本县（市、区）填报员）"
    )


def _require_debit(principal: Principal) -> None:
    if principal.role is Role.ADMIN or _is_approval_office(principal):
        return
    raise OffsetsDenied(
        f"无权使用削减量：用户 {principal.username}（仅市生态环境局或市审批服务管理局）"
    )


# --- inputs ---------------------------------------------------------------------------------


def county_names(plan: Plan | None = None) -> tuple[str, ...]:
    return tuple(c.name for c in (plan or default_plan()).counties)


def parse_county(text: str, plan: Plan | None = None, *, field_name: str = "县（市、区）") -> str:
    county = (plan or default_plan()).find_county(text.strip())
    if county is None:
        raise OffsetsError(f"{field_name}不存在：{text}（可选：{'、'.join(county_names(plan))}）")
    return county.name


def _pollutant(text: str) -> str:
    try:
        return parse_pollutant(text)
    except OffsetRuleError as exc:
        raise OffsetsError(str(exc)) from None


def _grams(value: Any, field_name: str) -> int:
    try:
        return tonnes_to_grams(value)
    except OffsetRuleError as exc:
        raise OffsetsError(f"{field_name}：{exc}") from None


def _text(value: str, field_name: str, limit: int) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise OffsetsError(f"{field_name}不能为空")
    if len(cleaned) > limit:
        raise OffsetsError(f"{field_name}过长：最多 {limit} 个字符")
    return cleaned


# --- results ----------------------------------------------------------------------------------


def credit_dict(credit: OffsetCredit) -> dict[str, Any]:
    return {
        "id": credit.id,
        "county": credit.county,
        "pollutant": credit.pollutant,
        "tonnes": grams_to_tonnes(credit.amount_g),
        "remaining": grams_to_tonnes(credit.remaining_g),
        "kind": credit.kind,
        "source": credit.source_name,
        "source_credit_code": credit.source_credit_code,
        "date": credit.reduced_on.isoformat(),
        "evidence": credit.evidence,
        "note": credit.note,
        "is_demo": credit.is_demo,
    }


@dataclass
class DebitResult:
    ok: bool
    required: float  # [t]
    used: list[dict[str, Any]]  # [{"credit": id, "tonnes": t}]
    reason: str
    debit_id: int
    project: str
    county: str
    pollutant: str
    tonnes: float  # the project's added emission [t]
    rule: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "required": self.required,
            "used": self.used,
            "reason": self.reason,
            "debit": self.debit_id,
            "project": self.project,
            "county": self.county,
            "pollutant": self.pollutant,
            "tonnes": self.tonnes,
            "rule": self.rule,
        }


def rule_dict(rule: OffsetRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "ratio": f"{rule.ratio.numerator}:{rule.ratio.denominator}",
        "same_county": list(rule.same_county),
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "clauses": [{"clause": c.label(), "quote": c.quote} for c in rule.citations],
    }


# --- use cases --------------------------------------------------------------------------------


def add_credit(
    session: Session,
    principal: Principal,
    *,
    county: str,
    pollutant: str,
    tonnes: Any,
    kind: str,
    source: str,
    on: dt.date | None = None,
    evidence: str = "",
    source_credit_code: str | None = None,
    note: str = "",
    is_demo: bool = False,
    plan: Plan | None = None,
) -> OffsetCredit:
    """Register a verified reduction as a credit (audited; caller commits)."""
    county_name = parse_county(county, plan)
    key = _pollutant(pollutant)
    grams = _grams(tonnes, "削减量（吨/年）")
    if kind not in CREDIT_KINDS:
        raise OffsetsError(f"削减类型不正确：{kind}（可选：{'、'.join(CREDIT_KINDS)}）")
    name = _text(source, "削减来源企业", 200)
    code = (source_credit_code or "").strip().upper() or None
    if code is not None and len(code) != 18:
        raise OffsetsError(f"统一社会信用代码应为 18 位：{source_credit_code}")
    _require_credit(principal, county_name)
    credit = OffsetCredit(
        county=county_name,
        pollutant=key,
        amount_g=grams,
        remaining_g=grams,
        kind=kind,
        source_name=name,
        source_credit_code=code,
        reduced_on=on or dt.date.today(),
        evidence=evidence.strip(),
        note=note.strip(),
        created_by=principal.username,
        is_demo=is_demo,
    )
    session.add(credit)
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action="offsets.credit",
        entity="offset_credit",
        entity_id=credit.id,
        after=credit_dict(credit),
    )
    return credit


def debit(
    session: Session,
    principal: Principal,
    *,
    county: str,
    pollutant: str,
    tonnes: Any,
    project: str,
    on: dt.date | None = None,
    approval_no: str = "",
    is_demo: bool = False,
    plan: Plan | None = None,
    rules: tuple[OffsetRule, ...] = OFFSET_RULES,
) -> DebitResult:
    """Offset a project's added emission; refused (and recorded) when credits do not suffice."""
    county_name = parse_county(county, plan, field_name="项目所在县（市、区）")
    key = _pollutant(pollutant)
    added = _grams(tonnes, "新增排放量（吨/年）")
    name = _text(project, "项目名称", 200)
    _require_debit(principal)
    day = on or dt.date.today()
    try:
        rule = rule_in_force(day, rules)
    except OffsetRuleError as exc:
        raise OffsetsError(str(exc)) from None
    required = required_grams(added, rule)
    counties = allowed_credit_counties(county_name, county_names(plan), rule)

    query = (
        select(OffsetCredit)
        .where(
            OffsetCredit.county.in_(counties),
            OffsetCredit.pollutant == key,
            OffsetCredit.remaining_g > 0,
            OffsetCredit.reduced_on <= day,
        )
        .order_by(OffsetCredit.id)
        .execution_options(populate_existing=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    candidates = list(session.scalars(query))
    # Own county first, then oldest reduction first (locks were taken in id order above).
    candidates.sort(key=lambda c: (c.county != county_name, c.reduced_on, c.id))
    available = sum(c.remaining_g for c in candidates)
    ratio_text = f"{rule.ratio.numerator}:{rule.ratio.denominator}"
    where = (
        f"{county_name}（{rule.citations[0].clause}：只能从本区域内削减替代）"
        if county_name in rule.same_county
        else "、".join(counties)
    )
    used: list[tuple[OffsetCredit, int]] = []
    if available < required:
        ok = False
        reason = (
            f"削减量不足：新增 {key} {grams_to_tonnes(added):g} 吨/年，按 {ratio_text} 倍量削减需 "
            f"{grams_to_tonnes(required):g} 吨/年，{where} 可用 {grams_to_tonnes(available):g} 吨/年，"
            f"缺 {grams_to_tonnes(required - available):g} 吨/年"
        )
    else:
        ok = True
        left = required
        for credit in candidates:
            if left == 0:
                break
            take = min(left, credit.remaining_g)
            credit.remaining_g -= take
            used.append((credit, take))
            left -= take
        reason = (
            f"已替代：新增 {key} {grams_to_tonnes(added):g} 吨/年，按 {ratio_text} 倍量削减使用 "
            f"{grams_to_tonnes(required):g} 吨/年（{len(used)} 笔削减量，来源 {where}）"
        )
    row = OffsetDebit(
        project_name=name,
        project_county=county_name,
        pollutant=key,
        added_g=added,
        required_g=required,
        ratio=str(rule.ratio),
        rule_id=rule.id,
        ok=ok,
        reason=reason,
        approval_no=approval_no.strip(),
        decided_on=day,
        created_by=principal.username,
        is_demo=is_demo,
    )
    session.add(row)
    session.flush()
    session.add_all(
        OffsetAllocation(debit_id=row.id, credit_id=credit.id, amount_g=take)
        for credit, take in used
    )
    session.flush()
    result = DebitResult(
        ok=ok,
        required=grams_to_tonnes(required),
        used=[{"credit": c.id, "tonnes": grams_to_tonnes(t)} for c, t in used],
        reason=reason,
        debit_id=row.id,
        project=name,
        county=county_name,
        pollutant=key,
        tonnes=grams_to_tonnes(added),
        rule=rule_dict(rule),
    )
    audit.append(
        session,
        actor=principal.username,
        action="offsets.debit" if ok else "offsets.debit_refused",
        entity="offset_debit",
        entity_id=row.id,
        after={k: v for k, v in result.to_dict().items() if k != "rule"} | {"rule": rule.id},
    )
    return result


def withdraw_credit(
    session: Session,
    principal: Principal,
    credit_id: int,
    *,
    reason: str,
    plan: Plan | None = None,
) -> dict[str, Any]:
    """Withdraw the unused rest of a credit (registered in error, reduction not verified …).

    What was already used stays used (allocations are append-only); the rest leaves the balance.
    The row is locked like a debit's candidates, the reason is kept in the note and the audit.
    """
    why = _text(reason, "撤销原因", 500)
    query = (
        select(OffsetCredit)
        .where(OffsetCredit.id == credit_id)
        .execution_options(populate_existing=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    credit = session.scalar(query)
    if credit is None:
        raise OffsetsError(f"削减量不存在：#{credit_id}")
    _require_credit(principal, credit.county)
    if credit.remaining_g == 0:
        raise OffsetsError(f"削减量 #{credit_id} 已无余量，无可撤销")
    before = credit_dict(credit)
    withdrawn = credit.remaining_g
    credit.remaining_g = 0
    credit.note = (credit.note + "；" if credit.note else "") + (
        f"撤销未使用的 {grams_to_tonnes(withdrawn):g} 吨/年：{why}（{principal.username}）"
    )
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action="offsets.withdraw",
        entity="offset_credit",
        entity_id=credit.id,
        before=before,
        after=credit_dict(credit),
    )
    return credit_dict(credit)


def balance(
    session: Session, principal: Principal, county: str, *, plan: Plan | None = None
) -> dict[str, float]:
    """Available tonnes per pollutant of a county's credits ({pollutant: t}, all four listed)."""
    county_name = parse_county(county, plan)
    _require_read(principal, county_name)
    sums = dict(
        session.execute(
            select(OffsetCredit.pollutant, func.sum(OffsetCredit.remaining_g))
            .where(OffsetCredit.county == county_name)
            .group_by(OffsetCredit.pollutant)
        ).all()
    )
    return {p: grams_to_tonnes(int(sums.get(p) or 0)) for p in POLLUTANTS}


def balances(
    session: Session, principal: Principal, *, plan: Plan | None = None
) -> list[dict[str, Any]]:
    """Per readable county and pollutant: credited, used, remaining [t]."""
    allowed = _readable_or_deny(principal)
    rows = session.execute(
        select(
            OffsetCredit.county,
            OffsetCredit.pollutant,
            func.sum(OffsetCredit.amount_g),
            func.sum(OffsetCredit.remaining_g),
            func.count(OffsetCredit.id),
        ).group_by(OffsetCredit.county, OffsetCredit.pollutant)
    )
    found = {(c, p): (int(a), int(r), int(n)) for c, p, a, r, n in rows}
    out = []
    for county in county_names(plan):
        if allowed is not None and county not in allowed:
            continue
        for pollutant in POLLUTANTS:
            amount, remaining, count = found.get((county, pollutant), (0, 0, 0))
            out.append(
                {
                    "county": county,
                    "pollutant": pollutant,
                    "credited": grams_to_tonnes(amount),
                    "used": grams_to_tonnes(amount - remaining),
                    "remaining": grams_to_tonnes(remaining),
                    "credits": count,
                }
            )
    return out


def list_credits(
    session: Session,
    principal: Principal,
    *,
    county: str | None = None,
    pollutant: str | None = None,
    plan: Plan | None = None,
) -> list[dict[str, Any]]:
    """Credits the user may read, newest first, each with its allocations (history)."""
    query = select(OffsetCredit).order_by(OffsetCredit.reduced_on.desc(), OffsetCredit.id.desc())
    if county:
        county = parse_county(county, plan)
        _require_read(principal, county)
        query = query.where(OffsetCredit.county == county)
    allowed = _readable_or_deny(principal)
    if allowed is not None:
        query = query.where(OffsetCredit.county.in_(allowed))
    if pollutant:
        query = query.where(OffsetCredit.pollutant == _pollutant(pollutant))
    credits = list(session.scalars(query))
    history = _allocations(session, credit_ids=[c.id for c in credits])
    return [credit_dict(c) | {"history": history.get(c.id, [])} for c in credits]


def _allocations(session: Session, *, credit_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    if not credit_ids:
        return out
    rows = session.execute(
        select(OffsetAllocation, OffsetDebit)
        .join(OffsetDebit, OffsetDebit.id == OffsetAllocation.debit_id)
        .where(OffsetAllocation.credit_id.in_(credit_ids))
        .order_by(OffsetAllocation.id)
    )
    for allocation, row in rows:
        out.setdefault(allocation.credit_id, []).append(
            {
                "debit": row.id,
                "project": row.project_name,
                "county": row.project_county,
                "date": row.decided_on.isoformat(),
                "tonnes": grams_to_tonnes(allocation.amount_g),
            }
        )
    return out


def list_debits(
    session: Session, principal: Principal, *, county: str | None = None, plan: Plan | None = None
) -> list[dict[str, Any]]:
    """Debits (granted and refused), newest first, each with the credits it used."""
    query = select(OffsetDebit).order_by(OffsetDebit.id.desc())
    if county:
        county = parse_county(county, plan)
        _require_read(principal, county)
        query = query.where(OffsetDebit.project_county == county)
    allowed = _readable_or_deny(principal)
    if allowed is not None:
        query = query.where(OffsetDebit.project_county.in_(allowed))
    debits = list(session.scalars(query))
    used: dict[int, list[dict[str, Any]]] = {}
    if debits:
        rows = session.execute(
            select(OffsetAllocation, OffsetCredit)
            .join(OffsetCredit, OffsetCredit.id == OffsetAllocation.credit_id)
            .where(OffsetAllocation.debit_id.in_([d.id for d in debits]))
            .order_by(OffsetAllocation.id)
        )
        for allocation, credit in rows:
            used.setdefault(allocation.debit_id, []).append(
                {
                    "credit": credit.id,
                    "source": credit.source_name,
                    "county": credit.county,
                    "tonnes": grams_to_tonnes(allocation.amount_g),
                }
            )
    return [
        {
            "id": d.id,
            "project": d.project_name,
            "county": d.project_county,
            "pollutant": d.pollutant,
            "tonnes": grams_to_tonnes(d.added_g),
            "required": grams_to_tonnes(d.required_g),
            "ratio": d.ratio,
            "rule": d.rule_id,
            "ok": d.ok,
            "reason": d.reason,
            "approval_no": d.approval_no,
            "date": d.decided_on.isoformat(),
            "by": d.created_by,
            "is_demo": d.is_demo,
            "used": used.get(d.id, []),
        }
        for d in debits
    ]
