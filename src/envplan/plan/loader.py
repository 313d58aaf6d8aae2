"""Loading and validating plan files (YAML read with ruamel.yaml so problems carry line numbers).

A plan is a directory with ``plan.yaml`` naming its other files::

    plan.yaml     id, city, document_number, title, issued, version, plan_year,
                  units: units.yaml, zones: zones.yaml, data_quality_notes: notes.yaml,
                  subplans: [air.yaml, water.yaml, soil.yaml]
    units.yaml    counties, units
    zones.yaml    zones
    notes.yaml    data_quality_notes
    air.yaml …    key, title, headings, targets, measures, key_tasks | sections, projects

Validation collects EVERY problem (file, line, field, zh-CN message) before deciding; a plan with
any problem is not loaded at all (``load_plan`` raises ``PlanValidationError``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from envplan.plan.deadlines import DeadlineParseError, parse_deadline
from envplan.plan.model import (
    Clause,
    County,
    DataQualityNote,
    Deadline,
    FrozenModel,
    KeyTask,
    Measure,
    Plan,
    Project,
    Responsibility,
    Section,
    SubPlan,
    Target,
    Unit,
    Zone,
)
from envplan.plan.responsibility import merge_responsibilities, parse_responsible
from envplan.standards.water.sections import INDICATOR_SETS

M = TypeVar("M", bound=FrozenModel)

DEFAULT_PLAN_DIR = Path(__file__).resolve().parent / "data" / "jincheng-2021"
PLAN_FILE_NAME = "plan.yaml"


class Problem(FrozenModel):
    """One problem in a plan file: where it is and what is wrong (message in zh-CN)."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}：字段 {self.field}：{self.message}"


