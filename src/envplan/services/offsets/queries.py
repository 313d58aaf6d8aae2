"""Reading the offsets ledger: balances per county and pollutant, credits with their history,
debits with the credits they used (each filtered to what the user may read)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envplan.plan import Plan
from envplan.services.access import Principal
from envplan.services.offsets.common import (
    county_names,
    credit_dict,
    parse_county,
    pollutant_key,
    readable_or_deny,
    registry_names,
    require_read,
)
from envplan.standards.offsets import POLLUTANTS, grams_to_tonnes
from envplan.store.offsets import OffsetAllocation, OffsetCredit, OffsetDebit


def balance(
    session: Session, principal: Principal, county: str, *, plan: Plan | None = None
) -> dict[str, float]:
    """Available tonnes per pollutant of a county's credits ({pollutant: t}, all four listed).

    Parameters
    ----------
    session : Session
        Open database session.
    principal : Principal
        The acting user (``OffsetsDenied`` outside its rights).
    county : str
        The county (as typed; see :func:`parse_county`).
    plan : Plan or None
        The plan whose counties are accepted (None = the default plan).

    Returns
    -------
    dict of str to float
        ``SO2``, ``NOx``, ``PM`` and ``VOCs`` to the remaining tonnes [t/a].
    """
    county_name = parse_county(county, plan)
    require_read(principal, county_name)
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
    """Per readable county and pollutant: credited, used, remaining [t].

    Parameters
    ----------
    session : Session
        Open database session.
    principal : Principal
        The acting user (``OffsetsDenied`` outside its rights).
    plan : Plan or None
        The plan whose counties are accepted (None = the default plan).

    Returns
    -------
    list of dict
        Per county (plan order) and pollutant: ``county``, ``pollutant``, ``credited``, ``used``,
        ``remaining`` [t/a] and ``credits`` (how many).
    """
    allowed = readable_or_deny(principal)
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
    """Credits the user may read, newest first, each with its allocations (history).

    Parameters
    ----------
    session : Session
        Open database session.
    principal : Principal
        The acting user (``OffsetsDenied`` outside its rights).
    county : str or None
        Only this county (None = every county the user reads).
    pollutant : str or None
        Only this pollutant (None = all).
    plan : Plan or None
        The plan whose counties are accepted (None = the default plan).

    Returns
    -------
    list of dict
        The credit's facts (``id``, ``county``, ``pollutant``, ``tonnes``, ``remaining``, ``kind``,
        ``source``, ``source_credit_code``, ``date``, ``evidence``, ``note``, ``is_demo``),
        ``history`` (the debits that used it) and ``registry_name`` (None if not registered).
    """
    query = select(OffsetCredit).order_by(OffsetCredit.reduced_on.desc(), OffsetCredit.id.desc())
    if county:
        county = parse_county(county, plan)
        require_read(principal, county)
        query = query.where(OffsetCredit.county == county)
    allowed = readable_or_deny(principal)
    if allowed is not None:
        query = query.where(OffsetCredit.county.in_(allowed))
    if pollutant:
        query = query.where(OffsetCredit.pollutant == pollutant_key(pollutant))
    credits = list(session.scalars(query))
    history = _allocations(session, credit_ids=[c.id for c in credits])
    names = registry_names(session, {c.source_credit_code for c in credits if c.source_credit_code})
    return [
        credit_dict(c)
        | {
            "history": history.get(c.id, []),
            "registry_name": names.get(c.source_credit_code or ""),
        }
        for c in credits
    ]


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
    """Debits (granted and refused), newest first, each with the credits it used.

    Parameters
    ----------
    session : Session
        Open database session.
    principal : Principal
        The acting user (``OffsetsDenied`` outside its rights).
    county : str or None
        Only the projects of this county (None = every county the user reads).
    plan : Plan or None
        The plan whose counties are accepted (None = the default plan).

    Returns
    -------
    list of dict
        ``id``, ``project``, ``county``, ``pollutant``, ``tonnes``, ``required``, ``ratio``,
        ``rule``, ``ok``, ``reason``, ``approval_no``, ``date``, ``by``, ``is_demo`` and ``used``
        (``{"credit", "source", "county", "tonnes"}`` per credit drawn).
    """
    query = select(OffsetDebit).order_by(OffsetDebit.id.desc())
    if county:
        county = parse_county(county, plan)
        require_read(principal, county)
        query = query.where(OffsetDebit.project_county == county)
    allowed = readable_or_deny(principal)
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
