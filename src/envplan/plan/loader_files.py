"""Plan loading, part 2: the shared registry (ids, units, counties), deadlines and
responsibilities, and the units, zones and notes files.

Every function here runs after the file was validated against its input model
(``yaml_checks.check_file``); it reads only values that passed validation (:class:`Item`) and
adds the checks a model cannot express: references between files, duplicate ids, deadline
wording, names of responsible units.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from envplan.plan.deadlines import DeadlineParseError, parse_deadline
from envplan.plan.model import (
    County,
    DataQualityNote,
    Deadline,
    Responsibility,
    Unit,
    Zone,
)
from envplan.plan.responsibility import parse_responsible
from envplan.plan.schema import DeadlineIn
from envplan.plan.yaml_checks import Item


# ------------------------------------------------------------------------------------ the builder
@dataclass
class _Registry:
    """Names and ids seen so far, for reference checks across files."""

    unit_by_name: dict[str, str] = field(default_factory=dict)
    unit_ids: set[str] = field(default_factory=set)
    county_ids: set[str] = field(default_factory=set)
    county_by_name: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # id → "file:line" where first defined
    # every measure id written in the files, even of a measure with a bad field: a reference to
    # it is not a second error (one bad deadline must not cascade into every reference)
    measure_ids: set[str] = field(default_factory=set)

    def resolve_county(self, name: str) -> str | None:
        """County id from an id or a name ("城区", "泽州县")."""
        key = "".join(name.split())
        return key if key in self.county_ids else self.county_by_name.get(key)

    def resolve_unit(self, name: str) -> str | None:
        key = "".join(name.split())
        if key in self.unit_ids:
            return key
        return self.unit_by_name.get(key)


def _item_id(reg: _Registry, item: Item) -> str:
    """The item's id, registered for the duplicate check ("?" when missing or not text)."""
    if item.good("id"):
        _register_id(reg, item)
    return item.id


def _register_id(reg: _Registry, item: Item) -> None:
    item_id, line = str(item.node["id"]), item.line("id")
    if item_id in reg.ids:
        item.report("id", f"重复的 id“{item_id}”（首次定义于 {reg.ids[item_id]}）", with_id=False)
    else:
        reg.ids[item_id] = f"{item.file.name}:{line}"


def _deadline(item: Item, key: str, plan_year: int) -> Deadline | None:
    """The structured deadline of ``item[key]`` (string, null/absent or explicit mapping).

    None when the value is not usable: ill-typed (already reported) or not understood.
    """
    if key in item.node and not item.good(key):
        return None
    value = item.get(key)
    if value is None:
        return Deadline()
    if isinstance(value, str):
        try:
            return parse_deadline(value, plan_year)
        except DeadlineParseError as exc:
            item.report(key, f"{exc}（无日期的条目请写 {{raw: …, kind: none}}）")
            return None
    explicit = DeadlineIn.model_validate(value, strict=True)
    needs = {"by_date": ("due",), "from_date": ("start",), "window": ("start", "end")}
    for needed in needs.get(explicit.kind, ()):
        if getattr(explicit, needed) is None:
            item.file.report(
                item.line(key),
                f"{item.field(key)}.{needed}",
                f"条目 {item.id}：kind 为 {explicit.kind} 时必须给出 {needed}",
            )
            return None
    return Deadline.model_validate(explicit.model_dump())


def _responsibility(
    item: Item, reg: _Registry, raw: str, key: str, all_lead: bool
) -> Responsibility | None:
    """The units named by ``raw`` (the wording at ``item[key]``); None if a name is unknown."""
    resp, unknown = parse_responsible(raw, reg.resolve_unit, all_lead=all_lead)
    for name in unknown:
        item.report(key, f"未知的责任单位“{name}”（不在单位登记表中）")
    return None if unknown else resp


def _register_written(item: Item, ids: set[str], by_name: dict[str, str]) -> None:
    """Id and name of a unit or county with a problem elsewhere: references to it are not a
    second error (one bad field must not cascade into every item that names it)."""
    if item.good("id"):
        ids.add(item.id)
        if item.good("name"):
            by_name.setdefault(str(item.get("name")), item.id)


