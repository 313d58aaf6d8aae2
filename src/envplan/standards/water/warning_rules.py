"""Forward early warning (正向预警) of a section nearing its target limit, as cited, dated data.

Documents:

* 晋市政办〔2021〕9号 (晋城市2021年水生态环境保护行动计划) 三(五)5: build a fused data platform that
  achieves "正向预警、反向溯源". The plan sets no numeric warning rule, so the margin, window and
  trend test below are envplan's configurable default (``DEFAULT_RULE``), labelled as such; a
  bureau that adopts its own rule passes another :class:`WarningRule`.
* GB 3838-2002 Table 1: the class limits the margin applies to (via
  :data:`envplan.standards.water.gb3838.TABLE_1_BY_ID`), the 湖、库 column for total phosphorus
  of lakes and reservoirs.

Units: concentrations [mg/L] as in GB 3838-2002 Table 1; ratios [–]; slopes [mg/L per month].
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

from envplan.standards.water.gb3838 import TABLE_1_BY_ID


@dataclass(frozen=True)
class WarningRule:
    """A forward-warning rule.

    - margin: share of the target-class limit [–] from which a rising indicator warns (0.9 = 90 %).
    - window_months: calendar months, ending with the evaluation month, whose mean is compared.
    - min_points: fewest monthly values in the window for a trend to be judged.
    - require_rising: warn only when the least-squares slope over the window points towards the
      limit (rising for "≤" indicators, falling for dissolved oxygen).
    """

    id: str
    name_zh: str
    margin: float
    window_months: int
    min_points: int
    require_rising: bool
    source: str
    adopted_on: dt.date


#: The default forward-warning rule (window mean ≥ 90 % of the target-class limit and rising).
DEFAULT_RULE: Final = WarningRule(
    id="envplan-default-2021",
    name_zh="近限预警：窗口均值达到目标类别限值的90%且呈上升趋势",
    margin=0.9,
    window_months=3,
    min_points=2,
    require_rising=True,
    source=(
        "晋市政办〔2021〕9号 三(五)5 要求“正向预警”，未规定数值；90%、3个月窗口与上升趋势为 envplan "
        "默认规则（可配置），限值取 GB 3838-2002 表1"
    ),
    adopted_on=dt.date(2021, 4, 8),
)


def custom_rule(*, margin: float | None = None, window_months: int | None = None) -> WarningRule:
    """:data:`DEFAULT_RULE` with a bureau's own margin [–] (0.5–1.0) and window [months] (1–24),
    the GB 3838-2002 Table 1 limits unchanged; the default itself when neither is given.
    ValueError (zh-CN) outside those ranges.

    Parameters
    ----------
    margin
        Nearness that triggers a warning, as a fraction of the limit [–] (None = default).
    window_months
        Months in the window [months] (None = default).

    Returns
    -------
    WarningRule
        The rule.
    """
    if margin is None and window_months is None:
        return DEFAULT_RULE
    chosen_margin = DEFAULT_RULE.margin if margin is None else margin
    chosen_window = DEFAULT_RULE.window_months if window_months is None else window_months
    if not 0.5 <= chosen_margin <= 1.0:
        raise ValueError(f"预警阈值 {chosen_margin} 应在 0.5–1.0 之间（目标限值的比例）")
    if not 1 <= chosen_window <= 24:
        raise ValueError(f"窗口月数 {chosen_window} 应在 1–24 之间")
    return WarningRule(
        id=f"custom-m{chosen_margin:g}-w{chosen_window}",
        name_zh=f"近限预警：{chosen_window}个月均值达到目标类别限值的{chosen_margin * 100:g}%且呈上升趋势",
        margin=chosen_margin,
        window_months=chosen_window,
        min_points=DEFAULT_RULE.min_points,
        require_rising=DEFAULT_RULE.require_rising,
        source=f"局自定规则（阈值、窗口）；其余同 {DEFAULT_RULE.id}：{DEFAULT_RULE.source}",
        adopted_on=DEFAULT_RULE.adopted_on,
    )


#: Warning levels [–]: 1 近限预警 (margin ≤ ratio ≤ 1), 2 超标 (ratio > 1); 0 = none.
LEVEL_LABELS: Final[dict[int, str]] = {0: "", 1: "近限预警", 2: "超标预警"}


def target_limit(indicator: str, target_class: int, *, lake: bool = False) -> float | None:
    """The GB 3838-2002 Table 1 limit [mg/L] of ``indicator`` for class code ``target_class``
    (1..5 = Ⅰ..Ⅴ); the 湖、库 column for total phosphorus when ``lake``. None when the indicator
    has no single limit (pH, water temperature, unknown id) or the class is outside Ⅰ..Ⅴ (劣Ⅴ has
    no upper limit, so nothing to near).

    Parameters
    ----------
    indicator
        Table 1 indicator id.
    target_class
        Target class code 1..5.
    lake
        True for lakes and reservoirs.

    Returns
    -------
    float or None
        The limit [mg/L].
    """
    row = TABLE_1_BY_ID.get(indicator)
    if row is None or row.limits is None or row.direction not in ("le", "ge"):
        return None
    if not 1 <= target_class <= 5:
        return None
    limits = row.lake_limits if lake and row.lake_limits is not None else row.limits
    return limits[target_class - 1]


def limit_ratio(
    value: NDArray[np.float64], limit: NDArray[np.float64], indicator: str
) -> NDArray[np.float64]:
    """Nearness to the GB 3838-2002 Table 1 limit [–]: value ÷ limit for "≤" indicators, limit ÷ value for dissolved
    oxygen ("≥", GB 3838-2002 Table 1 item 3), so 1 is at the limit and above 1 exceeds it. NaN
    where a value or limit is missing or the DO value is not positive.

    Parameters
    ----------
    value
        Values [mg/L].
    limit
        Limits [mg/L].
    indicator
        Table 1 indicator id (``do`` is the "≥" one).

    Returns
    -------
    numpy.ndarray of float64
        The ratios [–].
    """
    direction = TABLE_1_BY_ID[indicator].direction
    with np.errstate(divide="ignore", invalid="ignore"):
        if direction == "ge":
            ratio = np.where(value > 0, limit / value, np.nan)
        else:
            ratio = np.where(limit > 0, value / limit, np.nan)
    result: NDArray[np.float64] = np.asarray(ratio, dtype=np.float64)
    return result


def slopes(months: NDArray[np.float64], values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Least-squares slope [unit per month] of a GB 3838-2002 Table 1 indicator: each row of ``values`` over ``months`` (same
    shape, NaN = no value); NaN for rows with fewer than two values or one distinct month.

    Parameters
    ----------
    months
        Month indices, shape (rows, points).
    values
        Values of the same shape [mg/L], NaN = no value.

    Returns
    -------
    numpy.ndarray of float64
        Slope per row [mg/L per month].
    """
    present = ~np.isnan(values)
    count = present.sum(axis=1)
    x = np.where(present, months, 0.0)
    y = np.where(present, values, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_x = x.sum(axis=1) / count
        mean_y = y.sum(axis=1) / count
        dx = np.where(present, months - mean_x[:, None], 0.0)
        dy = np.where(present, values - mean_y[:, None], 0.0)
        sxx = (dx * dx).sum(axis=1)
        slope = np.where((count >= 2) & (sxx > 0), (dx * dy).sum(axis=1) / sxx, np.nan)
    result: NDArray[np.float64] = slope.astype(np.float64)
    return result


def evaluate_warnings(window: pl.DataFrame, rule: WarningRule = DEFAULT_RULE) -> pl.DataFrame:
    """Judge every (section, indicator) of a window of monthly values against its GB 3838-2002
    Table 1 limit under ``rule`` (default: :data:`DEFAULT_RULE`, see the module's documents).

    ``window`` columns: ``section`` (str), ``indicator`` (GB 3838 Table 1 id), ``month_index``
    (int, months since an origin; the window's months only), ``value`` [mg/L], ``limit`` [mg/L].
    Returns one row per (section, indicator) with ``mean`` (window mean [mg/L]), ``points``,
    ``latest`` (value of the last month), ``limit``, ``ratio`` (mean vs limit, see
    :func:`limit_ratio`), ``slope`` [mg/L per month], ``rising`` (towards the limit), ``level``
    (0 none, 1 近限预警, 2 超标预警) and ``level_label``. A pair with fewer than
    ``rule.min_points`` values never warns; an exceedance (ratio > 1) warns whatever the trend.

    Parameters
    ----------
    window
        Monthly values of the window (columns above).
    rule
        The warning rule.

    Returns
    -------
    polars.DataFrame
        One row per (section, indicator).
    """
    if window.height == 0:
        return pl.DataFrame(
            schema={
                "section": pl.String,
                "indicator": pl.String,
                "mean": pl.Float64,
                "points": pl.UInt32,
                "latest": pl.Float64,
                "limit": pl.Float64,
                "ratio": pl.Float64,
                "slope": pl.Float64,
                "rising": pl.Boolean,
                "level": pl.Int8,
                "level_label": pl.String,
            }
        )
    clean = (
        window.filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
        .sort(["section", "indicator", "month_index"])
        .with_columns(pl.int_range(pl.len()).over(["section", "indicator"]).alias("_pos"))
    )
    grouped = clean.group_by(["section", "indicator"], maintain_order=True).agg(
        pl.col("value").mean().alias("mean"),
        pl.len().alias("points"),
        pl.col("value").last().alias("latest"),
        pl.col("limit").first().alias("limit"),
    )
    # Scatter the values into a (pairs × months) matrix for the vectorised slope.
    pair = clean.select(
        pl.struct("section", "indicator").rank("dense").cast(pl.Int64).alias("pair") - 1
    ).to_series()
    order = grouped.select(
        pl.struct("section", "indicator").rank("dense").cast(pl.Int64).alias("pair") - 1
    ).to_series()
    width = max(int(grouped.get_column("points").to_numpy().max()), 1)
    xs = np.full((grouped.height, width), np.nan)
    ys = np.full((grouped.height, width), np.nan)
    rows_of_pair = np.empty(grouped.height, dtype=np.int64)
    rows_of_pair[order.to_numpy()] = np.arange(grouped.height)
    target_rows = rows_of_pair[pair.to_numpy()]
    positions = clean.get_column("_pos").to_numpy()
    xs[target_rows, positions] = clean.get_column("month_index").cast(pl.Float64).to_numpy()
    ys[target_rows, positions] = clean.get_column("value").to_numpy()
    slope = slopes(xs, ys)
    means = grouped.get_column("mean").to_numpy().astype(np.float64)
    limits = grouped.get_column("limit").to_numpy().astype(np.float64)
    ratios = np.full(grouped.height, np.nan)
    indicators = grouped.get_column("indicator").to_numpy()
    for indicator in np.unique(indicators):
        rows = indicators == indicator
        ratios[rows] = limit_ratio(means[rows], limits[rows], str(indicator))
    direction_ge = np.array([TABLE_1_BY_ID[str(i)].direction == "ge" for i in indicators])
    rising = np.where(direction_ge, slope < 0, slope > 0) & ~np.isnan(slope)
    enough = grouped.get_column("points").to_numpy() >= rule.min_points
    trend_ok = rising if rule.require_rising else np.ones(grouped.height, dtype=bool)
    near = (ratios >= rule.margin) & (ratios <= 1.0) & trend_ok & enough
    over = (ratios > 1.0) & enough
    level = np.where(over, 2, np.where(near, 1, 0)).astype(np.int8)
    return grouped.with_columns(
        pl.Series("ratio", ratios, dtype=pl.Float64),
        pl.Series("slope", slope, dtype=pl.Float64),
        pl.Series("rising", rising, dtype=pl.Boolean),
        pl.Series("level", level, dtype=pl.Int8),
        pl.Series("level_label", [LEVEL_LABELS[int(v)] for v in level], dtype=pl.String),
    )
