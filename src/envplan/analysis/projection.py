"""Target projections for the rest of a year: good days still needed, and the largest PM2.5
mean still allowed.

Both follow how the year's figure is formed (HJ 663-2013 §5: the annual mean is the arithmetic
mean of the valid daily values, the good-day ratio the good days over the valid days) and assume
every remaining day is valid — the most days the rest of the year can give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class GoodDayProjection:
    """``needed``: good days still needed among ``remaining`` days to reach ``target_ratio``
    [%] over the year; ``reachable`` False when even all of them would not be enough."""

    target_ratio: float
    good_so_far: int
    valid_so_far: int
    remaining: int
    needed: int
    reachable: bool


def good_days_needed(
    *, target_ratio: float, good_so_far: int, valid_so_far: int, remaining: int
) -> GoodDayProjection:
    """Good days still needed: the least g with (good + g)/(valid + remaining) ≥ target/100.

    target_ratio [%], e.g. 70.5. The ratio is compared unrounded (the plan states its targets
    to one decimal, the published ratio is rounded to one decimal after the division; comparing
    unrounded is the conservative reading). Negative needs (already reached) are reported as 0.
    """
    if not 0 <= target_ratio <= 100:
        raise ValueError("目标优良天数比例必须在 0 到 100 之间（%）")
    if min(good_so_far, valid_so_far, remaining) < 0 or good_so_far > valid_so_far:
        raise ValueError("天数不能为负，优良天数不能多于有效天数")
    total = valid_so_far + remaining
    # integer arithmetic on tenths of a percent avoids 0.1-step float error
    needed_total = math.ceil(round(target_ratio * 10) * total / 1000)
    needed = max(0, needed_total - good_so_far)
    return GoodDayProjection(
        target_ratio, good_so_far, valid_so_far, remaining, needed, needed <= remaining
    )


@dataclass(frozen=True)
class MeanProjection:
    """``allowed``: the largest mean of the ``remaining`` days [µg/m³] that still gives an annual
    mean that rounds (GB/T 8170, to an integer) to at most ``target``; None when no
    non-negative mean can (the target is already out of reach)."""

    target: float
    mean_so_far: float
    days_so_far: int
    remaining: int
    allowed: float | None


def largest_mean_allowed(
    *, target: float, mean_so_far: float, days_so_far: int, remaining: int
) -> MeanProjection:
    """Largest mean for the rest of the year so that the annual mean stays at or below target.

    The annual mean ((sum so far) + remaining·m)/(days so far + remaining) is published rounded
    to an integer; it meets an integer target T while it is below T + 0.5 (half rounds to even
    under GB/T 8170, so T + 0.5 itself meets T only when T is even — ignored here: the bound is
    given as the open limit, to one decimal rounded down).
    """
    if days_so_far < 0 or remaining <= 0:
        raise ValueError("已过天数不能为负，剩余天数必须大于 0")
    total = days_so_far + remaining
    limit = (target + 0.5) * total - mean_so_far * days_so_far
    allowed = limit / remaining
    if allowed <= 0:
        return MeanProjection(target, mean_so_far, days_so_far, remaining, None)
    # the open bound: the largest value with one decimal strictly below it
    shown = math.ceil(allowed * 10 - 1e-9) / 10 - 0.1
    return MeanProjection(target, mean_so_far, days_so_far, remaining, round(shown, 1))
