"""Assembly of the monthly dispatch bulletin (月调度通报) from the facts the sources gathered.

Nothing here computes an indicator: completion and on-time rates come from the dispatch snapshot
(``services.supervision``), air figures from ``services.air``, water and soil from their services.
Where an input is missing the section says so with a :class:`DataGap`; data of another year is
never shown as the month's data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from envplan.services.bulletin.air_section import air_section
from envplan.services.bulletin.environment_sections import soil_section, water_section
from envplan.services.bulletin.inputs import (
    AirInputs,
    BulletinOptions,
    SoilFacts,
    SupervisionFacts,
    WaterFacts,
    WaterGap,
    month_end,
    month_label,
)
from envplan.services.bulletin.model import Bulletin, Paragraph, Section, Table
from envplan.services.bulletin.supervision_sections import (
    overall_section,
    overdue_annex,
    units_section,
    upcoming_section,
)
from envplan.services.month import Month


def plan_year_note(month: dt.date, plan: Any) -> Paragraph | None:
    """For a month outside the plan's year: which plan the task sections follow."""
    year = getattr(plan, "plan_year", None)
    if plan is None or year is None or year == month.year:
        return None
    return Paragraph(
        f"说明：{month_label(month)}不在行动计划年度（{year}年）内。本部分重点任务事项、完成时限及"
        f"目标均按《{plan.title}》（{plan.document_number}）执行；{month.year}年行动计划尚未载入"
        "本平台。"
    )


def assemble_monthly_bulletin(
    month: Month | str | dt.date,
    *,
    plan: Any = None,
    supervision: SupervisionFacts | None = None,
    air: AirInputs | None = None,
    water: WaterFacts | WaterGap | None = None,
    soil: SoilFacts | None = None,
    options: BulletinOptions | None = None,
) -> Bulletin:
    """The bulletin of ``month`` from the facts on hand; a missing input becomes a data gap."""
    first = Month.parse(month).first
    options = options or BulletinOptions()
    issue_date = options.issue_date or (month_end(first) + dt.timedelta(days=5))
    document_number = options.document_number or (
        f"{options.document_prefix}〔{first.year}〕{first.month}号"
    )
    annex: list[Table] = list(overdue_annex(supervision))
    sections: tuple[Section, ...] = (
        overall_section(first, supervision),
        units_section(first, supervision),
        air_section(first, air, plan, annex),
        water_section(first, water, plan),
        soil_section(first, soil, plan),
        upcoming_section(first, supervision),
    )
    note = plan_year_note(first, plan)
    if note is not None:
        # Task sections of a month outside the plan's year say which plan they follow.
        sections = tuple(
            Section(section.heading, (note, *section.blocks)) if index in (0, 1, 5) else section
            for index, section in enumerate(sections)
        )
    sources = [
        f"调度数据：{supervision.source}" if supervision else "调度数据：缺失",
        f"空气质量：{air.description}" if air else "空气质量：缺失",
        f"水环境：{water.source}" if isinstance(water, WaterFacts) else "水环境：缺失",
        f"土壤：{soil.source}" if soil and soil.source else "土壤：缺失",
    ]
    if plan is not None:
        sources.insert(0, f"行动计划：{plan.title}（{plan.document_number}）")
    return Bulletin(
        month=first,
        title=f"关于{month_label(first)}污染防治攻坚重点任务调度情况的通报",
        issuing_authority=options.issuing_authority,
        document_number=document_number,
        issue_date=issue_date,
        addressee=options.addressee,
        introduction=(
            f"根据月调度月通报工作安排，现将{month_label(first)}全市大气、水、土壤污染防治"
            "行动计划重点任务推进及环境质量情况通报如下。"
        ),
        sections=sections,
        attachments=options.attachments,
        annex_tables=tuple(annex),
        demo=bool(supervision and supervision.demo) or options.demo_data,
        sources=tuple(sources),
    )