class PlanValidationError(ValueError):
    """Raised when a plan file has problems; carries all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("计划文件校验失败：\n" + "\n".join(str(p) for p in problems))


# ------------------------------------------------------------------------------------ field specs
# A spec maps a YAML key to (expected type, required). Types: "str", "int", "number", "bool",
# "date", "list[str]", "list[map]", "map", "deadline"; a trailing "?" allows null.
Spec = dict[str, tuple[str, bool]]

PLAN_SPEC: Spec = {
    "id": ("str", True),
    "city": ("str", True),
    "document_number": ("str", True),
    "title": ("str", True),
    "issued": ("date", True),
    "version": ("str", True),
    "plan_year": ("int", False),
    "units": ("str", True),
    "zones": ("str", True),
    "data_quality_notes": ("str", False),
    "subplans": ("list[str]", True),
}
UNITS_FILE_SPEC: Spec = {"counties": ("list[map]", True), "units": ("list[map]", True)}
COUNTY_SPEC: Spec = {"id": ("str", True), "name": ("str", True), "government_unit": ("str", True)}
UNIT_SPEC: Spec = {
    "id": ("str", True),
    "name": ("str", True),
    "aliases": ("list[str]", False),
    "kind": ("str", True),
    "county": ("str?", False),
}
ZONES_FILE_SPEC: Spec = {"zones": ("list[map]", True)}
ZONE_SPEC: Spec = {
    "id": ("str", True),
    "name": ("str", True),
    "includes": ("list[str]", False),
    "whole_areas": ("list[map]", False),
    "towns": ("list[map]", False),
}
AREA_SPEC: Spec = {"name": ("str", True), "county": ("str", True), "aliases": ("list[str]", False)}
TOWN_SPEC: Spec = {
    "town": ("str", True),
    "county": ("str", True),
    "aliases": ("list[str]", False),
    "declared_count": ("int", True),
    "villages": ("list[str]", True),
}
NOTES_FILE_SPEC: Spec = {"data_quality_notes": ("list[map]", True)}
NOTE_SPEC: Spec = {
    "id": ("str", True),
    "subjects": ("list[str]", True),
    "field": ("str", True),
    "versions": ("list[map]", False),
    "note": ("str", True),
    "resolution": ("str", True),
}
VERSION_SPEC: Spec = {"source": ("str", True), "value": ("str", True)}
SUBPLAN_SPEC: Spec = {
    "key": ("str", True),
    "title": ("str", True),
    "headings": ("list[str]", True),
    "targets": ("list[map]", True),
    "measures": ("list[map]", True),
    "key_tasks": ("list[map]", False),
    "sections": ("list[map]", False),
    "projects": ("list[map]", False),
}
TARGET_SPEC: Spec = {
    "id": ("str", True),
    "text": ("str", True),
    "source_section": ("str", True),
    "measure_id": ("str?", False),
    "quantitative": ("bool", False),
    "indicator": ("str?", False),
    "comparator": ("str?", False),
    "value": ("number?", False),
    "unit": ("str?", False),
    "baseline_year": ("int?", False),
    "scope": ("str?", False),
    "standard": ("str?", False),
    "year": ("int?", False),
}
MEASURE_SPEC: Spec = {
    "id": ("str", True),
    "number": ("str", True),
    "chapter": ("str", True),
    "section": ("str", True),
    "text": ("str", False),
    "responsible": ("str", False),
    "clauses": ("list[map]", False),
    "deadline": ("deadline", False),
}
CLAUSE_SPEC: Spec = {"text": ("str", True), "responsible": ("str", True)}
KEY_TASK_SPEC: Spec = {
    "id": ("str", True),
    "number": ("int", True),
    "category": ("str", True),
    "category_printed": ("bool", False),
    "text": ("str", True),
    "deadline": ("deadline", False),
    "deadline_inferred": ("str?", False),
    "lead": ("str?", False),
    "lead_inferred": ("str?", False),
    "measure_id": ("str?", False),
}
SECTION_SPEC: Spec = {
    "id": ("str", True),
    "number": ("int", True),
    "county": ("str", True),
    "name": ("str", True),
    "target_raw": ("str", True),
    "assessment_level": ("str", True),
    "water_body_type": ("str", True),
    "indicator_set": ("str", True),
}
PROJECT_SPEC: Spec = {
    "id": ("str", True),
    "number": ("int", True),
    "text": ("str", True),
    "responsible": ("str", True),
    "deadline": ("deadline", False),
    "provincial_key": ("bool", True),
    "measure_id": ("str?", False),
}
DEADLINE_MAP_SPEC: Spec = {
    "raw": ("str?", False),
    "kind": ("str", True),
    "due": ("date?", False),
    "start": ("date?", False),
    "end": ("date?", False),
    "frequency": ("str?", False),
}

_TYPE_NAMES = {
    "str": "文本",
    "int": "整数",
    "number": "数值",
    "bool": "布尔值（true/false）",
    "date": "日期（YYYY-MM-DD）",
    "list[str]": "文本列表",
    "list[map]": "条目列表",
    "map": "映射",
    "deadline": "时限文本或时限映射",
}

_ROMAN_CLASS = {
    "I": "Ⅰ",
    "II": "Ⅱ",
    "III": "Ⅲ",
    "IV": "Ⅳ",
    "V": "Ⅴ",
    "Ⅰ": "Ⅰ",
    "Ⅱ": "Ⅱ",
    "Ⅲ": "Ⅲ",
    "Ⅳ": "Ⅳ",
    "Ⅴ": "Ⅴ",
}
_CLASS_PATTERN = re.compile(r"^(劣)?\s*(III|II|IV|I|V|Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ)\s*类$")
PROVINCIAL_TARGET = "完成省定目标"


def _type_ok(value: Any, type_name: str) -> bool:
    nullable = type_name.endswith("?")
    base = type_name.rstrip("?")
    if value is None:
        return nullable or base == "deadline"
    if base == "str":
        return isinstance(value, str)
    if base == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if base == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if base == "bool":
        return isinstance(value, bool)
    if base == "date":
        if isinstance(value, date):
            return True
        if isinstance(value, str):
            try:
                date.fromisoformat(value)
            except ValueError:
                return False
            return True
        return False
    if base == "list[str]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if base == "list[map]":
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    if base == "map":
        return isinstance(value, dict)
    if base == "deadline":
        return isinstance(value, str | dict)
    raise AssertionError(type_name)


def _describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "数值"
    if isinstance(value, str):
        return "文本"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    return type(value).__name__


# ------------------------------------------------------------------------------------ file reading
@dataclass
class _File:
    """One YAML file being read: its name for messages and the problems found in it."""

    path: Path
    problems: list[Problem]
    data: Any = None

    @property
    def name(self) -> str:
        return str(self.path)

    def report(self, line: int | None, field_path: str, message: str) -> None:
        self.problems.append(Problem(file=self.name, line=line, field=field_path, message=message))

    def load(self) -> bool:
        yaml = YAML(typ="rt")
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.report(None, "(文件)", "文件不存在")
            return False
        except (OSError, UnicodeDecodeError) as exc:
            self.report(None, "(文件)", f"无法读取文件（须为 UTF-8 文本）：{exc}")
            return False
        try:
            self.data = yaml.load(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            # only the parser's short reason, never the snippet of the file it quotes
            self.report(line, "(语法)", f"YAML 语法错误：{exc.problem or '无法解析'}")
            return False
        if not isinstance(self.data, CommentedMap):
            self.report(1, "(根)", "文件顶层应为映射（键: 值）")
            return False
        return True


def _line(node: Any, key: str | int | None = None) -> int | None:
    """1-based line of ``node`` (or of ``key`` inside it) as read by ruamel.yaml."""
    try:
        if key is None:
            return int(node.lc.line) + 1
        if isinstance(node, CommentedMap):
            return int(node.lc.key(key)[0]) + 1
        if isinstance(node, CommentedSeq):
            return int(node.lc.item(key)[0]) + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        pass
    return None


def _bad_keys(
    f: _File, node: Any, where: str, spec: Spec, item_id: str | None = None
) -> set[str] | None:
    """Report missing, unknown and wrongly typed keys of one mapping.

    Returns the keys that are missing or wrongly typed (an unknown key is reported under its own
    name), so callers can go on checking the well-typed fields; None when ``node`` is not a mapping.
    """
    bad: set[str] = set()
    prefix = f"条目 {item_id}：" if item_id else ""
    if not isinstance(node, CommentedMap):
        f.report(_line(node), where, f"应为映射（键: 值），实际为{_describe(node)}")
        return None
    for key in node:
        if key not in spec:
            known = "、".join(spec)
            f.report(
                _line(node, key), f"{where}.{key}", f"{prefix}未知字段“{key}”（可用字段：{known}）"
            )
            bad.add(str(key))
    for key, (type_name, required) in spec.items():
        if key not in node:
            if required:
                f.report(_line(node), f"{where}.{key}", f"{prefix}缺少必填字段")
                bad.add(key)
            continue
        value = node[key]
        if not _type_ok(value, type_name):
            expected = _TYPE_NAMES[type_name.rstrip("?")]
            f.report(
                _line(node, key),
                f"{where}.{key}",
                f"{prefix}类型错误：应为{expected}，实际为{_describe(value)}（{value!r}）",
            )
            bad.add(key)
    return bad


def _check(f: _File, node: Any, where: str, spec: Spec, item_id: str | None = None) -> bool:
    """``_bad_keys`` for callers that only need to know whether everything is fine."""
    return _bad_keys(f, node, where, spec, item_id) == set()


def _good(node: CommentedMap, bad: set[str], key: str) -> bool:
    """The key is present and well typed (so its value may be used for further checks)."""
    return key in node and key not in bad


def _item_id(f: _File, reg: _Registry, node: CommentedMap, where: str, bad: set[str]) -> str:
    """The item's id, registered for the duplicate check ("?" when missing or not text)."""
    if not _good(node, bad, "id"):
        return "?"
    item_id = str(node["id"])
    _register_id(f, reg, item_id, node, where)
    return item_id


