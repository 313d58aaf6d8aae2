"""Schema of the plan registry: frozen pydantic models for a city's action plans.

A ``Plan`` (one government document, e.g. 晋市政办〔2021〕9号) holds three ``SubPlan``s (air, water,
soil). Every supervised item (``Measure``, ``KeyTask``, water ``Project``) carries its original
Chinese text, a structured ``Deadline`` that keeps the original wording in ``raw``, and its
responsible units as unit ids (lead first, then co-responsible) plus the group flag
``all_counties`` for "各县（市、区）人民政府[、开发区管委会]".

The models are pure data; loading and validation live in ``envplan.plan.loader``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PlanKey = Literal["air", "water", "soil"]
DeadlineKind = Literal[
    "by_date", "from_date", "window", "recurring", "long_term", "milestones", "none"
]
Frequency = Literal["monthly", "quarterly"]
UnitKind = Literal["municipal_department", "county_government", "enterprise", "other"]
AssessmentLevel = Literal["国考", "省考", "市考"]
WaterBodyType = Literal["river", "lake", "reservoir"]
WaterClass = Literal["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ"]
Comparator = Literal[
    "<=",
    ">=",
    "meets_standard",  # value = level of the named standard (e.g. 2 = 二级)
    "outside_bottom",  # rank not among the last `value` places of `scope`
    "decrease_by_at_least",  # relative change vs baseline_year [%]
    "increase",  # direction only, vs baseline_year
    "decrease",  # direction only, vs baseline_year
    "meets_provincial_target",  # 完成省定目标: the figure is set by the province
]
ItemKind = Literal["measure", "key_task", "project"]


class FrozenModel(BaseModel):
    """Immutable, strict-about-extra-fields base for every registry model."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Milestone(FrozenModel):
    """One dated step of a multi-step deadline ("…4月底前完成排查，6月底前制定方案…")."""

    raw: str
    due: date
    label: str
    # "by": finish by `due`; "from": starts on `due` ("2021年5月起…").
    kind: Literal["by", "from"] = "by"


class Deadline(FrozenModel):
    """A deadline in structured form, keeping the original Chinese wording in ``raw``.

    kind      fields used
    by_date   due
    from_date start
    window    start, end (and frequency when the window has a recurring duty)
    recurring frequency
    long_term —                    ("长期坚持")
    milestones milestones (and frequency when a recurring duty runs alongside)
    none      — (raw may still hold wording without a date, or None for an empty cell)
    """

    raw: str | None = None
    kind: DeadlineKind = "none"
    due: date | None = None
    start: date | None = None
    end: date | None = None
    frequency: Frequency | None = None
    milestones: tuple[Milestone, ...] = ()

    def latest_due(self) -> date | None:
        """The last date by which the item must be done, if it has one (for due-before queries)."""
        if self.kind == "by_date":
            return self.due
        if self.kind == "window":
            return self.end
        if self.kind == "milestones":
            dues = [m.due for m in self.milestones if m.kind == "by"]
            return max(dues) if dues else None
        return None

    def earliest_due(self) -> date | None:
        """The first date something is due (first milestone, deadline, window end)."""
        if self.kind == "milestones":
            dues = [m.due for m in self.milestones if m.kind == "by"]
            return min(dues) if dues else None
        return self.latest_due()


class County(FrozenModel):
    """A county-level area (县级行政区 or the development zone) and its government unit."""

    id: str
    name: str
    government_unit: str  # unit id of its people's government / management committee


class Unit(FrozenModel):
    """A responsible unit named in the plans."""

    id: str  # stable ASCII slug
    name: str  # normalized Chinese name
    aliases: tuple[str, ...] = ()
    kind: UnitKind
    county: str | None = None  # county id, for county governments

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class Responsibility(FrozenModel):
    """Units responsible for an item: lead first, then co-responsible, then the county group."""

    raw: str | None = None  # the 责任单位 wording as printed
    lead_units: tuple[str, ...] = ()
    co_units: tuple[str, ...] = ()
    all_counties: bool = False  # "各县（市、区）人民政府" (or "相关县（市、区）…") named as a group
    includes_dev_zone: bool = False  # the group also names 开发区管委会
    county_group_raw: str | None = (
        None  # the group's wording ("各县（市、区）人民政府、开发区管委会")
    )


