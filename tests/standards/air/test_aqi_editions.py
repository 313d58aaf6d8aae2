"""Which HJ 633 edition scores which row (``aqi_rules_by_day``).

Expected editions come from the standards' own dates, written here by hand: HJ 633-2012 applies
from 2016-01-01 (its implementation date) up to 2026-02-28, HJ 633-2026 from 2026-03-01 (the
implementation date of HJ 633-2026); days before 2016 are recomputed under HJ 633-2012.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from envplan.standards.air.rules import aqi_rules_by_day
from envplan.standards.air.statistics import hour_label_day

D = dt.date


def _codes(days: list[dt.date]) -> list[tuple[str, object]]:
    parts = aqi_rules_by_day(pl.Series(days, dtype=pl.Date))
    return [(rules.code, None if index is None else index.tolist()) for rules, index in parts]


def test_rows_on_both_sides_of_2026_03_01_split_by_position() -> None:
    days = [D(2026, 3, 2), D(2026, 2, 28), D(2025, 12, 31), D(2026, 3, 1), D(2026, 2, 27)]
    # 2012 rows: 2026-02-28 (pos 1), 2025-12-31 (pos 2), 2026-02-27 (pos 4); 2026 rows: 0 and 3.
    assert _codes(days) == [("hj633-2012", [1, 2, 4]), ("hj633-2026", [0, 3])]


def test_one_edition_covers_every_row() -> None:
    assert _codes([D(2021, 1, 1), D(2021, 12, 31), D(2016, 1, 1)]) == [("hj633-2012", None)]
    assert _codes([D(2026, 3, 1), D(2031, 7, 1)]) == [("hj633-2026", None)]
    # The last day of HJ 633-2012 and the first of HJ 633-2026, alone.
    assert _codes([D(2026, 2, 28)]) == [("hj633-2012", None)]
    assert _codes([D(2026, 3, 1)]) == [("hj633-2026", None)]


def test_days_before_2016_take_hj633_2012() -> None:
    assert _codes([D(2015, 6, 1), D(2026, 5, 1)]) == [("hj633-2012", [0]), ("hj633-2026", [1])]
    assert _codes([D(2013, 1, 1), D(2015, 12, 31)]) == [("hj633-2012", None)]


def test_empty_rows_default_to_hj633_2012() -> None:
    assert _codes([]) == [("hj633-2012", None)]


def test_hour_end_label_of_midnight_belongs_to_the_day_before() -> None:
    # Hour-end labels: 2026-03-01 00:00 closes the 24th hour of 2026-02-28 (HJ 633-2012 §5.1.2),
    # so only 2026-03-01 01:00 is the first hour scored under HJ 633-2026.
    labels = pl.Series(
        [dt.datetime(2026, 2, 28, 23), dt.datetime(2026, 3, 1, 0), dt.datetime(2026, 3, 1, 1)]
    )
    days = pl.select(hour_label_day(pl.lit(labels))).to_series()
    parts = aqi_rules_by_day(days)
    assert [(r.code, None if i is None else i.tolist()) for r, i in parts] == [
        ("hj633-2012", [0, 1]),
        ("hj633-2026", [2]),
    ]
