"""Section targets and responsibility: the plan's class targets (water 附件1) and, for
"完成省定目标" sections, the provincial target classes imported with their source.

No public, citable file of Shanxi's 2021 provincial section targets for Jincheng was found for
this release, so none is bundled: those sections stay "省定目标未配置" until a bureau imports the
document's figures (``envplan water targets-import FILE --source 文号``); the pages say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.plan import default_plan
from envplan.standards.water.targets import parse_class_label
from envplan.store.water_graph import SectionTarget

#: zh-CN note shown where provincial section targets are missing (no citable file is bundled).
PROVINCIAL_TARGETS_NOTE = (
    "“完成省定目标”断面的省定目标类别：未找到可公开引用的山西省2021年断面目标文件，平台未内置；"
    "请按省厅下达文件导入（注明文号），导入前这些断面不参与预警的限值比较。"
)


@dataclass(frozen=True)
class SectionInfo:
    """A plan section with its responsible county."""

    name: str
    county: str  # county name (城区, 泽州县 …)
    county_unit_id: str | None  # the county government unit
    plan_target: int | None  # class code from 附件1; None for "完成省定目标"
    lake: bool
    assessment_level: str


def plan_section_info(plan: Any = None) -> dict[str, SectionInfo]:
    """The plan's sections by name (default: the bundled Jincheng 2021 plan)."""
    plan = plan or default_plan()
    counties = {c.id: c for c in plan.counties}
    result: dict[str, SectionInfo] = {}
    for section in plan.subplan("water").sections:
        county = counties.get(section.county)
        result[section.name] = SectionInfo(
            name=section.name,
            county=county.name if county else section.county,
            county_unit_id=county.government_unit if county else None,
            plan_target=parse_class_label(section.target_class) if section.target_class else None,
            lake=section.water_body_type in ("lake", "reservoir"),
            assessment_level=section.assessment_level,
        )
    return result


def provincial_targets(session: Session, year: int) -> dict[str, tuple[int, str]]:
    """Imported provincial targets of ``year``: section → (class code, source)."""
    rows = session.execute(
        select(SectionTarget.section, SectionTarget.target_class, SectionTarget.source).where(
            SectionTarget.year == year
        )
    ).all()
    return {r.section: (r.target_class, r.source) for r in rows}


def section_target_class(session: Session, section: str, year: int, plan: Any = None) -> int | None:
    """The target class code of ``section`` in ``year``: the plan's class, else the imported
    provincial target, else None (not configured)."""
    info = plan_section_info(plan).get(section)
    if info is not None and info.plan_target is not None:
        return info.plan_target
    imported = provincial_targets(session, year).get(section)
    return imported[0] if imported else None
