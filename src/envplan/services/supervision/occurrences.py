"""Turn a task's structured deadline into concrete, dated occurrences for the plan year.

Rules (documented in docs/supervision.md, one line per deadline kind):

- by_date     one occurrence, due on the date;
- from_date   a monthly progress report from the start month to the end of the plan year
              ("2021年4月起…" is a standing duty from then on);
- window      a monthly report for every month of the window ("2021年5—9月"), or one per quarter
              when the deadline says quarterly; due at the month (quarter) end, capped at the
              window end;
- recurring   "每季度开展一次": four quarterly occurrences; monthly: twelve;
- long_term   "长期坚持": a monthly report, twelve per year;
- milestones  one occurrence per milestone ("4月底前排查，6月底前制定方案，年底前完成整治": three);
- none        no written deadline: treated as a standing duty, twelve monthly reports.

by_date and milestones may also carry a frequency ("按季度实施水质监测"): the recurring reports
are added to the dated ones. Each occurrence's ``due_date`` follows the non-working-day rule;
``nominal_due`` keeps the date as written.
"""

from __future__ import annotations

import calendar as _month_calendar
import datetime as dt
from dataclasses import dataclass

from envplan.plan import Deadline
from envplan.services.calendar import NonWorkingDeadline, WorkingCalendar


@dataclass(frozen=True)
class OccurrenceSpec:
    """One dated occurrence of a task's deadline: sequence number, kind (``once``, ``monthly``,
    ``quarterly``, ``milestone``), zh-CN label, period start, nominal and working-day due dates.
    """

    seq: int
    kind: str  # once | monthly | quarterly | milestone
    label: str  # zh-CN, shown in lists and ledgers
    period_start: dt.date
    nominal_due: dt.date
    due_date: dt.date


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month."""
    return dt.date(year, month, _month_calendar.monthrange(year, month)[1])


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _monthly(start: dt.date, end: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    rows = []
    for year, month in _months(start, end):
        first = dt.date(year, month, 1)
        rows.append(
            (
                "monthly",
                f"{year}年{month}月进展",
                max(first, start),
                min(month_end(year, month), end),
            )
        )
    return rows


def _quarterly(start: dt.date, end: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    rows = []
    for year in range(start.year, end.year + 1):
        for quarter in range(1, 5):
            q_start = dt.date(year, 3 * quarter - 2, 1)
            q_end = month_end(year, 3 * quarter)
            if q_end < start or q_start > end:
                continue
            rows.append(
                ("quarterly", f"{year}年第{quarter}季度", max(q_start, start), min(q_end, end))
            )
    return rows


def _series(
    frequency: str | None, start: dt.date, end: dt.date
) -> list[tuple[str, str, dt.date, dt.date]]:
    return _quarterly(start, end) if frequency == "quarterly" else _monthly(start, end)


def expand_deadline(
    deadline: Deadline,
    plan_year: int,
    *,
    calendar: WorkingCalendar | None = None,
    non_working: NonWorkingDeadline = NonWorkingDeadline.KEEP,
) -> list[OccurrenceSpec]:
    """Concrete occurrences of one deadline for ``plan_year``, ordered by due date."""
    cal = calendar or WorkingCalendar()
    year_start = dt.date(plan_year, 1, 1)
    year_end = dt.date(plan_year, 12, 31)
    raw = (deadline.raw or "").strip()
    rows: list[tuple[str, str, dt.date, dt.date]] = []
    kind = deadline.kind

    if kind == "by_date" and deadline.due is not None:
        rows.append(("once", raw or f"{deadline.due.isoformat()} 前完成", year_start, deadline.due))
        if deadline.frequency:
            rows.extend(_series(deadline.frequency, year_start, year_end))
    elif kind == "from_date" and deadline.start is not None:
        if deadline.start.year > plan_year:
            rows.append(
                ("once", raw or f"{deadline.start.isoformat()} 起", year_start, deadline.start)
            )
        else:
            rows.extend(_series(deadline.frequency, max(deadline.start, year_start), year_end))
    elif kind == "window" and deadline.start is not None and deadline.end is not None:
        rows.extend(_series(deadline.frequency, deadline.start, deadline.end))
    elif kind == "recurring":
        rows.extend(_series(deadline.frequency, year_start, year_end))
    elif kind == "milestones" and deadline.milestones:
        previous = year_start
        for milestone in sorted(deadline.milestones, key=lambda m: m.due):
            label = milestone.label or milestone.raw
            rows.append(("milestone", label, min(previous, milestone.due), milestone.due))
            previous = milestone.due + dt.timedelta(days=1)
        if deadline.frequency:
            rows.extend(_series(deadline.frequency, year_start, year_end))
    else:  # long_term, none, or a kind whose dates are missing: a standing duty
        rows.extend(_series(deadline.frequency, year_start, year_end))

    rows.sort(key=lambda row: (row[3], row[0] != "once", row[1]))
    return [
        OccurrenceSpec(
            seq=index,
            kind=row_kind,
            label=label,
            period_start=period_start,
            nominal_due=due,
            due_date=cal.adjust_deadline(due, non_working),
        )
        for index, (row_kind, label, period_start, due) in enumerate(rows, start=1)
    ]