class Clause(FrozenModel):
    """One paragraph of a measure that has its own 责任单位 (soil 4, 6, 7, 12, 13; water (二)5)."""

    text: str
    responsibility: Responsibility


class Target(FrozenModel):
    """A target of 主要目标 / 工作目标 (or a quantitative target stated inside a measure)."""

    id: str
    text: str
    source_section: str  # e.g. "二、主要目标" or "三、重点任务"
    measure_id: str | None = None  # the measure that states it, when not in the targets chapter
    quantitative: bool = False
    indicator: str | None = None
    comparator: Comparator | None = None
    value: float | None = None
    unit: str | None = None
    baseline_year: int | None = None
    scope: str | None = None
    standard: str | None = None  # e.g. "GB 3095-2012" when the value is a standard level
    year: int | None = None  # the year the target applies to


class Measure(FrozenModel):
    """A numbered measure of a plan body (air 1–28, water (一)1…(五)5, soil 1–15)."""

    id: str
    number: str  # "1" or "(二)3"
    chapter: str  # "三、重点任务"
    section: str  # "（一）围绕环境容量，加大结构调整减排"
    text: str  # full text, paragraphs joined by "\n"
    deadline: Deadline
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...] = ()
    all_counties: bool = False
    includes_dev_zone: bool = False
    clauses: tuple[Clause, ...]  # one per paragraph with its own 责任单位


class KeyTask(FrozenModel):
    """A row of a key-task annex (air 附件2)."""

    id: str
    number: int
    category: str
    category_printed: bool  # False when the category cell is empty (merged cell in the original)
    text: str
    deadline: Deadline
    lead_raw: str | None  # the 牵头单位 cell as printed; None when empty
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...] = ()
    all_counties: bool = False
    includes_dev_zone: bool = False
    measure_id: str | None
    inferred_fields: tuple[str, ...] = ()  # fields filled from a merged/empty cell (see notes)


class Section(FrozenModel):
    """A surface-water assessment section (water 附件1)."""

    id: str
    number: int
    county: str  # county id
    name: str
    target_raw: str
    target_kind: Literal["class", "provincial"]
    target_class: WaterClass | None  # None when the target is "完成省定目标"
    assessment_level: AssessmentLevel
    water_body_type: WaterBodyType
    indicator_set: str  # "national-2021-5x" (国考/省考) or "eval-2011-21" (市考)


class Project(FrozenModel):
    """A key water project (water 附件2)."""

    id: str
    number: int
    text: str
    responsible_raw: str
    deadline: Deadline
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...] = ()
    all_counties: bool = False
    includes_dev_zone: bool = False
    provincial_key: bool  # 备注 "省重点"
    measure_id: str | None


class SubPlan(FrozenModel):
    key: PlanKey
    title: str
    headings: tuple[str, ...]  # chapter and section headings in document order
    targets: tuple[Target, ...]
    measures: tuple[Measure, ...]
    key_tasks: tuple[KeyTask, ...] = ()
    sections: tuple[Section, ...] = ()
    projects: tuple[Project, ...] = ()


class ZoneArea(FrozenModel):
    """A whole street office or town inside a zone."""

    name: str
    county: str
    aliases: tuple[str, ...] = ()


class ZoneTown(FrozenModel):
    """The listed villages (村/社区) of one town inside a zone."""

    town: str
    county: str
    aliases: tuple[str, ...] = ()
    declared_count: int  # the "24 个村（社区）" figure printed in the seed
    villages: tuple[str, ...]


class Zone(FrozenModel):
    """A control zone of air 附件1 名词解释."""

    id: str
    name: str
    includes: tuple[str, ...] = ()  # ids of zones this zone contains entirely
    whole_areas: tuple[ZoneArea, ...] = ()
    towns: tuple[ZoneTown, ...] = ()


class SourceVersion(FrozenModel):
    source: str  # e.g. "正文第6条" / "附件2第9行"
    value: str


class DataQualityNote(FrozenModel):
    """A place where the seed contradicts itself or is incomplete, and what the registry does."""

    id: str
    subjects: tuple[str, ...]  # item ids concerned
    field: str
    versions: tuple[SourceVersion, ...] = ()
    note: str  # zh-CN description
    resolution: str  # zh-CN: which value the registry uses and why


