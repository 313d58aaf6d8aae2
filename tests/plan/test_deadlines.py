"""Deadline parsing: every form named in the issue, plus the failure mode."""

from __future__ import annotations

from datetime import date

import pytest

from envplan.plan import DeadlineParseError, parse_deadline


@pytest.mark.parametrize(
    ("raw", "due"),
    [
        ("2021年4月底前", date(2021, 4, 30)),
        ("2021 年 2 月底前", date(2021, 2, 28)),
        ("年底前", date(2021, 12, 31)),
        ("2021年底前", date(2021, 12, 31)),
        ("4月上旬", date(2021, 4, 10)),
        ("2021年4月中旬", date(2021, 4, 20)),
        ("2021年4月下旬", date(2021, 4, 30)),
        ("2021年6月底", date(2021, 6, 30)),
        ("2022年6月底", date(2022, 6, 30)),
        ("2021年12月底 投入运行", date(2021, 12, 31)),
        ("2021年完成 主体工程", date(2021, 12, 31)),
        ("3月份完成", date(2021, 3, 31)),
    ],
)
def test_by_date(raw: str, due: date) -> None:
    deadline = parse_deadline(raw)
    assert (deadline.kind, deadline.due, deadline.raw) == ("by_date", due, raw)


def test_plan_year_applies_to_dates_without_a_year() -> None:
    assert parse_deadline("年底前", plan_year=2022).due == date(2022, 12, 31)
    assert parse_deadline("4月上旬", plan_year=2020).due == date(2020, 4, 10)


@pytest.mark.parametrize(
    ("raw", "start"),
    [
        ("2021年7月1日起", date(2021, 7, 1)),
        ("2021 年 10 月 1 日起", date(2021, 10, 1)),
        ("2021年4月起", date(2021, 4, 1)),
        ("2022年起", date(2022, 1, 1)),
    ],
)
def test_from_date(raw: str, start: date) -> None:
    deadline = parse_deadline(raw)
    assert (deadline.kind, deadline.start) == ("from_date", start)


def test_window() -> None:
    deadline = parse_deadline("2021年5—9月")
    assert (deadline.kind, deadline.start, deadline.end) == (
        "window",
        date(2021, 5, 1),
        date(2021, 9, 30),
    )


@pytest.mark.parametrize(
    ("raw", "frequency"),
    [
        ("每季度开展一次", "quarterly"),
        ("按季度", "quarterly"),
        ("每月", "monthly"),
        ("按月通报", "monthly"),
    ],
)
def test_recurring(raw: str, frequency: str) -> None:
    deadline = parse_deadline(raw)
    assert (deadline.kind, deadline.frequency) == ("recurring", frequency)


def test_long_term() -> None:
    assert parse_deadline("长期坚持").kind == "long_term"


def test_none_for_empty_cells() -> None:
    assert parse_deadline(None).kind == "none"
    assert parse_deadline("").kind == "none"


def test_three_milestones() -> None:
    deadline = parse_deadline("2021年4月底前完成排查，6月底前制定方案，年底前完成整治")
    assert deadline.kind == "milestones"
    assert [(m.due, m.label) for m in deadline.milestones] == [
        (date(2021, 4, 30), "完成排查"),
        (date(2021, 6, 30), "制定方案"),
        (date(2021, 12, 31), "完成整治"),
    ]
    assert deadline.latest_due() == date(2021, 12, 31)
    assert deadline.earliest_due() == date(2021, 4, 30)


def test_year_carries_over_between_steps() -> None:
    deadline = parse_deadline("2022年3月底前启动，6月底前完成")
    assert [m.due for m in deadline.milestones] == [date(2022, 3, 31), date(2022, 6, 30)]


def test_a_year_of_report_is_not_a_deadline() -> None:
    # "2020年度清洁生产审核" names a report year, not a due date.
    deadline = parse_deadline("2021年3月底前，完成2020年度清洁生产审核评估工作")
    assert (deadline.kind, deadline.due) == ("by_date", date(2021, 3, 31))


def test_unknown_wording_is_refused() -> None:
    with pytest.raises(DeadlineParseError):
        parse_deadline("尽快完成")
