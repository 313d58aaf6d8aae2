"""Period statistics for surface water: period means, class shares, river status, change, trend.

Documents:

* 《地表水环境质量评价办法（试行）》 环办〔2011〕22号 (2011): §3.2 河流/流域水质评价 (fewer than 5
  sections → mean values; 5 or more → shares of Ⅰ–Ⅲ and 劣Ⅴ), §6 水质变化趋势分析 (status-grade
  change, ΔG−ΔD, Spearman rank correlation); reference §2.2, §2.4, §2.7.
* 《地表水环境质量监测数据统计技术规定（试行）》 环办监测函〔2020〕82号: concentrations are averaged
  first and the mean is classed; pH is averaged through the hydrogen-ion concentration (reference
  §2.2, [R]).

"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

#: Proportion method applies from this many sections up (reference §2.4: exactly 5 uses shares [R]).
MIN_SECTIONS_FOR_SHARES: Final = 5


def period_means(frame: pl.DataFrame, by: Sequence[str], indicators: Sequence[str]) -> pl.DataFrame:
    """Arithmetic mean of each indicator per group (section × period), pH through [H⁺].

    Documents: 环办〔2011〕22号 §4 (数据统计: average concentrations, then class) and 环办监测函〔2020〕
    82号 (pH mean = −log10(mean(10^−pH))). Values [mg/L], pH dimensionless; nulls are ignored;
    a group with no value keeps null. Adds ``n_samples`` (rows per group).

    Parameters
    ----------
    frame
        Wide measurement frame: the ``by`` columns and one column per indicator id [mg/L; pH
        dimensionless] (indicators absent from the frame are skipped).
    by
        Group columns (e.g. section and period).
    indicators
        Indicator columns averaged.

    Returns
    -------
    polars.DataFrame
        One row per group with the means and ``n_samples``.
    """
    aggregations: list[pl.Expr] = []
    for item in indicators:
        if item not in frame.columns:
            continue
        if item == "ph":
            hydrogen = (10.0 ** (-pl.col("ph").cast(pl.Float64))).mean()
            aggregations.append((-hydrogen.log10()).alias("ph"))
        else:
            aggregations.append(pl.col(item).cast(pl.Float64).mean().alias(item))
    return frame.group_by(list(by), maintain_order=True).agg(
        *aggregations, pl.len().alias("n_samples")
    )


@dataclass(frozen=True)
class ClassShares:
    """Shares of classed sections [%] (环办〔2011〕22号 §3.2)."""

    sections: int
    share_i_iii: float
    share_worse_than_v: float
    counts: dict[str, int]


def class_shares(codes: ArrayLike) -> ClassShares:
    """Shares [%] of sections in classes Ⅰ–Ⅲ and 劣Ⅴ among classed sections (code 0 ignored).

    Document: 环办〔2011〕22号 §3.2 (河流、流域水质评价, 断面水质类别比例). ``codes`` 1..6 = Ⅰ..劣Ⅴ.
    No classed section → shares NaN.

    Parameters
    ----------
    codes
        Class codes 0..6 per section.

    Returns
    -------
    ClassShares
        The shares [%] and the number of classed sections.
    """
    array = np.asarray(codes, dtype=np.int64)
    classed = array[array > 0]
    labels = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")
    counts = {label: int(np.sum(classed == code)) for code, label in enumerate(labels, start=1)}
    if classed.size == 0:
        return ClassShares(0, float("nan"), float("nan"), counts)
    good = float(np.sum(classed <= 3)) * 100.0 / classed.size
    worst = float(np.sum(classed == 6)) * 100.0 / classed.size
    return ClassShares(int(classed.size), good, worst, counts)


def network_status(share_i_iii: ArrayLike, share_worse_than_v: ArrayLike) -> NDArray[np.str_]:
    """River/basin status word from class shares [%] (5 or more sections).

    Document: 环办〔2011〕22号 §3.2 Table 2 (reference §2.4): Ⅰ–Ⅲ ≥ 90 → 优; 75 ≤ Ⅰ–Ⅲ < 90 → 良好;
    Ⅰ–Ⅲ < 75 and 劣Ⅴ < 20 → 轻度污染; Ⅰ–Ⅲ < 75 and 20 ≤ 劣Ⅴ < 40 → 中度污染; Ⅰ–Ⅲ < 60 and 劣Ⅴ ≥ 40
    → 重度污染. The table leaves 60 ≤ Ⅰ–Ⅲ < 75 with 劣Ⅴ ≥ 40 uncovered; it is mapped to 重度污染 (see
    :func:`network_status_gap`). NaN → "".

    Parameters
    ----------
    share_i_iii
        Share of sections in classes Ⅰ–Ⅲ [%].
    share_worse_than_v
        Share of sections in 劣Ⅴ [%].

    Returns
    -------
    numpy.ndarray of str
        The zh-CN status word.
    """
    good = np.asarray(share_i_iii, dtype=np.float64)
    worst = np.asarray(share_worse_than_v, dtype=np.float64)
    conditions = [
        np.isnan(good) | np.isnan(worst),
        good >= 90.0,
        good >= 75.0,
        worst < 20.0,
        worst < 40.0,
    ]
    choices = ["", "优", "良好", "轻度污染", "中度污染"]
    result: NDArray[np.str_] = np.select(conditions, choices, default="重度污染")
    return result


def network_status_gap(share_i_iii: ArrayLike, share_worse_than_v: ArrayLike) -> NDArray[np.bool_]:
    """True where the shares [%] fall in the gap of 环办〔2011〕22号 §3.2 Table 2 (60 ≤ Ⅰ–Ⅲ < 75 and
    劣Ⅴ ≥ 40): no row of the table applies and :func:`network_status` reports 重度污染 (flagged).

    Parameters
    ----------
    share_i_iii
        Share of sections in classes Ⅰ–Ⅲ [%].
    share_worse_than_v
        Share of sections in 劣Ⅴ [%].

    Returns
    -------
    numpy.ndarray of bool
        True in the gap.
    """
    good = np.asarray(share_i_iii, dtype=np.float64)
    worst = np.asarray(share_worse_than_v, dtype=np.float64)
    gap: NDArray[np.bool_] = (good >= 60.0) & (good < 75.0) & (worst >= 40.0)
    return gap


#: Status words from best to worst (环办〔2011〕22号 §3).
STATUS_GRADES: Final[tuple[str, ...]] = ("优", "良好", "轻度污染", "中度污染", "重度污染")


def status_change(before: str, after: str) -> str:
    """Verdict on the change of a status grade (环办〔2011〕22号 §6.1, reference §2.7).

    Same grade → 无明显变化; one grade → 有所好转/有所变差; two or more → 明显好转/明显变差.
    Status words are categories [–]; unknown words raise ValueError.

    Parameters
    ----------
    before, after
        Status words of the two periods (优 … 重度污染).

    Returns
    -------
    str
        The zh-CN verdict.
    """
    steps = STATUS_GRADES.index(after) - STATUS_GRADES.index(before)
    if steps == 0:
        return "无明显变化"
    direction = "变差" if steps > 0 else "好转"
    return ("有所" if abs(steps) == 1 else "明显") + direction


def share_change(
    good_before: float, worst_before: float, good_after: float, worst_after: float
) -> str:
    """Verdict from class shares [%] of two periods (环办〔2011〕22号 §6.2, reference §2.7).

    ΔG − ΔD with ΔG the change of the Ⅰ–Ⅲ share and ΔD that of 劣Ⅴ [percentage points]:
    abs(ΔG − ΔD) ≤ 10 → 无明显变化; ≤ 20 → 有所好转/有所变差; > 20 → 明显好转/明显变差.

    Parameters
    ----------
    good_before, good_after
        Share of classes Ⅰ–Ⅲ in the earlier and the later period [%].
    worst_before, worst_after
        Share of 劣Ⅴ in the earlier and the later period [%].

    Returns
    -------
    str
        The zh-CN verdict.
    """
    delta = (good_after - good_before) - (worst_after - worst_before)
    if abs(delta) <= 10.0:
        return "无明显变化"
    direction = "好转" if delta > 0 else "变差"
    return ("有所" if abs(delta) <= 20.0 else "明显") + direction


#: Spearman critical values Wp (环办〔2011〕22号 appendix as recalled in reference §2.7, [U];
#: N = 5-10 agree with the generic one-sided table S17).
SPEARMAN_WP: Final[dict[int, tuple[float, float]]] = {
    5: (0.900, 1.000), 6: (0.829, 0.943), 7: (0.714, 0.893), 8: (0.643, 0.833),
    9: (0.600, 0.783), 10: (0.564, 0.746), 12: (0.506, 0.712), 14: (0.456, 0.645),
    16: (0.425, 0.601), 18: (0.399, 0.564), 20: (0.377, 0.534), 22: (0.359, 0.508),
    24: (0.343, 0.485), 26: (0.329, 0.465), 28: (0.317, 0.448), 30: (0.306, 0.432),
}  # fmt: skip


@dataclass(frozen=True)
class SpearmanTrend:
    """Result of the Spearman rank-correlation trend test."""

    n: int
    rs: float
    wp: float
    verdict: str  # 显著上升 / 显著下降 / 无明显变化趋势


def spearman_trend(values: ArrayLike, *, significance: float = 0.05) -> SpearmanTrend:
    """Spearman rank trend of a series in time order (环办〔2011〕22号 §6.3, reference §2.7).

    rs = 1 − 6Σd²/(N³−N), d = rank of the value (ascending, ties averaged) − rank in time.
    abs(rs) ≥ Wp → 显著上升 (rs > 0, concentration or share rising) or 显著下降; else 无明显变化趋势.
    Values in any one unit [mg/L or %]; rs and Wp [dimensionless]. N between table rows uses the next smaller tabulated N (conservative);
    N < 5 or > 30 raises ValueError (outside the table).

    Parameters
    ----------
    values
        The series in time order (5 to 30 values).
    significance
        Significance level of the critical value Wp (0.05 or 0.01).

    Returns
    -------
    SpearmanTrend
        rs, Wp, N and the zh-CN verdict.
    """
    series = np.asarray(values, dtype=np.float64)
    n = int(series.size)
    if n < 5 or n > 30:
        raise ValueError(f"Spearman 趋势检验需要 5–30 个时段，实际 {n} 个")
    ranks = pl.Series(series).rank("average").to_numpy().astype(np.float64)
    time_ranks = np.arange(1, n + 1, dtype=np.float64)
    rs = 1.0 - 6.0 * float(np.sum((ranks - time_ranks) ** 2)) / (n**3 - n)
    table_n = max(key for key in SPEARMAN_WP if key <= n)
    wp = SPEARMAN_WP[table_n][0 if significance == 0.05 else 1]
    verdict = ("显著上升" if rs > 0 else "显著下降") if abs(rs) >= wp else "无明显变化趋势"
    return SpearmanTrend(n, rs, wp, verdict)


def river_status(assessed: pl.DataFrame, mean_class: int | None = None) -> str:
    """Status word of a river, basin or lake from its sections (环办〔2011〕22号 §3.2).

    ``assessed``: one row per section with ``water_class`` codes (output of
    ``assess_sections``). With 5 or more classed sections the share table of
    :func:`network_status` applies; with fewer, the status is that of ``mean_class`` — the class
    of the section-averaged concentrations, which the caller computes with :func:`period_means`
    and ``assess_sections`` — and "" when it is not given. Shares in [%].

    Parameters
    ----------
    assessed
        Assessed sections (``assess_sections``).
    mean_class
        Class code of the section-averaged concentrations, for fewer than 5 sections.

    Returns
    -------
    str
        The zh-CN status word, "" when unknown.
    """
    shares = class_shares(assessed.get_column("water_class").to_numpy())
    if shares.sections >= MIN_SECTIONS_FOR_SHARES:
        return str(network_status(shares.share_i_iii, shares.share_worse_than_v).item())
    statuses = {1: "优", 2: "优", 3: "良好", 4: "轻度污染", 5: "中度污染", 6: "重度污染"}
    return statuses.get(mean_class or 0, "")
