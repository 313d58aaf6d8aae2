"""Shared parts of the offsets use cases: errors, who may do what, input checks, result dicts.

Access: 局管理员 everything; 县（市、区）填报员 registers credits and reads its own county; the approval
office (市审批服务管理局: unit clerk or leader of ``city-approval-services``) records debits and reads
all; viewers read all; other units are refused.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.plan import Plan, default_plan
from envplan.services.access import Principal, Role
from envplan.standards.enterprises import credit_code_problem, normalise_credit_code
from envplan.standards.offsets import (
    OffsetRule,
    OffsetRuleError,
    grams_to_tonnes,
    parse_pollutant,
    tonnes_to_grams,
)
from envplan.store.enterprises import Enterprise
from envplan.store.offsets import OffsetCredit

#: The unit whose officers grant offsets (市行政审批服务管理局).
APPROVAL_UNIT_ID = "city-approval-services"
DEMO_TAG = "【示例】"


class OffsetsError(ValueError):
    """Bad input to the ledger (zh-CN message naming the field)."""


class OffsetsDenied(PermissionError):
    """The user may not do this on the ledger (zh-CN message)."""


# --- access ---------------------------------------------------------------------------------


def is_approval_office(principal: Principal) -> bool:
    return principal.unit_id == APPROVAL_UNIT_ID and principal.role in (
        Role.UNIT_CLERK,
        Role.UNIT_LEADER,
    )


def readable_counties(principal: Principal) -> set[str] | None:
    """Counties whose ledger the user may read (None = all).

    Parameters
    ----------
    principal : Principal
        The acting user.

    Returns
    -------
    set of str or None
        None = all (admin, viewer, approval office); the clerk's county; empty for others.
    """
    if principal.role in (Role.ADMIN, Role.VIEWER) or is_approval_office(principal):
        return None
    if principal.role is Role.COUNTY_CLERK and principal.county:
        return {principal.county}
    return set()


def readable_or_deny(principal: Principal) -> set[str] | None:
    allowed = readable_counties(principal)
    if allowed is not None and not allowed:
        raise OffsetsDenied(f"无权查看削减替代台账：用户 {principal.username}")
    return allowed


def require_read(principal: Principal, county: str | None) -> None:
    allowed = readable_counties(principal)
    if allowed is None or (county is not None and county in allowed):
        return
    if county is None and allowed:
        return
    raise OffsetsDenied(f"无权查看{county or ''}削减替代台账：用户 {principal.username}")


def require_credit(principal: Principal, county: str) -> None:
    if principal.role is Role.ADMIN:
        return
    if principal.role is Role.COUNTY_CLERK and principal.county == county:
        return
    raise OffsetsDenied(
        f"无权登记{county}的削减量：用户 {principal.username}（仅市生态环境局或本县（市、区）填报员）"
    )


def require_debit(principal: Principal) -> None:
    if principal.role is Role.ADMIN or is_approval_office(principal):
        return
    raise OffsetsDenied(
        f"无权使用削减量：用户 {principal.username}（仅市生态环境局或市审批服务管理局）"
    )


# --- inputs ---------------------------------------------------------------------------------


def county_names(plan: Plan | None = None) -> tuple[str, ...]:
    return tuple(c.name for c in (plan or default_plan()).counties)


def parse_county(text: str, plan: Plan | None = None, *, field_name: str = "县（市、区）") -> str:
    """The plan's name of the county a user typed.

    Parameters
    ----------
    text : str
        The county as typed: its id, its name or its government's name (spaces ignored).
    plan : Plan or None
        The plan whose counties are accepted (None = the default plan).
    field_name : str
        Field named in the zh-CN error message.

    Returns
    -------
    str
        The county's name in the plan (城区, 泽州县 …).

    Raises
    ------
    OffsetsError
        The plan has no such county (the message lists the accepted ones).
    """
    county = (plan or default_plan()).find_county(text.strip())
    if county is None:
        raise OffsetsError(f"{field_name}不存在：{text}（可选：{'、'.join(county_names(plan))}）")
    return county.name


def pollutant_key(text: str) -> str:
    try:
        return parse_pollutant(text)
    except OffsetRuleError as exc:
        raise OffsetsError(str(exc)) from None


def grams_field(value: Any, field_name: str) -> int:
    try:
        return tonnes_to_grams(value)
    except OffsetRuleError as exc:
        raise OffsetsError(f"{field_name}：{exc}") from None


def clean_text(value: str, field_name: str, limit: int) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise OffsetsError(f"{field_name}不能为空")
    if len(cleaned) > limit:
        raise OffsetsError(f"{field_name}过长：最多 {limit} 个字符")
    return cleaned


# --- results ----------------------------------------------------------------------------------


def credit_dict(credit: OffsetCredit) -> dict[str, Any]:
    """The API's JSON shape of one credit (amounts in tonnes, dates ISO).

    Parameters
    ----------
    credit : OffsetCredit
        The stored credit.

    Returns
    -------
    dict
        ``id``, ``county``, ``pollutant``, ``tonnes``, ``remaining``, ``kind``, ``source`` …
    """
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


def rule_dict(rule: OffsetRule) -> dict[str, Any]:
    """Plain data of an offset rule (the JSON of a debit and of the rules listing).

    Parameters
    ----------
    rule : OffsetRule
        The rule (``envplan.standards.offsets``).

    Returns
    -------
    dict
        ``id``, ``ratio`` (``"<reduction>:<added>"``, e.g. ``"2:1"``), ``same_county`` (counties
        that may use only their own credits), ``valid_from`` and ``valid_to`` (ISO dates,
        ``valid_to`` None = open-ended) and ``clauses`` (``{"clause", "quote"}`` per citation).
    """
    return {
        "id": rule.id,
        "ratio": f"{rule.ratio.numerator}:{rule.ratio.denominator}",
        "same_county": list(rule.same_county),
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "clauses": [{"clause": c.label(), "quote": c.quote} for c in rule.citations],
    }


def registry_code(session: Session, raw: str | None, county: str) -> str | None:
    """The normalised 统一社会信用代码 of a source enterprise (GB 32100-2015 checked), or None.

    When the enterprise registry holds the code, its county must be ``county``: a reduction is
    credited where the enterprise is.
    """
    code = normalise_credit_code(raw) if raw else ""
    if not code:
        return None
    problem = credit_code_problem(code)
    if problem:
        raise OffsetsError(f"统一社会信用代码 {code} 不正确：{problem}")
    found = session.execute(
        select(Enterprise.name, Enterprise.county).where(Enterprise.credit_code == code)
    ).first()
    if found is not None and found.county != county:
        raise OffsetsError(
            f"统一社会信用代码 {code} 在企业名录中属于{found.county}（{found.name}），不能登记为{county}的削减量"
        )
    return code


def registry_names(session: Session, codes: set[str]) -> dict[str, str]:
    """Registry name per credit code (for the codes the registry holds)."""
    if not codes:
        return {}
    rows = session.execute(
        select(Enterprise.credit_code, Enterprise.name).where(Enterprise.credit_code.in_(codes))
    )
    return {code: name for code, name in rows}
