"""The plan registry: action plans as validated, versioned data (targets, measures, key tasks,
units, zones).

Public API::

    load_plan(path) -> Plan            # a plan directory (plan.yaml + air/water/soil.yaml …)
    default_plan() -> Plan             # Jincheng 2021 (晋市政办〔2021〕9号), shipped in the package
    validate_file(path) -> list[Problem]
    zones_of(plan, town, village=None) -> list[ZoneMatch]
    items_for(plan, unit=None, county=None, due_before=None) -> list[SupervisedItem]
    export_dict(plan) -> dict           # the stable JSON export contract
    parse_deadline(raw, plan_year=2021) -> Deadline
    Plan.supervised_items() -> Iterator[SupervisedItem]   # measures, key tasks, water projects
    Plan.responsible_counties(item) -> tuple[county id, ...]
    Plan.find_unit(name_or_alias_or_id) / Plan.find_county(...)
"""

from envplan.plan.deadlines import DeadlineParseError, parse_deadline
from envplan.plan.loader import (
    DEFAULT_PLAN_DIR,
    PlanValidationError,
    Problem,
    default_plan,
    load_plan,
    validate_file,
)
from envplan.plan.model import (
    Clause,
    County,
    DataQualityNote,
    Deadline,
    KeyTask,
    Measure,
    Milestone,
    Plan,
    PlanKey,
    Project,
    Responsibility,
    Section,
    SubPlan,
    SupervisedItem,
    Target,
    Unit,
    Zone,
    ZoneArea,
    ZoneTown,
)
from envplan.plan.queries import ZoneMatch, export_dict, items_for, zones_of

__all__ = [
    "DEFAULT_PLAN_DIR",
    "Clause",
    "County",
    "DataQualityNote",
    "Deadline",
    "DeadlineParseError",
    "KeyTask",
    "Measure",
    "Milestone",
    "Plan",
    "PlanKey",
    "PlanValidationError",
    "Problem",
    "Project",
    "Responsibility",
    "Section",
    "SubPlan",
    "SupervisedItem",
    "Target",
    "Unit",
    "Zone",
    "ZoneArea",
    "ZoneMatch",
    "ZoneTown",
    "default_plan",
    "export_dict",
    "items_for",
    "load_plan",
    "parse_deadline",
    "validate_file",
    "zones_of",
]