class SupervisedItem(FrozenModel):
    """An item that becomes a supervised task (a measure, a key task or a water project)."""

    plan: PlanKey
    kind: ItemKind
    id: str
    number: str
    text: str
    deadline: Deadline
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...]
    all_counties: bool
    includes_dev_zone: bool
    measure_id: str | None  # for key tasks and projects: the body measure restated
    heading: str = ""  # measure: its section heading; key task: its category; project: ""


def _supervised(
    plan: PlanKey,
    kind: ItemKind,
    item: Measure | KeyTask | Project,
    *,
    measure_id: str | None,
    heading: str,
) -> SupervisedItem:
    """The fields every supervised item shares, taken from a measure, key task or project."""
    return SupervisedItem(
        plan=plan,
        kind=kind,
        id=item.id,
        number=str(item.number),
        text=item.text,
        deadline=item.deadline,
        lead_units=item.lead_units,
        co_units=item.co_units,
        all_counties=item.all_counties,
        includes_dev_zone=item.includes_dev_zone,
        measure_id=measure_id,
        heading=heading,
    )


class Plan(FrozenModel):
    id: str
    city: str
    document_number: str
    issued: date
    version: str
    title: str
    plan_year: int = Field(default=2021)
    counties: tuple[County, ...]
    units: tuple[Unit, ...]
    subplans: tuple[SubPlan, ...]
    zones: tuple[Zone, ...]
    data_quality_notes: tuple[DataQualityNote, ...] = ()

    def subplan(self, key: PlanKey) -> SubPlan:
        for sub in self.subplans:
            if sub.key == key:
                return sub
        raise KeyError(key)

    def unit(self, unit_id: str) -> Unit:
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        raise KeyError(unit_id)

    def find_unit(self, name_or_id: str) -> Unit | None:
        """The unit whose id, name or alias equals ``name_or_id`` (whitespace ignored)."""
        wanted = "".join(name_or_id.split())
        for unit in self.units:
            if wanted == unit.id or wanted in unit.names():
                return unit
        return None

    def county(self, county_id: str) -> County:
        for county in self.counties:
            if county.id == county_id:
                return county
        raise KeyError(county_id)

    def find_county(self, name_or_id: str) -> County | None:
        """The county-level area named by id, name, or its government's name/alias."""
        wanted = "".join(name_or_id.split())
        for county in self.counties:
            if wanted in (county.id, county.name):
                return county
            gov = self.find_unit(wanted)
            if gov is not None and gov.id == county.government_unit:
                return county
        return None

    def supervised_items(self) -> Iterator[SupervisedItem]:
        """Every measure, key task and water project, in document order, as one flat stream."""
        for sub in self.subplans:
            for m in sub.measures:
                yield _supervised(sub.key, "measure", m, measure_id=None, heading=m.section)
            for k in sub.key_tasks:
                yield _supervised(
                    sub.key, "key_task", k, measure_id=k.measure_id, heading=k.category
                )
            for p in sub.projects:
                yield _supervised(sub.key, "project", p, measure_id=p.measure_id, heading="")

    def find_item(self, item_id: str) -> SupervisedItem | None:
        """The supervised item with this id (measure, key task or project), if any."""
        return next((i for i in self.supervised_items() if i.id == item_id), None)

    def responsible_counties(self, item: SupervisedItem) -> tuple[str, ...]:
        """County ids responsible for an item: the group flag plus any named county government."""
        ids: list[str] = []
        if item.all_counties:
            ids.extend(c.id for c in self.counties if c.id != DEV_ZONE_COUNTY_ID)
            if item.includes_dev_zone:
                ids.append(DEV_ZONE_COUNTY_ID)
        for unit_id in (*item.lead_units, *item.co_units):
            county = self.unit(unit_id).county
            if county is not None and county not in ids:
                ids.append(county)
        return tuple(ids)


# The development zone is a county-level area whose "government" is 开发区管委会; the group
# "各县（市、区）人民政府" alone does not include it.
DEV_ZONE_COUNTY_ID = "kaifaqu"
