"""Queries over a loaded Plan: zone membership, supervised items by unit/county/due date, and
the stable JSON export contract (``envplan plan export --format json``)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from envplan.plan.deadlines import parse_deadline
from envplan.plan.model import (
    Deadline,
    FrozenModel,
    Plan,
    Section,
    SupervisedItem,
    Zone,
    ZoneArea,
    ZoneTown,
)

Coverage = Literal["whole", "villages", "village"]


class ZoneMatch(FrozenModel):
    """A zone a place belongs to.

    coverage: "whole" — the town/street office lies entirely in the zone;
    "villages" — only listed villages of the town do (no village was asked);
    "village" — the asked village is listed.
    """

    zone_id: str
    zone_name: str
    coverage: Coverage
    via_zone: str | None = None  # when membership comes through an included zone


_TOWN_SUFFIX = re.compile(r"(街道办事处|办事处|街道|镇|乡|办)$")
_VILLAGE_SUFFIX = re.compile(r"(村民委员会|居民委员会|社区|村)$")


def _squash(name: str) -> str:
    return "".join(name.split())


def _town_names(place: ZoneArea | ZoneTown) -> tuple[str, ...]:
    name = place.name if isinstance(place, ZoneArea) else place.town
    return (name, *place.aliases)


def _same_town(asked: str, place: ZoneArea | ZoneTown, county_names: tuple[str, ...]) -> bool:
    wanted = _squash(asked)
    candidates = [wanted]
    for prefix in county_names:  # "泽州县北石店镇" → "北石店镇"
        if wanted.startswith(prefix) and len(wanted) > len(prefix):
            candidates.append(wanted[len(prefix) :])
    names = _town_names(place)
    for candidate in candidates:
        if candidate in names:
            return True
        stem = _TOWN_SUFFIX.sub("", candidate)
        if stem and any(_TOWN_SUFFIX.sub("", n) == stem for n in names):
            return True
    return False


def _has_village(town: ZoneTown, asked: str) -> bool:
    wanted = _squash(asked)
    if wanted in town.villages:
        return True
    stem = _VILLAGE_SUFFIX.sub("", wanted)
    return bool(stem) and any(_VILLAGE_SUFFIX.sub("", v) == stem for v in town.villages)


def _direct_match(
    zone: Zone, town: str, village: str | None, county_names: tuple[str, ...]
) -> Coverage | None:
    for area in zone.whole_areas:
        if _same_town(town, area, county_names):
            return "whole"
    for listed in zone.towns:
        if _same_town(town, listed, county_names):
            if village is None:
                return "villages"
            if _has_village(listed, village):
                return "village"
    return None


def zones_of(plan: Plan, town: str, village: str | None = None) -> list[ZoneMatch]:
    """The zones a town (乡镇/街道) or a (town, village) belongs to, in plan order.

    A zone that ``includes`` another (市区周边重点管控区 includes 市区10公里范围) contains every
    place of it. Town names match with or without 镇/乡/街道/办事处 and with a county prefix;
    village names with or without 村/社区.
    """
    county_names = tuple(sorted((c.name for c in plan.counties), key=len, reverse=True))
    by_id = {z.id: z for z in plan.zones}
    rank: dict[Coverage, int] = {"whole": 0, "village": 1, "villages": 2}
    matches: list[ZoneMatch] = []
    for zone in plan.zones:
        best: tuple[Coverage, str | None] | None = None
        stack: list[tuple[Zone, str | None]] = [(zone, None)]
        seen: set[str] = set()
        while stack:
            current, via = stack.pop()
            if current.id in seen:
                continue
            seen.add(current.id)
            found = _direct_match(current, town, village, county_names)
            if found is not None and (best is None or rank[found] < rank[best[0]]):
                best = (found, via)
            stack.extend((by_id[i], i) for i in current.includes if i in by_id)
        if best is not None:
            matches.append(
                ZoneMatch(zone_id=zone.id, zone_name=zone.name, coverage=best[0], via_zone=best[1])
            )
    return matches


# ------------------------------------------------------------------------------------ tasks
def items_for(
    plan: Plan,
    *,
    unit: str | None = None,
    county: str | None = None,
    due_before: date | None = None,
) -> list[SupervisedItem]:
    """Supervised items filtered by responsible unit, county-level area and due date.

    unit: a unit id, name or alias — items where it is lead or co-responsible (a county
    government also matches items assigned to the county group).
    county: a county id or name (城区 / 泽州县 …) or its government's name — items the county
    is responsible for (group flag or named government).
    due_before: items with a dated step (deadline, window end or milestone) on or before it.
    Raises KeyError when the unit or county is unknown.
    """
    unit_id: str | None = None
    county_ids: set[str] = set()
    if unit is not None:
        found = plan.find_unit(unit)
        if found is None:
            raise KeyError(unit)
        unit_id = found.id
        if found.county is not None:
            county_ids.add(found.county)
    county_id: str | None = None
    if county is not None:
        found_county = plan.find_county(county)
        if found_county is None:
            raise KeyError(county)
        county_id = found_county.id

    selected: list[SupervisedItem] = []
    for item in plan.supervised_items():
        if unit_id is not None:
            named = unit_id in item.lead_units or unit_id in item.co_units
            via_group = bool(county_ids) and bool(county_ids & set(plan.responsible_counties(item)))
            if not (named or via_group):
                continue
        if county_id is not None and county_id not in plan.responsible_counties(item):
            continue
        if due_before is not None:
            first = item.deadline.earliest_due()
            if first is None or first > due_before:
                continue
        selected.append(item)
    return selected


# ------------------------------------------------------------------------------------ export
def _deadline_json(deadline: Deadline) -> dict[str, Any]:
    return deadline.model_dump(mode="json")


def _units_json(plan: Plan, lead: tuple[str, ...], co: tuple[str, ...]) -> dict[str, Any]:
    return {
        "lead_units": list(lead),
        "co_units": list(co),
        "lead_unit_names": [plan.unit(u).name for u in lead],
        "co_unit_names": [plan.unit(u).name for u in co],
    }


def _section_json(plan: Plan, section: Section) -> dict[str, Any]:
    """A section row with the uniform item keys: text is the printed row, the responsible unit is
    the county-level government of the section's area (水计划 四（一）: 各县（市、区）人民政府、
    开发区管委会是水生态环境保护工作的责任主体), the deadline is the end of the plan year
    (附件1 is the "2021 年地表水水质改善目标明细表")."""
    county = plan.county(section.county)
    row = f"{section.number} {county.name} {section.name} {section.target_raw} {section.assessment_level}"
    deadline = parse_deadline(f"{plan.plan_year}年", plan.plan_year)
    return {
        **section.model_dump(mode="json"),
        "text": row,
        "deadline": deadline.model_dump(mode="json"),
        **_units_json(plan, (county.government_unit,), ()),
    }


def export_dict(plan: Plan) -> dict[str, Any]:
    """The whole registry as JSON-ready data (the stable export contract).

    Top level: plan (document metadata), plans {air, water, soil}, units, counties, zones,
    data_quality_notes. Each sub-plan has targets and measures; a plan with an annex task list
    (air) also key_tasks, one with sections/projects annexes (water) also sections and projects. Every item carries text, deadline {raw, kind, due,
    start, end, frequency, milestones} with ISO dates, lead_units and co_units (unit ids, with
    the matching *_names), all_counties and includes_dev_zone.
    """
    plans: dict[str, Any] = {}
    for sub in plan.subplans:
        measures = []
        for m in sub.measures:
            data = m.model_dump(mode="json", exclude={"clauses"})
            data.update(_units_json(plan, m.lead_units, m.co_units))
            data["clauses"] = [
                {
                    "text": c.text,
                    "responsible_raw": c.responsibility.raw,
                    **_units_json(plan, c.responsibility.lead_units, c.responsibility.co_units),
                    "all_counties": c.responsibility.all_counties,
                    "includes_dev_zone": c.responsibility.includes_dev_zone,
                    "county_group_raw": c.responsibility.county_group_raw,
                }
                for c in m.clauses
            ]
            measures.append(data)
        entry: dict[str, Any] = {
            "key": sub.key,
            "title": sub.title,
            "headings": list(sub.headings),
            "targets": [
                {
                    **t.model_dump(mode="json"),
                    # Targets name no deadline or unit of their own; the keys are kept uniform.
                    "deadline": Deadline().model_dump(mode="json"),
                    **_units_json(plan, (), ()),
                }
                for t in sub.targets
            ],
            "measures": measures,
        }
        if sub.key_tasks:
            entry["key_tasks"] = [
                {**k.model_dump(mode="json"), **_units_json(plan, k.lead_units, k.co_units)}
                for k in sub.key_tasks
            ]
        if sub.sections or sub.projects:
            entry["sections"] = [_section_json(plan, s) for s in sub.sections]
            entry["projects"] = [
                {**p.model_dump(mode="json"), **_units_json(plan, p.lead_units, p.co_units)}
                for p in sub.projects
            ]
        plans[sub.key] = entry
    return {
        "plan": {
            "id": plan.id,
            "city": plan.city,
            "document_number": plan.document_number,
            "title": plan.title,
            "issued": plan.issued.isoformat(),
            "version": plan.version,
            "plan_year": plan.plan_year,
        },
        "plans": plans,
        "units": [u.model_dump(mode="json") for u in plan.units],
        "counties": [c.model_dump(mode="json") for c in plan.counties],
        "zones": [
            {
                **z.model_dump(mode="json"),
                "village_counts": {t.town: len(t.villages) for t in z.towns},
            }
            for z in plan.zones
        ],
        "data_quality_notes": [n.model_dump(mode="json") for n in plan.data_quality_notes],
    }