def _plain(value: Any) -> Any:
    """ruamel round-trip objects → plain Python values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def _items(f: _File, node: CommentedMap, key: str, where: str) -> list[tuple[str, CommentedMap]]:
    """(path, mapping) of each entry of a list of mappings (type already checked)."""
    seq = node.get(key) or []
    return [(f"{where}{key}[{i}]", item) for i, item in enumerate(seq)]


def _build_model(
    f: _File,
    node: CommentedMap,
    where: str,
    model: type[M],
    values: dict[str, Any],
    keymap: dict[str, str] | None = None,
) -> M | None:
    """``model(**values)``; pydantic errors are reported at the line of the YAML key concerned."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error["loc"]
            model_field = str(loc[0]) if loc else ""
            yaml_key = (keymap or {}).get(model_field, model_field)
            line = _line(node, yaml_key) if yaml_key in node else _line(node)
            item_id = values.get("id")
            prefix = f"条目 {item_id}：" if item_id else ""
            f.report(
                line,
                f"{where}.{yaml_key}" if yaml_key else where,
                f"{prefix}取值无效：{error['msg']}（{error.get('input')!r}）",
            )
        return None


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


def _read_subplan(
    f: _File, reg: _Registry, plan_year: int
) -> tuple[SubPlan | None, list[tuple[str, str, CommentedMap, str]]]:
    """The sub-plan of one file, plus its measure_id references (id, target, node, path)."""
    root = f.data
    refs: list[tuple[str, str, CommentedMap, str]] = []
    if not _check(f, root, "(根)", SUBPLAN_SPEC):
        return None, refs
    ok = True

    targets: list[Target] = []
    for where, node in _items(f, root, "targets", ""):
        item_id = node.get("id") if isinstance(node, dict) else None
        if not _check(f, node, where, TARGET_SPEC, item_id):
            ok = False
            continue
        target = _build_model(f, node, where, Target, _plain(node))
        if target is None:
            ok = False
            continue
        _register_id(f, reg, target.id, node, where)
        if target.measure_id:
            refs.append((target.id, target.measure_id, node, where))
        targets.append(target)

    measures: list[Measure] = []
    for where, node in _items(f, root, "measures", ""):
        item_id = node.get("id") if isinstance(node, dict) else None
        if isinstance(item_id, str):
            reg.measure_ids.add(item_id)
        bad = _bad_keys(f, node, where, MEASURE_SPEC, item_id)
        if bad is None:
            ok = False
            continue
        measure = _read_measure(f, reg, node, where, plan_year, bad)
        if measure is None or bad:
            ok = False
            continue
        measures.append(measure)

    key_tasks: list[KeyTask] = []
    for where, node in _items(f, root, "key_tasks", ""):
        item_id = node.get("id") if isinstance(node, dict) else None
        bad = _bad_keys(f, node, where, KEY_TASK_SPEC, item_id)
        if bad is None:
            ok = False
            continue
        if _good(node, bad, "measure_id") and node["measure_id"] is not None:
            refs.append((str(item_id), str(node["measure_id"]), node, where))
        task = _read_key_task(f, reg, node, where, plan_year, bad)
        if task is None or bad:
            ok = False
            continue
        key_tasks.append(task)

    sections: list[Section] = []
    for where, node in _items(f, root, "sections", ""):
        item_id = node.get("id") if isinstance(node, dict) else None
        bad = _bad_keys(f, node, where, SECTION_SPEC, item_id)
        if bad is None:
            ok = False
            continue
        section = _read_section(f, reg, node, where, bad)
        if section is None or bad:
            ok = False
            continue
        sections.append(section)

    projects: list[Project] = []
    for where, node in _items(f, root, "projects", ""):
        item_id = node.get("id") if isinstance(node, dict) else None
        bad = _bad_keys(f, node, where, PROJECT_SPEC, item_id)
        if bad is None:
            ok = False
            continue
        if _good(node, bad, "measure_id") and node["measure_id"] is not None:
            refs.append((str(item_id), str(node["measure_id"]), node, where))
        project = _read_project(f, reg, node, where, plan_year, bad)
        if project is None or bad:
            ok = False
            continue
        projects.append(project)

    if not ok:
        return None, refs
    values = {
        "key": root["key"],
        "title": root["title"],
        "headings": _plain(root["headings"]),
        "targets": targets,
        "measures": measures,
        "key_tasks": key_tasks,
        "sections": sections,
        "projects": projects,
    }
    return _build_model(f, root, "(根)", SubPlan, values), refs


