"""The ledger sheets of the bulletin's Excel attachment, gathered from the records as plain data.

The rows are the supervision ledger's (``services.supervision.ledger.ledger_rows``) for the reader's access
scope: a unit clerk gets the rows of the occurrences the API lets them read, never other units'
progress notes. The workbook is laid out by ``envplan.reports.ledger`` from this data alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from envplan.services.access import Principal
from envplan.services.supervision import PLAN_SHEET_NAMES, OccurrenceState, ledger_rows
from envplan.store.models import PlanVersion, Unit


@dataclass(frozen=True)
class LedgerSheet:
    """One sheet: its name (大气/水/土壤), the plan's title and the rows in ledger order."""

    name: str
    plan_title: str
    rows: tuple[OccurrenceState, ...]


@dataclass(frozen=True)
class LedgerBook:
    """The ledger as of ``as_of``: its sheets and unit id → unit name (for the lead units)."""

    as_of: dt.date
    sheets: tuple[LedgerSheet, ...]
    unit_names: dict[str, str]


def ledger_book(
    session: Any,
    *,
    as_of: dt.date,
    month: str | None = None,
    plan_key: str | None = None,
    principal: Principal | None = None,
    states: Sequence[OccurrenceState] | None = None,
) -> LedgerBook:
    """The ledger of the current plan versions (one sheet per plan) in ``principal``'s scope.

    states: without ``month``, the rows already gathered by the caller
    (``list_occurrences(session, as_of=as_of, principal=principal)``, the bulletin's one read of
    the occurrences); otherwise the rows are read here, in one query for every plan."""
    unit_names = {unit_id: name for unit_id, name in session.execute(select(Unit.id, Unit.name))}
    versions = session.scalars(
        select(PlanVersion).where(PlanVersion.is_current.is_(True)).order_by(PlanVersion.id)
    ).all()
    if states is None or month is not None:
        states = ledger_rows(
            session, as_of=as_of, month=month, plan_key=plan_key, principal=principal
        )
    by_plan: dict[str, list[OccurrenceState]] = {}
    for state in states:  # ledger order within each plan is kept
        by_plan.setdefault(state.plan_key, []).append(state)
    sheets = []
    for version in versions:
        if plan_key and version.plan_key != plan_key:
            continue
        rows = by_plan.get(version.plan_key, [])
        sheets.append(
            LedgerSheet(
                PLAN_SHEET_NAMES.get(version.plan_key, version.plan_key), version.title, tuple(rows)
            )
        )
    return LedgerBook(as_of, tuple(sheets), unit_names)
