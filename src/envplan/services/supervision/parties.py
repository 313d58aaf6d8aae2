"""Every responsible party of one period: the lead's line, each county's duty, each contribution.

An item whose 责任单位 names 各县（市、区）人民政府 (and 开发区管委会) has, for every period, one
occurrence per county-level government (``role="county"``) beside the lead unit's
(``role="lead"``); each other lead or co-unit (配合单位) has a contribution line (``role="co"``).
Each line has its own reports, evidence, status and light. The roll-up is what the lead unit
reads: every county's state, the counties that have not reported yet, and the contributions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.access import Action, Principal, require
from envplan.services.access import can_on_occurrence as _can
from envplan.services.supervision.rules import DEFAULT_RULES, SupervisionRules
from envplan.services.supervision.state import (
    OccurrenceState,
    _load_occurrence,
    _occurrence_query,
    compute_state,
)
from envplan.store.models import Occurrence


@dataclass(frozen=True)
class Rollup:
    """One period of an item as the lead unit sees it."""

    lead: OccurrenceState
    counties: tuple[OccurrenceState, ...]  # each county's (and clause's) own duty
    contributions: tuple[OccurrenceState, ...]  # co-units' lines
    missing: tuple[OccurrenceState, ...]  # county duties with no report by as_of
    counties_done: int

    def to_json(self) -> dict[str, object]:
        """The roll-up as a JSON-ready dict."""
        return {
            "lead": self.lead.to_json(),
            "counties": [s.to_json() for s in self.counties],
            "contributions": [s.to_json() for s in self.contributions],
            "missing_counties": [
                {
                    "unit": s.unit_id,
                    "unit_name": s.unit_name,
                    "county": s.county,
                    "clause": s.clause,
                }
                for s in self.missing
            ],
            "counties_done": self.counties_done,
            "counties_total": len(self.counties),
        }


def rollup(
    session: Session,
    occurrence_id: int,
    *,
    as_of: dt.date,
    principal: Principal | None = None,
    rules: SupervisionRules = DEFAULT_RULES,
) -> Rollup:
    """The roll-up of the period ``occurrence_id`` belongs to (any party's line may be given).

    With ``principal``: it must be able to read the given line, and only the lines it may read are
    listed (the lead unit reads all of them; a county its own and the lead's).
    """
    given = _load_occurrence(session, occurrence_id)
    if principal is not None:
        require(principal, Action.READ, given)
    lead_id = given.parent_id or given.id
    lead = _load_occurrence(session, lead_id)
    others = list(session.scalars(_occurrence_query().where(Occurrence.parent_id == lead_id)))
    if principal is not None:
        others = [o for o in others if _can(principal, Action.READ, o)]
    counties = [compute_state(o, as_of, rules) for o in others if o.role == "county"]
    contributions = [compute_state(o, as_of, rules) for o in others if o.role == "co"]
    missing = [s for s in counties if s.last_reported_on is None and s.status != "done"]
    return Rollup(
        lead=compute_state(lead, as_of, rules),
        counties=tuple(counties),
        contributions=tuple(contributions),
        missing=tuple(missing),
        counties_done=sum(1 for s in counties if s.status == "done"),
    )


def party_lines(session: Session, lead_occurrence_id: int) -> list[Occurrence]:
    """The county and contribution lines under a lead occurrence (no state computed)."""
    return list(
        session.scalars(
            select(Occurrence)
            .where(Occurrence.parent_id == lead_occurrence_id)
            .order_by(Occurrence.role, Occurrence.clause, Occurrence.unit_id)
        )
    )