def _read_measure(
    f: _File, reg: _Registry, node: CommentedMap, where: str, plan_year: int, bad: set[str]
) -> Measure | None:
    item_id = _item_id(f, reg, node, where, bad)
    ok = not bad
    clauses: list[Clause] = []
    has_text = "text" in node or "responsible" in node
    if has_text == ("clauses" in node):
        f.report(
            _line(node),
            where,
            f"条目 {item_id}：须给出 text 与 responsible，或给出 clauses（分段），二者取一",
        )
        ok = False
    elif has_text:
        if "text" not in node or "responsible" not in node:
            missing = "responsible" if "text" in node else "text"
            f.report(_line(node), f"{where}.{missing}", f"条目 {item_id}：缺少必填字段")
            ok = False
        elif _good(node, bad, "responsible"):
            resp = _responsibility(
                f, reg, str(node["responsible"]), node, "responsible", where, item_id, False
            )
            if resp is None:
                ok = False
            else:
                clauses.append(Clause(text=str(node["text"]), responsibility=resp))
    elif _good(node, bad, "clauses"):
        for sub_where, clause in _items(f, node, "clauses", f"{where}."):
            clause_bad = _bad_keys(f, clause, sub_where, CLAUSE_SPEC, item_id)
            if clause_bad is None or clause_bad:
                ok = False
                if clause_bad is None or not _good(clause, clause_bad, "responsible"):
                    continue
            resp = _responsibility(
                f, reg, str(clause["responsible"]), clause, "responsible", sub_where, item_id, False
            )
            if resp is None or not ok:
                ok = False
                continue
            clauses.append(Clause(text=str(clause["text"]), responsibility=resp))
        if ok and not clauses:
            f.report(
                _line(node, "clauses"), f"{where}.clauses", f"条目 {item_id}：clauses 不能为空"
            )
            ok = False
    deadline = (
        _deadline(f, node, "deadline", where, plan_year, item_id)
        if _good(node, bad, "deadline") or "deadline" not in node
        else None
    )
    if deadline is None or not ok:
        return None
    merged = merge_responsibilities([c.responsibility for c in clauses])
    values = {
        "id": item_id,
        "number": node["number"],
        "chapter": node["chapter"],
        "section": node["section"],
        "text": "\n".join(c.text for c in clauses),
        "deadline": deadline,
        "lead_units": merged.lead_units,
        "co_units": merged.co_units,
        "all_counties": merged.all_counties,
        "includes_dev_zone": merged.includes_dev_zone,
        "clauses": clauses,
    }
    return _build_model(f, node, where, Measure, values)


