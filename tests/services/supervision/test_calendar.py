"""Working-day calendar. Expected values from the State Council holiday notices
(国办发明电〔2020〕27号 for 2021): Spring Festival 2-11…2-17 off, make-up days 2-07 (Sun) and
2-20 (Sat); Labour Day 5-01…5-05 off, make-up 4-25 (Sun) and 5-08 (Sat); Mid-Autumn 9-19…9-21 off,
make-up 9-18 (Sat); National Day 10-01…10-07 off, make-up 9-26 (Sun) and 10-09 (Sat)."""

import datetime as dt

import pytest

from envplan.services.calendar import NonWorkingDeadline, WorkingCalendar

D = dt.date
cal = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2021, 9, 18), True),  # Saturday, make-up working day
        (D(2021, 10, 9), True),  # Saturday, make-up working day
        (D(2021, 9, 26), True),  # Sunday, make-up working day
        (D(2021, 2, 7), True),  # Sunday, make-up working day
        (D(2021, 10, 1), False),  # National Day
        (D(2021, 10, 7), False),
        (D(2021, 2, 12), False),  # Spring Festival
        (D(2021, 5, 4), False),  # Labour Day holiday on a Tuesday
        (D(2021, 6, 14), False),  # Dragon Boat Festival (Monday)
        (D(2021, 9, 25), False),  # ordinary Saturday
        (D(2021, 6, 30), True),  # ordinary Wednesday
    ],
)
def test_official_2021_calendar(day: dt.date, working: bool) -> None:
    assert cal.is_working_day(day) is working


def test_deadline_on_non_working_day_keep_or_move() -> None:
    # 2021-10-01 is a holiday; next working day after the National Day week is Friday 10-08
    assert cal.adjust_deadline(D(2021, 10, 1), NonWorkingDeadline.KEEP) == D(2021, 10, 1)
    assert cal.adjust_deadline(D(2021, 10, 1), NonWorkingDeadline.NEXT_WORKING_DAY) == D(
        2021, 10, 8
    )
    # Saturday 2021-07-31 → Monday 2021-08-02; Sunday 2021-10-31 → Monday 2021-11-01
    assert cal.adjust_deadline(D(2021, 7, 31), NonWorkingDeadline.NEXT_WORKING_DAY) == D(2021, 8, 2)
    assert cal.adjust_deadline(D(2021, 10, 31), NonWorkingDeadline.NEXT_WORKING_DAY) == D(
        2021, 11, 1
    )
    # a make-up Saturday is a working day: the deadline stays
    assert cal.adjust_deadline(D(2021, 9, 18), NonWorkingDeadline.NEXT_WORKING_DAY) == D(
        2021, 9, 18
    )


def test_working_day_arithmetic_across_make_up_days() -> None:
    # From Friday 2021-09-17: Sat 9-18 (make-up, 1), Sun–Tue 9-19…21 holiday, Wed 9-22 (2), Thu (3)
    assert cal.add_working_days(D(2021, 9, 17), 3) == D(2021, 9, 23)
    # From Thursday 2021-09-30: 10-01…07 holiday, Fri 10-08 (1), Sat 10-09 (2), Mon 10-11 (3)
    assert cal.add_working_days(D(2021, 9, 30), 3) == D(2021, 10, 11)
    # 7 working days from Mon 2021-06-07: 8,9,10,11 (4), Mon 6-14 Dragon Boat off, 15,16,17 (7)
    assert cal.add_working_days(D(2021, 6, 7), 7) == D(2021, 6, 17)
    assert cal.working_days_between(D(2021, 9, 30), D(2021, 10, 11)) == 3
    assert cal.working_days_between(D(2021, 10, 11), D(2021, 9, 30)) == 0


def test_working_days_between_matches_day_by_day_count() -> None:
    # 2021 had 250 official working days (the published figure: 365 − 104 weekend days − 11
    # statutory holidays on weekdays… net of make-up days); vectorised count = day-by-day count.
    expected = sum(
        1 for n in range(1, 366) if cal.is_working_day(D(2020, 12, 31) + dt.timedelta(days=n))
    )
    assert cal.working_days_between(D(2020, 12, 31), D(2021, 12, 31)) == expected == 250


def test_unpublished_year_counts_monday_to_friday() -> None:
    assert cal.is_working_day(D(2027, 6, 7))  # a Monday
    assert not cal.is_working_day(D(2027, 6, 5))  # a Saturday
    assert cal.working_days_between(D(2027, 6, 4), D(2027, 6, 11)) == 5
