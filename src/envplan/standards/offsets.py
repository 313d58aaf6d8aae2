"""Offset (削减替代) rules and the emission-reduction target check, as dated, cited data.

Document: 晋城市人民政府办公室 晋市政办〔2021〕9号, 晋城市2021年空气质量巩固提升行动计划 (issued
2021-04-08):

- 五、保障措施（三）强化主要污染物排放总量约束引导: new projects in areas over the air-quality
  standard offset their added main air pollutants twice over (“倍量削减”); projects in 城区, 泽州县
  and 高平市 may take offsets only from reductions inside their own county (“只能从本区域内削减替代，
  不得跨县转入”).
- 三、重点任务 2: inside the key control zone and county planning areas the emission replacement
  ratio is 2:1 (“污染物排放量置换比例执行2:1”).
- 二、主要目标: SO2, NOx and VOCs emissions −2 % or more against 2020 (the city's figure; county
  figures are set separately by air 二 last sentence, so the city percentage is the default).

Amounts are integers in grams [g] (1 t = 1 000 000 g) so that a ledger never rounds: a debit takes
``required_grams`` (ratio × amount, rounded up to the gram, never down) from credits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Grams per tonne: ledger amounts are integers [g].
GRAMS_PER_TONNE = 1_000_000
#: Finest amount a ledger entry may state [t] (one gram).
TONNE_DECIMALS = 6

#: Pollutants of the ledger and the inventory; SO2, NOx, VOCs carry the −2 % target, PM does not.
POLLUTANTS = ("SO2", "NOx", "VOCs", "PM")
#: zh-CN name of each ledger pollutant.
POLLUTANT_LABELS = {
    "SO2": "二氧化硫",
    "NOx": "氮氧化物",
    "VOCs": "挥发性有机物",
    "PM": "颗粒物",
}
_POLLUTANT_ALIASES = {
    "so2": "SO2",
    "二氧化硫": "SO2",
    "nox": "NOx",
    "氮氧化物": "NOx",
    "vocs": "VOCs",
    "voc": "VOCs",
    "挥发性有机物": "VOCs",
    "pm": "PM",
    "颗粒物": "PM",
    "烟粉尘": "PM",
}

#: Kinds of reduction that make a credit (air 2 工程/结构, air 4 清洁生产 surplus).
CREDIT_KINDS = ("工程减排", "结构减排", "清洁生产")


@dataclass(frozen=True)
class Citation:
    """Where a rule is written: document, clause and the clause's own words."""

    document: str
    clause: str  # e.g. "空气 五、保障措施（三）"
    quote: str  # verbatim from the document
    measure_id: str | None = None  # plan-registry id when the clause is a registry measure

    def label(self) -> str:
        """Document and clause on one line."""
        return f"{self.document} {self.clause}"


#: The plan the offset clauses come from.
DOCUMENT = "晋市政办〔2021〕9号《晋城市2021年空气质量巩固提升行动计划》"

#: Air plan 五、保障措施（三）: the 2:1 offset and the same-county rule.
AIR_GUARANTEE_3 = Citation(
    DOCUMENT,
    "空气 五、保障措施（三）",
    "严格落实空气质量超标区域建设项目主要大气污染物排放总量“倍量削减”。城区、泽州县、高平市的"
    "建设项目新增大气主要污染物排放总量只能从本区域内削减替代，不得跨县转入，严格控制向晋城市区"
    "周边调剂。",
)
#: Air plan 三、重点任务 2: capacity only decreases, emissions replaced 2:1.
AIR_MEASURE_2_RATIO = Citation(
    DOCUMENT,
    "空气 三、重点任务 2",
    "区域内现有产能只减不增，置换比例按相关规定执行，污染物排放量置换比例执行2:1",
    measure_id="air-m02",
)
#: Air plan 三、重点任务 4: stable surplus reductions of compliant enterprises may be traded or used.
AIR_MEASURE_4_SURPLUS = Citation(
    DOCUMENT,
    "空气 三、重点任务 4",
    "已达标企业在完成主要污染物减排任务的基础上，通过清洁生产技术升级改造实现的主要污染物排放稳定"
    "削减量，可按相关规定将富余指标进入排污权交易市场进行交易，或用于企业自身发展产能扩容所需污染物"
    "排放指标。",
    measure_id="air-m04",
)


@dataclass(frozen=True)
class OffsetRule:
    """The offset rule in force from ``valid_from`` (inclusive) to ``valid_to`` (inclusive).

    ratio: reduction required per tonne of added emission [t/t] (2 = 倍量削减 2:1).
    same_county: counties whose projects may use only credits of their own county (“只能从本区域内
    削减替代，不得跨县转入”); projects of the other counties are not limited by the clause.
    """

    id: str
    ratio: Fraction
    same_county: tuple[str, ...]
    valid_from: dt.date
    valid_to: dt.date | None
    citations: tuple[Citation, ...]


#: The offset rules, by validity.
OFFSET_RULES: tuple[OffsetRule, ...] = (
    OffsetRule(
        id="jincheng-2021-air-offsets",
        ratio=Fraction(2),
        same_county=("城区", "泽州县", "高平市"),
        valid_from=dt.date(2021, 4, 8),
        valid_to=None,
        citations=(AIR_GUARANTEE_3, AIR_MEASURE_2_RATIO),
    ),
)


class OffsetRuleError(ValueError):
    """No rule covers the date, or an amount/pollutant is not valid (zh-CN message)."""