def _read_key_task(
    f: _File, reg: _Registry, node: CommentedMap, where: str, plan_year: int, bad: set[str]
) -> KeyTask | None:
    item_id = _item_id(f, reg, node, where, bad)
    inferred: list[str] = []
    ok = not bad
    deadline: Deadline | None = None
    if _good(node, bad, "deadline") or "deadline" not in node:
        deadline = _deadline(f, node, "deadline", where, plan_year, item_id)
    inferred_deadline = (
        node.get("deadline_inferred") if _good(node, bad, "deadline_inferred") else None
    )
    if inferred_deadline and node.get("deadline") is None:
        deadline = _deadline(f, node, "deadline_inferred", where, plan_year, item_id)
        inferred.append("deadline")
    elif inferred_deadline:
        f.report(
            _line(node, "deadline_inferred"),
            f"{where}.deadline_inferred",
            f"条目 {item_id}：时限单元格不为空时不应再填写推断值",
        )
        ok = False
    lead_raw = node.get("lead") if _good(node, bad, "lead") else None
    lead_inferred = node.get("lead_inferred") if _good(node, bad, "lead_inferred") else None
    lead_source, lead_key = lead_raw, "lead"
    if lead_raw is None and lead_inferred:
        lead_source, lead_key = lead_inferred, "lead_inferred"
        inferred.append("lead_units")
    elif lead_raw is not None and lead_inferred:
        f.report(
            _line(node, "lead_inferred"),
            f"{where}.lead_inferred",
            f"条目 {item_id}：牵头单位单元格不为空时不应再填写推断值",
        )
        ok = False
    resp = Responsibility()
    if lead_source is not None:
        parsed = _responsibility(f, reg, str(lead_source), node, lead_key, where, item_id, True)
        if parsed is None:
            ok = False
        else:
            resp = parsed
    if deadline is None or not ok:
        return None
    values = {
        "id": item_id,
        "number": node["number"],
        "category": node["category"],
        "category_printed": node.get("category_printed", True),
        "text": node["text"],
        "deadline": deadline,
        "lead_raw": lead_raw,
        "lead_units": resp.lead_units,
        "co_units": resp.co_units,
        "all_counties": resp.all_counties,
        "includes_dev_zone": resp.includes_dev_zone,
        "measure_id": node.get("measure_id"),
        "inferred_fields": tuple(inferred),
    }
    return _build_model(f, node, where, KeyTask, values, {"lead_units": "lead", "lead_raw": "lead"})


