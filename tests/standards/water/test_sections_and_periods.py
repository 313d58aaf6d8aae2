"""Section assessment, periods, TLI and CWQI against the worked examples of the reference
(shared/reference/water-soil-standards.md §8.2 W1-W4, §2.2, §2.4, §2.7)."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from envplan.standards.water.cwqi import cwqi_change, cwqi_city, cwqi_indicator, cwqi_sections
from envplan.standards.water.periods import (
    class_shares,
    network_status,
    network_status_gap,
    period_means,
    share_change,
    spearman_trend,
    status_change,
)
from envplan.standards.water.sections import assess_sections
from envplan.standards.water.targets import parse_class_label, target_met
from envplan.standards.water.trophic import tli, tli_single, trophic_grade

W1 = {
    "ph": 7.6, "do": 4.2, "codmn": 7.5, "cod": 22.0, "bod5": 3.5, "nh3n": 2.3, "tp": 0.35,
    "cu": 0.005, "zn": 0.02, "fluoride": 0.6, "se": 0.0004, "as": 0.002, "hg": 0.00004,
    "cd": 0.0005, "cr6": 0.004, "pb": 0.002, "cyanide": 0.002, "volatile_phenol": 0.0015,
    "petroleum": 0.03, "las": 0.05, "sulfide": 0.01,
}  # fmt: skip


def test_w1_river_section() -> None:
    out = assess_sections(pl.DataFrame({k: [v] for k, v in W1.items()}), multiple_decimals=2)
    row = out.row(0, named=True)
    assert row["water_class_label"] == "劣Ⅴ"
    assert row["status"] == "重度污染"
    assert row["colour"] == "红"
    assert row["main_pollutants"] == "氨氮(1.3),总磷(0.75),高锰酸盐指数(0.25)"
    expected = {"do": 4, "codmn": 4, "cod": 4, "bod5": 3, "nh3n": 6, "tp": 5}
    for item in W1:
        assert row[f"cls_{item}"] == expected.get(item, 1), item


def test_status_words_and_colours() -> None:
    # One section per class: CODMn 1, 3, 5, 8, 12, 20 → Ⅰ Ⅱ Ⅲ Ⅳ Ⅴ 劣Ⅴ.
    out = assess_sections(pl.DataFrame({"codmn": [1.0, 3.0, 5.0, 8.0, 12.0, 20.0]}))
    assert out["water_class_label"].to_list() == ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ"]
    assert out["status"].to_list() == ["优", "优", "良好", "轻度污染", "中度污染", "重度污染"]
    assert out["colour"].to_list() == ["蓝", "蓝", "绿", "黄", "橙", "红"]
    assert out["main_pollutants"].to_list()[:3] == ["", "", ""]


def test_tn_and_fecal_coliform_never_set_the_class() -> None:
    frame = pl.DataFrame({"codmn": [3.0], "tn": [5.0], "fecal_coliform": [90000.0], "lake": [True]})
    for indicator_set in ("eval-2011-21", "national-2021-5x", "auto-basic"):
        out = assess_sections(frame, indicator_set=indicator_set)
        assert out["water_class_label"][0] == "Ⅱ"


def test_five_plus_x() -> None:
    # Basic five Ⅱ; COD 25 (Ⅳ) enters as X; Cu 1.0 (Ⅱ) does not exceed Ⅲ and stays out.
    frame = pl.DataFrame(
        {"ph": [7.5], "do": [7.0], "codmn": [3.0], "nh3n": [0.3], "tp": [0.05], "cod": [25.0],
         "cu": [1.0]}
    )  # fmt: skip
    assert assess_sections(frame, indicator_set="national-2021-5x")["water_class_label"][0] == "Ⅳ"
    assert assess_sections(frame, indicator_set="auto-basic")["water_class_label"][0] == "Ⅱ"
    # With a class-Ⅰ target the X threshold is Ⅰ: Cu 1.0 (Ⅱ) now counts.
    quiet = frame.with_columns(pl.lit(10.0).alias("cod"), pl.lit(1).alias("target"))
    out = assess_sections(quiet, indicator_set="national-2021-5x", target_column="target")
    assert out["water_class_label"][0] == "Ⅱ"
    assert out["cls_cu"][0] == 2


def test_ph_mean_through_hydrogen_ion() -> None:
    # reference §2.2: pH 6.5, 7.5 and 8.5 average to 6.93, not 7.5.
    frame = pl.DataFrame({"section": ["a"] * 3, "ph": [6.5, 7.5, 8.5], "codmn": [2.0, 4.0, 6.0]})
    means = period_means(frame, ["section"], ["ph", "codmn"])
    assert means["ph"][0] == pytest.approx(6.93, abs=0.005)
    assert means["codmn"][0] == pytest.approx(4.0)
    assert means["n_samples"][0] == 3


def test_w3_river_status() -> None:
    codes = [2, 2, 3, 3, 3, 4, 5, 6, 6, 6]
    shares = class_shares(codes)
    assert (shares.share_i_iii, shares.share_worse_than_v) == (50.0, 30.0)
    assert network_status(shares.share_i_iii, shares.share_worse_than_v).item() == "中度污染"
    worse = class_shares([2, 2, 3, 3, 3, 4, 6, 6, 6, 6])
    assert network_status(worse.share_i_iii, worse.share_worse_than_v).item() == "重度污染"
    assert network_status_gap(65.0, 40.0).item()
    assert network_status(65.0, 40.0).item() == "重度污染"


@pytest.mark.parametrize(
    ("good", "worst", "status"),
    [
        (90.0, 0.0, "优"), (89.9, 0.0, "良好"), (75.0, 0.0, "良好"), (74.9, 19.9, "轻度污染"),
        (74.9, 20.0, "中度污染"), (59.9, 39.9, "中度污染"), (59.9, 40.0, "重度污染"),
    ],
)  # fmt: skip
def test_network_status_edges(good: float, worst: float, status: str) -> None:
    assert network_status(good, worst).item() == status


def test_change_verdicts() -> None:
    assert status_change("良好", "良好") == "无明显变化"
    assert status_change("良好", "轻度污染") == "有所变差"
    assert status_change("重度污染", "良好") == "明显好转"
    assert share_change(50.0, 30.0, 55.0, 25.0) == "无明显变化"  # ΔG−ΔD = 10
    assert share_change(50.0, 30.0, 60.0, 25.0) == "有所好转"  # 15
    assert share_change(50.0, 30.0, 40.0, 41.0) == "明显变差"  # −21


def test_spearman_trend() -> None:
    rising = spearman_trend([1.0, 1.2, 1.1, 1.5, 1.8, 2.0])
    # d = (1,3,2,4,5,6) − (1..6): Σd² = 2 → rs = 1 − 12/210 = 0.943 ≥ 0.829
    assert rising.rs == pytest.approx(1 - 12 / 210)
    assert rising.verdict == "显著上升"
    flat = spearman_trend([1.0, 0.8, 1.2, 0.9, 1.1])
    assert flat.verdict == "无明显变化趋势"
    with pytest.raises(ValueError, match="5–30"):
        spearman_trend([1.0, 2.0, 3.0])


def test_w4_tli() -> None:
    singles = [
        tli_single("chla", 10)[()],
        tli_single("tp", 0.1)[()],
        tli_single("tn", 1.5)[()],
        tli_single("sd", 0.8)[()],
        tli_single("codmn", 5)[()],
    ]
    assert singles == pytest.approx([50.01, 56.97, 61.40, 55.51, 43.92], abs=0.005)
    total = tli([10, 2], [0.1, 0.02], [1.5, 0.5], [0.8, 2.5], [5, 2])
    assert total.tolist() == pytest.approx([53.25, 31.82], abs=0.005)
    assert trophic_grade(total).tolist() == ["轻度富营养", "中营养"]


def test_tli_grade_edges_and_missing() -> None:
    grades = trophic_grade([29.99, 30, 50, 50.01, 60, 60.01, 70, 70.01, math.nan]).tolist()
    assert grades == [
        "贫营养", "中营养", "中营养", "轻度富营养", "轻度富营养", "中度富营养", "中度富营养",
        "重度富营养", "",
    ]  # fmt: skip
    # Missing SD: weights renormalise over chl a, TP, TN, CODMn.
    only_four = tli([10], [0.1], [1.5], [math.nan], [5])[0]
    expected = (1 * 50.006 + 0.7056 * 56.966 + 0.6724 * 61.399 + 0.6889 * 43.917) / 3.0669
    assert only_four == pytest.approx(expected, abs=0.01)


def test_w1_cwqi() -> None:
    frame = pl.DataFrame({k: [v] for k, v in W1.items()})
    assert cwqi_sections(frame)[0] == pytest.approx(11.3005, abs=5e-5)
    assert cwqi_indicator("do", [4.2])[0] == pytest.approx(1.1905, abs=5e-5)
    assert cwqi_indicator("ph", [7.6]).item() == pytest.approx(0.30)
    assert cwqi_indicator("tp", [0.35]).item() == pytest.approx(1.75)
    assert cwqi_indicator("tp", [0.1], lake=True).item() == pytest.approx(2.0)


def test_w2_cwqi_all_at_class_iii() -> None:
    limits_iii = {
        "codmn": 6, "cod": 20, "bod5": 4, "nh3n": 1.0, "tp": 0.2, "cu": 1.0, "zn": 1.0,
        "fluoride": 1.0, "se": 0.01, "as": 0.05, "hg": 0.0001, "cd": 0.005, "cr6": 0.05,
        "pb": 0.05, "cyanide": 0.2, "volatile_phenol": 0.005, "petroleum": 0.05, "las": 0.2,
        "sulfide": 0.2,
    }  # fmt: skip
    frame = pl.DataFrame(
        {"ph": [7.0], "do": [5.0], **{k: [float(v)] for k, v in limits_iii.items()}}
    )
    assert cwqi_sections(frame)[0] == pytest.approx(20.0)
    assert cwqi_city([10.0, 20.0, 30.0]) == pytest.approx(20.0)
    assert cwqi_change([9.0], [10.0])[0] == pytest.approx(-10.0)


def test_target_compliance() -> None:
    assert [parse_class_label(t) for t in ["Ⅲ类", "III类", "V类", "劣Ⅴ类", "完成省定目标"]] == [
        3, 3, 5, 6, None,
    ]  # fmt: skip
    assert target_met([2, 3, 4, 0], [3, 3, 3, 3]).tolist() == [1, 1, 0, -1]
    assert np.asarray(target_met([6], [5])).tolist() == [0]


def test_network_main_pollutants_by_exceedance_rate() -> None:
    # 4 sections: TP worse than Ⅲ in 3 (0.25, 0.35, 0.5), NH3-N in 1 (1.6), CODMn in none.
    frame = pl.DataFrame(
        {"codmn": [3.0, 3.0, 3.0, 3.0], "nh3n": [0.5, 1.6, 0.5, 0.5], "tp": [0.25, 0.35, 0.5, 0.1]}
    )
    out = assess_sections(frame)
    from envplan.standards.water.sections import network_main_pollutants

    assert network_main_pollutants(out) == [("总磷", 75.0), ("氨氮", 25.0)]


def test_river_status_small_and_large() -> None:
    from envplan.standards.water.periods import river_status

    four = pl.DataFrame({"water_class": [2, 3, 4, 6]})
    assert river_status(four, mean_class=4) == "轻度污染"  # < 5 sections: class of the means
    assert river_status(four) == ""
    ten = pl.DataFrame({"water_class": [2, 2, 3, 3, 3, 4, 5, 6, 6, 6]})
    assert river_status(ten) == "中度污染"  # W3


def test_cwqi_change_ranking_exclusion() -> None:
    from envplan.standards.water.cwqi import excluded_from_change_ranking

    assert excluded_from_change_ranking([1, 2], [2, 2], [1, 1], [1, 1])
    assert not excluded_from_change_ranking([1, 3], [2, 2], [1, 1], [1, 1])  # Ⅲ in base year
    assert not excluded_from_change_ranking([1, 2], [2, 2], [1, 1], [1, 0])  # target missed
    assert not excluded_from_change_ranking([], [], [], [])


def test_lake_total_nitrogen_is_separate() -> None:
    frame = pl.DataFrame({"codmn": [3.0, 3.0], "tn": [1.2, 1.2], "lake": [True, False]})
    out = assess_sections(frame)
    assert out["water_class_label"].to_list() == ["Ⅱ", "Ⅱ"]
    assert out["tn_class"].to_list() == [4, 0]  # TN 1.2: 1.0 < 1.2 ≤ 1.5 → Ⅳ, lakes only


def test_priority_toxics_option() -> None:
    # NH3-N 2.5 (劣Ⅴ, 1.5) and Pb 0.08 (Ⅴ, (0.08−0.05)/0.05 = 0.6).
    frame = pl.DataFrame({"nh3n": [2.5], "pb": [0.08]})
    assert assess_sections(frame)["main_pollutants"][0] == "氨氮(1.5),铅(0.6)"
    flagged = assess_sections(frame, priority_toxics=True)
    assert flagged["main_pollutants"][0] == "铅(0.6),氨氮(1.5)"
