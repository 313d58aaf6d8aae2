"""Plan loading, part 2: the shared registry (ids, units, counties), deadlines and
responsibilities, and the units, zones and notes files."""

from __future__ import annotations

from dataclasses import dataclass, field

from ruamel.yaml.comments import CommentedMap

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
from envplan.plan.yaml_checks import (
    AREA_SPEC,
    COUNTY_SPEC,
    DEADLINE_MAP_SPEC,
    NOTE_SPEC,
    NOTES_FILE_SPEC,
    TOWN_SPEC,
    UNIT_SPEC,
    UNITS_FILE_SPEC,
    VERSION_SPEC,
    ZONE_SPEC,
    ZONES_FILE_SPEC,
    _build_model,
    _check,
    _File,
    _good,
    _items,
    _line,
    _plain,
)


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


def _item_id(f: _File, reg: _Registry, node: CommentedMap, where: str, bad: set[str]) -> str:
    """The item's id, registered for the duplicate check ("?" when missing or not text)."""
    if not _good(node, bad, "id"):
        return "?"
    item_id = str(node["id"])
    _register_id(f, reg, item_id, node, where)
    return item_id


def _register_id(f: _File, reg: _Registry, item_id: str, node: CommentedMap, where: str) -> None:
    line = _line(node, "id")
    if item_id in reg.ids:
        f.report(line, f"{where}.id", f"重复的 id“{item_id}”（首次定义于 {reg.ids[item_id]}）")
    else:
        reg.ids[item_id] = f"{f.name}:{line}"


def _deadline(
    f: _File, node: CommentedMap, key: str, where: str, plan_year: int, item_id: str
) -> Deadline | None:
    """The structured deadline of ``node[key]`` (string, null or explicit mapping)."""
    value = node.get(key)
    line = _line(node, key) if key in node else _line(node)
    if value is None:
        return Deadline()
    if isinstance(value, str):
        try:
            return parse_deadline(value, plan_year)
        except DeadlineParseError as exc:
            f.report(
                line,
                f"{where}.{key}",
                f"条目 {item_id}：{exc}（无日期的条目请写 {{raw: …, kind: none}}）",
            )
            return None
    if not _check(f, value, f"{where}.{key}", DEADLINE_MAP_SPEC, item_id):
        return None
    explicit = _build_model(f, value, f"{where}.{key}", Deadline, _plain(value))
    if explicit is None:
        return None
    needs = {"by_date": ("due",), "from_date": ("start",), "window": ("start", "end")}
    for needed in needs.get(explicit.kind, ()):
        if getattr(explicit, needed) is None:
            f.report(
                line,
                f"{where}.{key}.{needed}",
                f"条目 {item_id}：kind 为 {explicit.kind} 时必须给出 {needed}",
            )
            return None
    return explicit


def _responsibility(
    f: _File,
    reg: _Registry,
    raw: str,
    node: CommentedMap,
    key: str,
    where: str,
    item_id: str,
    all_lead: bool,
) -> Responsibility | None:
    resp, unknown = parse_responsible(raw, reg.resolve_unit, all_lead=all_lead)
    for name in unknown:
        f.report(
            _line(node, key),
            f"{where}.{key}",
            f"条目 {item_id}：未知的责任单位“{name}”（不在单位登记表中）",
        )
    return None if unknown else resp


def _read_units(f: _File, reg: _Registry) -> tuple[list[County], list[Unit]]:
    root = f.data
    counties: list[County] = []
    units: list[Unit] = []
    if not _check(f, root, "(根)", UNITS_FILE_SPEC):
        return counties, units
    for where, node in _items(f, root, "units", ""):
        if not _check(
            f, node, where, UNIT_SPEC, node.get("id") if isinstance(node, dict) else None
        ):
            continue
        unit = _build_model(f, node, where, Unit, _plain(node))
        if unit is None:
            continue
        _register_id(f, reg, unit.id, node, where)
        reg.unit_ids.add(unit.id)
        for name in unit.names():
            other = reg.unit_by_name.get(name)
            if other is not None and other != unit.id:
                f.report(
                    _line(node),
                    f"{where}.aliases",
                    f"名称或别名“{name}”同时属于单位 {other} 和 {unit.id}",
                )
            reg.unit_by_name[name] = unit.id
        units.append(unit)
    for where, node in _items(f, root, "counties", ""):
        if not _check(
            f, node, where, COUNTY_SPEC, node.get("id") if isinstance(node, dict) else None
        ):
            continue
        county = _build_model(f, node, where, County, _plain(node))
        if county is None:
            continue
        _register_id(f, reg, county.id, node, where)
        reg.county_ids.add(county.id)
        reg.county_by_name[county.name] = county.id
        if county.government_unit not in reg.unit_ids:
            f.report(
                _line(node, "government_unit"),
                f"{where}.government_unit",
                f"未知的单位 id“{county.government_unit}”",
            )
        counties.append(county)
    for unit, (where, node) in zip(units, _items(f, root, "units", ""), strict=False):
        if unit.county is not None and unit.county not in reg.county_ids:
            f.report(
                _line(node, "county"),
                f"{where}.county",
                f"条目 {unit.id}：未知的县级区域 id“{unit.county}”",
            )
        if unit.kind == "county_government" and unit.county is None:
            f.report(_line(node), f"{where}.county", f"条目 {unit.id}：县级政府必须填写 county")
    return counties, units


