"""The calendar month as a value: one parser for every use case that takes a month.

``Month.parse("2021-06")`` is the only place a month typed by a user (CLI option, query
parameter, form field) becomes a value; a bad text raises :class:`MonthError` (a ``ValueError``
with a zh-CN message). Use cases take a ``Month`` and never re-parse text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH_TEXT = re.compile(r"(\d{4})-(\d{1,2})")


class MonthError(ValueError):
    """A month text that is not ``YYYY-MM`` (zh-CN message)."""


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month (``year``, ``month`` 1–12); ``str(Month)`` is ``"2021-06"``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 2999:
            raise MonthError(f"月份超出范围：{self.year}-{self.month:02d}")

    @classmethod
    def parse(cls, value: str | dt.date | Month) -> Month:
        """``"2021-06"`` (or ``"2021-6"``), a date (its month) or a ``Month`` → ``Month``."""
        if isinstance(value, Month):
            return value
        if isinstance(value, dt.date):
            return cls(value.year, value.month)
        match = _MONTH_TEXT.fullmatch(str(value).strip())
        if match is None:
            raise MonthError(f"月份格式应为 YYYY-MM（如 2021-06），收到“{value}”")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise MonthError(f"月份格式应为 YYYY-MM（如 2021-06，月份 01–12），收到“{value}”")
        return cls(year, month)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def first(self) -> dt.date:
        """The first day of the month."""
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        """The last day of the month."""
        return self.next().first - dt.timedelta(days=1)

    def bounds(self) -> tuple[dt.date, dt.date]:
        """(first day, last day)."""
        return self.first, self.last

    def next(self) -> Month:
        """The following month."""
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        """The preceding month."""
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def same_month_last_year(self) -> Month:
        """The same month one year earlier."""
        return Month(self.year - 1, self.month)

    @property
    def label(self) -> str:
        """zh-CN label: ``2021年6月``."""
        return f"{self.year}年{self.month}月"

    @property
    def ytd_label(self) -> str:
        """zh-CN label of January to this month: ``2021年1—6月`` (``2021年1月`` for January)."""
        return f"{self.year}年1—{self.month}月" if self.month > 1 else self.label