def rule_in_force(on: dt.date, rules: tuple[OffsetRule, ...] = OFFSET_RULES) -> OffsetRule:
    """The offset rule in force on ``on``; raises :class:`OffsetRuleError` before the first one.

    Parameters
    ----------
    on
        The date of the project or transaction.
    rules
        The rules, ordered by effective date.

    Returns
    -------
    OffsetRule
        The latest rule whose validity (``valid_from`` … ``valid_to``) includes ``on``.
    """
    for rule in sorted(rules, key=lambda r: r.valid_from, reverse=True):
        if rule.valid_from <= on and (rule.valid_to is None or on <= rule.valid_to):
            return rule
    raise OffsetRuleError(
        f"{on} 没有生效的削减替代规则（最早的规则自 {rules[0].valid_from} 起施行）"
    )


def required_grams(added_grams: int, rule: OffsetRule) -> int:
    """Reduction a project must offset [g] = ratio × added emission [g], rounded up to the gram.

    Parameters
    ----------
    added_grams
        The project's added emission [g].
    rule
        The offset rule (its ratio, 2:1 for air 五（三）).

    Returns
    -------
    int
        The reduction to offset [g].
    """
    if added_grams <= 0:
        raise OffsetRuleError("新增排放量必须大于 0")
    exact = rule.ratio * added_grams
    return -(-exact.numerator // exact.denominator)


def allowed_credit_counties(
    project_county: str, counties: tuple[str, ...], rule: OffsetRule
) -> tuple[str, ...]:
    """Counties whose credits a project in ``project_county`` may use, per air 五（三）.

    A same-county area (城区, 泽州县, 高平市) uses only its own credits (“只能从本区域内削减替代，
    不得跨县转入”). The clause sets no county limit for the other areas: their projects may use
    credits of any county of ``counties``.

    Parameters
    ----------
    project_county
        The project's county or district.
    counties
        All counties of the city.
    rule
        The offset rule (its same-county areas).

    Returns
    -------
    tuple of str
        The counties whose credits may be used.
    """
    if project_county in rule.same_county:
        return (project_county,)
    return counties


def parse_pollutant(text: str) -> str:
    """Canonical pollutant key (SO2, NOx, VOCs, PM) of a name or alias; raises on unknown.

    Parameters
    ----------
    text
        A pollutant name or alias (e.g. 二氧化硫, 氮氧化物).

    Returns
    -------
    str
        The canonical key.
    """
    key = _POLLUTANT_ALIASES.get("".join(text.split()).lower().replace("₂", "2"))
    if key is None:
        raise OffsetRuleError(f"未知污染物：{text}（可选：{'、'.join(POLLUTANTS)}）")
    return key


def tonnes_to_grams(value: str | float | Decimal) -> int:
    """Exact grams [g] of an amount in tonnes [t]; at most 6 decimals, must be > 0.

    Parameters
    ----------
    value
        An amount [t].

    Returns
    -------
    int
        The amount [g].
    """
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise OffsetRuleError(f"数量应为数字（吨），收到：{value}") from None
    if not amount.is_finite() or amount <= 0:
        raise OffsetRuleError(f"数量必须大于 0（吨），收到：{value}")
    grams = amount * GRAMS_PER_TONNE
    if grams != grams.to_integral_value(rounding=ROUND_CEILING):
        raise OffsetRuleError(f"数量最多 {TONNE_DECIMALS} 位小数（精确到克），收到：{value}")
    return int(grams)


def grams_to_tonnes(grams: int) -> float:
    """Tonnes [t] of grams [g] (exact to 6 decimals for any ledger amount).

    Parameters
    ----------
    grams
        An amount [g].

    Returns
    -------
    float
        The amount [t].
    """
    return round(grams / GRAMS_PER_TONNE, TONNE_DECIMALS)


# --- the −2 % target -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReductionCheck:
    """Per row: the change against the base year and the room left under the target.

    change_pct: (current − base) / base × 100 [%] (NaN when base is 0).
    allowed: base × (1 − target_pct / 100) [g] (exact, may be fractional → kept as float).
    margin: allowed − current [g]; ≥ 0 means the target is met with that much room.
    met: current ≤ allowed (exact integer comparison).
    """

    change_pct: NDArray[np.float64]
    allowed: NDArray[np.float64]
    margin: NDArray[np.float64]
    met: NDArray[np.bool_]


def reduction_check(base: ArrayLike, current: ArrayLike, target_pct: float) -> ReductionCheck:
    """Check emissions [g] against a “decrease by at least ``target_pct`` % vs base” target
    (air 二、主要目标). Rows with base 0 have no change (NaN) and are met only if current is 0.

    Parameters
    ----------
    base
        Base-year emissions per row [g].
    current
        Current emissions per row [g].
    target_pct
        Required decrease [%].

    Returns
    -------
    ReductionCheck
        Change, allowed emission, margin and whether the target is met, per row.
    """
    base_g = np.asarray(base, dtype=np.int64)
    current_g = np.asarray(current, dtype=np.int64)
    pct = Fraction(Decimal(str(target_pct)))
    keep = Fraction(100) - pct
    # Exact: current ≤ base × keep / 100  ⇔  current × 100 × den ≤ base × num
    met = current_g * (100 * keep.denominator) <= base_g * keep.numerator
    allowed = base_g.astype(np.float64) * float(keep) / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(
            base_g > 0, (current_g - base_g).astype(np.float64) / base_g * 100.0, np.nan
        )
    return ReductionCheck(
        change_pct=change.astype(np.float64),
        allowed=allowed,
        margin=allowed - current_g,
        met=np.asarray(met, dtype=np.bool_),
    )
