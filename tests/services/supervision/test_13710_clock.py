"""13710 (issue #12): an item registered on 2021-09-30, just before the National Day holiday,
with the due dates counted by hand on the 2021 official calendar; extension and escalation.

2021 calendar (国务院办公厅关于2021年部分节假日安排的通知, 国办发明电〔2020〕27号):
National Day 10-01 (Fri) … 10-07 (Thu) off; Sunday 9-26 and Saturday 10-09 are working days.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from envplan.services.access import AccessDenied
from envplan.services.supervision import (
    CLOCK_RULE_SETS,
    SupervisionError,
    clock_state,
    escalate_clock_items,
    extend_item,
    get_clock_item,
    record_step,
    register_item,
)

from .conftest import People

D = dt.date


def _dues(state) -> dict[str, dt.date | None]:  # type: ignore[no-untyped-def]
    return {s.name: s.due for s in state.steps}


def test_registered_before_national_day(mini_session: Session, people: People) -> None:
    item = register_item(
        mini_session,
        title="督促整改群众举报的露天焚烧",
        source="市政府常务会议（2021-09-30）",
        content="对举报点位逐一核查，限期整改并报送结果",
        unit_id="gxj",
        assigned_on=D(2021, 9, 30),  # Thursday, a working day
        actor=people.admin,
    )
    mini_session.commit()
    dues = _dues(clock_state(item, D(2021, 9, 30)))
    # "1": the same day
    assert dues["deploy"] == D(2021, 9, 30)
    # "3": 10-08 Fri (1), 10-09 Sat make-up day (2), 10-11 Mon (3)
    assert dues["progress"] == D(2021, 10, 11)
    # "7": 10-08 (1), 10-09 (2), 10-11 (3), 10-12 (4), 10-13 (5), 10-14 (6), 10-15 (7)
    assert dues["resolve"] == D(2021, 10, 15)
    assert item.rule_set == "shanxi-13710-2016" and "13710" in CLOCK_RULE_SETS[item.rule_set].title

    major = register_item(
        mini_session,
        title="重大事项",
        source="市长交办",
        unit_id="gxj",
        assigned_on=D(2021, 9, 30),
        major=True,
        actor=people.admin,
    )
    # "1 month": 10-30 is a Saturday (not a make-up day) → Monday 11-01
    assert _dues(clock_state(major, D(2021, 9, 30)))["resolve_major"] == D(2021, 11, 1)

    # answer on time, with its text; settlement overdue on 10-18 → escalated blue
    item = record_step(
        mini_session,
        people.clerk,
        item.id,
        "progress",
        on=D(2021, 10, 9),
        expected_version=1,
        text="已完成核查 12 处，整改中",
    )
    state = clock_state(item, D(2021, 10, 18))
    assert state.answer_text == "已完成核查 12 处，整改中"
    assert {s.name: s.state for s in state.steps}["resolve"] == "overdue"
    # (the major item is overdue too: nothing of it was recorded, its "1" and "3" have passed)
    raised = escalate_clock_items(mini_session, as_of=D(2021, 10, 18))
    assert [(s.item_id, s.escalation_level) for s in raised] == [
        (item.id, "blue"),
        (major.id, "blue"),
    ]
    assert escalate_clock_items(mini_session, as_of=D(2021, 10, 19)) == []  # not again so soon
    # 5 working days later (10-19, 20, 21, 22, 25): orange
    raised = escalate_clock_items(mini_session, as_of=D(2021, 10, 25))
    assert (raised[0].item_id, raised[0].escalation_level) == (item.id, "orange")

    # the bureau extends the settlement to 10-29; the clerk may not
    with pytest.raises(AccessDenied):
        extend_item(
            mini_session,
            people.clerk,
            item.id,
            to=D(2021, 10, 29),
            reason="x",
            expected_version=item.version,
        )
    with pytest.raises(SupervisionError, match="须晚于"):
        extend_item(
            mini_session,
            people.admin,
            item.id,
            to=D(2021, 10, 14),
            reason="x",
            expected_version=item.version,
        )
    item = extend_item(
        mini_session,
        people.admin,
        item.id,
        to=D(2021, 10, 29),
        reason="涉及多个乡镇，需协调",
        expected_version=item.version,
    )
    state = clock_state(item, D(2021, 10, 26))
    assert _dues(state)["resolve"] == D(2021, 10, 29)
    assert {s.name: s.state for s in state.steps}["resolve"] == "pending"
    item = record_step(
        mini_session,
        people.clerk,
        item.id,
        "resolve",
        on=D(2021, 10, 28),
        expected_version=item.version,
        text="全部整改到位",
    )
    assert clock_state(item, D(2021, 10, 28)).settlement_text == "全部整改到位"
    mini_session.commit()
    # another unit's clerk cannot read it
    with pytest.raises(AccessDenied):
        get_clock_item(mini_session, item.id, as_of=D(2021, 10, 28), principal=people.other_clerk)


def test_register_refuses_bad_input(mini_session: Session, people: People) -> None:
    with pytest.raises(SupervisionError, match="交办来源"):
        register_item(
            mini_session,
            title="x",
            source=" ",
            unit_id="gxj",
            assigned_on=D(2021, 9, 30),
            actor=people.admin,
        )
    with pytest.raises(SupervisionError, match="未知的 13710 规则"):
        register_item(
            mini_session,
            title="x",
            source="会议",
            unit_id="gxj",
            assigned_on=D(2021, 9, 30),
            rule_set="1-3-7-10",
            actor=people.admin,
        )
    with pytest.raises(AccessDenied):
        register_item(
            mini_session,
            title="x",
            source="会议",
            unit_id="gxj",
            assigned_on=D(2021, 9, 30),
            actor=people.clerk,
        )
