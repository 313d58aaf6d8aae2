"""The schema of the plan YAML files: pydantic input models, the only description of their shape.

Each file (and each item inside it) is validated with ``Model.model_validate(data, strict=True)``
(see ``envplan.plan.yaml_checks.check_file``): no coercion ("14" is not an integer, "是" is not
a boolean), no unknown keys (``extra="forbid"``, inherited from :class:`FrozenModel`). Where an item
of a file already has the shape of a registry model (``Unit``, ``County``, ``Target``, ``Zone``,
``DataQualityNote``), the registry model itself is the schema; the models below describe the
items whose YAML form differs from what the registry keeps (a measure's ``responsible`` wording
becomes unit ids, a deadline string becomes a structured :class:`~envplan.plan.model.Deadline`).

Lists are typed ``tuple[...]``: the reader turns YAML sequences into tuples before validating.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, Discriminator, Tag
from pydantic_core import PydanticCustomError

from envplan.plan.model import (
    AssessmentLevel,
    County,
    DataQualityNote,
    DeadlineKind,
    Frequency,
    FrozenModel,
    PlanKey,
    Target,
    Unit,
    WaterBodyType,
    Zone,
)


def _iso_date(value: Any) -> Any:
    """A quoted ``'2021-04-08'`` → date (YAML reads an unquoted one as a date already)."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("iso_date", "not an ISO date (YYYY-MM-DD)") from None
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class DeadlineIn(FrozenModel):
    """A deadline written out as a mapping (when the wording has no date, or to override parsing)."""

    raw: str | None = None
    kind: DeadlineKind
    due: IsoDate | None = None
    start: IsoDate | None = None
    end: IsoDate | None = None
    frequency: Frequency | None = None


def _deadline_form(value: Any) -> str | None:
    if isinstance(value, dict):
        return "map"
    return "text" if isinstance(value, str) else None


# A deadline cell: the Chinese wording ("2021年9月底前", parsed by ``parse_deadline``), a mapping,
# or null/absent (no deadline).
DeadlineField = Annotated[
    Annotated[str, Tag("text")] | Annotated[DeadlineIn, Tag("map")],
    Discriminator(
        _deadline_form,
        custom_error_type="deadline_type",
        custom_error_message="a deadline is a text or a mapping",
    ),
]


class ClauseIn(FrozenModel):
    """One paragraph of a measure with its own 责任单位."""

    text: str
    responsible: str


class MeasureIn(FrozenModel):
    """A measure: ``text`` + ``responsible``, or ``clauses`` (checked by the loader)."""

    id: str
    number: str
    chapter: str
    section: str
    text: str = ""
    responsible: str = ""
    clauses: tuple[ClauseIn, ...] = ()
    deadline: DeadlineField | None = None


class KeyTaskIn(FrozenModel):
    """A row of a key-task annex; ``*_inferred`` fill a merged (empty) cell."""

    id: str
    number: int
    category: str
    category_printed: bool = True
    text: str
    deadline: DeadlineField | None = None
    deadline_inferred: str | None = None
    lead: str | None = None
    lead_inferred: str | None = None
    measure_id: str | None = None


class SectionIn(FrozenModel):
    """A water assessment section; ``county`` is a county id or name, ``target_raw`` the wording."""

    id: str
    number: int
    county: str
    name: str
    target_raw: str
    assessment_level: AssessmentLevel
    water_body_type: WaterBodyType
    indicator_set: str


class ProjectIn(FrozenModel):
    """A key water project."""

    id: str
    number: int
    text: str
    responsible: str
    deadline: DeadlineField | None = None
    provincial_key: bool
    measure_id: str | None = None


class SubPlanFileIn(FrozenModel):
    """``air.yaml``, ``water.yaml``, ``soil.yaml``."""

    key: PlanKey
    title: str
    headings: tuple[str, ...]
    targets: tuple[Target, ...]
    measures: tuple[MeasureIn, ...]
    key_tasks: tuple[KeyTaskIn, ...] = ()
    sections: tuple[SectionIn, ...] = ()
    projects: tuple[ProjectIn, ...] = ()


class PlanFileIn(FrozenModel):
    """``plan.yaml``: the document's metadata and the names of its other files."""

    id: str
    city: str
    document_number: str
    title: str
    issued: IsoDate
    version: str
    plan_year: int = 2021
    units: str
    zones: str
    data_quality_notes: str = ""
    subplans: tuple[str, ...]


class UnitsFileIn(FrozenModel):
    """``units.yaml``: the county-level areas and the responsible units."""

    counties: tuple[County, ...]
    units: tuple[Unit, ...]


class ZonesFileIn(FrozenModel):
    """``zones.yaml``: the control zones (a place's ``county`` may be a county id or name)."""

    zones: tuple[Zone, ...]


class NotesFileIn(FrozenModel):
    """``notes.yaml``: the data-quality notes."""

    data_quality_notes: tuple[DataQualityNote, ...]
