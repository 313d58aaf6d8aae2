"""The plan registry: action plans as validated, versioned data (targets, measures, key tasks,
units, zones).

Public API::

    load_plan(path) -> Plan            # a plan directory (plan.yaml + air/water/soil.yaml …)
    default_plan() -> Plan             # Jincheng 2021 (晋市政办〔2021〕9号), shipped in the package
    validate_file(path) -> list[Problem]
    zones_of(plan, town, village=None) -> list[ZoneMatch]
    parse_deadline(raw, plan_year=2021) -> Deadline
    Plan.supervised_items() -> Iterator[SupervisedItem]   # measures, key tasks, water projects
"""

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

__all__ = [
    "DEFAULT_PLAN_DIR",
    "Clause",
    "County",
    "DataQualityNote",
    "Deadline",
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
    "ZoneTown",
    "default_plan",
    "load_plan",
    "validate_file",
]
