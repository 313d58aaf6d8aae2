"""Plan loading, part 3: the items of a sub-plan file (measures, key tasks, sections, projects).

Each reader runs on an :class:`~envplan.plan.yaml_checks.Item` of a file already validated
against ``envplan.plan.schema``; it checks what the model cannot (names of responsible units,
deadline wording, the 目标水质 wording, county names, indicator sets) and builds the registry
model only when the item has no problem at all.
"""

from __future__ import annotations

import re
from typing import Any

from envplan.plan.loader_files import _deadline, _item_id, _Registry, _responsibility
from envplan.plan.model import Clause, KeyTask, Measure, Project, Responsibility, Section
from envplan.plan.responsibility import merge_responsibilities
from envplan.plan.schema import KeyTaskIn, MeasureIn, ProjectIn, SectionIn
from envplan.plan.yaml_checks import Item
from envplan.standards.water.sections import INDICATOR_SETS

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
