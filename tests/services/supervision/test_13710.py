"""13710 clock: due moments counted on the 2021 official calendar by hand.

"1" same day; "3" within 3 working days; "7" ordinary matters within 7 working days; "1" major
matters within one month (or a timetable); "0" closure (销号)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from envplan.services.access import AccessDenied
from envplan.services.supervision import ConflictError, SupervisionError
from envplan.services.supervision.clock13710 import clock_state, record_step, register_item

from .conftest import People

D = dt.date


def _steps(state) -> dict[str, tuple[dt.date | None, str]]:  # type: ignore[no-untyped-def]
    return {s.name: (s.due, s.state) for s in state.steps}


def test_ordinary_item_across_mid_autumn_make_up_days(
    mini_session: Session, people: People
) -> None:
    # Assigned Thursday 2021-09-16. Progress: 9-17 (1), Sat 9-18 make-up (2), 9-19…21 holiday,
    # 9-22 (3). Resolve: 9-23 (4), 9-24 (5), Sun 9-26 make-up (6), 9-27 (7).
    item = register_item(
        mini_session,
        title="核查信访件",
        source="市长办公会",
        unit_id="gxj",
        assigned_on=D(2021, 9, 16),
        actor=people.admin,
    )
    steps = _steps(clock_state(item, D(2021, 9, 16)))
    assert steps["deploy"] == (D(2021, 9, 16), "pending")
    assert steps["progress"] == (D(2021, 9, 22), "pending")
    assert steps["resolve"] == (D(2021, 9, 27), "pending")
    assert steps["close"] == (None, "pending")

    item = record_step(
        mini_session, people.clerk, item.id, "deploy", on=D(2021, 9, 16), expected_version=1
    )
    item = record_step(
        mini_session, people.clerk, item.id, "progress", on=D(2021, 9, 23), expected_version=2
    )
    state = clock_state(item, D(2021, 9, 28))
    steps = _steps(state)
    assert steps["deploy"][1] == "done"
    assert steps["progress"][1] == "done_late"
    assert steps["resolve"][1] == "overdue"
    assert state.light == "red"
    with pytest.raises(SupervisionError, match="尚未办结"):
        record_step(
            mini_session, people.admin, item.id, "close", on=D(2021, 9, 28), expected_version=3
        )
    item = record_step(
        mini_session, people.clerk, item.id, "resolve", on=D(2021, 9, 27), expected_version=3
    )
    with pytest.raises(AccessDenied):
        record_step(
            mini_session, people.clerk, item.id, "close", on=D(2021, 9, 28), expected_version=4
        )
    with pytest.raises(ConflictError):
        record_step(
            mini_session, people.admin, item.id, "close", on=D(2021, 9, 28), expected_version=3
        )
    item = record_step(
        mini_session, people.admin, item.id, "close", on=D(2021, 9, 28), expected_version=4
    )
    state = clock_state(item, D(2021, 9, 30))
    assert state.closed and _steps(state)["resolve"][1] == "done"


def test_major_item_month_deadline_and_timetable(mini_session: Session, people: People) -> None:
    # Assigned 2021-09-01: one month → 10-01 (National Day) → next working day Friday 10-08.
    item = register_item(
        mini_session,
        title="园区污水处理方案",
        source="常务会议",
        unit_id="gxj",
        assigned_on=D(2021, 9, 1),
        major=True,
        actor=people.admin,
    )
    steps = _steps(clock_state(item, D(2021, 9, 1)))
    assert steps["resolve_major"] == (D(2021, 10, 8), "pending")
    assert _steps(clock_state(item, D(2021, 10, 11)))["resolve_major"][1] == "overdue"
    item = record_step(
        mini_session,
        people.clerk,
        item.id,
        "timetable",
        on=D(2021, 9, 28),
        expected_version=1,
        timetable_due=D(2021, 12, 31),
    )
    steps = _steps(clock_state(item, D(2021, 10, 11)))
    assert steps["resolve_major"][1] == "done"  # the timetable satisfies the one-month step
    assert steps["close"] == (D(2021, 12, 31), "pending")  # tracked to the timetable date
    assert _steps(clock_state(item, D(2022, 1, 4)))["close"][1] == "overdue"


def test_other_unit_cannot_record_steps(mini_session: Session, people: People) -> None:
    item = register_item(
        mini_session,
        title="x",
        source="y",
        unit_id="gxj",
        assigned_on=D(2021, 6, 1),
        actor=people.admin,
    )
    with pytest.raises(AccessDenied):
        record_step(
            mini_session,
            people.other_clerk,
            item.id,
            "deploy",
            on=D(2021, 6, 1),
            expected_version=1,
        )
    with pytest.raises(AccessDenied):
        register_item(
            mini_session,
            title="x",
            source="y",
            unit_id="gxj",
            assigned_on=D(2021, 6, 1),
            actor=people.clerk,
        )
