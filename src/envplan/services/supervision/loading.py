"""Loading the plan registry into the records: units, plan versions, tasks and occurrences."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from envplan.plan import Plan, SupervisedItem
from envplan.plan.model import DEV_ZONE_COUNTY_ID
from envplan.services.access import SYSTEM, Action, Principal, require
from envplan.services.supervision.occurrences import OccurrenceSpec, expand_deadline
from envplan.services.supervision.rules import (
    COUNTY_GROUP_UNIT_ID,
    COUNTY_GROUP_UNIT_NAME,
    DEFAULT_RULES,
    SupervisionRules,
    _calendar,
)
from envplan.store import audit
from envplan.store.models import (
    Occurrence,
    PlanVersion,
    Task,
    Unit,
)

# --- loading the registry ---------------------------------------------------------------------


def _plan_source_hash(plan: Plan) -> str:
    return hashlib.sha256(plan.model_dump_json().encode("utf-8")).hexdigest()


def _categories(plan: Plan) -> dict[tuple[str, str], str]:
    categories: dict[tuple[str, str], str] = {}
    for sub in plan.subplans:
        for measure in sub.measures:
            categories[(sub.key, measure.id)] = measure.section
        for key_task in sub.key_tasks:
            categories[(sub.key, key_task.id)] = key_task.category
        for project in sub.projects:
            categories[(sub.key, project.id)] = "重点工程"
    return categories


def ensure_units(session: Session, plan: Plan) -> None:
    """Create the plan's units (county stored by name, e.g. 泽州县) and the county-group unit."""
    county_names = {county.id: county.name for county in plan.counties}
    existing = set(session.scalars(select(Unit.id)))
    for unit in plan.units:
        if unit.id not in existing:
            session.add(
                Unit(
                    id=unit.id,
                    name=unit.name,
                    kind=unit.kind,
                    county=county_names.get(unit.county) if unit.county else None,
                )
            )
    if COUNTY_GROUP_UNIT_ID not in existing:
        session.add(Unit(id=COUNTY_GROUP_UNIT_ID, name=COUNTY_GROUP_UNIT_NAME, kind="group"))
    session.flush()


def reporting_unit_id(lead_units: Sequence[str], co_units: Sequence[str]) -> str:
    """The unit that reports on a task: the first lead unit, else the first co-responsible unit,
    else the county group (items whose only responsible party is 各县（市、区）人民政府)."""
    if lead_units:
        return lead_units[0]
    if co_units:
        return co_units[0]
    return COUNTY_GROUP_UNIT_ID


@dataclass(frozen=True)
class Party:
    """One responsible party of an item and the duty it reports on."""

    unit_id: str
    role: str  # lead | county | co
    clause: int = 0  # 1-based 责任单位 clause of a multi-clause measure; 0 = the whole item


def _county_clauses(plan: Plan, item: SupervisedItem) -> list[tuple[int, bool]]:
    """(clause, includes the development zone) for each part of ``item`` naming every county.

    A measure written as several paragraphs, each with its own 〔责任单位〕 (soil 4, 6, 7, 12, 13;
    water (二)5), gives the counties one duty per paragraph that names them; any other item one
    duty (clause 0) when its 责任单位 names 各县（市、区）人民政府.
    """
    if item.kind == "measure":
        measure = next(m for m in plan.subplan(item.plan).measures if m.id == item.id)
        if len(measure.clauses) > 1:
            return [
                (number, clause.responsibility.includes_dev_zone)
                for number, clause in enumerate(measure.clauses, start=1)
                if clause.responsibility.all_counties
            ]
    return [(0, item.includes_dev_zone)] if item.all_counties else []


def responsible_parties(plan: Plan, item: SupervisedItem) -> list[Party]:
    """Who reports on ``item``: the reporting lead unit; every county-level government (and the
    development zone where named) for each part naming 各县（市、区）人民政府; every other lead or
    co-unit with its own contribution line. A unit appears once per clause."""
    lead = reporting_unit_id(item.lead_units, item.co_units)
    parties = [Party(lead, "lead")]
    named = {lead, *item.lead_units, *item.co_units}
    for clause, with_zone in _county_clauses(plan, item):
        for county in plan.counties:
            if county.id == DEV_ZONE_COUNTY_ID and not with_zone:
                continue
            if county.government_unit not in named - set(item.co_units):
                parties.append(Party(county.government_unit, "county", clause))
    governments = {county.government_unit for county in plan.counties}
    for unit_id in (*item.lead_units, *item.co_units):
        if unit_id != lead and all(p.unit_id != unit_id for p in parties):
            # A county-level government named by name carries the item in its own area.
            parties.append(Party(unit_id, "county" if unit_id in governments else "co"))
    return parties


