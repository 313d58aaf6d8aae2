"""Working days on the Chinese official calendar (statutory holidays and make-up working days).

Backed by the maintained ``chinesecalendar`` package, which encodes each year's State Council
holiday notice (e.g. 2021: 2021-09-18 and 2021-10-09 were working Saturdays; 2021-10-01…07 off).
Rules that count working days (13710 clock, escalation, "at risk") go through
:class:`WorkingCalendar`; a deadline that falls on a non-working day is either kept or moved to the
next working day (:class:`NonWorkingDeadline`).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import lru_cache

import chinese_calendar


class NonWorkingDeadline(StrEnum):
    KEEP = "keep"  # the written date stands even on a Sunday or holiday
    NEXT_WORKING_DAY = "next_working_day"  # moves to the next working day


class CalendarOutOfRange(ValueError):
    pass


@lru_cache(maxsize=4096)
def is_working_day(day: dt.date) -> bool:
    """True on an official working day (make-up Saturdays included, holidays excluded)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:
        raise CalendarOutOfRange(
            f"工作日历未覆盖 {day.isoformat()}（chinesecalendar 包只收录已公布的年份）"
        ) from exc


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
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if is_working_day(start + dt.timedelta(days=offset))
        )

    def adjust_deadline(self, day: dt.date, rule: NonWorkingDeadline) -> dt.date:
        if rule is NonWorkingDeadline.KEEP:
            return day
        try:
            return self.next_working_day(day)
        except CalendarOutOfRange:
            # Years not yet published (e.g. a 2025 deadline): keep the written date.
            return day
