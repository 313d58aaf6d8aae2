"""Working days on the Chinese official calendar (statutory holidays and make-up working days).

Backed by the maintained ``chinesecalendar`` package, which encodes each year's State Council
holiday notice (e.g. 2021: 2021-09-18 and 2021-10-09 were working Saturdays; 2021-10-01…07 off).
Rules that count working days (13710 clock, escalation, "at risk") go through
:class:`WorkingCalendar`; a deadline that falls on a non-working day is either kept or moved to the
next working day (:class:`NonWorkingDeadline`).

Years the package does not cover yet (the State Council publishes each year's arrangement in
the autumn before; chinesecalendar 1.11 covers 2004–2026) count Monday–Friday as working days,
so that evaluating old items "as of" a later date never fails; update the package each year.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import lru_cache

import chinese_calendar
import numpy as np


class NonWorkingDeadline(StrEnum):
    KEEP = "keep"  # the written date stands even on a Sunday or holiday
    NEXT_WORKING_DAY = "next_working_day"  # moves to the next working day


# Statutory days off that fall on Monday–Friday, and make-up working days on weekends, as sorted
# day numbers: working days in a range = numpy business days − the former + the latter.
_OFF_WEEKDAYS = np.array(
    sorted(d for d in chinese_calendar.constants.holidays if d.weekday() < 5), dtype="datetime64[D]"
)
_WORKING_WEEKENDS = np.array(
    sorted(d for d in chinese_calendar.constants.workdays if d.weekday() >= 5),
    dtype="datetime64[D]",
)


@lru_cache(maxsize=8192)
def is_working_day(day: dt.date) -> bool:
    """True on an official working day (make-up Saturdays included, holidays excluded)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5  # year not published in the package: Monday–Friday


class WorkingCalendar:
    """Working-day arithmetic. Stateless; one instance can be shared."""

    def is_working_day(self, day: dt.date) -> bool:
        return is_working_day(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, otherwise the first working day after it."""
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (``day`` itself not counted); count >= 0.

        add_working_days(d, 0) is ``d`` when it is a working day, else the next working day.
        """
        if count < 0:
            raise ValueError("count must be >= 0")
        if count == 0:
            return self.next_working_day(day)
        current = day
        remaining = count
        while remaining:
            current += dt.timedelta(days=1)
            if is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end] — 0 when end <= start. "How many working days late"."""
        if end <= start:
            return 0
        first = np.datetime64(start + dt.timedelta(days=1), "D")
        stop = np.datetime64(end + dt.timedelta(days=1), "D")  # busday_count excludes the end
        weekdays = int(np.busday_count(first, stop, holidays=_OFF_WEEKDAYS))
        make_up = int(
            np.searchsorted(_WORKING_WEEKENDS, stop) - np.searchsorted(_WORKING_WEEKENDS, first)
        )
        return weekdays + make_up

    def adjust_deadline(self, day: dt.date, rule: NonWorkingDeadline) -> dt.date:
        if rule is NonWorkingDeadline.KEEP:
            return day
        return self.next_working_day(day)
