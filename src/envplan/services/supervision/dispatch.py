"""Monthly dispatch (月调度): completion rates and the frozen month-end snapshots."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, Action, Principal, require
from envplan.services.supervision.rules import (
    CITY_LEVEL,
    DEFAULT_RULES,
    SupervisionError,
    SupervisionRules,
)
from envplan.services.supervision.state import (
    OccurrenceState,
    list_occurrences,
    parse_month,
)
from envplan.store import audit
from envplan.store.models import (
    DispatchSnapshot,
)

# --- monthly dispatch (月调度) --------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """On-time completion of occurrences due by the evaluation date."""

    key: str
    label: str
    due: int  # occurrences due by as_of
    done_on_time: int
    done_late: int
    overdue: int  # due, still not done
    rate: float | None  # done_on_time / due, None when nothing was due
    due_in_month: int = 0
    done_on_time_in_month: int = 0
    rate_in_month: float | None = None


def completion_rates(
    states: Sequence[OccurrenceState], *, by: str, month: str | None = None
) -> list[Rate]:
    """On-time completion rates grouped ``by`` "unit", "county" or "plan".

    Counted over occurrences due on or before each state's ``as_of`` (year to date); with
    ``month``, also over those due within that month. Duties count (the lead's and each
    county's); a co-unit's contribution line does not (it feeds the lead's duty).
    """
    first_last = parse_month(month) if month else None
    groups: dict[str, list[OccurrenceState]] = defaultdict(list)
    labels: dict[str, str] = {}
    for state in states:
        if state.role == "co":
            continue
        if by == "unit":
            key, label = state.unit_id, state.unit_name
        elif by == "county":
            key = label = state.county or CITY_LEVEL
        elif by == "plan":
            key = label = state.plan_key
        else:
            raise SupervisionError(f"未知分组：{by}（可选 unit、county、plan）")
        groups[key].append(state)
        labels[key] = label
    rates = []
    for key in sorted(groups):
        due = [s for s in groups[key] if s.due_date <= s.as_of]
        on_time = sum(1 for s in due if s.on_time is True)
        late = sum(1 for s in due if s.status == "done" and s.on_time is False)
        overdue = sum(1 for s in due if s.status == "overdue")
        in_month = (
            [s for s in due if first_last[0] <= s.due_date <= first_last[1]] if first_last else []
        )
        on_time_month = sum(1 for s in in_month if s.on_time is True)
        rates.append(
            Rate(
                key=key,
                label=labels[key],
                due=len(due),
                done_on_time=on_time,
                done_late=late,
                overdue=overdue,
                rate=round(on_time / len(due), 4) if due else None,
                due_in_month=len(in_month),
                done_on_time_in_month=on_time_month,
                rate_in_month=round(on_time_month / len(in_month), 4) if in_month else None,
            )
        )
    return rates


#: Fields of a row of a month-end snapshot, in order.
SNAPSHOT_ROW_FIELDS = (
    "occurrence_id",
    "task_key",
    "role",
    "clause",
    "plan_key",
    "seq",
    "label",
    "unit_id",
    "unit_name",
    "county",
    "due_date",
    "status",
    "light",
    "percent",
    "completed_on",
    "on_time",
    "working_days_overdue",
    "notice_level",
    "last_reported_on",
)


def compute_dispatch(
    session: Session,
    month: str,
    *,
    rules: SupervisionRules = DEFAULT_RULES,
    states: Sequence[OccurrenceState] | None = None,
) -> dict[str, Any]:
    """The month-end dispatch content (what :func:`take_snapshot` freezes), recomputed now.

    states: ``list_occurrences(session, as_of=<month end>, rules=rules)`` when the caller has
    it already (the bulletin gathers it once for all its sections)."""
    _, as_of = parse_month(month)
    if states is None:
        states = list_occurrences(session, as_of=as_of, rules=rules)
    # The fields as OccurrenceState.to_json gives them (dates as ISO strings), without its
    # whole-record copy.
    rows = [
        {name: _json_value(getattr(state, name)) for name in SNAPSHOT_ROW_FIELDS}
        for state in states
    ]
    return {
        "month": month,
        "as_of": as_of.isoformat(),
        "rules": rules.as_dict(),
        "occurrences": rows,
        "rates": {
            by: [asdict(rate) for rate in completion_rates(states, by=by, month=month)]
            for by in ("plan", "county", "unit")
        },
    }


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class SnapshotResult:
    """A month-end snapshot, whether this call created it (False: the frozen one is returned) and
    whether recomputing now gives the same content hash.
    """

    snapshot: DispatchSnapshot
    created: bool  # False: the month was already frozen, the stored one is returned
    reproducible: bool  # recomputing now gives the same content hash


def take_snapshot(
    session: Session,
    month: str,
    *,
    actor: Principal = SYSTEM,
    rules: SupervisionRules = DEFAULT_RULES,
) -> SnapshotResult:
    """Freeze the month-end state (immutable). A second call returns the frozen snapshot and says
    whether recomputing from the records still gives the same content."""
    require(actor, Action.SNAPSHOT)
    content = compute_dispatch(session, month, rules=rules)
    text = _canonical(content)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = get_snapshot(session, month)
    if existing is not None:
        return SnapshotResult(
            existing, created=False, reproducible=existing.content_sha256 == digest
        )
    snapshot = DispatchSnapshot(
        month=month,
        as_of=dt.date.fromisoformat(content["as_of"]),
        content=text,
        content_sha256=digest,
        created_by_id=actor.user_id,
    )
    session.add(snapshot)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="dispatch.snapshot",
        entity="dispatch_snapshot",
        entity_id=snapshot.id,
        after={
            "month": month,
            "content_sha256": digest,
            "occurrences": len(content["occurrences"]),
        },
    )
    return SnapshotResult(snapshot, created=True, reproducible=True)


def get_snapshot(session: Session, month: str) -> DispatchSnapshot | None:
    """The frozen snapshot of ``month`` (``YYYY-MM``), None when it has not been taken."""
    parse_month(month)
    return session.scalar(select(DispatchSnapshot).where(DispatchSnapshot.month == month))


def snapshot_content(snapshot: DispatchSnapshot) -> dict[str, Any]:
    """The frozen content, after checking it still matches its stored hash."""
    if hashlib.sha256(snapshot.content.encode("utf-8")).hexdigest() != snapshot.content_sha256:
        raise SupervisionError(f"{snapshot.month} 月调度快照内容与哈希不符（被改动）")
    content: dict[str, Any] = json.loads(snapshot.content)
    return content


def list_snapshots(session: Session) -> list[DispatchSnapshot]:
    """Every frozen month-end snapshot, by month."""
    return list(session.scalars(select(DispatchSnapshot).order_by(DispatchSnapshot.month)))
