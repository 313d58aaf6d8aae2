"""Reading plan YAML files with line numbers, and the field checks every file goes through.

Each problem names file, line and field in zh-CN (:class:`Problem`); the checks collect every
problem before a plan is refused (:class:`PlanValidationError`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from envplan.plan.model import (
    FrozenModel,
)

M = TypeVar("M", bound=FrozenModel)


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
