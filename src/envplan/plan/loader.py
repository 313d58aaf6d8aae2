"""Loading and validating plan files (YAML read with ruamel.yaml so problems carry line numbers).

Split in three modules: this one (sub-plans and the entry points), ``yaml_checks`` (file reading
and field checks) and ``loader_files`` (the id/unit registry, deadlines, responsibilities, the
units, zones and notes files).

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
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from envplan.plan.loader_files import (
    _deadline,
    _item_id,
    _read_notes,
    _read_units,
    _read_zones,
    _register_id,
    _Registry,
    _responsibility,
)
from envplan.plan.model import (
    Clause,
    KeyTask,
    Measure,
    Plan,
    Project,
    Responsibility,
    Section,
    SubPlan,
    Target,
)
from envplan.plan.responsibility import merge_responsibilities
from envplan.plan.schema import (
    KeyTaskIn,
    MeasureIn,
    NotesFileIn,
    PlanFileIn,
    ProjectIn,
    SectionIn,
    SubPlanFileIn,
    UnitsFileIn,
    ZonesFileIn,
)
from envplan.plan.yaml_checks import Item, _File, _line, check_file
from envplan.plan.yaml_checks import PlanValidationError as PlanValidationError
from envplan.plan.yaml_checks import Problem as Problem
from envplan.standards.water.sections import INDICATOR_SETS

DEFAULT_PLAN_DIR = Path(__file__).resolve().parent / "data" / "jincheng-2021"
PLAN_FILE_NAME = "plan.yaml"

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


def _read_subplan(
    root: Item, reg: _Registry, plan_year: int
) -> tuple[SubPlan | None, list[tuple[Item, str]]]:
    """The sub-plan of one validated file, plus its measure_id references (item, measure id).

    The sub-plan is None when the file has any problem; every item is checked all the same.
    """
    before = len(root.file.problems)
    refs: list[tuple[Item, str]] = []
    targets: list[Target] = []
    for item in root.children("targets"):
        target = item.typed(Target)
        if target is None:
            continue
        _register_id(reg, item)
        if target.measure_id:
            refs.append((item, target.measure_id))
        targets.append(target)
    measures: list[Measure] = []
    for item in root.children("measures"):
        if isinstance(item.node.get("id"), str):
            reg.measure_ids.add(str(item.node["id"]))
        if (measure := _read_measure(item, reg, plan_year)) is not None:
            measures.append(measure)
    key_tasks: list[KeyTask] = []
    for item in root.children("key_tasks"):
        if item.get("measure_id") is not None:
            refs.append((item, str(item.get("measure_id"))))
        if (task := _read_key_task(item, reg, plan_year)) is not None:
            key_tasks.append(task)
    sections = [s for item in root.children("sections") if (s := _read_section(item, reg))]
    projects: list[Project] = []
    for item in root.children("projects"):
        if item.get("measure_id") is not None:
            refs.append((item, str(item.get("measure_id"))))
        if (project := _read_project(item, reg, plan_year)) is not None:
            projects.append(project)
    if not root.ok or len(root.file.problems) > before:
        return None, refs
    sub = root.typed(SubPlanFileIn)
    assert sub is not None
    subplan = SubPlan(
        key=sub.key,
        title=sub.title,
        headings=sub.headings,
        targets=tuple(targets),
        measures=tuple(measures),
        key_tasks=tuple(key_tasks),
        sections=tuple(sections),
        projects=tuple(projects),
    )
    return subplan, refs


def _units_of(resp: Responsibility) -> dict[str, Any]:
    return {
        "lead_units": resp.lead_units,
        "co_units": resp.co_units,
        "all_counties": resp.all_counties,
        "includes_dev_zone": resp.includes_dev_zone,
    }


def _read_measure(item: Item, reg: _Registry, plan_year: int) -> Measure | None:
    """A measure: one text with its 责任单位, or clauses each with their own."""
    before = len(item.file.problems)
    _item_id(reg, item)
    node = item.node
    clauses: list[Clause] = []
    has_text = "text" in node or "responsible" in node
    if has_text == ("clauses" in node):
        item.report(None, "须给出 text 与 responsible，或给出 clauses（分段），二者取一")
    elif has_text:
        if "text" not in node or "responsible" not in node:
            item.report("responsible" if "text" in node else "text", "缺少必填字段")
        elif item.good("responsible"):
            resp = _responsibility(item, reg, item.get("responsible"), "responsible", False)
            if resp is not None and item.good("text"):
                clauses.append(Clause(text=item.get("text"), responsibility=resp))
    else:
        for clause in item.children("clauses"):
            if clause.good("responsible"):
                raw = clause.get("responsible")
                resp = _responsibility(clause, reg, raw, "responsible", False)
                if resp is not None and clause.ok:
                    clauses.append(Clause(text=clause.get("text"), responsibility=resp))
        if item.good("clauses") and not node["clauses"]:
            item.report("clauses", "clauses 不能为空")
    deadline = _deadline(item, "deadline", plan_year)
    measure = item.typed(MeasureIn)
    if measure is None or deadline is None or len(item.file.problems) > before:
        return None
    return Measure(
        id=measure.id,
        number=measure.number,
        chapter=measure.chapter,
        section=measure.section,
        text="\n".join(c.text for c in clauses),
        deadline=deadline,
        clauses=tuple(clauses),
        **_units_of(merge_responsibilities([c.responsibility for c in clauses])),
    )


def _read_key_task(item: Item, reg: _Registry, plan_year: int) -> KeyTask | None:
    """A key-task row; an empty (merged) cell may be filled from ``*_inferred``."""
    before = len(item.file.problems)
    _item_id(reg, item)
    inferred: list[str] = []
    deadline = _deadline(item, "deadline", plan_year)
    if item.get("deadline_inferred") and item.node.get("deadline") is None:
        deadline = _deadline(item, "deadline_inferred", plan_year)
        inferred.append("deadline")
    elif item.get("deadline_inferred"):
        item.report("deadline_inferred", "时限单元格不为空时不应再填写推断值")
    lead_raw, lead_inferred = item.get("lead"), item.get("lead_inferred")
    lead_source, lead_key = lead_raw, "lead"
    if lead_raw is None and lead_inferred:
        lead_source, lead_key = lead_inferred, "lead_inferred"
        inferred.append("lead_units")
    elif lead_raw is not None and lead_inferred:
        item.report("lead_inferred", "牵头单位单元格不为空时不应再填写推断值")
    resp: Responsibility | None = Responsibility()
    if lead_source is not None:
        resp = _responsibility(item, reg, str(lead_source), lead_key, True)
    task = item.typed(KeyTaskIn)
    if task is None or deadline is None or resp is None or len(item.file.problems) > before:
        return None
    return KeyTask(
        id=task.id,
        number=task.number,
        category=task.category,
        category_printed=task.category_printed,
        text=task.text,
        deadline=deadline,
        lead_raw=task.lead,
        measure_id=task.measure_id,
        inferred_fields=tuple(inferred),
        **_units_of(resp),
    )


def _section_target(item: Item) -> tuple[str, str | None] | None:
    """(target_kind, target_class) from the 目标水质 wording, or None (reported) when unknown."""
    target_raw = str(item.get("target_raw"))
    if "".join(target_raw.split()) == PROVINCIAL_TARGET:
        return "provincial", None
    match = _CLASS_PATTERN.match(target_raw.strip())
    if match is None:
        item.report(
            "target_raw", f"无法识别的目标水质“{target_raw}”（应为“完成省定目标”或“Ⅲ类”等）"
        )
        return None
    roman = _ROMAN_CLASS[match.group(2)]
    return "class", ("劣" + roman if match.group(1) else roman)


def _read_section(item: Item, reg: _Registry) -> Section | None:
    """A water assessment section: county name resolved, target wording and indicator set checked."""
    before = len(item.file.problems)
    _item_id(reg, item)
    county: str | None = None
    if item.good("county"):
        county = reg.resolve_county(str(item.get("county")))
        if county is None:
            item.report("county", f"未知的县级区域“{item.get('county')}”")
    indicator_set = item.get("indicator_set")
    if indicator_set is not None and indicator_set not in INDICATOR_SETS:
        known = "、".join(INDICATOR_SETS)
        item.report("indicator_set", f"未知的评价指标集“{indicator_set}”（可用：{known}）")
    target = _section_target(item) if item.good("target_raw") else None
    section = item.typed(SectionIn)
    if section is None or target is None or len(item.file.problems) > before:
        return None
    values = {**section.model_dump(), "county": county}
    return Section.model_validate({**values, "target_kind": target[0], "target_class": target[1]})


def _read_project(item: Item, reg: _Registry, plan_year: int) -> Project | None:
    """A key water project: all its 责任单位 lead."""
    before = len(item.file.problems)
    _item_id(reg, item)
    resp = None
    if item.good("responsible"):
        resp = _responsibility(item, reg, str(item.get("responsible")), "responsible", True)
    deadline = _deadline(item, "deadline", plan_year)
    project = item.typed(ProjectIn)
    if project is None or resp is None or deadline is None or len(item.file.problems) > before:
        return None
    return Project(
        id=project.id,
        number=project.number,
        text=project.text,
        responsible_raw=project.responsible,
        deadline=deadline,
        provincial_key=project.provincial_key,
        measure_id=project.measure_id,
        **_units_of(resp),
    )


# ------------------------------------------------------------------------------------ entry points
def _plan_file(path: Path) -> Path:
    return path / PLAN_FILE_NAME if path.is_dir() else path


def _build(path: Path) -> tuple[Plan | None, list[Problem]]:
    """Read a whole plan; every problem found is returned, the Plan only when there are none."""
    problems: list[Problem] = []
    plan_file = _File(_plan_file(path), problems)
    if not plan_file.load():
        return None, problems
    if "subplans" not in plan_file.data and "key" in plan_file.data:
        return _build_lone_subplan(plan_file)
    root = check_file(plan_file, PlanFileIn)
    header = root.typed(PlanFileIn)
    if header is None:
        return None, problems
    base = plan_file.path.parent
    reg = _Registry()

    def inside(name: str, line: int | None, field_path: str) -> Path | None:
        """``name`` as a file of the plan folder; a path leaving it (``../``, absolute, a link
        out) is refused without being read, so nothing of a file outside is ever shown."""
        target = base / name
        try:
            contained = target.resolve().is_relative_to(base.resolve())
        except (OSError, RuntimeError):
            contained = False
        if Path(name).is_absolute() or ".." in Path(name).parts or not contained:
            plan_file.report(line, field_path, f"引用的文件须位于计划目录内，不能为“{name}”")
            return None
        return target

    def read(name: str, line: int | None, field_path: str, model: type[BaseModel]) -> Item | None:
        target = inside(name, line, field_path)
        if target is None:
            return None
        f = _File(target, problems)
        return check_file(f, model) if f.load() else None

    def sibling(key: str, model: type[BaseModel]) -> Item | None:
        if key not in root.node:
            return None
        return read(str(root.node[key]), root.line(key), key, model)

    units_root = sibling("units", UnitsFileIn)
    counties, units = _read_units(units_root, reg) if units_root else ([], [])
    zones_root = sibling("zones", ZonesFileIn)
    zones = _read_zones(zones_root, reg) if zones_root else []
    subplans: list[SubPlan] = []
    refs: list[tuple[Item, str]] = []
    seen_keys: set[str] = set()
    names = root.node["subplans"]
    for index, name in enumerate(header.subplans):
        sub_root = read(name, _line(names, index), f"subplans[{index}]", SubPlanFileIn)
        if sub_root is None:
            continue
        sub, sub_refs = _read_subplan(sub_root, reg, header.plan_year)
        refs.extend(sub_refs)
        if sub is None:
            continue
        if sub.key in seen_keys:
            plan_file.report(_line(names, index), f"subplans[{index}]", f"子计划 {sub.key} 重复")
        seen_keys.add(sub.key)
        subplans.append(sub)
    notes_root = sibling("data_quality_notes", NotesFileIn)
    notes = _read_notes(notes_root, reg) if notes_root else []

    for item, measure_id in refs:
        if measure_id not in reg.measure_ids:
            item.report("measure_id", f"未知的措施 id“{measure_id}”")
    for note, item in notes:
        for subject in note.subjects:
            if subject not in reg.ids:
                item.report("subjects", f"未知的条目 id“{subject}”")
    if problems:
        return None, problems
    plan = Plan(
        id=header.id,
        city=header.city,
        document_number=header.document_number,
        title=header.title,
        issued=header.issued,
        version=header.version,
        plan_year=header.plan_year,
        counties=tuple(counties),
        units=tuple(units),
        subplans=tuple(subplans),
        zones=tuple(zones),
        data_quality_notes=tuple(note for note, _ in notes),
    )
    return plan, problems


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
    root = check_file(f, SubPlanFileIn)
    _, refs = _read_subplan(root, reg, context.plan_year)
    # the measures written in this file (even those with a problem), and those of the other
    # sub-plans of the context
    key = root.node.get("key")
    known = reg.measure_ids | {
        m.id for s in context.subplans if s.key != key for m in s.measures
    }
    for item, measure_id in refs:
        if measure_id not in known:
            item.report("measure_id", f"未知的措施 id“{measure_id}”")
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
