"""Lifecycle of a (suspected) contaminated construction-land plot, as cited data.

Documents:

* 《中华人民共和国土壤污染防治法》 (2018-08-31, in force 2019-01-01) Art. 59-66: investigation →
  risk assessment → 名录 → risk control or remediation → effect assessment → removal (Art. 66).
* 《污染地块土壤环境管理办法（试行）》 (环境保护部令第42号, in force 2017-07-01): 疑似污染地块名单.
* HJ 25.1-2019 (investigation, stages 1-3: 初步调查 / 详细调查), HJ 25.2-2019 (monitoring of control
  and remediation), HJ 25.3-2019 (risk assessment), HJ 25.4-2019 (remediation plan), HJ 25.5-2018
  (effect assessment), HJ 25.6-2019 (groundwater). Titles from shared/reference
  water-soil-standards.md §7.2 [X: S14].
* GB 36600-2018 clause 5 / HJ 25.1-2019: a preliminary investigation with every value ≤ the
  screening value ends the investigation; the plot is not a contaminated plot (reference §7.1 2).
* 《晋城市2021年土壤污染防治行动计划》 (晋市政办〔2021〕9号, 2021-04-08) (四)10: reviews of the
  investigation, risk-assessment, control/remediation and effect-assessment reports; the 名录
  published to society.

A stage is entered with its report (the HJ 25.x kind below), its review meeting and its date.
Transitions not listed in :data:`TRANSITIONS` are refused (no stage may be skipped).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Stage(StrEnum):
    """Lifecycle stage of a suspected or contaminated plot (土壤污染防治法 Art. 59-66); the values
    are the zh-CN names."""

    SUSPECTED = "疑似污染地块"
    PRELIMINARY = "初步调查"
    DETAILED = "详细调查"
    RISK_ASSESSMENT = "风险评估"
    RISK_CONTROL = "风险管控"
    REMEDIATION = "治理修复"
    EFFECT_ASSESSMENT = "效果评估"
    DELISTED = "移出名录"


#: Order for display (风险管控 and 治理修复 are alternatives at the same step).
STAGE_ORDER: Final[tuple[Stage, ...]] = tuple(Stage)

#: ASCII aliases accepted on the command line and in the API (same meaning as the Chinese names).
STAGE_ALIASES: Final[dict[str, Stage]] = {
    "suspected": Stage.SUSPECTED,
    "preliminary": Stage.PRELIMINARY,
    "detailed": Stage.DETAILED,
    "risk_assessment": Stage.RISK_ASSESSMENT,
    "risk_control": Stage.RISK_CONTROL,
    "remediation": Stage.REMEDIATION,
    "effect_assessment": Stage.EFFECT_ASSESSMENT,
    "delisted": Stage.DELISTED,
}


def parse_stage(text: str) -> Stage | None:
    """The stage named by ``text`` (Chinese name or ASCII alias), None when unknown [–].

    Parameters
    ----------
    text
        A stage name or alias.

    Returns
    -------
    Stage or None
        The stage.
    """
    clean = text.strip()
    try:
        return Stage(clean)
    except ValueError:
        return STAGE_ALIASES.get(clean.lower())


@dataclass(frozen=True)
class ReportKind:
    """The report a stage is entered with and the technical guideline that governs it."""

    name: str
    guideline: str


#: The report each stage is entered with and its technical guideline.
REPORT_KINDS: Final[dict[Stage, ReportKind]] = {
    Stage.SUSPECTED: ReportKind("疑似污染地块排查记录", "环境保护部令第42号"),
    Stage.PRELIMINARY: ReportKind(
        "土壤污染状况初步调查报告", "HJ 25.1-2019 建设用地土壤污染状况调查技术导则"
    ),
    Stage.DETAILED: ReportKind(
        "土壤污染状况详细调查报告",
        "HJ 25.1-2019 建设用地土壤污染状况调查技术导则；HJ 25.2-2019 监测技术导则",
    ),
    Stage.RISK_ASSESSMENT: ReportKind(
        "土壤污染风险评估报告", "HJ 25.3-2019 建设用地土壤污染风险评估技术导则"
    ),
    Stage.RISK_CONTROL: ReportKind(
        "风险管控方案",
        "HJ 25.2-2019 建设用地土壤污染风险管控和修复监测技术导则；HJ 25.6-2019（地下水）",
    ),
    Stage.REMEDIATION: ReportKind(
        "治理修复方案", "HJ 25.4-2019 建设用地土壤修复技术导则；HJ 25.6-2019（地下水）"
    ),
    Stage.EFFECT_ASSESSMENT: ReportKind(
        "风险管控与修复效果评估报告",
        "HJ 25.5-2018 污染地块风险管控与土壤修复效果评估技术导则（试行）",
    ),
    Stage.DELISTED: ReportKind(
        "移出名录申请及审查意见", "《中华人民共和国土壤污染防治法》第六十六条"
    ),
}


class Condition(StrEnum):
    """What must hold, besides the report, for a transition."""

    NONE = "none"
    #: every sample of the plot within the screening value of its planned use (GB 36600 cl. 5)
    PRELIMINARY_ALL_WITHIN = "preliminary_all_within"
    #: every sample taken since risk control / remediation began within the screening value
    EFFECT_ALL_WITHIN = "effect_all_within"


@dataclass(frozen=True)
class Transition:
    """An allowed stage transition, the condition it needs and the clause it rests on (``basis``)."""

    source: Stage
    target: Stage
    condition: Condition
    basis: str  # citation


_LAW = "《中华人民共和国土壤污染防治法》"
_PLAN = "《晋城市2021年土壤污染防治行动计划》"

#: Every allowed stage transition with its condition and basis.
#:
#: :meta hide-value:
TRANSITIONS: Final[tuple[Transition, ...]] = (
    Transition(
        Stage.SUSPECTED, Stage.PRELIMINARY, Condition.NONE, f"{_LAW}第五十九条；HJ 25.1-2019"
    ),
    Transition(
        Stage.PRELIMINARY,
        Stage.DETAILED,
        Condition.NONE,
        "GB 36600-2018 第5.2条；HJ 25.1-2019（初步调查超过筛选值的开展详细调查）",
    ),
    Transition(
        Stage.PRELIMINARY,
        Stage.DELISTED,
        Condition.PRELIMINARY_ALL_WITHIN,
        "GB 36600-2018 第5.1条；HJ 25.1-2019（初步调查均不超过筛选值的，调查结束，不属于污染地块）",
    ),
    Transition(
        Stage.DETAILED, Stage.RISK_ASSESSMENT, Condition.NONE, f"{_LAW}第六十条；HJ 25.3-2019"
    ),
    Transition(
        Stage.RISK_ASSESSMENT,
        Stage.RISK_CONTROL,
        Condition.NONE,
        f"{_LAW}第六十二条、第六十三条；{_PLAN}（四）8",
    ),
    Transition(
        Stage.RISK_ASSESSMENT, Stage.REMEDIATION, Condition.NONE, f"{_LAW}第六十四条；HJ 25.4-2019"
    ),
    Transition(
        Stage.RISK_CONTROL,
        Stage.EFFECT_ASSESSMENT,
        Condition.EFFECT_ALL_WITHIN,
        f"{_LAW}第六十五条；HJ 25.5-2018",
    ),
    Transition(
        Stage.REMEDIATION,
        Stage.EFFECT_ASSESSMENT,
        Condition.EFFECT_ALL_WITHIN,
        f"{_LAW}第六十五条；HJ 25.5-2018",
    ),
    Transition(
        Stage.EFFECT_ASSESSMENT,
        Stage.DELISTED,
        Condition.EFFECT_ALL_WITHIN,
        f"{_LAW}第六十六条；{_PLAN}（四）10",
    ),
)


def transition(source: Stage, target: Stage) -> Transition | None:
    """The allowed transition from ``source`` to ``target``, None when it is not allowed.

    Parameters
    ----------
    source, target
        The current and the requested stage.

    Returns
    -------
    Transition or None
        The transition and its basis.
    """
    for candidate in TRANSITIONS:
        if candidate.source is source and candidate.target is target:
            return candidate
    return None


def next_stages(source: Stage) -> tuple[Stage, ...]:
    """Stages reachable in one step from ``source`` (empty after 移出名录).

    Parameters
    ----------
    source
        The current stage.

    Returns
    -------
    tuple of Stage
        The reachable stages.
    """
    return tuple(t.target for t in TRANSITIONS if t.source is source)


#: Stages whose plots form the published 名录 (土壤污染防治法第五十八条; 计划（四）10):
#: 疑似污染地块名单 / 污染地块名录 / 建设用地土壤污染风险管控和修复名录.
SUSPECTED_LIST: Final = frozenset({Stage.SUSPECTED, Stage.PRELIMINARY})
#: Stages of the 污染地块名录.
CONTAMINATED_LIST: Final = frozenset({Stage.DETAILED, Stage.RISK_ASSESSMENT})
#: Stages of the 建设用地土壤污染风险管控和修复名录.
CONTROL_REMEDIATION_LIST: Final = frozenset(
    {Stage.RISK_CONTROL, Stage.REMEDIATION, Stage.EFFECT_ASSESSMENT}
)

#: zh-CN name of each published list.
LIST_LABELS: Final[dict[str, str]] = {
    "suspected": "疑似污染地块名单",
    "contaminated": "污染地块名录",
    "control": "建设用地土壤污染风险管控和修复名录",
    "delisted": "已移出名录地块",
}


def list_of(stage: Stage) -> str:
    """Which published list (key of :data:`LIST_LABELS`) a plot at ``stage`` belongs to.

    Parameters
    ----------
    stage
        The plot's stage.

    Returns
    -------
    str
        The list's key.
    """
    if stage in SUSPECTED_LIST:
        return "suspected"
    if stage in CONTAMINATED_LIST:
        return "contaminated"
    if stage in CONTROL_REMEDIATION_LIST:
        return "control"
    return "delisted"


class PlannedUse(StrEnum):
    """GB 36600-2018 clauses 3.4-3.5; planned use unclear → first-class values (reference §6.1)."""

    FIRST = "第一类用地"
    SECOND = "第二类用地"


def land_class(use: PlannedUse | None) -> int:
    """GB 36600-2018 land class (1 or 2) of a planned use; None (unclear) → 1 [–].

    Parameters
    ----------
    use
        The planned use (None = unclear).

    Returns
    -------
    int
        1 (第一类用地) or 2 (第二类用地).
    """
    return 2 if use is PlannedUse.SECOND else 1


def parse_planned_use(text: str) -> PlannedUse | None:
    """The planned use named by ``text`` ("1", "一类", "第一类", "第一类用地", likewise for 2),
    None when unknown.

    Parameters
    ----------
    text
        The planned-use cell.

    Returns
    -------
    PlannedUse or None
        The planned use.
    """
    clean = text.strip().replace("一类", "第一类").replace("二类", "第二类")
    clean = clean.replace("第第", "第")
    if clean in ("1", "第一类", "第一类用地"):
        return PlannedUse.FIRST
    if clean in ("2", "第二类", "第二类用地"):
        return PlannedUse.SECOND
    return None
