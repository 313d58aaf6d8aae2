"""Water and soil sections of the bulletin, as ``services.water`` and ``services.soil`` assessed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from envplan.services.bulletin.inputs import (
    SoilFacts,
    WaterFacts,
    WaterGap,
    find_target,
    month_label,
    target_label,
)
from envplan.services.bulletin.model import Block, DataGap, Paragraph, Section, Sourced, Table


def water_section(month: dt.date, water: WaterFacts | WaterGap | None, plan: Any) -> Section:
    """Water: each plan section against its target class, exceeding indicators with multiples,
    and the plan-level shares, as ``services.water`` assessed them."""
    heading = "水环境质量"
    month_text = month_label(month)
    blocks: list[Block] = []
    sections = plan.subplan("water").sections if plan is not None else ()
    if not isinstance(water, WaterFacts):
        reason = (
            f"现有数据为{water.source}，仅覆盖{water.coverage}，不属于本期。"
            if isinstance(water, WaterGap)
            else ""
        )
        count = f"{len(sections)}个" if sections else ""
        blocks.append(DataGap(f"{count}考核断面水质监测数据", month_text, reason))
        if sections:
            blocks.append(
                Table.build(
                    "地表水考核断面及水质目标",
                    ["序号", "断面", "考核级别", "水质目标", "本月水质类别"],
                    [
                        [
                            Sourced.number(s.number, "行动计划附件1"),
                            s.name,
                            s.assessment_level,
                            s.target_class or s.target_raw,
                            "—",
                        ]
                        for s in sections
                    ],
                    note="断面及水质目标摘自行动计划附件1；本月水质类别因缺少监测数据未填。",
                )
            )
        return Section(heading, tuple(blocks))

    source = f"services.water（GB 3838-2002 表1，环办〔2011〕22号），{water.source}"
    blocks.append(Paragraph(f"数据来源：{water.source}。"))
    frame = water.sections
    no_data = frame.filter(pl.col("n_samples") == 0)
    if no_data.height:
        blocks.append(
            DataGap(
                f"{'、'.join(no_data['section'].to_list())}等{no_data.height}个断面水质监测数据",
                month_text,
            )
        )

    def text(value: Any) -> str:
        return "—" if value in (None, "") else str(value)

    rows = [
        [
            Sourced.number(row["number"], "行动计划附件1"),
            row["county"],
            row["section"],
            row["assessment_level"],
            text(row["target_class"] or row["target_raw"]),
            Sourced.label(
                text(row["water_class"]), f"{source}；{row['section']}样品{row['n_samples']}个"
            ),
            Sourced.label(
                text(row["compliance"]), f"{source}；{row['section']}样品{row['n_samples']}个"
            ),
            Sourced.label(
                text(row["exceeding"]), f"{source}；{row['section']}样品{row['n_samples']}个"
            ),
        ]
        for row in frame.iter_rows(named=True)
    ]
    blocks.append(
        Table.build(
            f"{month_text}地表水考核断面水质",
            [
                "序号",
                "县（市、区）",
                "断面",
                "考核级别",
                "水质目标",
                "水质类别",
                "达标情况",
                "超目标指标（超标倍数）",
            ],
            rows,
            note="水质类别按GB 3838-2002及环办〔2011〕22号评价；“完成省定目标”断面按配置的省定目标判定，未配置的不作判定。",
        )
    )

    def pct(value: Any) -> Sourced:
        return Sourced.number(value, source, decimals=1, unit="%")

    share_rows = []
    for group in ("全部断面", "国考", "省考", "市考"):
        figures = water.shares.get(group)
        if not figures or not figures.get("sections"):
            continue
        share_rows.append(
            [
                group,
                Sourced.number(figures["sections"], source),
                Sourced.number(figures["classed"], source),
                pct(figures["share_i_iii"]),
                pct(figures["share_worse_than_v"]),
                pct(figures["compliance_rate"]),
            ]
        )
    targets = [
        f"{t.indicator}：{target_label(t)}"
        for t in (
            find_target(plan, "water", "优于III类"),
            find_target(plan, "water", "劣V类"),
        )
        if t is not None
    ]
    blocks.append(
        Table.build(
            "水质类别比例及目标达标率",
            ["范围", "断面数", "有监测数据", "Ⅰ～Ⅲ类比例", "劣Ⅴ类比例", "目标达标率"],
            share_rows,
            note="；".join(["比例按有监测数据的断面计", *targets]),
        )
    )
    return Section(heading, tuple(blocks))


def _safely_used_text(row: dict[str, Any]) -> str:
    """已安全利用 applies to contaminated parcels only; a 优先保护类 parcel shows 不涉及."""
    if row.get("category") == "优先保护类":
        return "不涉及"
    used = row.get("safely_used")
    return "是" if used else ("否" if used is False else "—")


def soil_section(month: dt.date, soil: SoilFacts | None, plan: Any) -> Section:
    """Soil: safe-use rates of contaminated farmland and plots against the plan's targets, and the
    parcels behind them, as ``services.soil`` classed them."""
    heading = "土壤环境"
    blocks: list[Block] = []
    farmland_target = find_target(plan, "soil", "耕地安全利用率")
    plot_target = find_target(plan, "soil", "地块安全利用率")
    farmland = soil.farmland if soil else None
    construction = soil.construction if soil else None
    if farmland is None and construction is None:
        names = "受污染耕地安全利用率、污染地块安全利用率"
        blocks.append(DataGap(f"{names}核算数据", f"{month.year}年"))
    source = f"services.soil，{soil.source}" if soil else ""
    if soil is not None:
        blocks.append(Paragraph(f"数据来源：{soil.source}。"))
    rows = [
        [
            "受污染耕地安全利用率",
            Sourced.number(farmland.safe_use_rate, source, decimals=1, unit="%")
            if farmland is not None
            else "—",
            target_label(farmland_target) if farmland_target else "—",
        ],
        [
            "污染地块安全利用率",
            Sourced.number(construction.safe_use_rate, source, decimals=1, unit="%")
            if construction is not None
            else "—",
            target_label(plot_target) if plot_target else "—",
        ],
    ]
    blocks.append(
        Table.build(
            "土壤污染防治目标指标",
            ["指标", "当前值", "计划目标"],
            rows,
            note="安全利用率按已安全利用面积占受污染面积的比例计。",
        )
    )
    if farmland is not None:
        if farmland.parcels.is_empty():
            blocks.append(DataGap("农用地地块分类结果", f"{month.year}年"))
        else:
            blocks.append(
                Table.build(
                    "农用地地块类别（GB 15618-2018）",
                    ["地块", "面积（亩）", "类别", "已安全利用"],
                    [
                        [
                            row["parcel_id"],
                            Sourced.number(row["area_mu"], source, decimals=0),
                            Sourced.label(row["category"], source),
                            _safely_used_text(row),
                        ]
                        for row in farmland.parcels.iter_rows(named=True)
                    ],
                    note="；".join(farmland.notes),
                )
            )
    if construction is not None and not construction.parcels.is_empty():
        blocks.append(
            Table.build(
                f"建设用地地块评价（GB 36600-2018，第{'一二'[construction.land_class - 1]}类用地）",
                ["地块", "面积（亩）", "评价结果", "超标项（含量，mg/kg）", "已安全利用"],
                [
                    [
                        row["parcel_id"],
                        Sourced.number(row["area_mu"], source, decimals=0),
                        Sourced.label(row["result"], source),
                        row["exceeding"] or "—",
                        "是"
                        if row.get("safely_used")
                        else ("否" if row.get("safely_used") is False else "—"),
                    ]
                    for row in construction.parcels.iter_rows(named=True)
                ],
            )
        )
    return Section(heading, tuple(blocks))
