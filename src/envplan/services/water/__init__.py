"""Water use cases.

See the submodules for details; this package re-exports their public functions."""

from envplan.services.water.sections import (
    CONTRACT_COLUMNS,
    INDICATOR_ITEMS_FOR_TARGET,
    MEAN_INDICATORS,
    STATUS_NO_DATA,
    STATUS_NOT_CONFIGURED,
    PlanAssessment,
    SectionLike,
    assess_plan_sections,
    classify_measurements,
    period_filter,
    plan_sections,
    section_classes_by_period,
    section_trends,
)

__all__ = [
    "CONTRACT_COLUMNS",
    "INDICATOR_ITEMS_FOR_TARGET",
    "MEAN_INDICATORS",
    "STATUS_NOT_CONFIGURED",
    "STATUS_NO_DATA",
    "PlanAssessment",
    "SectionLike",
    "assess_plan_sections",
    "classify_measurements",
    "period_filter",
    "plan_sections",
    "section_classes_by_period",
    "section_trends",
]
