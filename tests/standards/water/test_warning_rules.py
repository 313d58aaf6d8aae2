"""The forward-warning rule: limits from GB 3838-2002 Table 1, margins, trends (hand values)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from envplan.standards.water.warning_rules import (
    DEFAULT_RULE,
    WarningRule,
    evaluate_warnings,
    limit_ratio,
    slopes,
    target_limit,
)


def test_limits_are_those_of_table_1() -> None:
    # GB 3838-2002 Table 1: 氨氮 Ⅲ 1.0, Ⅴ 2.0; 总磷 Ⅲ 0.2 (河流) and 0.05 (湖、库); 溶解氧 Ⅲ ≥ 5.
    assert target_limit("nh3n", 3) == 1.0
    assert target_limit("nh3n", 5) == 2.0
    assert target_limit("tp", 3) == 0.2
    assert target_limit("tp", 3, lake=True) == 0.05
    assert target_limit("do", 3) == 5.0
    # pH has a range, 劣Ⅴ no upper limit, unknown ids nothing.
    assert target_limit("ph", 3) is None
    assert target_limit("nh3n", 6) is None
    assert target_limit("nope", 3) is None


def test_ratio_direction() -> None:
    assert limit_ratio(np.array([0.95]), np.array([1.0]), "nh3n")[0] == pytest.approx(0.95)
    # DO 5.5 against a limit of 5: 5 / 5.5 = 0.909…; a zero DO has no ratio.
    ratios = limit_ratio(np.array([5.5, 0.0]), np.array([5.0, 5.0]), "do")
    assert ratios[0] == pytest.approx(5 / 5.5)
    assert np.isnan(ratios[1])


def test_slope_by_hand() -> None:
    # x = 1, 2, 3; y = 1, 2, 4: mean x 2, mean y 7/3; Sxy = (-1)(-4/3) + 0 + (1)(5/3) = 3; Sxx = 2.
    result = slopes(
        np.array([[1.0, 2.0, 3.0], [1.0, np.nan, np.nan]]),
        np.array([[1, 2, 4.0], [1, np.nan, np.nan]]),
    )
    assert result[0] == pytest.approx(1.5)
    assert np.isnan(result[1])


def _window(values: list[float], limit: float = 1.0, indicator: str = "nh3n") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "section": ["S"] * len(values),
            "indicator": [indicator] * len(values),
            "month_index": list(range(len(values))),
            "value": values,
            "limit": [limit] * len(values),
        }
    )


def test_95_percent_rising_warns_70_percent_does_not() -> None:
    # 氨氮 against Ⅲ (1.0 mg/L): mean (0.90 + 0.95 + 1.00) / 3 = 0.95 → 95 %, rising.
    near = evaluate_warnings(_window([0.90, 0.95, 1.00]))
    assert near.get_column("ratio")[0] == pytest.approx(0.95)
    assert near.get_column("level")[0] == 1
    # mean (0.65 + 0.70 + 0.75) / 3 = 0.70 → 70 %, rising: no warning.
    low = evaluate_warnings(_window([0.65, 0.70, 0.75]))
    assert low.get_column("ratio")[0] == pytest.approx(0.70)
    assert low.get_column("level")[0] == 0


def test_margin_edges_and_trend() -> None:
    # exactly 90 % rising warns; 89 % does not; 95 % falling does not; above the limit always warns.
    assert evaluate_warnings(_window([0.85, 0.90, 0.95])).get_column("level")[0] == 1
    assert evaluate_warnings(_window([0.84, 0.89, 0.94])).get_column("level")[0] == 0
    assert evaluate_warnings(_window([1.00, 0.95, 0.90])).get_column("level")[0] == 0
    assert evaluate_warnings(_window([1.20, 1.10, 1.00])).get_column("level")[0] == 2
    # one value is too few to judge a trend (min_points 2).
    assert evaluate_warnings(_window([0.99])).get_column("level")[0] == 0
    flat_rule = WarningRule(**{**DEFAULT_RULE.__dict__, "require_rising": False})
    assert evaluate_warnings(_window([1.00, 0.95, 0.90]), flat_rule).get_column("level")[0] == 1


def test_dissolved_oxygen_falls_towards_its_limit() -> None:
    # DO Ⅲ ≥ 5: mean 5.3 → 5 / 5.3 = 94 %, falling (5.5 → 5.1) → warns.
    result = evaluate_warnings(_window([5.5, 5.3, 5.1], limit=5.0, indicator="do"))
    assert result.get_column("ratio")[0] == pytest.approx(5 / 5.3)
    assert result.get_column("level")[0] == 1


def test_rule_is_cited_data() -> None:
    assert "晋市政办〔2021〕9号" in DEFAULT_RULE.source
    assert "GB 3838-2002" in DEFAULT_RULE.source
    assert DEFAULT_RULE.margin == 0.9


def test_custom_margin_and_window() -> None:
    from envplan.standards.water.warning_rules import custom_rule

    assert custom_rule() is DEFAULT_RULE
    # 85 % rising: below the default 90 %, warns under a bureau's 80 % rule.
    window = _window([0.80, 0.85, 0.90])
    assert evaluate_warnings(window).get_column("level")[0] == 0
    assert evaluate_warnings(window, custom_rule(margin=0.8)).get_column("level")[0] == 1
    assert custom_rule(window_months=6).window_months == 6
    with pytest.raises(ValueError, match=r"0\.5–1\.0"):
        custom_rule(margin=1.2)
    with pytest.raises(ValueError, match="1–24"):
        custom_rule(window_months=0)
