"""Reading plan YAML files with line numbers, and validating them through the pydantic models.

A file is read with ruamel.yaml (round-trip mode keeps each node's line), turned into plain
Python values and validated with its input model from ``envplan.plan.schema``. Each pydantic
error's ``loc`` is walked back through the YAML nodes to the line of the key concerned and
reported as a :class:`Problem` whose zh-CN message comes from one translation table
(``_MESSAGES``). The cross-reference checks of the loader then read the file through
:class:`Item` views, which expose only the values that passed validation.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

from envplan.plan.model import FrozenModel

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


class Problem(FrozenModel):
    """One problem found in a plan file.

    Attributes
    ----------
    file : str
        Path of the file, as given to the loader.
    line : int or None
        1-based line of the key concerned; None when the file itself cannot be read.
    field : str
        Path of the field inside the file, e.g. ``key_tasks[13].number`` or ``(根).title``.
    message : str
        What is wrong, in zh-CN.
    """

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}：字段 {self.field}：{self.message}"


class PlanValidationError(ValueError):
    """Raised by ``load_plan`` when a plan has problems.

    Parameters
    ----------
    problems : list of Problem
        Every problem found (validation does not stop at the first one); kept as ``problems``.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("计划文件校验失败：\n" + "\n".join(str(p) for p in problems))


# ------------------------------------------------------------------------------------ messages
_TYPE_NAMES = {
    "string_type": "文本",
    "int_type": "整数",
    "float_type": "数值",
    "bool_type": "布尔值（true/false）",
    "date_type": "日期（YYYY-MM-DD）",
    "tuple_type": "列表",
    "model_type": "映射（键: 值）",
    "deadline_type": "时限文本或时限映射",
}
# pydantic error type → zh-CN message. Placeholders: {key} the YAML key, {known} the fields of its
# mapping, {expected} the allowed values, {actual} the value's type, {input} the value as YAML
# shows it, {text} the value as text. Any other error type: _FALLBACK.
_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段“{key}”{known}",
    "literal_error": "取值无效：应为 {expected} 之一，实际为“{text}”",
    "iso_date": "日期无效：应为 YYYY-MM-DD 格式的存在的日期，实际为“{text}”",
    **{
        t: f"类型错误：应为{name}，实际为{{actual}}（{{input}}）" for t, name in _TYPE_NAMES.items()
    },
}
_FALLBACK = "取值无效：{msg}（{input}）"


_VALUE_KINDS: tuple[tuple[Any, str], ...] = (
    (bool, "布尔值"),
    (int, "整数"),
    (float, "数值"),
    (date, "日期"),
    (str, "文本"),
    ((tuple, list), "列表"),
    (dict, "映射"),
)


def _describe(value: Any) -> str:
    """zh-CN name of a YAML value's type."""
    if value is None:
        return "空值"
    return next((n for kind, n in _VALUE_KINDS if isinstance(value, kind)), type(value).__name__)


def _show(value: Any) -> str:
    """The value as written in YAML terms (sequences as lists)."""
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return repr(value)


def _members(annotation: Any) -> list[Any]:
    """The types a field annotation allows (Annotated, Optional and unions flattened)."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model that validates the mapping at ``loc`` (for the list of its fields), if clear."""
    current: list[Any] = [model]
    for part in loc:
        models = [m for m in current if isinstance(m, type) and issubclass(m, BaseModel)]
        if isinstance(part, int):
            inner = [typing.get_args(m) for m in current if typing.get_origin(m) is tuple]
            current = [m for args in inner for m in _members(args[0])]
        elif any(part in m.model_fields for m in models):
            fields = [m.model_fields[part].annotation for m in models if part in m.model_fields]
            current = [m for f in fields for m in _members(f)]
        # else: not a field of these models — left as is (the hint is then omitted)
    found = [m for m in current if isinstance(m, type) and issubclass(m, BaseModel)]
    return found[0] if len(found) == 1 else None


def _message(error: Any, model: type[BaseModel], loc: Loc) -> str:
    value = error.get("input")
    known_model = _model_at(model, loc[:-1]) if error["type"] == "extra_forbidden" else None
    known = f"（可用字段：{'、'.join(known_model.model_fields)}）" if known_model else ""
    expected = str((error.get("ctx") or {}).get("expected", ""))
    values = {
        "key": loc[-1] if loc else "",
        "known": known,
        "expected": "、".join(p.strip("'") for p in expected.replace(" or ", ", ").split(", ")),
        "actual": _describe(value),
        "input": _show(value),
        "text": str(value),
        "msg": error["msg"],
    }
    return _MESSAGES.get(error["type"], _FALLBACK).format(**values)


# ------------------------------------------------------------------------------------ file reading
class _Constructor(RoundTripConstructor):
    """Round-trip constructor that keeps timestamps as text: a date is checked by the model
    (``schema.IsoDate``), so "2021-13-01" is a located problem, not a crash of the parser."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)


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
        yaml.Constructor = _Constructor
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
        except ValueError as exc:  # a scalar the parser cannot build; never a crash
            self.report(None, "(语法)", f"YAML 无法解析：{exc}")
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


def _plain(value: Any) -> Any:
    """ruamel round-trip objects → plain Python values (sequences as tuples, for strict models)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    if isinstance(value, bool) or value is None or isinstance(value, date):
        return value
    for kind in (str, int, float):
        if isinstance(value, kind):
            return kind(value)
    return value