def _read_zones(f: _File, reg: _Registry) -> list[Zone]:
    root = f.data
    zones: list[Zone] = []
    if not _check(f, root, "(根)", ZONES_FILE_SPEC):
        return zones
    zone_nodes = _items(f, root, "zones", "")
    for where, node in zone_nodes:
        zone_id = node.get("id") if isinstance(node, dict) else None
        if not _check(f, node, where, ZONE_SPEC, zone_id):
            continue
        ok = True
        for sub_where, area in _items(f, node, "whole_areas", f"{where}."):
            ok &= _check(f, area, sub_where, AREA_SPEC, zone_id)
            if ok and reg.resolve_county(str(area["county"])) is None:
                f.report(
                    _line(area, "county"),
                    f"{sub_where}.county",
                    f"未知的县级区域 id“{area['county']}”",
                )
        for sub_where, town in _items(f, node, "towns", f"{where}."):
            if not _check(f, town, sub_where, TOWN_SPEC, zone_id):
                ok = False
                continue
            if reg.resolve_county(str(town["county"])) is None:
                f.report(
                    _line(town, "county"),
                    f"{sub_where}.county",
                    f"未知的县级区域 id“{town['county']}”",
                )
            listed = len(town["villages"])
            if listed != town["declared_count"]:
                f.report(
                    _line(town, "declared_count"),
                    f"{sub_where}.declared_count",
                    f"{town['town']}：声明 {town['declared_count']} 个村（社区），实际列出 {listed} 个",
                )
            if len(set(town["villages"])) != listed:
                f.report(
                    _line(town, "villages"),
                    f"{sub_where}.villages",
                    f"{town['town']}：村（社区）名称重复",
                )
        if not ok:
            continue
        values = _plain(node)
        for place in (*values.get("whole_areas", []), *values.get("towns", [])):
            place["county"] = reg.resolve_county(place["county"])
        zone = _build_model(f, node, where, Zone, values)
        if zone is None:
            continue
        _register_id(f, reg, zone.id, node, where)
        zones.append(zone)
    zone_ids = {z.id for z in zones}
    for zone, (where, node) in zip(zones, zone_nodes, strict=False):
        for included in zone.includes:
            if included not in zone_ids or included == zone.id:
                f.report(
                    _line(node, "includes"),
                    f"{where}.includes",
                    f"条目 {zone.id}：未知的管控区 id“{included}”",
                )
    return zones


def _read_notes(
    f: _File, reg: _Registry
) -> tuple[list[DataQualityNote], list[tuple[DataQualityNote, CommentedMap, str]]]:
    root = f.data
    notes: list[DataQualityNote] = []
    located: list[tuple[DataQualityNote, CommentedMap, str]] = []
    if not _check(f, root, "(根)", NOTES_FILE_SPEC):
        return notes, located
    for where, node in _items(f, root, "data_quality_notes", ""):
        item_id = node.get("id") if isinstance(node, dict) else None
        if not _check(f, node, where, NOTE_SPEC, item_id):
            continue
        if not all(
            _check(f, v, w, VERSION_SPEC, item_id)
            for w, v in _items(f, node, "versions", f"{where}.")
        ):
            continue
        note = _build_model(f, node, where, DataQualityNote, _plain(node))
        if note is None:
            continue
        _register_id(f, reg, note.id, node, where)
        notes.append(note)
        located.append((note, node, where))
    return notes, located
