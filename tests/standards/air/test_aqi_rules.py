"""Edition rules of HJ 633-2012 / 2026: special cases, levels and colours, publishing, edition
switch. Expected values are hand-derived from the standards' text (PDFs in shared/reference)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from envplan.standards.air.aqi import aqi_level, daily_aqi, hourly_aqi, level_categories
from envplan.standards.air.rounding import round_gbt8170
from envplan.standards.air.rules import (
    AQI_LEVELS,
    GB3095_2012,
    GB3095_2026_FINAL,
    GB3095_2026_TRANSITIONAL,
    HJ633_2012,
    HJ633_2026,
    select_aqi_rules,
    select_limits,
)

NAN = float("nan")


def _hour(rules, **values):
    base = {"so2": 10, "no2": 10, "co": 0.5, "o3": 50, "pm10": 30, "pm25": 20}
    base.update(values)
    return hourly_aqi(**{k: np.array([v], dtype=float) for k, v in base.items()}, rules=rules)


def test_levels_categories_and_colours_of_appendix_a() -> None:
    aqi = np.array([0, 50, 51, 100, 101, 150, 151, 200, 201, 300, 301, 500, NAN])
    assert aqi_level(aqi).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 0]
    assert level_categories(aqi_level(aqi)).tolist()[:12:2] == [
        "优",
        "良",
        "轻度污染",
        "中度污染",
        "重度污染",
        "严重污染",
    ]
    # HJ 633-2012 Appendix A Table A.1 (RGB), same six colours in HJ 633-2026 Appendix A.
    assert [lv.rgb for lv in AQI_LEVELS] == [
        (0, 228, 0),
        (255, 255, 0),
        (255, 126, 0),
        (255, 0, 0),
        (153, 0, 76),
        (126, 0, 35),
    ]
    assert [lv.cmyk for lv in AQI_LEVELS][4] == (10, 100, 40, 30)
    assert AQI_LEVELS[5].hex == "#7E0023"


def test_so2_1h_above_800_2012_uses_24h_and_2026_gives_200() -> None:
    # 2012 Table 1 note (2): SO2 1-h 801 → sub-index of the 24-h mean (150 → 100).
    r2012 = hourly_aqi(
        so2=[801.0],
        no2=[10.0],
        co=[0.5],
        o3=[50.0],
        pm10=[30.0],
        pm25=[20.0],
        rules=HJ633_2012,
        so2_24h=[150.0],
    )
    assert r2012.iaqi["SO2"][0] == 100 and r2012.aqi[0] == 100
    assert np.isnan(_hour(HJ633_2012, so2=801).iaqi["SO2"][0])
    assert _hour(HJ633_2012, so2=800).iaqi["SO2"][0] == 200
    # 2026 Table 3 note b.
    assert _hour(HJ633_2026, so2=801).iaqi["SO2"][0] == 200
    assert _hour(HJ633_2026, so2=2000).aqi[0] == 200


def test_o3_8h_above_800_2012_no_subindex_2026_gives_300() -> None:
    common = {"so2": [10.0], "no2": [10.0], "co": [0.5], "pm10": [30.0], "pm25": [20.0]}
    r2012 = daily_aqi(**common, o3_8h_max=[801.0], o3_1h_max=[900.0], rules=HJ633_2012)
    assert np.isnan(r2012.iaqi["O3_8h"][0])
    assert r2012.iaqi["O3_1h"][0] == 350  # 300 + 100/200·(900 − 800)
    assert r2012.aqi[0] == 350 and r2012.primary[0] == "O3_1h"
    assert r2012.complete[0]
    r2026 = daily_aqi(**common, o3_8h_max=[801.0], o3_1h_max=[900.0], rules=HJ633_2026)
    assert r2026.iaqi["O3_8h"][0] == 300 and np.isnan(r2026.iaqi["O3_1h"][0])
    assert r2026.aqi[0] == 300


def test_above_top_breakpoint_is_capped_at_500() -> None:
    assert _hour(HJ633_2012, pm10=1045).aqi[0] == 500  # golden case 库尔勒市
    assert _hour(HJ633_2026, pm25=700).aqi[0] == 500


def test_hourly_o3_8h_does_not_enter_unless_given() -> None:
    # air-standards.md §1.4: 1001A 2022-06-15 16:00, O3-8h 106 (IAQI 55) ignored, AQI 46.
    kwargs = {
        "so2": [3.0],
        "no2": [13.0],
        "co": [0.7],
        "o3": [145.0],
        "pm10": [28.0],
        "pm25": [19.0],
    }
    assert hourly_aqi(**kwargs, rules=HJ633_2012).aqi[0] == 46
    with_8h = hourly_aqi(**kwargs, rules=HJ633_2012, o3_8h=[106.0])
    assert with_8h.aqi[0] == 55 and with_8h.primary[0] == "O3_8h"


@pytest.mark.parametrize(
    ("stats", "iaqis", "aqi", "primary", "exceeding"),
    [
        # air-standards.md §6.4 (PM2.5, PM10, SO2, NO2, CO, O3-8h max, O3-1h max).
        ((35, 50, 50, 40, 2.0, 100, 160), {"PM2.5": 50, "PM10": 50, "O3_1h": 50}, 50, "", ""),
        (
            (76, 120, 20, 45, 1.2, 110, 150),
            {"PM2.5": 102, "PM10": 85, "NO2": 57, "O3_8h": 59},
            102,
            "PM2.5",
            "PM2.5",
        ),
        ((116, 180, 10, 60, 1.6, 90, 120), {"PM2.5": 152, "PM10": 115}, 152, "PM2.5", "PM2.5,PM10"),
        ((40, 88, 8, 30, 0.8, 175, 230), {"O3_1h": 115, "O3_8h": 114}, 115, "O3_1h", "O3_1h,O3_8h"),
        (
            (520, 700, 30, 50, 3.0, 60, 90),
            {"PM2.5": 500, "PM10": 500},
            500,
            "PM2.5,PM10",
            "PM2.5,PM10",
        ),
    ],
)
def test_daily_aqi_cases_of_the_reference(stats, iaqis, aqi, primary, exceeding) -> None:
    pm25, pm10, so2, no2, co, o3_8h, o3_1h = ([float(v)] for v in stats)
    r = daily_aqi(
        so2=so2,
        no2=no2,
        co=co,
        pm10=pm10,
        pm25=pm25,
        o3_8h_max=o3_8h,
        o3_1h_max=o3_1h,
        rules=HJ633_2012,
    )
    for code, value in iaqis.items():
        assert r.iaqi[code][0] == value
    assert r.aqi[0] == aqi and r.primary[0] == primary and r.exceeding[0] == exceeding
    assert r.level[0] == aqi_level([aqi])[0]


def test_daily_2026_has_six_indicators_and_no_exceeding_concept() -> None:
    # Case 4 above under 2026: O3 1-h max no longer counts; O3 8-h 175 → 114.
    r = daily_aqi(
        so2=[8.0],
        no2=[30.0],
        co=[0.8],
        pm10=[88.0],
        pm25=[40.0],
        o3_8h_max=[175.0],
        o3_1h_max=[230.0],
        rules=HJ633_2026,
    )
    assert r.aqi[0] == 114 and r.primary[0] == "O3_8h" and r.exceeding[0] == ""
    # Without O3 1-h max the 2026 day is complete, the 2012 day is not.
    args = {
        "so2": [8.0],
        "no2": [30.0],
        "co": [0.8],
        "pm10": [88.0],
        "pm25": [40.0],
        "o3_8h_max": [175.0],
        "o3_1h_max": None,
    }
    assert daily_aqi(**args, rules=HJ633_2026).complete[0]
    assert not daily_aqi(**args, rules=HJ633_2012).complete[0]


def test_aqi_range_starts_at_1_in_2026() -> None:
    zeros = {k: 0.0 for k in ("so2", "no2", "co", "o3", "pm10", "pm25")}
    assert _hour(HJ633_2012, **zeros).aqi[0] == 0
    assert _hour(HJ633_2026, **zeros).aqi[0] == 1


def test_publishing_of_incomplete_hours() -> None:
    # HJ 633-2026 §5.3.1: AQI of an incomplete hour is published only when > 100.
    at_100 = _hour(HJ633_2026, co=NAN, o3=200)  # O3 1-h 200 → 100
    above = _hour(HJ633_2026, co=NAN, o3=201)
    assert (at_100.aqi[0], at_100.complete[0], at_100.published[0]) == (100, False, False)
    assert (above.aqi[0], above.published[0]) == (101, True)
    assert _hour(HJ633_2026, o3=50).published[0]
    # 2012: the MEE 2019 city table publishes incomplete hours from the available pollutants.
    assert _hour(HJ633_2012, co=NAN, o3=200).published[0]
    nothing = _hour(HJ633_2012, **{k: NAN for k in ("so2", "no2", "co", "o3", "pm10", "pm25")})
    assert np.isnan(nothing.aqi[0]) and not nothing.published[0] and nothing.level[0] == 0


def test_edition_switch_on_2026_03_01() -> None:
    assert select_aqi_rules(dt.date(2026, 2, 28)) is HJ633_2012
    assert select_aqi_rules(dt.date(2026, 3, 1)) is HJ633_2026
    assert select_aqi_rules(dt.date(2021, 6, 1)) is HJ633_2012
    assert select_aqi_rules(dt.date(2030, 1, 1), code="HJ633-2012") is HJ633_2012
    with pytest.raises(ValueError, match="未知的 AQI 规则版本"):
        select_aqi_rules(code="hj633-2020")
    assert select_limits(dt.date(2026, 2, 28)) is GB3095_2012
    assert select_limits(dt.date(2026, 3, 1)) is GB3095_2026_TRANSITIONAL
    assert select_limits(dt.date(2030, 12, 31)) is GB3095_2026_TRANSITIONAL
    assert select_limits(dt.date(2031, 1, 1)) is GB3095_2026_FINAL


def test_gb3095_limits_of_the_tables() -> None:
    # GB 3095-2012 Table 1 and GB 3095-2026 Table 1 (transitional / final, level 2 and 1).
    assert GB3095_2012.limit("PM2.5", "annual") == 35 and GB3095_2012.limit("PM2.5", "24h", 1) == 35
    assert GB3095_2026_TRANSITIONAL.limit("PM2.5", "annual") == 30
    assert GB3095_2026_TRANSITIONAL.limit("PM10", "24h") == 120
    assert (
        GB3095_2026_FINAL.limit("PM2.5", "24h") == 50
        and GB3095_2026_FINAL.limit("PM2.5", "annual", 1) == 10
    )
    assert (
        GB3095_2026_FINAL.limit("SO2", "1h") == 150
        and GB3095_2026_FINAL.limit("NO2", "annual") == 30
    )
    assert GB3095_2012.limit("O3", "8h_max_day") == 160 and GB3095_2012.limit("CO", "24h") == 4
    assert GB3095_2012.limit("CO", "annual") is None


def test_gbt8170_round_half_even_on_decimal_value() -> None:
    # GB/T 8170-2008 §3.2 examples: 5 followed by nothing → even; 5 followed by digits → up.
    assert round_gbt8170([2.675, 2.665, 1.0501, 0.25, 0.35, 12.5, 13.5], 2).tolist()[:3] == [
        2.68,
        2.66,
        1.05,
    ]
    assert round_gbt8170([0.25, 0.35, 1.05001], 1).tolist() == [0.2, 0.4, 1.1]
    assert round_gbt8170([12.5, 13.5, 14.49], 0).tolist() == [12.0, 14.0, 14.0]
    assert np.isnan(round_gbt8170([NAN], 0)[0])