def _field_path(path: list[str | int]) -> str:
    """``['key_tasks', 13, 'number']`` → ``key_tasks[13].number``; a top-level key → ``(根).key``."""
    if len(path) == 1 and isinstance(path[0], str):
        return f"(根).{path[0]}"
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(根)"


def _locate(root: Any, loc: Loc) -> tuple[list[str | int], int | None, str | None]:
    """Field path, line and enclosing item id of a pydantic ``loc`` inside the YAML tree."""
    path: list[str | int] = []
    node, line, item_id = root, _line(root), None
    for index, part in enumerate(loc):
        if index > 0 and isinstance(node, dict) and isinstance(node.get("id"), str):
            item_id = str(node["id"])
        inside_map = isinstance(node, dict) and part in node
        inside_seq = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if inside_map or inside_seq:
            line = _line(node, part) or line
            node = node[part]
            path.append(part)
        elif index == len(loc) - 1:
            path.append(part)  # a missing key: reported at the line of its mapping
            line = _line(node) or line
        # otherwise a union tag of the loc, not a YAML key
    return path, line, item_id


def check_file(f: _File, model: type[BaseModel]) -> Item:
    """Validate a loaded file against its input model; report every error; the root view.

    Parameters
    ----------
    f : _File
        A file whose ``load()`` succeeded.
    model : type of BaseModel
        The file's input model (``envplan.plan.schema``).

    Returns
    -------
    Item
        The file's root mapping, knowing which keys failed validation.
    """
    root = f.data
    errors: list[Loc] = []
    validated = None
    try:
        validated = model.model_validate(_plain(root), strict=True)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            path, line, item_id = _locate(root, loc)
            prefix = f"条目 {item_id}：" if item_id else ""
            message = _message(error, model, tuple(path))
            f.report(line, _field_path(path), prefix + message)
            errors.append(tuple(path))
    return Item(f, root, "", (), errors, model=validated)


@dataclass
class Item:
    """A mapping of a validated file, exposing only the values that passed validation.

    ``where`` is the field path of the mapping (``measures[3]``, "" for the file root), ``loc``
    its key path, ``errors`` the key paths of every error found in the file.
    """

    file: _File
    node: CommentedMap
    where: str
    loc: Loc
    errors: list[Loc]
    owner_id: str | None = None  # the enclosing item's id (a clause's measure, a town's zone)
    model: Any = None  # the validated object at this place, when the whole file is valid

    @property
    def bad(self) -> set[str | int]:
        """Keys of this mapping with a validation error (unknown, missing or ill-typed)."""
        depth = len(self.loc)
        return {e[depth] for e in self.errors if len(e) > depth and e[:depth] == self.loc}

    @property
    def ok(self) -> bool:
        return not self.bad

    @property
    def id(self) -> str:
        """The item's id ("?" when missing or not text)."""
        if self.good("id"):
            return str(self.node["id"])
        return self.owner_id or "?"

    def good(self, key: str) -> bool:
        """The key is present and passed validation (so its value may be used)."""
        return key in self.node and key not in self.bad

    def get(self, key: str, default: Any = None) -> Any:
        """The plain value of a good key, else ``default``."""
        return _plain(self.node[key]) if self.good(key) else default

    def line(self, key: str | None = None) -> int | None:
        return _line(self.node, key) if key is None or key in self.node else _line(self.node)

    def field(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else f"(根).{key}"

    def report(self, key: str | None, message: str, with_id: bool = True) -> None:
        """Report a problem at ``key`` of this mapping (prefixed with the item id)."""
        prefix = f"条目 {self.id}：" if with_id else ""
        field = self.field(key) if key else (self.where or "(根)")
        self.file.report(self.line(key), field, prefix + message)

    def typed(self, model: type[M]) -> M | None:
        """The mapping as ``model`` when it has no error (it is already validated), else None."""
        if isinstance(self.model, model):
            return self.model
        return model.model_validate(_plain(self.node), strict=True) if self.ok else None

    def children(self, key: str) -> list[Item]:
        """The mappings of the sequence at ``key`` (those that are mappings at all)."""
        seq = self.node.get(key) if (key,) not in self._own() else None
        if not isinstance(seq, list):
            return []
        prefix = f"{self.where}." if self.where else ""
        owner = self.id if self.where else None
        models = getattr(self.model, key, None) or [None] * len(seq)
        return [
            Item(self.file, node, f"{prefix}{key}[{i}]", (*self.loc, key, i), self.errors, owner, m)
            for i, (node, m) in enumerate(zip(seq, models, strict=True))
            if isinstance(node, CommentedMap) and (key, i) not in self._own()
        ]

    def _own(self) -> set[Loc]:
        depth = len(self.loc)
        return {e[depth:] for e in self.errors if e[:depth] == self.loc}
