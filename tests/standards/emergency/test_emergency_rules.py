"""Warning rule sets and guide measures (环办大气函〔2019〕648号, 环办大气函〔2020〕340号).

Expected levels are read off the 648号 table as reproduced in the reference notes (§5.1):
yellow = AQI > 200 for ≥ 2 days; orange ≥ 3 days; red ≥ 4 days with AQI > 300 on ≥ 2 of them,
or AQI reaching 500.
"""

from __future__ import annotations

import datetime as dt

import pytest

from envplan.standards.emergency import (
    MINIMUM_SHARES,
    RULE_SETS,
    assess,
    resolve_measure,
)

W2019 = RULE_SETS["warning-2019"]
O3 = RULE_SETS["o3-seed-25"]


def _days(n: int) -> list[dt.date]:
    return [dt.date(2021, 1, 1) + dt.timedelta(days=i) for i in range(n)]


def _level(aqi: list[float]) -> str:
    return assess(_days(len(aqi)), aqi, W2019).level


@pytest.mark.parametrize(
    ("aqi", "level"),
    [
        ([210, 220, 150], "yellow"),  # acceptance
        ([250, 310, 320, 260], "red"),  # acceptance
        ([120, 130], "none"),  # acceptance
        # heavy threshold AQI > 200: at 200 it does not count, just above it does
        ([200, 200, 200, 200], "none"),
        ([201, 201], "yellow"),
        ([200, 201], "none"),
        # yellow days = 2: one day below, two at, three above (orange)
        ([250], "none"),
        ([250, 250], "yellow"),
        ([250, 250, 250], "orange"),
        # orange days = 3, red days = 4 with severe days = 2 (AQI > 300)
        ([250, 301, 301], "orange"),  # 3 days only, though 2 severe
        ([250, 301, 300, 250], "orange"),  # 300 is not > 300: one severe day
        ([250, 301, 301, 250], "red"),  # at: 4 days, 2 severe
        ([250, 301, 301, 301, 250], "red"),  # above
        ([250, 250, 250, 250], "orange"),  # 4 days, no severe day
        # AQI reaching 500: red on its own; 499 is a 1-day heavy episode
        ([500], "red"),
        ([499], "none"),
        # a break below 201 splits episodes
        ([250, 250, 150, 250, 250], "yellow"),
    ],
)
def test_2019_thresholds(aqi: list[float], level: str) -> None:
    assert _level(aqi) == level


def test_response_window_is_the_episode() -> None:
    result = assess(_days(5), [150, 250, 310, 320, 260], W2019)
    assert (result.level, result.start, result.end) == (
        "red",
        dt.date(2021, 1, 2),
        dt.date(2021, 1, 5),
    )
    assert (result.heavy_days, result.severe_days) == (4, 2)


def test_o3_rule_set_counts_only_ozone_days() -> None:
    days = _days(2)
    assert assess(days, [250, 260], O3, ["臭氧8小时", "细颗粒物(PM2.5)"]).level == "none"
    assert assess(days, [250, 260], O3, ["臭氧8小时", "臭氧8小时"]).level == "yellow"
    with pytest.raises(ValueError, match="首要污染物"):
        assess(days, [250, 260], O3, None)


def test_minimum_shares_are_10_20_30_percent() -> None:
    assert MINIMUM_SHARES == {"yellow": 0.10, "orange": 0.20, "red": 0.30}


@pytest.mark.parametrize("grade", ["A", "引领性"])
@pytest.mark.parametrize("level", ["yellow", "orange", "red"])
def test_a_and_leading_carry_no_mandatory_cut(grade: str, level: str) -> None:
    measure = resolve_measure("水泥", grade, level, (0.5, "自定限产50%"))
    assert measure.cut_share == 0.0 and measure.basis == "self"
    assert "自主" in measure.text


@pytest.mark.parametrize(
    ("grade", "level", "cut"),
    [  # 2020 guide, 水泥熟料: B 黄色不限产/橙色限产20%/红色停产; C 黄色停产50%/橙色及以上停产; D 停产
        ("B", "yellow", 0.0),
        ("B", "orange", 0.20),
        ("B", "red", 1.0),
        ("C", "yellow", 0.50),
        ("C", "orange", 1.0),
        ("D", "yellow", 1.0),
    ],
)
def test_cement_table(grade: str, level: str, cut: float) -> None:
    assert resolve_measure("水泥", grade, level, None).cut_share == cut


def test_own_measure_weaker_than_guide_is_flagged_and_guide_applies() -> None:
    measure = resolve_measure("水泥", "C", "yellow", (0.3, "限产30%"))
    assert measure.cut_share == 0.5 and measure.notes
    stricter = resolve_measure("水泥", "B", "orange", (0.4, "限产40%"))
    assert (stricter.cut_share, stricter.basis) == (0.4, "own")


def test_missing_measure_is_flagged() -> None:
    measure = resolve_measure("铸造", "B", "red", None)
    assert measure.cut_share == 0.0 and measure.basis == "missing"
