"""GB 3838-2002 tables 1-3: every limit at, just inside and just outside.

The limits below are typed again from the scan of the standard (Table 1 on page 2, Tables 2-3 on
pages 3-4 of GB 3838-2002), independently of ``envplan.standards.water.gb3838``. Expected classes
follow the rule of the reference (§1.3): the best class whose limit is met; equal limits → better
class; nothing met → 劣Ⅴ.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from envplan.standards.water.classify import (
    drinking_source_limit_met,
    exceedance_multiple,
    indicator_class,
    non_detect_value,
    round_half_even,
)

LE_TABLE_1 = {
    "codmn": (2, 4, 6, 10, 15),
    "cod": (15, 15, 20, 30, 40),
    "bod5": (3, 3, 4, 6, 10),
    "nh3n": (0.15, 0.5, 1.0, 1.5, 2.0),
    "tp": (0.02, 0.1, 0.2, 0.3, 0.4),
    "tn": (0.2, 0.5, 1.0, 1.5, 2.0),
    "cu": (0.01, 1.0, 1.0, 1.0, 1.0),
    "zn": (0.05, 1.0, 1.0, 2.0, 2.0),
    "fluoride": (1.0, 1.0, 1.0, 1.5, 1.5),
    "se": (0.01, 0.01, 0.01, 0.02, 0.02),
    "as": (0.05, 0.05, 0.05, 0.1, 0.1),
    "hg": (0.00005, 0.00005, 0.0001, 0.001, 0.001),
    "cd": (0.001, 0.005, 0.005, 0.005, 0.01),
    "cr6": (0.01, 0.05, 0.05, 0.05, 0.1),
    "pb": (0.01, 0.01, 0.05, 0.05, 0.1),
    "cyanide": (0.005, 0.05, 0.2, 0.2, 0.2),
    "volatile_phenol": (0.002, 0.002, 0.005, 0.01, 0.1),
    "petroleum": (0.05, 0.05, 0.05, 0.5, 1.0),
    "las": (0.2, 0.2, 0.2, 0.3, 0.3),
    "sulfide": (0.05, 0.1, 0.2, 0.5, 1.0),
    "fecal_coliform": (200, 2000, 10000, 20000, 40000),
}
TP_LAKE = (0.01, 0.025, 0.05, 0.1, 0.2)
DO_LIMITS = (7.5, 6, 5, 3, 2)


def _le_cases() -> list[tuple[str, float, int, bool]]:
    cases = []
    for item, limits in LE_TABLE_1.items():
        for k, limit in enumerate(limits, start=1):
            best = limits.index(limit) + 1  # equal limits resolve to the better class
            above = next((j for j, lim in enumerate(limits, start=1) if lim > limit), 6)
            cases.append((item, limit, best, False))
            cases.append((item, limit * (1 - 1e-6), best, False))
            cases.append((item, limit * (1 + 1e-6), above, False))
            del k
    for k, limit in enumerate(TP_LAKE, start=1):
        cases.append(("tp", limit, k, True))
        cases.append(("tp", limit * (1 - 1e-6), k, True))
        cases.append(("tp", limit * (1 + 1e-6), k + 1, True))
    return cases


@pytest.mark.parametrize(("item", "value", "expected", "lake"), _le_cases())
def test_le_limits(item: str, value: float, expected: int, lake: bool) -> None:
    got = indicator_class(item, [value], lake=lake, round_values=False)
    assert int(got[0]) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7.5, 1), (7.4999, 2), (6.0, 2), (5.9999, 3), (5.0, 3), (4.9999, 4),
        (3.0, 4), (2.9999, 5), (2.0, 5), (1.9999, 6), (12.0, 1), (0.0, 6),
    ],
)  # fmt: skip
def test_dissolved_oxygen_ge(value: float, expected: int) -> None:
    assert int(indicator_class("do", [value], round_values=False)[0]) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(6.0, 1), (5.9999, 6), (9.0, 1), (9.0001, 6), (7.0, 1), (10.13, 6)],
)
def test_ph_range(value: float, expected: int) -> None:
    assert int(indicator_class("ph", [value], round_values=False)[0]) == expected


def test_hand_read_examples() -> None:
    # reference §1.3: COD 12 is class Ⅰ (shared 15/15 limit); Cu 1.0 is Ⅱ; Hg 0.00005 is Ⅰ.
    assert indicator_class("cod", [12.0])[0] == 1
    assert indicator_class("cu", [1.0])[0] == 2
    assert indicator_class("hg", [0.00005])[0] == 1
    assert indicator_class("water_temperature", [30.0])[0] == 0
    assert indicator_class("nh3n", [math.nan])[0] == 0


def test_tp_river_versus_lake() -> None:
    # 0.03 mg/L: river column Ⅱ (0.02 < 0.03 ≤ 0.1), lake column Ⅲ (0.025 < 0.03 ≤ 0.05).
    got = indicator_class("tp", [0.03, 0.03], lake=np.array([False, True]))
    assert got.tolist() == [2, 3]


@pytest.mark.parametrize(
    ("item", "raw", "expected"),
    [
        ("nh3n", 1.004, 3),  # → 1.00
        ("nh3n", 1.005, 3),  # → 1.00 (five followed by nothing: to even)
        ("nh3n", 1.015, 4),  # → 1.02
        ("codmn", 4.05, 2),  # → 4.0
        ("codmn", 4.15, 3),  # → 4.2
        ("tp", 0.2004, 3),  # → 0.200
        ("ph", 9.4, 1),  # → 9
        ("ph", 9.5, 6),  # → 10 (9.5 to even)
        ("ph", 5.5, 1),  # → 6 (5.5 to even)
    ],
)
def test_rounding_before_classing(item: str, raw: float, expected: int) -> None:
    assert int(indicator_class(item, [raw], round_values=True)[0]) == expected


def test_round_half_even_gbt8170() -> None:
    # GB/T 8170-2008 examples: 四舍六入五成双.
    got = round_half_even([0.125, 0.135, 0.1251, 2.5, 3.5, 1.05], 2)
    assert got.tolist() == [0.12, 0.14, 0.13, 2.5, 3.5, 1.05]
    assert round_half_even([2.5, 3.5, -2.5], 0).tolist() == [2.0, 4.0, -2.0]
    # A positive value that rounds to 0 keeps one significant figure.
    assert round_half_even([0.0004], 3).tolist() == [0.0004]


def test_non_detect_is_half_the_detection_limit() -> None:
    assert non_detect_value([0.05, 0.01]).tolist() == [0.025, 0.005]


def test_exceedance_multiple_against_class_iii() -> None:
    # reference W1: NH3-N 2.3 → 1.3; TP 0.35 river → 0.75; CODMn 7.5 → 0.25; COD 22 → 0.10.
    assert exceedance_multiple("nh3n", [2.3])[0] == pytest.approx(1.3)
    assert exceedance_multiple("tp", [0.35])[0] == pytest.approx(0.75)
    assert exceedance_multiple("codmn", [7.5])[0] == pytest.approx(0.25)
    assert exceedance_multiple("cod", [22.0])[0] == pytest.approx(0.10)
    # TP in a lake against 0.05: 0.08 → 0.6
    assert exceedance_multiple("tp", [0.08], lake=True)[0] == pytest.approx(0.6)
    assert np.isnan(exceedance_multiple("do", [1.0])[0])
    assert np.isnan(exceedance_multiple("nh3n", [1.0])[0])  # at the Ⅲ limit: no exceedance


TABLE_2_TYPED = {"sulfate": 250, "chloride": 250, "nitrate": 10, "fe": 0.3, "mn": 0.1}
TABLE_3_TYPED = {
    "三氯甲烷": 0.06, "四氯化碳": 0.002, "三溴甲烷": 0.1, "二氯甲烷": 0.02, "1,2-二氯乙烷": 0.03,
    "环氧氯丙烷": 0.02, "氯乙烯": 0.005, "1,1-二氯乙烯": 0.03, "1,2-二氯乙烯": 0.05, "三氯乙烯": 0.07,
    "四氯乙烯": 0.04, "氯丁二烯": 0.002, "六氯丁二烯": 0.0006, "苯乙烯": 0.02, "甲醛": 0.9,
    "乙醛": 0.05, "丙烯醛": 0.1, "三氯乙醛": 0.01, "苯": 0.01, "甲苯": 0.7, "乙苯": 0.3,
    "二甲苯": 0.5, "异丙苯": 0.25, "氯苯": 0.3, "1,2-二氯苯": 1.0, "1,4-二氯苯": 0.3, "三氯苯": 0.02,
    "四氯苯": 0.02, "六氯苯": 0.05, "硝基苯": 0.017, "二硝基苯": 0.5, "2,4-二硝基甲苯": 0.0003,
    "2,4,6-三硝基甲苯": 0.5, "硝基氯苯": 0.05, "2,4-二硝基氯苯": 0.5, "2,4-二氯苯酚": 0.093,
    "2,4,6-三氯苯酚": 0.2, "五氯酚": 0.009, "苯胺": 0.1, "联苯胺": 0.0002, "丙烯酰胺": 0.0005,
    "丙烯腈": 0.1, "邻苯二甲酸二丁酯": 0.003, "邻苯二甲酸二(2-乙基己基)酯": 0.008, "水合肼": 0.01,
    "四乙基铅": 0.0001, "吡啶": 0.2, "松节油": 0.2, "苦味酸": 0.5, "丁基黄原酸": 0.005,
    "活性氯": 0.01, "滴滴涕": 0.001, "林丹": 0.002, "环氧七氯": 0.0002, "对硫磷": 0.003,
    "甲基对硫磷": 0.002, "马拉硫磷": 0.05, "乐果": 0.08, "敌敌畏": 0.05, "敌百虫": 0.05,
    "内吸磷": 0.03, "百菌清": 0.01, "甲萘威": 0.05, "溴氰菊酯": 0.02, "阿特拉津": 0.003,
    "苯并(a)芘": 2.8e-6, "甲基汞": 1.0e-6, "多氯联苯": 2.0e-5, "微囊藻毒素-LR": 0.001, "黄磷": 0.003,
    "钼": 0.07, "钴": 1.0, "铍": 0.002, "硼": 0.5, "锑": 0.005, "镍": 0.02, "钡": 0.7, "钒": 0.05,
    "钛": 0.1, "铊": 0.0001,
}  # fmt: skip


@pytest.mark.parametrize(("item", "limit"), [*TABLE_2_TYPED.items(), *TABLE_3_TYPED.items()])
def test_tables_2_and_3_every_limit(item: str, limit: float) -> None:
    got = drinking_source_limit_met(item, [limit, limit * (1 - 1e-6), limit * (1 + 1e-6), math.nan])
    assert got.tolist() == [1, 1, 0, -1]


def test_table_3_has_80_items() -> None:
    assert len(TABLE_3_TYPED) == 80
    from envplan.standards.water.gb3838 import TABLE_3

    assert len(TABLE_3) == 80