def _section_target(
    f: _File, node: CommentedMap, where: str, item_id: str
) -> tuple[str, str | None] | None:
    """(target_kind, target_class) from the 目标水质 wording, or None (reported) when unknown."""
    target_raw = str(node["target_raw"])
    if "".join(target_raw.split()) == PROVINCIAL_TARGET:
        return "provincial", None
    match = _CLASS_PATTERN.match(target_raw.strip())
    if match is None:
        f.report(
            _line(node, "target_raw"),
            f"{where}.target_raw",
            f"条目 {item_id}：无法识别的目标水质“{target_raw}”（应为“完成省定目标”或“Ⅲ类”等）",
        )
        return None
    roman = _ROMAN_CLASS[match.group(2)]
    return "class", ("劣" + roman if match.group(1) else roman)


def _read_section(
    f: _File, reg: _Registry, node: CommentedMap, where: str, bad: set[str]
) -> Section | None:
    item_id = _item_id(f, reg, node, where, bad)
    ok = not bad
    county: str | None = None
    if _good(node, bad, "county"):
        county = reg.resolve_county(str(node["county"]))
        if county is None:
            f.report(
                _line(node, "county"),
                f"{where}.county",
                f"条目 {item_id}：未知的县级区域“{node['county']}”",
            )
            ok = False
    if _good(node, bad, "indicator_set") and str(node["indicator_set"]) not in INDICATOR_SETS:
        known = "、".join(INDICATOR_SETS)
        f.report(
            _line(node, "indicator_set"),
            f"{where}.indicator_set",
            f"条目 {item_id}：未知的评价指标集“{node['indicator_set']}”（可用：{known}）",
        )
        ok = False
    target = _section_target(f, node, where, item_id) if _good(node, bad, "target_raw") else None
    if not ok or target is None:
        return None
    values = {
        **_plain(node),
        "county": county,
        "target_kind": target[0],
        "target_class": target[1],
    }
    return _build_model(f, node, where, Section, values)


