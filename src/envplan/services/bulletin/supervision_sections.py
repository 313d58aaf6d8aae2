"""Bulletin sections from the month's dispatch facts: overall progress, units and counties,
overdue items, notices, next month's deadlines (rates as the dispatch snapshot gives them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from envplan.services.bulletin.inputs import (
    PLAN_NAMES,
    ProgressRow,
    SupervisionFacts,
    date_text,
    month_end,
    month_label,
)
from envplan.services.bulletin.model import (
    Block,
    Chart,
    DataGap,
    Heading,
    Paragraph,
    Section,
    Sourced,
    Table,
)


def _progress_table(
    caption: str, first_column: str, rows: Sequence[ProgressRow], source: str
) -> Table:
    return Table.build(
        caption,
        [
            first_column,
            "应完成",
            "已完成",
            "按时完成",
            "逾期完成",
            "逾期未完成",
            "按时完成率",
            "本月到期",
            "本月按时完成率",
        ],
        [
            [
                row.name,
                Sourced.number(row.due, source),
                Sourced.number(row.done, source),
                Sourced.number(row.done_on_time, source),
                Sourced.number(row.done_late, source),
                Sourced.number(row.overdue, source),
                Sourced.percent(row.rate, source),
                Sourced.number(row.due_in_month, source),
                Sourced.percent(row.rate_in_month, source),
            ]
            for row in rows
        ],
        note="应完成、按时完成率按年初至月末到期事项累计；已完成=按时完成+逾期完成；"
        "月末当日到期尚未完成的事项不计逾期。",
    )


def _ranked(rows: Sequence[ProgressRow]) -> list[ProgressRow]:
    """Order for the ranking tables: the snapshot's on-time rate, best first; groups with nothing
    due go last. Sorting is presentation; the rates themselves come from the snapshot."""
    return sorted(
        rows,
        key=lambda r: (r.rate is None, -(r.rate or 0.0), -r.due, r.name),
    )


def overall_section(month: dt.date, facts: SupervisionFacts | None) -> Section:
    heading = "重点任务总体进展"
    if facts is None:
        return Section(
            heading,
            (DataGap("月调度快照", month_label(month)),),
        )
    blocks: list[Block] = [Paragraph(f"调度数据：{facts.source}。")]
    plan_rows = [
        replace(r, name=f"{PLAN_NAMES[r.key]}行动计划" if r.key in PLAN_NAMES else r.name)
        for r in facts.by_plan
    ]
    for row in plan_rows:
        figures = (
            Sourced.number(row.due, facts.source),
            Sourced.number(row.done, facts.source),
            Sourced.number(row.done_on_time, facts.source),
            Sourced.number(row.done_late, facts.source),
            Sourced.number(row.overdue, facts.source),
            Sourced.percent(row.rate, facts.source),
        )
        blocks.append(
            Paragraph(
                f"{row.name}：截至{date_text(facts.as_of)}累计到期任务事项{figures[0].text}项，"
                f"已完成{figures[1].text}项（其中按时完成{figures[2].text}项、逾期完成"
                f"{figures[3].text}项），逾期未完成{figures[4].text}项，按时完成率"
                f"{figures[5].text}。",
                figures,
            )
        )
    blocks.append(
        _progress_table(
            f"{month_label(month)}各行动计划任务完成情况", "行动计划", plan_rows, facts.source
        )
    )
    return Section(heading, tuple(blocks))


def units_section(month: dt.date, facts: SupervisionFacts | None) -> Section:
    heading = "各单位、各县（市、区）任务完成情况"
    if facts is None:
        return Section(heading, (DataGap("月调度快照", month_label(month)),))
    blocks: list[Block] = [Heading(2, "责任单位完成情况及排名")]
    units = [r for r in _ranked(facts.by_unit) if r.due > 0]
    ranked_rows = [
        [
            Sourced.number(index, "按按时完成率排序"),
            row.name,
            Sourced.number(row.due, facts.source),
            Sourced.number(row.done, facts.source),
            Sourced.number(row.done_on_time, facts.source),
            Sourced.number(row.overdue, facts.source),
            Sourced.percent(row.rate, facts.source),
        ]
        for index, row in enumerate(units, start=1)
    ]
    blocks.append(
        Table.build(
            "责任单位按时完成率排名",
            ["排名", "责任单位", "应完成", "已完成", "按时完成", "逾期未完成", "按时完成率"],
            ranked_rows,
            note="排名按调度快照中的按时完成率由高到低；本月无到期事项的单位不参与排名。",
        )
    )
    if units:
        blocks.append(
            Chart(
                "责任单位按时完成率",
                tuple(r.name for r in units),
                (
                    (
                        "按时完成率",
                        tuple(None if r.rate is None else r.rate * 100 for r in units),
                    ),
                ),
                chart_type="barh",
                unit="%",
                source=facts.source,
                value_range=(0, 100),
            )
        )
    blocks.append(Heading(2, "各县（市、区）完成情况"))
    counties = _ranked(facts.by_county)
    blocks.append(
        _progress_table("各县（市、区）任务完成情况", "县（市、区）", counties, facts.source)
    )
    blocks.append(Heading(2, "逾期未完成事项"))
    late_units = sorted(
        (r for r in facts.by_unit if r.overdue > 0), key=lambda r: (-r.overdue, r.name)
    )
    if late_units:
        refs: dict[str, list[str]] = {}
        for item in facts.overdue:
            refs.setdefault(item.unit, [])
            if item.ref and item.ref not in refs[item.unit]:
                refs[item.unit].append(item.ref)

        def listed(unit: str) -> str:
            items = refs.get(unit, [])
            shown = "、".join(items[:6])
            return shown + (f"等{len(items)}项任务" if len(items) > 6 else "")

        total = Sourced.number(len(facts.overdue), facts.source)
        blocks.append(
            Paragraph(
                f"截至{date_text(facts.as_of)}，{'、'.join(r.name for r in late_units)}"
                f"等{len(late_units)}个单位存在逾期未完成事项共{total.text}项，予以通报，"
                "请相关单位抓紧整改落实，逐项销号。",
                (total,),
            )
        )
        blocks.append(
            Table.build(
                "逾期未完成事项（按责任单位）",
                ["责任单位", "逾期事项数", "涉及任务"],
                [
                    [r.name, Sourced.number(r.overdue, facts.source), listed(r.name)]
                    for r in late_units
                ],
                note="逐项清单见附件（Excel台账“逾期事项清单”工作表）。",
            )
        )
    else:
        blocks.append(Paragraph(f"截至{date_text(facts.as_of)}，无逾期未完成事项。"))
    blocks.append(Heading(2, "督办情况"))
    if facts.notices:
        blocks.append(
            Table.build(
                "督办单下发及回复情况",
                ["责任单位", "下发督办单", "已回复", "未回复", "督办等级"],
                [
                    [
                        row.unit,
                        Sourced.number(row.issued, facts.source),
                        Sourced.number(row.answered, facts.source),
                        Sourced.number(row.unanswered, facts.source),
                        row.levels,
                    ]
                    for row in facts.notices
                ],
            )
        )
    else:
        blocks.append(Paragraph(f"截至{date_text(facts.as_of)}，未下发督办单。"))
    return Section(heading, tuple(blocks))


def overdue_annex(facts: SupervisionFacts | None) -> tuple[Table, ...]:
    """The item-by-item overdue list, for the Excel attachment."""
    if facts is None:
        return ()
    return (
        Table.build(
            "逾期事项清单",
            ["序号", "责任单位", "行动计划", "任务事项", "完成时限", "逾期工作日"],
            [
                [
                    Sourced.number(index, ""),
                    item.unit,
                    PLAN_NAMES.get(item.plan, item.plan),
                    item.task,
                    Sourced.label(date_text(item.due_date), facts.source),
                    Sourced.number(item.days_overdue, facts.source),
                ]
                for index, item in enumerate(facts.overdue, start=1)
            ],
        ),
    )


def upcoming_section(month: dt.date, facts: SupervisionFacts | None) -> Section:
    next_month = month_end(month) + dt.timedelta(days=1)
    heading = "下月到期事项"
    if facts is None:
        return Section(heading, (DataGap("任务事项清单", month_label(next_month)),))
    if not facts.upcoming:
        return Section(heading, (Paragraph(f"{month_label(next_month)}无到期事项。"),))
    return Section(
        heading,
        (
            Paragraph(
                f"{month_label(next_month)}共有{len(facts.upcoming)}项任务事项到期，"
                "请各责任单位按时完成并及时报送进展。"
            ),
            Table.build(
                f"{month_label(next_month)}到期事项",
                ["序号", "行动计划", "任务事项", "责任单位", "完成时限"],
                [
                    [
                        Sourced.number(index, ""),
                        PLAN_NAMES.get(item.plan, item.plan),
                        item.task,
                        item.units,
                        Sourced.label(date_text(item.due_date), facts.source),
                    ]
                    for index, item in enumerate(facts.upcoming, start=1)
                ],
            ),
        ),
    )
