"""The bulletin's section on infrastructure indicators and water warnings: a data function
(:func:`infrastructure_facts`) and a pure renderer (:func:`infrastructure_section`), hooked into
the monthly bulletin by :func:`with_infrastructure_section` (one call in ``bulletin.usecase``).

It lives in the bulletin package and reads the water graph through its public use cases, so the
dependency runs one way (bulletin → water_graph) and neither package imports the other back."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from envplan.services.bulletin.model import Bulletin, DataGap, Paragraph, Section, Sourced, Table
from envplan.services.water_graph import indicator_board, list_warning_notices

SOURCE = "基础设施指标报送（services.water_graph.indicators）"
WARNING_SOURCE = "水质预警督办单（services.water_graph.warnings）"


@dataclasses.dataclass(frozen=True)
class InfrastructureFacts:
    """The water-infrastructure facts of one month's bulletin (read from ``services.water_graph``).

    Parameters
    ----------
    month : str
        The bulletin's month, ``YYYY-MM``.
    board : tuple of dict
        The infrastructure indicators with their lights, as reported up to the month.
    warnings : tuple of dict
        The water-quality warning notices issued in the month.
    """

    month: str  # "2021-06"
    board: tuple[dict[str, Any], ...]
    warnings: tuple[dict[str, Any], ...]


def infrastructure_facts(session: Session, month: dt.date, plan: Any = None) -> InfrastructureFacts:
    """Gather the month's facts once: indicator lights up to the month, warnings issued in it."""
    period = f"{month.year:04d}-{month.month:02d}"
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    board = indicator_board(session, as_of_period=period, plan=plan)
    warnings = [w for w in list_warning_notices(session, as_of=end) if w["issued_on"][:7] == period]
    return InfrastructureFacts(period, tuple(board), tuple(warnings))


def infrastructure_section(facts: InfrastructureFacts) -> Section:
    """ "基础设施指标与水质预警": the lights table, the items below target, the warnings."""
    reported = [row for row in facts.board if row["state"] != "missing"]
    below = [row for row in facts.board if row["state"] == "below"]
    blocks: list[Any] = []
    if not reported:
        blocks.append(DataGap("基础设施指标报送", facts.month, "责任单位尚未报送任何指标"))
    else:
        names = "；".join(
            f"{row['indicator']}（{row['area']}）{row['value']:g}{row['unit']}，目标"
            f"{'≥' if row['comparator'] == '>=' else '≤'}{row['target_value']:g}{row['unit']}"
            for row in below
        )
        text = (
            f"截至{facts.month}，{len(facts.board)} 项计划数值指标中已报送 {len(reported)} 项，"
            f"{len(below)} 项未达目标（红灯）" + (f"：{names}。" if below else "。")
        )
        figures = tuple(Sourced.number(row["value"], SOURCE, decimals=1) for row in below)
        blocks.append(Paragraph(text, figures))
        rows = [
            (
                row["indicator"] + ("（示例）" if row["demo"] else ""),
                row["area"],
                f"{'≥' if row['comparator'] == '>=' else '≤'}{row['target_value']:g}{row['unit']}",
                Sourced.number(row["value"], SOURCE, decimals=1, unit=row["unit"])
                if row["value"] is not None
                else Sourced(None, "—", SOURCE),
                row["period"] or "—",
                f"{row['light']}（{row['state_label']}）",
            )
            for row in facts.board
        ]
        blocks.append(
            Table.build(
                "计划数值指标报送与亮灯情况",
                ("指标", "范围", "目标", "报送值", "时段", "亮灯"),
                rows,
                note="绿：达到目标；红：未达目标；灰：未报送。",
            )
        )
    if facts.warnings:
        blocks.append(
            Table.build(
                "本月水质预警督办单",
                ("编号", "断面", "指标", "县（市、区）", "限值占比", "回复状态"),
                [
                    (
                        w["number"],
                        w["section"] + ("（示例）" if w["demo"] else ""),
                        w["indicator"],
                        w["county"],
                        Sourced.percent(w["ratio"], WARNING_SOURCE, decimals=0),
                        w["state_label"],
                    )
                    for w in facts.warnings
                ],
            )
        )
    return Section("基础设施指标与水质预警", tuple(blocks))


def with_infrastructure_section(bulletin: Bulletin, session: Session | None) -> Bulletin:
    """The bulletin with the infrastructure section inserted before its last section (the
    upcoming-deadlines part); unchanged without a records session."""
    if session is None:
        return bulletin
    section = infrastructure_section(infrastructure_facts(session, bulletin.month))
    sections = (*bulletin.sections[:-1], section, *bulletin.sections[-1:])
    return dataclasses.replace(bulletin, sections=sections)
