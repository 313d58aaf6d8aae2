"""Composite index and rank from a statistics table, against a hand computation of HJ 663.

I_i = C_i / S_i with the GB 3095-2012 level-2 limits S: SO2 60, NO2 40, PM10 70, PM2.5 35
(annual means) [µg/m³], CO 4 [mg/m³] (24-h), O3 160 [µg/m³] (MDA8); I_sum = Σ I_i to 2 decimals
(GB/T 8170); rank ascending, equal indexes share the rank (环办监测〔2018〕19号). The expected
values below are the formula evaluated with exact fractions on the table's numbers.
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from envplan.cli import app
from envplan.monitoring.air_city_table import read_city_statistics
from envplan.monitoring.errors import InputFileError
from envplan.plan import default_plan
from envplan.services.air.city_sets import CITY_SETS, FENWEI_11, JJJ_2_26
from envplan.services.air.ranking import evaluate_rank_target, rank_table
from envplan.services.bulletin import Month, find_target

TABLE = "air/shanxi-11-cities-statistics-constructed.csv"
LIMITS = (
    60,
    40,
    70,
    35,
    4,
    160,
)  # GB 3095-2012 表1 二级: SO2 NO2 PM10 PM2.5 (年), CO (24h), O3 (8h)


def _hand(test_data: Path) -> dict[str, Decimal]:
    with (test_data / TABLE).open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    out = {}
    for city, *values in rows:
        total = sum(Fraction(v) / s for v, s in zip(values, LIMITS, strict=True))
        out[city] = Decimal(total.numerator) / Decimal(total.denominator)
    return {c: v.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN) for c, v in out.items()}


def _hand_ranks(indexes: dict[str, Decimal]) -> dict[str, int]:
    return {c: 1 + sum(1 for other in indexes.values() if other < v) for c, v in indexes.items()}


def test_shanxi_table_gives_hand_computed_indexes_and_ranks(test_data: Path) -> None:
    table = read_city_statistics(test_data / TABLE)
    ranking = rank_table(table, CITY_SETS["shanxi-11"], period=Month.parse("2021-06"))
    assert ranking.limits == "gb3095-2012" and ranking.rank_valid and not ranking.note
    hand = _hand(test_data)
    # spot values of the hand computation, written out:
    # 晋城 18/60 + 30/40 + 77/70 + 42/35 + 1.6/4 + 176/160 = 0.3+0.75+1.1+1.2+0.4+1.1 = 4.85
    assert hand["晋城市"] == Decimal("4.85")
    # 大同 0.2+0.6+0.8+0.8+0.3+1.0 = 3.70 and 朔州 0.2+0.5+0.9+0.8+0.25+1.05 = 3.70: a tie
    assert hand["大同市"] == hand["朔州市"] == Decimal("3.70")
    got = {r["site"]: r for r in ranking.ranking.iter_rows(named=True)}
    assert set(got) == set(hand)
    for city, value in hand.items():
        assert Decimal(str(got[city]["composite_index"])) == value, city
    ranks = _hand_ranks(hand)
    assert {c: got[c]["rank"] for c in got} == ranks
    assert ranks["大同市"] == ranks["朔州市"] == 1 and ranks["忻州市"] == 3  # 并列, then 3
    assert ranks["晋城市"] == 6 and ranks["临汾市"] == 11
    assert got["临汾市"]["max_index_pollutants"] == "PM2.5"  # 56/35 = 1.6, the largest I_i


def test_the_168_target_says_which_input_is_missing(test_data: Path) -> None:
    plan = default_plan()
    target = find_target(plan, "air", "排名")
    assert target is not None and target.value == 20 and "168" in target.scope
    table = read_city_statistics(test_data / TABLE)
    eleven = rank_table(table, CITY_SETS["168"], period=Month.parse("2021-06"))
    assert not eleven.rank_valid and "统计表含11个城市" in eleven.note
    assert evaluate_rank_target(target, eleven, "晋城市")["status"] == "unknown"
    assert "缺少输入" in evaluate_rank_target(target, None, "晋城市")["text"]
    shanxi = rank_table(table, CITY_SETS["shanxi-11"], period=Month.parse("2021-06"))
    assert "目标要求全国168个重点城市" in evaluate_rank_target(target, shanxi, "晋城市")["text"]


def _table_of(cities: list[str], jincheng_pm25: int) -> pl.DataFrame:
    """168 cities: every other city at PM2.5 35, 晋城 at ``jincheng_pm25`` (the rest equal)."""
    return pl.DataFrame(
        {
            "site": cities,
            "SO2_mean": [12.0] * len(cities),
            "NO2_mean": [30.0] * len(cities),
            "PM10_mean": [70.0] * len(cities),
            "PM2.5_mean": [
                float(jincheng_pm25 if c == "晋城" else 35 + i % 30) for i, c in enumerate(cities)
            ],
            "CO_P95": [1.2] * len(cities),
            "O3_8h_P90": [160.0] * len(cities),
        }
    )


@pytest.mark.parametrize(("pm25", "status"), [(20, "met"), (90, "not_met")])
def test_a_rank_among_168_evaluates_the_plan_target(pm25: int, status: str) -> None:
    known = list(dict.fromkeys(JJJ_2_26 + FENWEI_11))
    cities = known + [f"城市{i:03d}" for i in range(168 - len(known))]
    ranking = rank_table(_table_of(cities, pm25), CITY_SETS["168"], period=2021)
    assert ranking.rank_valid
    verdict = evaluate_rank_target(find_target(default_plan(), "air", "排名"), ranking, "晋城市")
    assert verdict["status"] == status and verdict["of"] == 168
    # PM2.5 20 is below every other city's 35–64: first; 90 above all: last (168 > 148)
    assert verdict["rank"] == (1 if pm25 == 20 else 168)


def test_a_bad_table_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "城市,SO2,NO2,PM10,PM2.5,CO,O3\n晋城市,12,x,70,35,1.2,160\n晋城市,12,30,,35,99,160\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        read_city_statistics(path)
    text = str(caught.value)
    assert "第 2 行 列「NO2」：“x”不是数值" in text
    assert "第 3 行 列「PM10」：缺少数值" in text
    assert "第 3 行 列「CO」：数值 99 超出合理范围" in text
    assert "城市“晋城市”重复出现" in text
    missing = tmp_path / "missing.csv"
    missing.write_text("城市,SO2\n晋城市,12\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="缺少列"):
        read_city_statistics(missing)


def test_rank_table_cli(test_data: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["air", "rank-table", str(test_data / TABLE), "--period", "2021-06", "--set", "shanxi-11"],
    )
    assert result.exit_code == 0, result.output
    assert "6\t晋城市\t4.85" in result.output
    bad = CliRunner().invoke(app, ["air", "rank-table", str(test_data / TABLE), "--period", "x"])
    assert bad.exit_code == 2 and "月份格式应为" in bad.output
