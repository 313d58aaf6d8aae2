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

from ruamel.yaml.comments import CommentedMap

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
    Deadline,
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
from envplan.plan.yaml_checks import (
    CLAUSE_SPEC,
    KEY_TASK_SPEC,
    MEASURE_SPEC,
    PLAN_SPEC,
    PROJECT_SPEC,
    SECTION_SPEC,
    SUBPLAN_SPEC,
    TARGET_SPEC,
    _bad_keys,
    _build_model,
    _check,
    _File,
    _good,
    _items,
    _line,
    _plain,
)
from envplan.plan.yaml_checks import (
    PlanValidationError as PlanValidationError,
)
from envplan.plan.yaml_checks import (
    Problem as Problem,
)
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
