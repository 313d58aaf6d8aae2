"""Loading and validating plan files (YAML read with ruamel.yaml so problems carry line numbers).

The shape of every file is described once, by pydantic models (``envplan.plan.schema``, which
reuses the registry models of ``envplan.plan.model`` where the YAML has their shape). Modules:

- ``yaml_checks``: reading a file, validating it against its model, pydantic errors → zh-CN
  problems at the line of the YAML key (one translation table);
- ``loader_files``: the id/unit registry, deadlines, responsibilities, the units, zones and
  notes files; ``loader_items``: the items of a sub-plan file;
- this module: sub-plans, the cross-file checks and the entry points.

A plan is a directory with ``plan.yaml`` naming its other files::

    plan.yaml     id, city, document_number, title, issued, version, plan_year,
                  units: units.yaml, zones: zones.yaml, data_quality_notes: notes.yaml,
                  subplans: [air.yaml, water.yaml, soil.yaml]
    units.yaml    counties, units
    zones.yaml    zones
    notes.yaml    data_quality_notes
    air.yaml …    key, title, headings, targets, measures, key_tasks | sections, projects

Each file is first validated against its model; then the checks a model cannot express run on
the values that passed (ids unique across files, measure_id / unit / county / zone references,
deadline wording against the plan year). Validation collects EVERY problem (file, line, field,
zh-CN message) before deciding; a plan with any problem is not loaded at all (``load_plan``
raises ``PlanValidationError``).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from envplan.plan.loader_files import _read_notes, _read_units, _read_zones, _register_id, _Registry
from envplan.plan.loader_items import _read_key_task, _read_measure, _read_project, _read_section
from envplan.plan.model import KeyTask, Measure, Plan, Project, SubPlan, Target
from envplan.plan.schema import (
    NotesFileIn,
    PlanFileIn,
    SubPlanFileIn,
    UnitsFileIn,
    ZonesFileIn,
)
from envplan.plan.yaml_checks import Item, _File, _line, check_file
from envplan.plan.yaml_checks import PlanValidationError as PlanValidationError
from envplan.plan.yaml_checks import Problem as Problem

DEFAULT_PLAN_DIR = Path(__file__).resolve().parent / "data" / "jincheng-2021"
PLAN_FILE_NAME = "plan.yaml"


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
    known = reg.measure_ids | {m.id for s in context.subplans if s.key != key for m in s.measures}
    for item, measure_id in refs:
        if measure_id not in known:
            item.report("measure_id", f"未知的措施 id“{measure_id}”")
    return None, f.problems


def validate_file(path: Path) -> list[Problem]:
    """Check a plan, or a single sub-plan file, and return every problem found.

    Parameters
    ----------
    path : Path
        A plan directory, its ``plan.yaml``, or one sub-plan file (``air.yaml`` …). A lone
        sub-plan file is checked against the units and counties of the ``plan.yaml`` beside it,
        or of the shipped Jincheng plan when there is none.

    Returns
    -------
    list of Problem
        Every problem (file, line, field, zh-CN message); empty when the files are valid.
    """
    _, problems = _build(Path(path))
    return problems


def load_plan(path: Path) -> Plan:
    """Load and validate a plan; all or nothing.

    Parameters
    ----------
    path : Path
        A plan directory or its ``plan.yaml``.

    Returns
    -------
    Plan
        The validated plan.

    Raises
    ------
    PlanValidationError
        When any file has a problem (all problems are listed), or when ``path`` is a lone
        sub-plan file rather than a whole plan.
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
    """The Jincheng 2021 plan shipped in the package, loaded once per process.

    Returns
    -------
    Plan
        晋市政办〔2021〕9号, read from the JSON snapshot beside the YAML while it matches the YAML
        files (see ``envplan.plan.snapshot``), else loaded and validated from the YAML.

    Raises
    ------
    PlanValidationError
        When the shipped YAML was edited into an invalid plan (and the snapshot is stale).
    """
    if "plan" not in _DEFAULT_CACHE:
        from envplan.plan.snapshot import read_snapshot

        _DEFAULT_CACHE["plan"] = read_snapshot(DEFAULT_PLAN_DIR) or load_plan(DEFAULT_PLAN_DIR)
    return _DEFAULT_CACHE["plan"]
