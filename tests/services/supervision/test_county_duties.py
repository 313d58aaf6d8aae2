"""Every county-level government supervised on its own duties (issue #12), on the seed plan.

Expected values are computed here from the 责任单位 wording as printed in the plans (the raw text
the registry keeps, the seed document's brackets) with the rule of docs/supervision.md, and the
hand-counted periods per item of test_seed_plan.EXPECTED — not from the loader:

- every 〔责任单位〕 naming 各县（市、区）人民政府 (or 相关县…) is one duty of each of the six county
  governments (城区, 泽州县, 高平市, 阳城县, 陵川县, 沁水县), and of 开发区管委会 when the same
  wording names it; a measure printed as several paragraphs has one such duty per paragraph;
- a county government named by name (e.g. air-m09 "城区人民政府、泽州县人民政府") has the duty too;
- each duty has as many periods as the item (the lead's periods).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from envplan.plan import default_plan
from envplan.services import supervision as sv
from envplan.services.access import AccessDenied, Principal, Role


def _hand_counts() -> dict[str, int]:
    """test_seed_plan.EXPECTED: the hand-counted periods of every seed item."""
    spec = importlib.util.spec_from_file_location(
        "seed_hand_counts", Path(__file__).with_name("test_seed_plan.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.EXPECTED)


EXPECTED = _hand_counts()
SEED = Path(__file__).resolve().parents[2] / "data" / "seed" / "jincheng-2021-action-plans.txt"
GROUP = re.compile(r"[各相]关?县[（(]市、区[）)]人民政府")
SIX = ("城区", "泽州县", "高平市", "阳城县", "陵川县", "沁水县")
GOVERNMENTS = {
    "城区": "城区人民政府",
    "泽州县": "泽州县人民政府",
    "高平市": "高平市人民政府",
    "阳城县": "阳城县人民政府",
    "陵川县": "陵川县人民政府",
    "沁水县": "沁水县人民政府",
}


def _wordings() -> list[tuple[str, str]]:
    """(item id, 责任单位 wording) for every wording of every measure, one per paragraph."""
    rows = []
    for sub in default_plan().subplans:
        for measure in sub.measures:
            for clause in measure.clauses:
                rows.append((measure.id, clause.responsibility.raw or ""))
    return rows


def _expected_duties() -> dict[str, Counter[str]]:
    """county name → Counter(item id → number of duties), from the printed wording."""
    duties: dict[str, Counter[str]] = {name: Counter() for name in (*SIX, "开发区")}
    for item_id, wording in _wordings():
        group = bool(GROUP.search(wording))
        for name in SIX:
            if group or GOVERNMENTS[name] in wording:
                duties[name][item_id] += 1
        if group and "开发区" in wording:
            duties["开发区"][item_id] += 1
    return duties


def test_wordings_match_the_seed_document() -> None:
    # the seed prints 〔责任单位：…〕 brackets; those naming the county group are the county duties
    seed = SEED.read_text(encoding="utf-8")
    printed = [b for b in re.findall(r"责任单位[:：]([^〕\]]*)", seed) if GROUP.search(b)]
    registry = [w for _, w in _wordings() if GROUP.search(w)]
    assert len(registry) == 76
    assert len(printed) >= len(registry)
    # issue #12's count: at least 70 items (paragraphs with their own 责任单位) name every county
    assert len({(i, w) for i, w in _wordings() if GROUP.search(w)}) >= 70


@pytest.fixture
def seed(db_session: Session) -> Session:
    sv.load_plan_into_db(db_session, default_plan())
    db_session.commit()
    return db_session


def test_each_county_has_its_own_duty_for_every_item_naming_it(seed: Session) -> None:
    expected = _expected_duties()
    rows = seed.execute(
        text(
            "SELECT u.county, t.task_key, count(*) FROM occurrences o "
            "JOIN units u ON u.id = o.unit_id JOIN tasks t ON t.id = o.task_id "
            "WHERE o.role = 'county' GROUP BY u.county, t.task_key"
        )
    ).all()
    got: dict[str, dict[str, int]] = {}
    for county, task_key, count in rows:
        got.setdefault(county, {})[task_key] = count
    for county, items in expected.items():
        want = {item: duties * EXPECTED[item] for item, duties in items.items()}
        assert got[county] == want, county
    # 6 counties × 76 duties, the development zone on the 50 wordings that name it
    assert sum(expected["泽州县"].values()) == 76 + 1  # + air-m09, named by name
    assert sum(expected["开发区"].values()) >= 46


def test_tasks_list_county_acceptance_every_county(
    seed: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tasks list --county X --as-of 2021-12-31 --json`: ≥ 1 occurrence of every item naming
    every county, for every county (the service the command calls)."""
    naming_all = {item for item, wording in _wordings() if GROUP.search(wording)}
    assert len(naming_all) >= 60  # 65 measures (76 paragraphs)
    for county in (*SIX, "开发区"):
        states = sv.list_occurrences(seed, as_of=dt.date(2021, 12, 31), county=county)
        own = {s.duty_key for s in states if s.role == "county"}
        items = {s.task_key for s in states if s.role == "county"}
        if county == "开发区":
            zone_items = {i for i, w in _wordings() if GROUP.search(w) and "开发区" in w}
            assert zone_items <= items
        else:
            assert naming_all <= items, county
            assert len(own) >= 76, county
        assert all(s.county == county for s in states)
        json.dumps([s.to_json() for s in states], ensure_ascii=False)


