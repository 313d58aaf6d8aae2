"""The land-supply / requisition gate (污染地块准入) as cited rules.

Document: 《晋城市2021年土壤污染防治行动计划》 (晋市政办〔2021〕9号, 2021-04-08), part 二（四）:

* measure 7 (严格污染地块准入管理): 未开展土壤环境调查评估或经评估对人体健康有严重影响的，未经治理修复
  或治理修复后仍不符合相应规划用地土壤环境要求的，不得纳入用地程序。
* measure 9 (强化污染地块部门联动监管): before requisition (征收) the natural-resources department
  queries the plot system and records the date and the plot's soil status; a suspected plot → a
  third-party investigation and the ecology bureau's opinion; before recovery or purchase (收回、
  收购) the same record and the ecology bureau's written reply (书面回复).
* 《中华人民共和国土壤污染防治法》第六十六条: a plot that has not reached its risk-control or
  remediation targets may not start construction unrelated to control or remediation, and leaves
  the 名录 only on the province's decision.

The answer depends only on the plot's stage (and, after removal, on whether the plot was made fit
for the use now asked for); every answer is recorded (see ``services.land``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from envplan.standards.land.lifecycle import PlannedUse, Stage


@dataclass(frozen=True)
class GateRule:
    """One cited clause of the gate: its id, the document, the clause number and its words
    (excerpt)."""

    id: str
    document: str
    clause: str
    text: str  # the clause's words (excerpt)

    @property
    def source(self) -> str:
        """Document and clause, e.g. "《中华人民共和国土壤污染防治法》第六十六条"."""
        return f"{self.document}{self.clause}"


_PLAN: Final = "《晋城市2021年土壤污染防治行动计划》（晋市政办〔2021〕9号）"
_LAW: Final = "《中华人民共和国土壤污染防治法》"

#: The gate's cited clauses by id.
RULES: Final[dict[str, GateRule]] = {
    "soil-7": GateRule(
        "soil-7",
        _PLAN,
        "二（四）7",
        "未开展土壤环境调查评估或经评估对人体健康有严重影响的，未经治理修复或治理修复后仍不符合"
        "相应规划用地土壤环境要求的，不得纳入用地程序。",
    ),
    "soil-9-requisition": GateRule(
        "soil-9-requisition",
        _PLAN,
        "二（四）9",
        "申请征收建设用地前……查询相关地块的土壤环境质量状况，并记录查询日期和地块的土壤环境质量"
        "状况结果。查询结果为疑似污染地块的，应委托第三方开展土壤环境质量状况调查评估，并征求同级"
        "生态环境部门意见。",
    ),
    "soil-9-recovery": GateRule(
        "soil-9-recovery",
        _PLAN,
        "二（四）9",
        "开展土地收回、收购工作时……对涉及疑似污染地块或污染地块的，应记录查询日期和地块土壤环境"
        "质量状况结果，并征求生态环境部门的意见，取得生态环境部门的书面回复。",
    ),
    "law-66": GateRule(
        "law-66",
        _LAW,
        "第六十六条",
        "未达到土壤污染风险评估报告确定的风险管控、修复目标的建设用地地块，禁止开工建设任何与风险"
        "管控、修复无关的项目；达到目标的，可申请移出名录。",
    ),
}


class Purpose(StrEnum):
    """The kind of land request the gate answers (供地, 征收, 收回, 收购; measures 7 and 9)."""

    SUPPLY = "供地"
    REQUISITION = "征收"
    RECOVERY = "收回"
    PURCHASE = "收购"


#: Soil status of a parcel on neither list (未列入名单名录).
NOT_LISTED: Final = "未列入名单名录"


@dataclass(frozen=True)
class GateAnswer:
    """The gate's answer: allowed or not, the zh-CN reason, the rules applied, the plot's soil
    status and the follow-ups it opens (a survey for a suspected plot, measure 9's written reply).
    """

    allowed: bool
    reason: str  # zh-CN
    rule_ids: tuple[str, ...]
    status: str  # the plot's soil status returned by the query (stage name or NOT_LISTED)
    opens_survey: bool = False  # a suspected plot: the survey step is opened
    needs_written_reply: bool = False  # measure 9: the ecology bureau's written reply is due

    @property
    def rule(self) -> str:
        """Citation of the rules applied, clauses grouped by document:
        "《晋城市2021年土壤污染防治行动计划》（晋市政办〔2021〕9号）二（四）7、二（四）9"."""
        clauses: dict[str, list[str]] = {}
        for rule_id in self.rule_ids:
            rule = RULES[rule_id]
            listed = clauses.setdefault(rule.document, [])
            if rule.clause not in listed:
                listed.append(rule.clause)
        return "；".join(doc + "、".join(parts) for doc, parts in clauses.items())


def _purpose_rule(purpose: Purpose) -> str:
    if purpose in (Purpose.RECOVERY, Purpose.PURCHASE):
        return "soil-9-recovery"
    return "soil-9-requisition"


def decide(
    stage: Stage | None,
    purpose: Purpose,
    *,
    fit_for: PlannedUse | None = None,
    intended_use: PlannedUse | None = None,
) -> GateAnswer:
    """可以 / 不可以 for a land-supply or requisition request on a plot at ``stage``.

    ``stage`` None: the parcel is in neither the suspected list nor the 名录 → allowed.
    ``fit_for``: the planned use the plot was assessed and remediated for (GB 36600-2018 class);
    ``intended_use``: the use the request asks for (None = the plot's planned use). A removed plot
    assessed for 第二类用地 asked for 第一类用地 is refused (measure 7: 不符合相应规划用地土壤环境要求).

    Parameters
    ----------
    stage
        The plot's lifecycle stage, None when the parcel is not listed.
    purpose
        What is requested.
    fit_for
        The planned use the plot was assessed and remediated for.
    intended_use
        The use the request asks for (None = the plot's planned use).

    Returns
    -------
    GateAnswer
        The answer with its reason and cited rules.
    """
    query_rule = _purpose_rule(purpose)
    needs_reply = purpose in (Purpose.RECOVERY, Purpose.PURCHASE)
    if stage is None:
        return GateAnswer(
            True,
            "可以：该地块未列入疑似污染地块名单和污染地块名录（查询已记录）",
            (query_rule,),
            NOT_LISTED,
        )
    if stage is Stage.SUSPECTED:
        return GateAnswer(
            False,
            "不可以，需开展调查：该地块为疑似污染地块，应委托第三方开展土壤污染状况调查评估并征求"
            "生态环境部门意见；调查评估完成前不得纳入用地程序",
            ("soil-7", query_rule),
            stage.value,
            opens_survey=True,
            needs_written_reply=needs_reply,
        )
    if stage in (Stage.PRELIMINARY, Stage.DETAILED, Stage.RISK_ASSESSMENT):
        return GateAnswer(
            False,
            f"不可以：土壤污染状况调查评估尚未完成（当前阶段：{stage.value}），不得纳入用地程序",
            ("soil-7", query_rule),
            stage.value,
            needs_written_reply=needs_reply,
        )
    if stage in (Stage.RISK_CONTROL, Stage.REMEDIATION):
        return GateAnswer(
            False,
            f"不可以：地块正在{stage.value}，未经治理修复效果评估并移出名录前不得纳入用地程序，"
            "不得开工建设与风险管控、修复无关的项目",
            ("soil-7", "law-66", query_rule),
            stage.value,
            needs_written_reply=needs_reply,
        )
    if stage is Stage.EFFECT_ASSESSMENT:
        return GateAnswer(
            False,
            "不可以：效果评估已完成但地块尚未移出名录，移出名录后方可纳入用地程序",
            ("soil-7", "law-66", query_rule),
            stage.value,
            needs_written_reply=needs_reply,
        )
    if intended_use is PlannedUse.FIRST and fit_for is PlannedUse.SECOND:
        return GateAnswer(
            False,
            "不可以：地块按第二类用地完成调查评估和治理修复，不符合拟用作第一类用地的土壤环境要求，"
            "须按第一类用地重新开展调查评估",
            ("soil-7", query_rule),
            stage.value,
        )
    return GateAnswer(
        True,
        "可以：地块已移出名录（调查评估或治理修复效果评估表明符合规划用地土壤环境要求）",
        ("soil-7", query_rule),
        stage.value,
    )
