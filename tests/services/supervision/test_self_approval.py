"""Four eyes (issue #21): a unit leader or an admin may not approve or return a report they
wrote themselves; another leader of the unit, or the bureau, may."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from envplan.services import supervision as sv
from envplan.services.access import AccessDenied

from .conftest import People

D = dt.date


@pytest.mark.parametrize("who", ["leader", "admin"])
def test_nobody_reviews_their_own_report(mini_session: Session, people: People, who: str) -> None:
    author = getattr(people, who)
    occ = sv.find_occurrence(mini_session, "air-m05", 1)  # 市工信局
    report = sv.submit_report(
        mini_session,
        author,
        occ.id,
        expected_version=1,
        reported_on=D(2021, 9, 20),
        state="done",
        percent=100,
        narrative="本人填报",
    )
    for decision in ("approved", "returned"):
        with pytest.raises(AccessDenied, match="不能审核本人填报的报告"):
            sv.review_report(
                mini_session,
                author,
                report.id,
                expected_version=2,
                reviewed_on=D(2021, 9, 21),
                decision=decision,
                comment="自审",
            )
    other = people.admin if who == "leader" else people.leader
    sv.approve_report(
        mini_session, other, report.id, expected_version=2, reviewed_on=D(2021, 9, 21)
    )
    assert sv.get_occurrence_state(mini_session, occ.id, as_of=D(2021, 9, 30)).status == "done"