def test_roll_up_shows_every_county_and_the_missing_ones(seed: Session) -> None:
    lead = sv.find_occurrence(seed, "air-m01", 1)  # 2021年底前, names the group and 开发区管委会
    zezhou = sv.find_occurrence(seed, "air-m01", 1, unit_id="zezhou-gov")
    assert zezhou.role == "county" and zezhou.parent_id == lead.id
    sv.submit_report(
        seed,
        sv.SYSTEM,
        zezhou.id,
        expected_version=1,
        reported_on=dt.date(2021, 6, 1),
        state="in_progress",
        percent=40,
        narrative="泽州县：已完成排查",
    )
    seed.commit()
    roll = sv.rollup(seed, lead.id, as_of=dt.date(2021, 6, 30))
    assert len(roll.counties) == 7  # six county governments + 开发区管委会
    assert {s.unit_id for s in roll.missing} == {
        "chengqu-gov",
        "gaoping-gov",
        "yangcheng-gov",
        "lingchuan-gov",
        "qinshui-gov",
        "kaifaqu-gov",
    }
    # co-units of air-m01: 市工信局、市审批服务管理局 and 晋能控股装备制造集团 contribute
    assert {s.unit_name for s in roll.contributions} >= {"市工信局", "市审批服务管理局"}
    assert roll.to_json()["counties_total"] == 7


def test_county_clerk_reports_only_its_county_and_co_unit_only_its_line(seed: Session) -> None:
    zezhou_clerk = Principal(None, "zz-clerk", Role.COUNTY_CLERK, county="泽州县")
    gaoping_line = sv.find_occurrence(seed, "air-m01", 1, unit_id="gaoping-gov")
    lead = sv.find_occurrence(seed, "air-m01", 1)
    for target in (gaoping_line, lead):
        with pytest.raises(AccessDenied):
            sv.submit_report(
                seed,
                zezhou_clerk,
                target.id,
                expected_version=target.version,
                reported_on=dt.date(2021, 6, 1),
                state="in_progress",
                percent=10,
                narrative="越权填报",
            )
    # the clerk's own line, found from the key alone
    own = sv.find_occurrence(seed, "air-m01", 1, principal=zezhou_clerk)
    assert own.unit_id == "zezhou-gov"
    sv.submit_report(
        seed,
        zezhou_clerk,
        own.id,
        expected_version=own.version,
        reported_on=dt.date(2021, 6, 1),
        state="in_progress",
        percent=10,
        narrative="泽州县进展",
    )
    # it reads the lead's line but not another county's
    mine = sv.list_occurrences(
        seed, as_of=dt.date(2021, 6, 30), principal=zezhou_clerk, task_key="air-m01"
    )
    assert {(s.role, s.unit_id) for s in mine} == {("lead", lead.unit_id), ("county", "zezhou-gov")}

    co_clerk = Principal(None, "gxj-clerk", Role.UNIT_CLERK, unit_id="city-industry-it")
    contribution = sv.find_occurrence(seed, "air-m01", 1, principal=co_clerk)
    assert contribution.role == "co" and contribution.unit_id == "city-industry-it"
    for target in (lead, gaoping_line):
        with pytest.raises(AccessDenied):
            sv.submit_report(
                seed,
                co_clerk,
                target.id,
                expected_version=target.version,
                reported_on=dt.date(2021, 6, 1),
                state="in_progress",
                percent=10,
                narrative="越权填报",
            )
    sv.submit_report(
        seed,
        co_clerk,
        contribution.id,
        expected_version=contribution.version,
        reported_on=dt.date(2021, 6, 1),
        state="in_progress",
        percent=30,
        narrative="市工信局配合进展",
    )
    seed.commit()
    # the lead unit's clerk sees the contribution in its roll-up
    lead_clerk = Principal(None, "lead-clerk", Role.UNIT_CLERK, unit_id=lead.unit_id)
    roll = sv.rollup(seed, lead.id, as_of=dt.date(2021, 6, 30), principal=lead_clerk)
    by_unit = {s.unit_id: s for s in roll.contributions}
    assert by_unit["city-industry-it"].narrative == "市工信局配合进展"