def _read_units(root: Item, reg: _Registry) -> tuple[list[County], list[Unit]]:
    """Counties and units of ``units.yaml``; names, aliases and county references checked."""
    counties: list[County] = []
    units: list[tuple[Unit, Item]] = []
    for item in root.children("units"):
        unit = item.typed(Unit)
        if unit is None:
            _register_written(item, reg.unit_ids, reg.unit_by_name)
            continue
        _register_id(reg, item)
        reg.unit_ids.add(unit.id)
        for name in unit.names():
            other = reg.unit_by_name.get(name)
            if other is not None and other != unit.id:
                item.file.report(
                    item.line(),
                    item.field("aliases"),
                    f"名称或别名“{name}”同时属于单位 {other} 和 {unit.id}",
                )
            reg.unit_by_name[name] = unit.id
        units.append((unit, item))
    for item in root.children("counties"):
        county = item.typed(County)
        if county is None:
            _register_written(item, reg.county_ids, reg.county_by_name)
            continue
        _register_id(reg, item)
        reg.county_ids.add(county.id)
        reg.county_by_name[county.name] = county.id
        if county.government_unit not in reg.unit_ids:
            item.report(
                "government_unit", f"未知的单位 id“{county.government_unit}”", with_id=False
            )
        counties.append(county)
    for unit, item in units:
        if unit.county is not None and unit.county not in reg.county_ids:
            item.report("county", f"未知的县级区域 id“{unit.county}”")
        if unit.kind == "county_government" and unit.county is None:
            item.file.report(
                item.line(), item.field("county"), f"条目 {unit.id}：县级政府必须填写 county"
            )
    return counties, [unit for unit, _ in units]


def _county_of(place: Item, reg: _Registry) -> str | None:
    """County id of a zone's area or town (reported when the name is unknown)."""
    if not place.good("county"):
        return None
    county = reg.resolve_county(str(place.get("county")))
    if county is None:
        place.report("county", f"未知的县级区域 id“{place.get('county')}”", with_id=False)
    return county


def _read_zones(root: Item, reg: _Registry) -> list[Zone]:
    """Zones of ``zones.yaml``; counties resolved to ids, village lists and inclusions checked."""
    zones: list[tuple[Zone, Item]] = []
    for item in root.children("zones"):
        areas = [_county_of(area, reg) for area in item.children("whole_areas")]
        towns = [_county_of(town, reg) for town in item.children("towns")]
        for town in item.children("towns"):
            villages = town.get("villages")
            name = town.get("town", "?")
            if villages is None:
                continue
            declared = town.get("declared_count")
            if declared is not None and len(villages) != declared:
                town.report(
                    "declared_count",
                    f"{name}：声明 {declared} 个村（社区），实际列出 {len(villages)} 个",
                    with_id=False,
                )
            if len(set(villages)) != len(villages):
                town.report("villages", f"{name}：村（社区）名称重复", with_id=False)
        zone = item.typed(Zone)
        if zone is None or None in areas or None in towns:
            continue
        zone = zone.model_copy(
            update={
                "whole_areas": tuple(
                    a.model_copy(update={"county": c})
                    for a, c in zip(zone.whole_areas, areas, strict=True)
                ),
                "towns": tuple(
                    t.model_copy(update={"county": c})
                    for t, c in zip(zone.towns, towns, strict=True)
                ),
            }
        )
        _register_id(reg, item)
        zones.append((zone, item))
    zone_ids = {z.id for z, _ in zones}
    for zone, item in zones:
        for included in zone.includes:
            if included not in zone_ids or included == zone.id:
                item.report("includes", f"未知的管控区 id“{included}”")
    return [zone for zone, _ in zones]


def _read_notes(root: Item, reg: _Registry) -> list[tuple[DataQualityNote, Item]]:
    """Data-quality notes of ``notes.yaml``, each with its item (for the subjects check)."""
    notes: list[tuple[DataQualityNote, Item]] = []
    for item in root.children("data_quality_notes"):
        note = item.typed(DataQualityNote)
        if note is None:
            continue
        _register_id(reg, item)
        notes.append((note, item))
    return notes