def _read_project(
    f: _File, reg: _Registry, node: CommentedMap, where: str, plan_year: int, bad: set[str]
) -> Project | None:
    item_id = _item_id(f, reg, node, where, bad)
    resp = None
    if _good(node, bad, "responsible"):
        resp = _responsibility(
            f, reg, str(node["responsible"]), node, "responsible", where, item_id, True
        )
    deadline = None
    if _good(node, bad, "deadline") or "deadline" not in node:
        deadline = _deadline(f, node, "deadline", where, plan_year, item_id)
    if resp is None or deadline is None or bad:
        return None
    values = {
        "id": item_id,
        "number": node["number"],
        "text": node["text"],
        "responsible_raw": node["responsible"],
        "deadline": deadline,
        "lead_units": resp.lead_units,
        "co_units": resp.co_units,
        "all_counties": resp.all_counties,
        "includes_dev_zone": resp.includes_dev_zone,
        "provincial_key": node["provincial_key"],
        "measure_id": node.get("measure_id"),
    }
    return _build_model(f, node, where, Project, values, {"responsible_raw": "responsible"})


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


# ------------------------------------------------------------------------------------ entry points
def _plan_file(path: Path) -> Path:
    return path / PLAN_FILE_NAME if path.is_dir() else path


def _build(path: Path) -> tuple[Plan | None, list[Problem]]:
    """Read a whole plan; every problem found is returned, the Plan only when there are none."""
    problems: list[Problem] = []
    plan_file = _File(_plan_file(path), problems)
    if not plan_file.load():
        return None, problems
    root = plan_file.data
    if "subplans" not in root and "key" in root:
        return _build_lone_subplan(plan_file)
    if not _check(plan_file, root, "(根)", PLAN_SPEC):
        return None, problems
    base = plan_file.path.parent
    plan_year = int(root.get("plan_year", 2021))
    reg = _Registry()

    def inside(name: object, line: int | None, field_path: str) -> Path | None:
        """``name`` as a file of the plan folder; a path leaving it (``../``, absolute, a link
        out) is refused without being read, so nothing of a file outside is ever shown."""
        target = base / str(name)
        try:
            resolved = target.resolve()
            contained = resolved.is_relative_to(base.resolve())
        except (OSError, RuntimeError):
            contained = False
        if Path(str(name)).is_absolute() or ".." in Path(str(name)).parts or not contained:
            plan_file.report(line, field_path, f"引用的文件须位于计划目录内，不能为“{name}”")
            return None
        return target

    def sibling(key: str) -> _File | None:
        if key not in root or root[key] is None:
            return None
        target = inside(root[key], _line(root, key), key)
        if target is None:
            return None
        f = _File(target, problems)
        if not f.load():
            return None
        return f

    units_file = sibling("units")
    counties, units = _read_units(units_file, reg) if units_file else ([], [])
    zones_file = sibling("zones")
    zones = _read_zones(zones_file, reg) if zones_file else []
    subplans: list[SubPlan] = []
    refs: list[tuple[_File, str, str, CommentedMap, str]] = []
    seen_keys: dict[str, int | None] = {}
    for index, name in enumerate(root["subplans"]):
        target = inside(name, _line(root["subplans"], index), f"subplans[{index}]")
        if target is None:
            continue
        f = _File(target, problems)
        if not f.load():
            continue
        sub, sub_refs = _read_subplan(f, reg, plan_year)
        refs.extend((f, *r) for r in sub_refs)
        if sub is None:
            continue
        if sub.key in seen_keys:
            plan_file.report(
                _line(root["subplans"], index), f"subplans[{index}]", f"子计划 {sub.key} 重复"
            )
        seen_keys[sub.key] = _line(root["subplans"], index)
        subplans.append(sub)
    notes_file = sibling("data_quality_notes")
    notes, located_notes = _read_notes(notes_file, reg) if notes_file else ([], [])

    for f, item_id, measure_id, node, where in refs:
        if measure_id not in reg.measure_ids:
            f.report(
                _line(node, "measure_id"),
                f"{where}.measure_id",
                f"条目 {item_id}：未知的措施 id“{measure_id}”",
            )
    if notes_file is not None:
        for note, node, where in located_notes:
            for subject in note.subjects:
                if subject not in reg.ids:
                    notes_file.report(
                        _line(node, "subjects"),
                        f"{where}.subjects",
                        f"条目 {note.id}：未知的条目 id“{subject}”",
                    )
    if problems:
        return None, problems
    values = {
        "id": root["id"],
        "city": root["city"],
        "document_number": root["document_number"],
        "title": root["title"],
        "issued": _plain(root["issued"]),
        "version": root["version"],
        "plan_year": plan_year,
        "counties": counties,
        "units": units,
        "subplans": subplans,
        "zones": zones,
        "data_quality_notes": notes,
    }
    plan = _build_model(plan_file, root, "(根)", Plan, values)
    return (plan, problems) if not problems else (None, problems)


