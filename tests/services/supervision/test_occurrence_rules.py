"""Expansion of deadlines into occurrences, counted by hand from the deadline wording."""

import datetime as dt

from envplan.plan import Deadline, Milestone
from envplan.services.calendar import NonWorkingDeadline
from envplan.services.supervision.occurrences import expand_deadline

D = dt.date


def test_by_date_is_one_occurrence() -> None:
    specs = expand_deadline(Deadline(raw="2021年6月底前", kind="by_date", due=D(2021, 6, 30)), 2021)
    assert [(s.seq, s.kind, s.due_date) for s in specs] == [(1, "once", D(2021, 6, 30))]


def test_quarterly_is_four_at_quarter_ends() -> None:
    specs = expand_deadline(
        Deadline(raw="每季度开展一次", kind="recurring", frequency="quarterly"), 2021
    )
    assert [s.nominal_due for s in specs] == [
        D(2021, 3, 31),
        D(2021, 6, 30),
        D(2021, 9, 30),
        D(2021, 12, 31),
    ]


def test_long_term_is_twelve_monthly_reports() -> None:
    specs = expand_deadline(Deadline(raw="长期坚持", kind="long_term"), 2021)
    assert len(specs) == 12
    assert specs[0].nominal_due == D(2021, 1, 31)
    assert specs[1].nominal_due == D(2021, 2, 28)
    assert specs[-1].nominal_due == D(2021, 12, 31)


def test_window_may_to_september_is_five_monthly() -> None:
    specs = expand_deadline(
        Deadline(raw="2021年5—9月", kind="window", start=D(2021, 5, 1), end=D(2021, 9, 30)), 2021
    )
    assert [s.nominal_due.month for s in specs] == [5, 6, 7, 8, 9]


def test_from_date_reports_monthly_to_year_end() -> None:
    # "2021年10月1日起": October, November, December
    specs = expand_deadline(
        Deadline(raw="2021年10月1日起", kind="from_date", start=D(2021, 10, 1)), 2021
    )
    assert [s.nominal_due for s in specs] == [D(2021, 10, 31), D(2021, 11, 30), D(2021, 12, 31)]


def test_milestones_one_each_plus_quarterly_monitoring() -> None:
    deadline = Deadline(
        raw="按季度监测；4月底前排查，6月底前制定方案，年底前完成整治",
        kind="milestones",
        frequency="quarterly",
        milestones=(
            Milestone(raw="4月底前", due=D(2021, 4, 30), label="完成排查"),
            Milestone(raw="6月底前", due=D(2021, 6, 30), label="制定方案"),
            Milestone(raw="年底前", due=D(2021, 12, 31), label="完成整治"),
        ),
    )
    specs = expand_deadline(deadline, 2021)
    assert sum(s.kind == "milestone" for s in specs) == 3
    assert sum(s.kind == "quarterly" for s in specs) == 4
    assert [s.seq for s in specs] == list(range(1, 8))


def test_non_working_deadline_rule() -> None:
    # 2021-10-31 is a Sunday; 2021-01-31 a Sunday; 2021-02-28 a Sunday
    deadline = Deadline(raw="长期坚持", kind="long_term")
    kept = expand_deadline(deadline, 2021, non_working=NonWorkingDeadline.KEEP)
    moved = expand_deadline(deadline, 2021, non_working=NonWorkingDeadline.NEXT_WORKING_DAY)
    assert kept[9].due_date == D(2021, 10, 31)
    assert moved[9].due_date == D(2021, 11, 1)
    assert moved[9].nominal_due == D(2021, 10, 31)
    assert moved[0].due_date == D(2021, 2, 1)
    assert moved[1].due_date == D(2021, 3, 1)
    # 2021-09-30 (Thursday) and 2021-06-30 (Wednesday) are working days: unchanged
    assert moved[8].due_date == D(2021, 9, 30)
    assert moved[5].due_date == D(2021, 6, 30)
