"""Forward warnings on the plan's sections: 95 % rising warns, 70 % does not; notices to counties."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, AccessDenied, Principal, Role
from envplan.services.water_graph import (
    evaluate_as_of,
    import_monitoring,
    issue_warnings,
    list_warning_notices,
    reply_warning,
)
from envplan.store.models import AuditEntry
from envplan.store.water_graph import WaterWarning

# 金匠桥 and 洞头 are Ⅴ-class sections (附件1), 氨氮 limit 2.0 mg/L (GB 3838-2002 表1).
# 金匠桥: (1.80 + 1.90 + 2.00) / 3 = 1.90 → 95 %, rising. 洞头: (1.30 + 1.40 + 1.50) / 3 = 1.40 → 70 %.
# 青天河 is a "完成省定目标" section: without an imported target it is never compared.
SECTION_DATA = """断面名称,监测时间,氨氮（mg/L）
金匠桥,2021-04,1.80
金匠桥,2021-05,1.90
金匠桥,2021-06,2.00
洞头,2021-04,1.30
洞头,2021-05,1.40
洞头,2021-06,1.50
青天河,2021-04,9.0
青天河,2021-05,9.5
青天河,2021-06,9.9
"""
AS_OF = dt.date(2021, 6, 30)


@pytest.fixture
def data(records: Session, files) -> Session:  # type: ignore[no-untyped-def]
    import_monitoring(records, files("sec.csv", SECTION_DATA), kind="section", actor=SYSTEM)
    return records


def test_95_percent_warns_70_percent_does_not(data: Session) -> None:
    warnings = evaluate_as_of(data, AS_OF)
    assert [(w["section"], w["indicator"]) for w in warnings] == [("金匠桥", "氨氮")]
    warning = warnings[0]
    assert warning["ratio"] == pytest.approx(0.95)
    assert warning["limit"] == 2.0
    assert warning["slope_per_month"] == pytest.approx(0.1)
    assert warning["county"] == "城区"
    # One month later the window is May–July: only two values, still 1.95 mean → 97.5 %.
    assert evaluate_as_of(data, dt.date(2021, 7, 31))[0]["ratio"] == pytest.approx(0.975)
    # Before April there is nothing to judge.
    assert evaluate_as_of(data, dt.date(2021, 3, 31)) == []


def test_issue_once_to_the_county_and_reply(data: Session) -> None:
    issued = issue_warnings(data, AS_OF, actor=SYSTEM)
    assert issued[0]["notice"]["number"] == "水预警〔2021〕1号"
    record = data.scalars(select(WaterWarning)).one()
    assert (record.unit_id, record.county, record.level) == ("chengqu-gov", "城区", 1)
    # reply due five working days after 2021-06-30 (Wed): 7-1 … 7-7.
    assert record.reply_due == dt.date(2021, 7, 7)
    again = issue_warnings(data, AS_OF, actor=SYSTEM)
    assert again[0]["notice"]["number"] == "水预警〔2021〕1号"
    assert data.scalar(select(func.count()).select_from(WaterWarning)) == 1
    assert (
        data.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "water_warning.issue")
        )
        == 1
    )

    zezhou = Principal(None, "zz", Role.COUNTY_CLERK, county="泽州县")
    chengqu = Principal(None, "cq", Role.COUNTY_CLERK, county="城区")
    assert list_warning_notices(data, as_of=AS_OF, principal=zezhou) == []
    assert len(list_warning_notices(data, as_of=AS_OF, principal=chengqu)) == 1
    with pytest.raises(AccessDenied):
        issue_warnings(data, AS_OF, actor=chengqu)
    with pytest.raises(AccessDenied):
        reply_warning(data, zezhou, record.id, replied_on=dt.date(2021, 7, 2), text="已排查")
    reply_warning(data, chengqu, record.id, replied_on=dt.date(2021, 7, 2), text="已排查上游排污口")
    states = list_warning_notices(data, as_of=dt.date(2021, 7, 10))
    assert states[0]["state"] == "replied"
