"""Every supervised item of the Jincheng 2021 seed, expanded into occurrences.

Expected counts were derived by hand from the deadline wording in the seed document
(shared/seed/jincheng-2021-action-plans.txt) with the rules of docs/supervision.md:
by-date 1; "每季度" 4; "长期坚持" or no written deadline 12 monthly; "X月起" monthly from X to
December; "5—9月" 5; one per dated step of a multi-step deadline (+4 when "按季度" runs alongside,
+12 when "按月" does).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from envplan.plan import default_plan
from envplan.services.calendar import NonWorkingDeadline
from envplan.services.supervision import SupervisionRules, load_plan_into_db
from envplan.services.supervision.occurrences import expand_deadline

D = dt.date
MONTHLY = 12

EXPECTED_AIR_MEASURES = {
    "air-m01": 1,  # 2021年底前 关停搬迁
    "air-m02": 1,  # 2021年4月底前 时间表
    "air-m03": 1,  # 2021年2月底前
    "air-m04": 1 + MONTHLY,  # 3月底前完成审核评估，并按月推进中、高费项目
    "air-m05": 2,  # 4月起完善流程；8月底前完成动态调整
    "air-m06": 1,
    "air-m07": 1,
    "air-m08": 2,  # 3月底前摸底调查；9月底前达到B级
    "air-m09": 1,
    "air-m10": MONTHLY,  # no written deadline
    "air-m11": MONTHLY,
    "air-m12": MONTHLY,
    "air-m13": 3,  # 2021年5月1日起国五；2022年起国六；2021年10月1日起清洁运输
    "air-m14": 2,  # 7月1日起执行6a；2021年完成757辆淘汰
    "air-m15": 1,
    "air-m16": 1,  # 2021年占比达30%
    "air-m17": MONTHLY,
    "air-m18": 4,  # 每季度开展一次
    "air-m19": 1,
    "air-m20": MONTHLY,
    "air-m21": 1,
    "air-m22": 2,  # 2月底前调查摸底；6月底前治理
    "air-m23": 1,
    "air-m24": 1,
    "air-m25": 5,  # 2021年5—9月
    "air-m26": MONTHLY,
    "air-m27": 3,  # 2021年10月1日起: Oct, Nov, Dec
    "air-m28": MONTHLY,
}
_LONG_TERM_KEY_TASKS = {14, 15, 16, 17, 19, 23, 25, 27, 29, 30, 31, 33, 35}
EXPECTED_AIR_KEY_TASKS = {f"air-k{n:02d}": 1 for n in range(1, 48)}
EXPECTED_AIR_KEY_TASKS.update({f"air-k{n:02d}": MONTHLY for n in _LONG_TERM_KEY_TASKS})
EXPECTED_AIR_KEY_TASKS.update(
    {
        "air-k07": 9,  # 2021年4月起: April … December
        "air-k18": 8,  # 2021年5月1日起
        "air-k20": 6,  # 2021年7月1日起
        "air-k43": 5,  # 2021年5—9月
        "air-k46": 3,  # 2021年10月1日起
    }
)
EXPECTED_WATER_MEASURES = {
    "water-m1-1": MONTHLY,  # 2021年起建立应急补水保障机制
    "water-m1-2": 1,  # 2021年漏损率控制在10%以内
    "water-m1-3": MONTHLY,
    "water-m1-4": MONTHLY,
    "water-m2-1": 5,  # 4月上旬；6月底前；12月底前；10月底前；12月底前（南村镇、町店）
    "water-m2-2": 2,  # 10月底前；2021年底
    "water-m2-3": 1,
    "water-m2-4": 3 + 4,  # 4月底前排查，6月底前方案，年底前整治 + 按季度水质监测
    "water-m2-5": MONTHLY,
    "water-m2-6": 1,  # 力争年底前完成
    "water-m2-7": 1,  # 2021年开工建设60个
    "water-m2-8": 1,
    "water-m2-9": MONTHLY,
    "water-m3-1": 1,
    "water-m3-2": MONTHLY,
    "water-m3-3": 2,  # 8月底前投运；12月底前建成
    "water-m3-4": MONTHLY,
    "water-m4-1": MONTHLY,
    "water-m4-2": 4,  # 按季度开展监测
    "water-m4-3": MONTHLY,
    "water-m5-1": MONTHLY,  # 监测结果每月向社会公开
    "water-m5-2": MONTHLY,
    "water-m5-3": 2,  # 5月起纳入生态补偿考核；4月底前一断面一方案
    "water-m5-4": MONTHLY,
    "water-m5-5": MONTHLY,
}
EXPECTED_WATER_PROJECTS = {f"water-p{n:02d}": 1 for n in range(1, 33)}
EXPECTED_SOIL = {f"soil-m{n:02d}": MONTHLY for n in range(1, 16)}
EXPECTED_SOIL.update({"soil-m02": 1, "soil-m12": 2})  # 9月底前；2021年底前 + 2025年底前

EXPECTED = {
    **EXPECTED_AIR_MEASURES,
    **EXPECTED_AIR_KEY_TASKS,
    **EXPECTED_WATER_MEASURES,
    **EXPECTED_WATER_PROJECTS,
    **EXPECTED_SOIL,
}


def test_every_seed_item_has_a_hand_count() -> None:
    ids = {item.id for item in default_plan().supervised_items()}
    assert ids == set(EXPECTED)
    assert len(EXPECTED) == 147


def test_expansion_of_every_seed_item() -> None:
    plan = default_plan()
    counts = {
        item.id: len(expand_deadline(item.deadline, plan.plan_year))
        for item in plan.supervised_items()
    }
    wrong = {k: (counts[k], EXPECTED[k]) for k in EXPECTED if counts[k] != EXPECTED[k]}
    assert wrong == {}
    assert sum(counts.values()) == 723


def test_seed_deadlines_on_non_working_days() -> None:
    plan = default_plan()
    items = {item.id: item for item in plan.supervised_items()}
    rule = NonWorkingDeadline.NEXT_WORKING_DAY

    def dues(key: str) -> list[dt.date]:
        return [s.due_date for s in expand_deadline(items[key].deadline, 2021, non_working=rule)]

    assert dues("air-k36") == [D(2021, 2, 1)]  # 1月底前: Sunday 1-31 → Monday 2-01
    assert dues("air-k04") == [D(2021, 3, 1)]  # 2月底前: Sunday 2-28 → Monday 3-01
    assert dues("water-p12") == [D(2021, 4, 12)]  # 4月上旬 = 4-10, a Saturday → Monday 4-12
    assert dues("air-k11") == [D(2021, 9, 30)]  # Thursday: kept
    # 10月1日起: October report due Sunday 10-31 → Monday 11-01
    assert dues("air-k46") == [D(2021, 11, 1), D(2021, 11, 30), D(2021, 12, 31)]
    # with the default rule the written date stands
    assert [s.due_date for s in expand_deadline(items["air-k36"].deadline, 2021)] == [
        D(2021, 1, 31)
    ]


@pytest.fixture
def seed_session(db_session: Session) -> Session:
    load_plan_into_db(
        db_session,
        default_plan(),
        rules=SupervisionRules(non_working_deadline=NonWorkingDeadline.NEXT_WORKING_DAY),
    )
    db_session.commit()
    return db_session


def test_seed_plan_loads_on_both_databases(seed_session: Session) -> None:
    counts = dict(
        seed_session.execute(
            text(
                "SELECT t.task_key, count(o.id) FROM tasks t "
                "JOIN occurrences o ON o.task_id = t.id WHERE o.role = 'lead' GROUP BY t.task_key"
            )
        ).all()
    )
    assert counts == EXPECTED
    due = seed_session.execute(
        text(
            "SELECT o.due_date, o.nominal_due FROM occurrences o JOIN tasks t ON t.id = o.task_id "
            "WHERE t.task_key = 'air-k36' AND o.role = 'lead'"
        )
    ).one()
    assert (str(due[0]), str(due[1])) == ("2021-02-01", "2021-01-31")