def _add_occurrences(
    session: Session, task: Task, specs: Sequence[OccurrenceSpec], parties: Sequence[Party]
) -> None:
    """The lead's occurrences, then each other party's, linked to the lead's of the same period."""
    lead_rows = [
        Occurrence(
            task_id=task.id,
            seq=spec.seq,
            unit_id=parties[0].unit_id,
            role="lead",
            clause=0,
            kind=spec.kind,
            label=spec.label,
            period_start=spec.period_start,
            nominal_due=spec.nominal_due,
            due_date=spec.due_date,
            version=1,
        )
        for spec in specs
    ]
    session.add_all(lead_rows)
    session.flush()
    for party in parties[1:]:
        prefix = f"第{party.clause}款·" if party.clause else ""
        session.add_all(
            Occurrence(
                task_id=task.id,
                seq=spec.seq,
                unit_id=party.unit_id,
                role=party.role,
                clause=party.clause,
                parent_id=lead.id,
                kind=spec.kind,
                label=prefix + spec.label,
                period_start=spec.period_start,
                nominal_due=spec.nominal_due,
                due_date=spec.due_date,
                version=1,
            )
            for spec, lead in zip(specs, lead_rows, strict=True)
        )


def load_plan_into_db(
    session: Session,
    plan: Plan,
    *,
    rules: SupervisionRules = DEFAULT_RULES,
    label: str | None = None,
    actor: Principal = SYSTEM,
) -> list[PlanVersion]:
    """Load every supervised item of ``plan`` as tasks with occurrences for the plan year.

    One ``PlanVersion`` per sub-plan (air, water, soil). Idempotent: a version with the same
    label already loaded is returned unchanged. Earlier versions of the same plan stop being
    current (their records stay).
    """
    require(actor, Action.MANAGE_USERS)
    label = label or plan.version
    ensure_units(session, plan)
    categories = _categories(plan)
    versions: list[PlanVersion] = []
    items_by_plan: dict[str, list[Any]] = defaultdict(list)
    for item in plan.supervised_items():
        items_by_plan[item.plan].append(item)
    for sub in plan.subplans:
        version = session.scalar(
            select(PlanVersion).where(
                PlanVersion.plan_key == sub.key,
                PlanVersion.year == plan.plan_year,
                PlanVersion.label == label,
            )
        )
        if version is not None:
            versions.append(version)
            continue
        session.execute(
            update(PlanVersion)
            .where(PlanVersion.plan_key == sub.key, PlanVersion.year == plan.plan_year)
            .values(is_current=False)
        )
        version = PlanVersion(
            plan_key=sub.key,
            title=sub.title,
            year=plan.plan_year,
            label=label,
            source_sha256=_plan_source_hash(plan),
            is_current=True,
        )
        session.add(version)
        session.flush()
        for ordinal, item in enumerate(items_by_plan[sub.key], start=1):
            task = Task(
                plan_version_id=version.id,
                task_key=item.id,
                kind=item.kind,
                ordinal=ordinal,
                category=categories.get((sub.key, item.id), ""),
                text=item.text,
                deadline_raw=item.deadline.raw or "",
                deadline_kind=item.deadline.kind,
                lead_unit_ids=list(item.lead_units),
                co_unit_ids=list(item.co_units),
                all_counties=item.all_counties,
            )
            session.add(task)
            session.flush()
            specs = expand_deadline(
                item.deadline,
                plan.plan_year,
                calendar=_calendar,
                non_working=rules.non_working_deadline,
            )
            _add_occurrences(session, task, specs, responsible_parties(plan, item))
        session.flush()
        audit.append(
            session,
            actor=actor.username,
            action="plan.load",
            entity="plan_version",
            entity_id=version.id,
            after={
                "plan_key": sub.key,
                "year": plan.plan_year,
                "label": label,
                "tasks": len(items_by_plan[sub.key]),
                "source_sha256": version.source_sha256,
            },
        )
        versions.append(version)
    return versions
