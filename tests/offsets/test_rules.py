"""The offset rule and the −2 % check: cited words, ratio, county rule, exact arithmetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from envplan.plan import default_plan
from envplan.standards.offsets import (
    AIR_GUARANTEE_3,
    AIR_MEASURE_2_RATIO,
    AIR_MEASURE_4_SURPLUS,
    OFFSET_RULES,
    OffsetRuleError,
    allowed_credit_counties,
    grams_to_tonnes,
    parse_pollutant,
    reduction_check,
    required_grams,
    rule_in_force,
    tonnes_to_grams,
)

COUNTIES = ("城区", "泽州县", "高平市", "阳城县", "陵川县", "沁水县", "开发区")


def _squash(text: str) -> str:
    return "".join(text.split())


def test_quotes_are_the_seed_words(seed_path: Path) -> None:
    seed = _squash(seed_path.read_text(encoding="utf-8"))
    # the seed prints "2: 1" with a space; the comparison ignores whitespace
    for citation in (AIR_GUARANTEE_3, AIR_MEASURE_2_RATIO, AIR_MEASURE_4_SURPLUS):
        assert _squash(citation.quote) in seed, citation.clause
    # the 保障（三） paragraph sits under its own heading in the seed
    text = seed_path.read_text(encoding="utf-8")
    heading = text.index("（三）强化主要污染物排放总量约束引导")
    assert text.index("倍量削减", heading) - heading < 200


def test_measure_quotes_are_in_the_plan_registry() -> None:
    measures = {m.id: m.text for m in default_plan().subplan("air").measures}
    for citation in (AIR_MEASURE_2_RATIO, AIR_MEASURE_4_SURPLUS):
        assert citation.measure_id is not None
        assert citation.quote in measures[citation.measure_id]


def test_rule_in_force_from_the_plan_issue_date() -> None:
    rule = rule_in_force(dt.date(2021, 4, 8))
    assert rule.ratio == 2
    assert rule.same_county == ("城区", "泽州县", "高平市")
    with pytest.raises(OffsetRuleError, match="没有生效"):
        rule_in_force(dt.date(2021, 4, 7))


def test_required_is_twice_the_added_rounded_up() -> None:
    rule = OFFSET_RULES[0]
    assert required_grams(4_000_000, rule) == 8_000_000  # 4 t -> 8 t
    assert required_grams(1, rule) == 2
    with pytest.raises(OffsetRuleError):
        required_grams(0, rule)


def test_same_county_areas_use_only_their_own_credits() -> None:
    rule = OFFSET_RULES[0]
    assert allowed_credit_counties("城区", COUNTIES, rule) == ("城区",)
    assert allowed_credit_counties("泽州县", COUNTIES, rule) == ("泽州县",)
    assert allowed_credit_counties("高平市", COUNTIES, rule) == ("高平市",)
    # the clause limits only the three areas
    assert allowed_credit_counties("阳城县", COUNTIES, rule) == COUNTIES


def test_tonnes_are_exact_grams() -> None:
    assert tonnes_to_grams("10") == 10_000_000
    assert tonnes_to_grams("0.000001") == 1
    assert tonnes_to_grams(2.25) == 2_250_000
    assert grams_to_tonnes(2_250_000) == 2.25
    for bad in ("0", "-1", "abc", "0.0000001", "nan"):
        with pytest.raises(OffsetRuleError):
            tonnes_to_grams(bad)


def test_pollutant_names() -> None:
    assert parse_pollutant("nox") == "NOx"
    assert parse_pollutant("二氧化硫") == "SO2"
    assert parse_pollutant("SO₂") == "SO2"
    with pytest.raises(OffsetRuleError, match="未知污染物"):
        parse_pollutant("CO")


def test_reduction_check_by_hand() -> None:
    # base 1000 t, -2 % allows 980 t: 980 is met exactly, 980.000001 is not, 990 is not.
    base = [1_000_000_000] * 3 + [0]
    current = [980_000_000, 980_000_001, 990_000_000, 0]
    check = reduction_check(base, current, 2.0)
    assert check.met.tolist() == [True, False, False, True]
    assert check.change_pct[2] == pytest.approx(-1.0)
    assert check.allowed[0] == pytest.approx(980_000_000)
    assert check.margin[2] == pytest.approx(-10_000_000)
    assert check.change_pct[3] != check.change_pct[3]  # NaN without a base
