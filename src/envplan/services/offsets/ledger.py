"""The offsets ledger (削减替代台账): registering credits, debits and withdrawals.

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

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.plan import Plan
from envplan.services.access import Principal
from envplan.services.offsets.common import (
    OffsetsError,
    clean_text,
    county_names,
    credit_dict,
    grams_field,
    parse_county,
    pollutant_key,
    registry_code,
    require_credit,
    require_debit,
    rule_dict,
)
from envplan.standards.offsets import (
    CREDIT_KINDS,
    OFFSET_RULES,
    OffsetRule,
    OffsetRuleError,
    allowed_credit_counties,
    grams_to_tonnes,
    required_grams,
    rule_in_force,
)
from envplan.store import audit
from envplan.store.offsets import OffsetAllocation, OffsetCredit, OffsetDebit


@dataclass
class DebitResult:
    """The decision on a project's debit (:func:`debit`), granted or refused, as recorded.

    Parameters
    ----------
    ok : bool
        Whether the credits sufficed and were used.
    required : float
        Reduction the rule requires for the project's added emission [t/a].
    used : list of dict
        Credits drawn, ``{"credit": id, "tonnes": t}`` each (empty when refused).
    reason : str
        zh-CN explanation (amounts, ratio, where the credits came from or what is missing).
    debit_id : int
        Id of the recorded debit row (a refusal is recorded too).
    project : str
        Project name.
    county : str
        County of the project.
    pollutant : str
        Pollutant key (``SO2``, ``NOx``, ``PM`` or ``VOCs``).
    tonnes : float
        The project's added emission [t/a].
    rule : dict
        The rule applied (:func:`rule_dict`).
    """

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
        """The stable JSON of the decision (``envplan offsets debit --json`` and the API).

        Returns
        -------
        dict
            The attributes under the same names, except ``debit_id`` which is ``debit``.
        """
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
    """Register a verified reduction as a credit (audited; caller commits).

    Parameters
    ----------
    session : Session
        Open database session.
    principal : Principal
        The acting user: the bureau admin, or the county clerk of ``county``.
    county : str
        County credited (where the reducing enterprise is).
    pollutant : str
        ``SO2``, ``NOx``, ``PM`` or ``VOCs`` (or an alias such as 二氧化硫).
    tonnes : str or number
        Verified reduction [t/a]: positive, at most 6 decimals (to the gram).
    kind : str
        Kind of reduction: 工程减排, 结构减排 or 清洁生产.
    source : str
        The reducing enterprise (削减来源企业, up to 200 characters).
    on : datetime.date or None
        Day of the reduction (None = today); a debit can use it from that day.
    evidence : str
        Reference of the verification document.
    source_credit_code : str or None
        统一社会信用代码 of the source; if the registry holds it, its county must be ``county``.
    note : str
        Free remark.
    is_demo : bool
        Mark the credit as 示例 data.
    plan : Plan or None
        The plan whose counties are accepted (None = the default plan).

    Returns
    -------
    OffsetCredit
        The new credit (flushed, not committed).

    Raises
    ------
    OffsetsError
        A field is invalid (zh-CN message naming it).
    OffsetsDenied
        The user may not register credits of ``county``.
    """
    county_name = parse_county(county, plan)
    key = pollutant_key(pollutant)
    grams = grams_field(tonnes, "削减量（吨/年）")
    if kind not in CREDIT_KINDS:
        raise OffsetsError(f"削减类型不正确：{kind}（可选：{'、'.join(CREDIT_KINDS)}）")
    name = clean_text(source, "削减来源企业", 200)
    code = registry_code(session, source_credit_code, county_name)
    require_credit(principal, county_name)
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
    """Offset a project's added emission; refused (and recorded) when credits do not suffice.

    Parameters
    ----------
    session : Session
        Open database session.
    principal : Principal
        The acting user: the bureau admin or the approval office (市审批服务管理局).
    county : str
        County of the project.
    pollutant : str
        ``SO2``, ``NOx``, ``PM`` or ``VOCs``.
    tonnes : str or number
        The project's added emission [t/a]: positive, at most 6 decimals.
    project : str
        Project name (up to 200 characters).
    on : datetime.date or None
        Day of the decision (None = today): selects the rule in force and the credits reduced by then.
    approval_no : str
        Approval document number.
    is_demo : bool
        Mark the debit as 示例 data.
    plan : Plan or None
        The plan whose counties are accepted (None = the default plan).
    rules : tuple of OffsetRule
        The offset rules to choose from (default: ``OFFSET_RULES``).

    Returns
    -------
    DebitResult
        Granted (credits used: own county first, then oldest reduction) or refused; both are
        recorded and audited.
    """
    county_name = parse_county(county, plan, field_name="项目所在县（市、区）")
    key = pollutant_key(pollutant)
    added = grams_field(tonnes, "新增排放量（吨/年）")
    name = clean_text(project, "项目名称", 200)
    require_debit(principal)
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

    Parameters
    ----------
    session : Session
        Open database session.
    principal : Principal
        The acting user: the bureau admin, or the county clerk of the credit's county.
    credit_id : int
        Id of the credit.
    reason : str
        Why it is withdrawn (撤销原因, up to 500 characters).
    plan : Plan or None
        Unused; accepted like the other ledger calls.

    Returns
    -------
    dict
        The credit after the withdrawal (``remaining`` 0, the reason appended to ``note``).

    Raises
    ------
    OffsetsError
        No such credit, it has nothing left, or no reason was given.
    """
    why = clean_text(reason, "撤销原因", 500)
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
    require_credit(principal, credit.county)
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
