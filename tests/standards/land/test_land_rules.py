"""The land lifecycle, gate and key-unit deadlines against the documents they cite.

Expected values are read off the seed plan (晋市政办〔2021〕9号 二（四）7, 9 and 二（五）12), the
reference's lifecycle (water-soil-standards.md §7), not from the code.
"""

from __future__ import annotations

import datetime as dt

import pytest

from envplan.standards.land.gate import RULES, Purpose, decide
from envplan.standards.land.key_units import (
    Light,
    duty_status,
    hidden_danger_due,
    yearly_due,
)
from envplan.standards.land.lifecycle import (
    REPORT_KINDS,
    TRANSITIONS,
    PlannedUse,
    Stage,
    land_class,
    next_stages,
    parse_planned_use,
    parse_stage,
    transition,
)

D = dt.date

# The chain of the issue and the reference §7.1, written out by hand.
CHAIN = [
    ("疑似污染地块", "初步调查"),
    ("初步调查", "详细调查"),
    ("详细调查", "风险评估"),
    ("风险评估", "风险管控"),
    ("风险评估", "治理修复"),
    ("风险管控", "效果评估"),
    ("治理修复", "效果评估"),
    ("效果评估", "移出名录"),
    ("初步调查", "移出名录"),  # all ≤ screening: not a contaminated plot (GB 36600 5.1)
]


def test_transitions_are_exactly_the_documented_chain() -> None:
    assert {(t.source.value, t.target.value) for t in TRANSITIONS} == set(CHAIN)
    assert all(t.basis for t in TRANSITIONS)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("疑似污染地块", "详细调查"),
        ("疑似污染地块", "移出名录"),
        ("初步调查", "风险评估"),
        ("详细调查", "治理修复"),
        ("风险评估", "效果评估"),
        ("风险管控", "移出名录"),
        ("移出名录", "疑似污染地块"),
        ("详细调查", "初步调查"),
    ],
)
def test_skipping_or_going_back_is_not_a_transition(source: str, target: str) -> None:
    assert transition(Stage(source), Stage(target)) is None


def test_every_stage_has_its_hj25_report_kind() -> None:
    assert "HJ 25.1-2019" in REPORT_KINDS[Stage.PRELIMINARY].guideline
    assert "HJ 25.3-2019" in REPORT_KINDS[Stage.RISK_ASSESSMENT].guideline
    assert "HJ 25.4-2019" in REPORT_KINDS[Stage.REMEDIATION].guideline
    assert "HJ 25.5-2018" in REPORT_KINDS[Stage.EFFECT_ASSESSMENT].guideline
    assert "HJ 25.2-2019" in REPORT_KINDS[Stage.RISK_CONTROL].guideline
    assert next_stages(Stage.DELISTED) == ()


def test_stage_and_use_parsing() -> None:
    assert parse_stage("效果评估") is Stage.EFFECT_ASSESSMENT
    assert parse_stage("remediation") is Stage.REMEDIATION
    assert parse_stage("验收") is None
    assert parse_planned_use("第二类用地") is PlannedUse.SECOND
    assert parse_planned_use("一类") is PlannedUse.FIRST
    assert parse_planned_use("住宅") is None
    # GB 36600 §3.4 reading: unclear planned use → first-class values
    assert land_class(None) == 1 and land_class(PlannedUse.SECOND) == 2


def test_gate_answers_by_stage() -> None:
    suspected = decide(Stage.SUSPECTED, Purpose.SUPPLY)
    assert not suspected.allowed and "需开展调查" in suspected.reason and suspected.opens_survey
    assert "二（四）7" in suspected.rule and "二（四）9" in suspected.rule
    for stage in Stage:
        answer = decide(stage, Purpose.SUPPLY)
        assert answer.allowed is (stage is Stage.DELISTED), stage
        assert answer.status == stage.value
    free = decide(None, Purpose.REQUISITION)
    assert free.allowed and free.status == "未列入名单名录"
    # measure 9: recovery / purchase of a listed plot needs the bureau's written reply
    assert decide(Stage.DETAILED, Purpose.RECOVERY).needs_written_reply
    assert not decide(Stage.DETAILED, Purpose.SUPPLY).needs_written_reply
    # measure 7: remediated for 第二类用地, asked for 第一类用地 → refused
    wrong_use = decide(
        Stage.DELISTED, Purpose.SUPPLY, fit_for=PlannedUse.SECOND, intended_use=PlannedUse.FIRST
    )
    assert not wrong_use.allowed
    assert decide(
        Stage.DELISTED, Purpose.SUPPLY, fit_for=PlannedUse.FIRST, intended_use=PlannedUse.SECOND
    ).allowed
    assert "不得纳入用地程序" in RULES["soil-7"].text


def test_hidden_danger_deadlines_from_measure_12() -> None:
    # on the list when the plan was issued (2021-04-08) or listing unknown → 2021年底前
    assert hidden_danger_due(None) == D(2021, 12, 31)
    assert hidden_danger_due(D(2019, 5, 1)) == D(2021, 12, 31)
    assert hidden_danger_due(D(2021, 4, 8)) == D(2021, 12, 31)
    # newly listed → within one year of listing
    assert hidden_danger_due(D(2021, 6, 1)) == D(2022, 6, 1)
    assert hidden_danger_due(D(2022, 3, 15)) == D(2023, 3, 15)
    assert hidden_danger_due(D(2024, 2, 29)) == D(2025, 2, 28)
    assert yearly_due(2022) == D(2022, 12, 31)


def test_duty_lights_at_and_around_the_deadline() -> None:
    due = D(2021, 12, 31)
    assert duty_status(due, None, D(2021, 12, 31)) == ("临期", Light.YELLOW)
    assert duty_status(due, None, D(2022, 1, 1)) == ("已逾期", Light.RED)
    assert duty_status(due, None, D(2021, 12, 1)) == ("临期", Light.YELLOW)  # 30 days before
    assert duty_status(due, None, D(2021, 11, 30)) == ("推进中", Light.GREEN)  # 31 days before
    assert duty_status(due, D(2021, 12, 31), D(2022, 3, 1)) == ("按期完成", Light.GREEN)
    assert duty_status(due, D(2022, 1, 1), D(2022, 3, 1)) == ("逾期完成", Light.YELLOW)
    # done after the evaluation date: not yet done as of then
    assert duty_status(due, D(2022, 1, 5), D(2022, 1, 2)) == ("已逾期", Light.RED)
