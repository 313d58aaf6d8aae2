"""The offsets ledger on SQLite and PostgreSQL: the acceptance sequence, county rule, history,
append-only guards, audit and access."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, Principal, Role
from envplan.services.offsets import (
    OffsetsDenied,
    OffsetsError,
    add_credit,
    balance,
    balances,
    debit,
    list_credits,
    list_debits,
)
from envplan.store.audit import verify_chain
from envplan.store.models import AuditEntry
from envplan.store.offsets import OffsetAllocation, OffsetCredit, OffsetDebit

DAY = dt.date(2021, 6, 1)


def _credit(
    session: Session, county: str, tonnes: str, pollutant: str = "NOx", **kw: object
) -> int:
    row = add_credit(
        session,
        SYSTEM,
        county=county,
        pollutant=pollutant,
        tonnes=tonnes,
        kind=str(kw.pop("kind", "工程减排")),
        source=str(kw.pop("source", "某钢铁有限公司")),
        on=kw.pop("on", dt.date(2021, 5, 1)),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )
    return row.id


def test_acceptance_sequence(db_session: Session) -> None:
    credit_id = _credit(db_session, "泽州县", "10")
    db_session.commit()
    first = debit(
        db_session, SYSTEM, county="泽州县", pollutant="NOx", tonnes="4", project="A", on=DAY
    )
    db_session.commit()
    assert first.ok and first.required == 8.0
    assert first.used == [{"credit": credit_id, "tonnes": 8.0}]
    assert balance(db_session, SYSTEM, "泽州县") == {"SO2": 0.0, "NOx": 2.0, "VOCs": 0.0, "PM": 0.0}
    second = debit(
        db_session, SYSTEM, county="泽州县", pollutant="NOx", tonnes="2", project="B", on=DAY
    )
    db_session.commit()
    assert not second.ok and second.required == 4.0 and second.used == []
    assert "可用 2 吨/年" in second.reason and "缺 2 吨/年" in second.reason
    assert balance(db_session, SYSTEM, "泽州县")["NOx"] == 2.0


def test_chengqu_cannot_use_zezhou_credits(db_session: Session) -> None:
    _credit(db_session, "泽州县", "100")
    result = debit(
        db_session, SYSTEM, county="城区", pollutant="NOx", tonnes="1", project="城区项目", on=DAY
    )
    assert not result.ok and "城区" in result.reason and "五、保障措施（三）" in result.reason
    assert balance(db_session, SYSTEM, "泽州县")["NOx"] == 100.0


def test_other_counties_may_use_any_county_own_first(db_session: Session) -> None:
    zezhou = _credit(db_session, "泽州县", "3", on=dt.date(2021, 1, 1))
    own = _credit(db_session, "阳城县", "1", on=dt.date(2021, 3, 1))
    result = debit(
        db_session, SYSTEM, county="阳城县", pollutant="NOx", tonnes="1.5", project="X", on=DAY
    )
    assert result.ok
    assert result.used == [{"credit": own, "tonnes": 1.0}, {"credit": zezhou, "tonnes": 2.0}]


def test_credit_spread_over_several_debits_keeps_history(db_session: Session) -> None:
    first = _credit(db_session, "高平市", "5", on=dt.date(2021, 1, 1))
    second = _credit(db_session, "高平市", "5", on=dt.date(2021, 2, 1))
    a = debit(
        db_session, SYSTEM, county="高平市", pollutant="NOx", tonnes="1.5", project="P1", on=DAY
    )
    b = debit(
        db_session, SYSTEM, county="高平市", pollutant="NOx", tonnes="2", project="P2", on=DAY
    )
    db_session.commit()
    assert a.used == [{"credit": first, "tonnes": 3.0}]
    assert b.used == [{"credit": first, "tonnes": 2.0}, {"credit": second, "tonnes": 2.0}]
    credits = {c["id"]: c for c in list_credits(db_session, SYSTEM, county="高平市")}
    assert credits[first]["remaining"] == 0.0 and credits[second]["remaining"] == 3.0
    assert [h["project"] for h in credits[first]["history"]] == ["P1", "P2"]
    assert [h["tonnes"] for h in credits[first]["history"]] == [3.0, 2.0]
    debits = list_debits(db_session, SYSTEM, county="高平市")
    assert [d["project"] for d in debits] == ["P2", "P1"]
    totals = {(b["county"], b["pollutant"]): b for b in balances(db_session, SYSTEM)}
    assert totals[("高平市", "NOx")]["credited"] == 10.0
    assert totals[("高平市", "NOx")]["used"] == 7.0


def test_credits_dated_after_the_project_are_not_used(db_session: Session) -> None:
    _credit(db_session, "泽州县", "10", on=dt.date(2021, 7, 1))
    result = debit(
        db_session, SYSTEM, county="泽州县", pollutant="NOx", tonnes="1", project="P", on=DAY
    )
    assert not result.ok


def test_every_write_is_audited_and_debits_are_append_only(db_session: Session) -> None:
    _credit(db_session, "泽州县", "10")
    debit(db_session, SYSTEM, county="泽州县", pollutant="NOx", tonnes="1", project="P", on=DAY)
    debit(db_session, SYSTEM, county="泽州县", pollutant="NOx", tonnes="9", project="Q", on=DAY)
    db_session.commit()
    actions = list(db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert actions == ["offsets.credit", "offsets.debit", "offsets.debit_refused"]
    assert verify_chain(db_session)[1] == []
    assert db_session.scalar(select(func.count(OffsetDebit.id))) == 2
    for statement in ("UPDATE offset_debits SET ok = false", "DELETE FROM offset_allocations"):
        with pytest.raises(DBAPIError, match="append-only"):
            db_session.execute(text(statement))
        db_session.rollback()


def test_database_refuses_overspending(db_session: Session) -> None:
    credit_id = _credit(db_session, "泽州县", "1")
    db_session.commit()
    with pytest.raises(DBAPIError):
        db_session.execute(
            text(f"UPDATE offset_credits SET remaining_g = -1 WHERE id = {credit_id}")
        )
    db_session.rollback()
    assert db_session.get(OffsetCredit, credit_id).remaining_g == 1_000_000  # type: ignore[union-attr]


def test_bad_input_names_the_field(db_session: Session) -> None:
    with pytest.raises(OffsetsError, match="县（市、区）不存在：某县"):
        _credit(db_session, "某县", "1")
    with pytest.raises(OffsetsError, match="削减量（吨/年）"):
        _credit(db_session, "泽州县", "-3")
    with pytest.raises(OffsetsError, match="削减类型不正确"):
        _credit(db_session, "泽州县", "1", kind="其他")
    with pytest.raises(OffsetsError, match="项目名称不能为空"):
        debit(db_session, SYSTEM, county="泽州县", pollutant="NOx", tonnes="1", project=" ", on=DAY)
    with pytest.raises(OffsetsError, match="没有生效"):
        debit(db_session, SYSTEM, county="泽州县", pollutant="NOx", tonnes="1", project="P",
              on=dt.date(2020, 1, 1))  # fmt: skip
    assert db_session.scalar(select(func.count(OffsetAllocation.id))) == 0


def test_access(db_session: Session) -> None:
    clerk = Principal(1, "zz-clerk", Role.COUNTY_CLERK, None, "泽州县")
    approval = Principal(2, "approver", Role.UNIT_CLERK, "city-approval-services", None)
    other = Principal(3, "it-clerk", Role.UNIT_CLERK, "city-industry-it", None)
    viewer = Principal(4, "viewer", Role.VIEWER)
    _credit(db_session, "城区", "5")
    add_credit(db_session, clerk, county="泽州县", pollutant="SO2", tonnes="1", kind="结构减排",
               source="某焦化", on=dt.date(2021, 5, 1))  # fmt: skip
    with pytest.raises(OffsetsDenied):
        add_credit(db_session, clerk, county="城区", pollutant="SO2", tonnes="1", kind="结构减排",
                   source="某焦化", on=dt.date(2021, 5, 1))  # fmt: skip
    with pytest.raises(OffsetsDenied):
        debit(
            db_session, clerk, county="泽州县", pollutant="SO2", tonnes="0.1", project="P", on=DAY
        )
    with pytest.raises(OffsetsDenied):
        debit(
            db_session, other, county="泽州县", pollutant="SO2", tonnes="0.1", project="P", on=DAY
        )
    assert debit(db_session, approval, county="泽州县", pollutant="SO2", tonnes="0.1", project="P",
                 on=DAY).ok  # fmt: skip
    assert {c["county"] for c in list_credits(db_session, clerk)} == {"泽州县"}
    assert {c["county"] for c in list_credits(db_session, viewer)} == {"城区", "泽州县"}
    with pytest.raises(OffsetsDenied):
        balance(db_session, clerk, "城区")
    with pytest.raises(OffsetsDenied):
        list_credits(db_session, other)


def test_withdraw_keeps_what_was_used(db_session: Session) -> None:
    from envplan.services.offsets import withdraw_credit

    credit_id = _credit(db_session, "泽州县", "10")
    debit(db_session, SYSTEM, county="泽州县", pollutant="NOx", tonnes="1", project="P", on=DAY)
    data = withdraw_credit(db_session, SYSTEM, credit_id, reason="核查发现未稳定削减")
    assert data["remaining"] == 0.0 and data["tonnes"] == 10.0
    assert "撤销未使用的 8 吨/年：核查发现未稳定削减" in data["note"]
    assert balance(db_session, SYSTEM, "泽州县")["NOx"] == 0.0
    assert list_credits(db_session, SYSTEM)[0]["history"][0]["tonnes"] == 2.0
    with pytest.raises(OffsetsError, match="已无余量"):
        withdraw_credit(db_session, SYSTEM, credit_id, reason="again")
    with pytest.raises(OffsetsError, match="不存在"):
        withdraw_credit(db_session, SYSTEM, 999, reason="x")
    clerk = Principal(1, "c", Role.COUNTY_CLERK, None, "城区")
    other = _credit(db_session, "泽州县", "1")
    with pytest.raises(OffsetsDenied):
        withdraw_credit(db_session, clerk, other, reason="x")
    actions = list(db_session.scalars(select(AuditEntry.action)))
    assert "offsets.withdraw" in actions