def _build_lone_subplan(f: _File) -> tuple[Plan | None, list[Problem]]:
    """Validate a single sub-plan file against the units of its directory's plan (or the default)."""
    context_dir = f.path.parent if (f.path.parent / PLAN_FILE_NAME).is_file() else DEFAULT_PLAN_DIR
    from envplan.plan.snapshot import read_snapshot

    context = read_snapshot(context_dir)
    if context is None:
        context, context_problems = _build(context_dir)
        if context is None:
            return None, context_problems
    reg = _Registry()
    for unit in context.units:
        reg.unit_ids.add(unit.id)
        for name in unit.names():
            reg.unit_by_name[name] = unit.id
    reg.county_ids = {c.id for c in context.counties}
    reg.county_by_name = {c.name: c.id for c in context.counties}
    sub, refs = _read_subplan(f, reg, context.plan_year)
    known = {m.id for m in sub.measures} if sub else set()
    known |= {m.id for s in context.subplans for m in s.measures if sub is None or s.key != sub.key}
    for item_id, measure_id, node, where in refs:
        if measure_id not in known:
            f.report(
                _line(node, "measure_id"),
                f"{where}.measure_id",
                f"条目 {item_id}：未知的措施 id“{measure_id}”",
            )
    return None, f.problems


def validate_file(path: Path) -> list[Problem]:
    """Every problem of a plan (directory or plan.yaml) or of a single sub-plan file; [] if valid."""
    _, problems = _build(Path(path))
    return problems


def load_plan(path: Path) -> Plan:
    """Load a plan directory (or its plan.yaml); raise PlanValidationError listing all problems.

    Nothing is returned from an invalid plan: it is all or nothing.
    """
    plan_path = Path(path)
    plan, problems = _build(plan_path)
    if problems or plan is None:
        raise PlanValidationError(
            problems
            or [
                Problem(
                    file=str(plan_path),
                    line=None,
                    field="(根)",
                    message="不是完整的计划文件（缺少 subplans）",
                )
            ]
        )
    return plan


_DEFAULT_CACHE: dict[str, Plan] = {}


def default_plan() -> Plan:
    """The Jincheng 2021 plan shipped in the package (loaded once per process).

    Uses the JSON snapshot beside the YAML when it matches the YAML files (see
    ``envplan.plan.snapshot``); otherwise loads and validates the YAML.
    """
    if "plan" not in _DEFAULT_CACHE:
        from envplan.plan.snapshot import read_snapshot

        _DEFAULT_CACHE["plan"] = read_snapshot(DEFAULT_PLAN_DIR) or load_plan(DEFAULT_PLAN_DIR)
    return _DEFAULT_CACHE["plan"]
