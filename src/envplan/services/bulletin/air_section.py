"""The air section of the bulletin: good-day ratio, heavy days, six pollutants with year-on-year
change, NO2/SO2 compliance, composite index and rank, all from ``envplan.services.air.hourly``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from envplan.services import air as air_service
from envplan.services.air import evaluate_rank_target
from envplan.services.bulletin.inputs import (
    AirInputs,
    date_text,
    find_target,
    month_end,
    month_label,
    target_label,
    ytd_label,
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
from envplan.services.month import Month
from envplan.standards.air.ranking import change_rate
from envplan.standards.air.rules import select_limits

SIX_POLLUTANTS = (
    ("SO₂", "SO2_mean", "平均浓度", "µg/m³"),
    ("NO₂", "NO2_mean", "平均浓度", "µg/m³"),
    ("PM₁₀", "PM10_mean", "平均浓度", "µg/m³"),
    ("PM₂.₅", "PM2.5_mean", "平均浓度", "µg/m³"),
    ("CO", "CO_P95", "日均值第95百分位数", "mg/m³"),
    ("O₃", "O3_8h_P90", "日最大8小时平均第90百分位数", "µg/m³"),
)


def _covered_periods(daily: pl.DataFrame, city: str) -> str:
    """Human description of the months the city's data cover, e.g. "2015年1月—2016年12月"."""
    dates = daily.filter(pl.col("site") == city).select(
        pl.col("date").min().alias("first"), pl.col("date").max().alias("last")
    )
    first, last = dates.row(0)
    if first is None:
        return "无"
    return f"{date_text(first)}至{date_text(last)}"


def _row_of(frame: pl.DataFrame, site: str) -> dict[str, Any] | None:
    rows = frame.filter(pl.col("site") == site).to_dicts()
    return rows[0] if rows else None


def _has_days(daily: pl.DataFrame, city: str, start: dt.date, end: dt.date) -> bool:
    return daily.filter((pl.col("site") == city) & pl.col("date").is_between(start, end)).height > 0


MAX_RANKED_CITIES_IN_BODY = 30


def air_section(
    month: dt.date, air: AirInputs | None, plan: Any, annex: list[Table] | None = None
) -> Section:
    """Air: good-day ratio (month, YTD, last year), heavy days, six pollutants with year-on-year
    change, NO2 (level 2) / SO2 (level 1) compliance, composite index and rank."""
    heading = "环境空气质量"
    end = month_end(month)
    month_text = month_label(month)
    if air is None or air.daily.is_empty():
        return Section(heading, (DataGap("环境空气质量监测数据", f"{month_text}及年初至今"),))
    daily, city = air.daily, air.city
    if not _has_days(daily, city, month, end):
        return Section(
            heading,
            (
                DataGap(
                    f"{city}环境空气质量监测数据",
                    f"{month_text}、{ytd_label(month)}及上年同期",
                    f"现有数据为{air.description}，仅覆盖{_covered_periods(daily, city)}，"
                    "不属于本期，本通报不以其他年份数据代替。",
                ),
            ),
        )

    rows_used = daily.filter(
        (pl.col("site") == city) & pl.col("date").is_between(month.replace(day=1), end)
    )
    rules = (
        "、".join(
            str(r).upper().replace("HJ633-", "HJ 633-") for r in rows_used["rules"].unique().sort()
        )
        if "rules" in rows_used.columns
        else "HJ 633"
    )
    source = (
        f"services.air，{air.description}；{city}{month_text}日数据{rows_used.height}行"
        f"（{date_text(month)}至{date_text(end)}）；日AQI按{rules}，浓度统计按HJ 663-2013，"
        f"限值按{select_limits(month).title}"
    )
    period = air_service.Period(str(Month.parse(month)), month, end)
    ytd = period.year_to_date()
    last_month = period.same_period_last_year()
    last_ytd = ytd.same_period_last_year()
    has_last_year = _has_days(daily, city, last_month.start, last_month.end)

    month_l2 = air_service.assess_period(daily, period, level=2)
    ytd_l2 = air_service.assess_period(daily, ytd, level=2)
    ytd_l1 = air_service.assess_period(daily, ytd, level=1)
    month_last = air_service.assess_period(daily, last_month, level=2) if has_last_year else None
    ytd_last = air_service.assess_period(daily, last_ytd, level=2) if has_last_year else None
    ytd_days = air_service.good_day_ratio_ytd(daily, end, site=city)

    m = _row_of(month_l2, city) or {}
    y = _row_of(ytd_l2, city) or {}
    y1 = _row_of(ytd_l1, city) or {}
    ml = _row_of(month_last, city) if month_last is not None else None
    yl = _row_of(ytd_last, city) if ytd_last is not None else None
    yd = _row_of(ytd_days, city) or {}

    blocks: list[Block] = [Paragraph(f"数据来源：{air.description}。")]
    if not has_last_year:
        blocks.append(DataGap(f"{city}上年同期环境空气质量监测数据", f"{month.year - 1}年"))
    first_day = daily.filter((pl.col("site") == city) & pl.col("date").is_between(ytd.start, end))[
        "date"
    ].min()
    if isinstance(first_day, dt.date) and first_day > ytd.start:
        blocks.append(
            Paragraph(
                f"说明：{city}{month.year}年数据自{date_text(first_day)}起，"
                f"{ytd_label(month)}累计值按{date_text(first_day)}至{date_text(end)}统计。"
            )
        )

    # Good-day ratio and heavy-pollution days.
    good_target = find_target(plan, "air", "优良天数")
    heavy_target = find_target(plan, "air", "重污染")
    blocks.append(Heading(2, "优良天数比例和重污染天数"))

    def pct(value: Any) -> Sourced:
        return Sourced.number(value, source, decimals=1, unit="%")

    def num(value: Any, decimals: int = 0) -> Sourced:
        return Sourced.number(value, source, decimals=decimals)

    good_rows = [
        [
            month_text,
            num(m.get("valid_days")),
            num(m.get("good_days")),
            pct(m.get("good_day_ratio")),
            pct(ml.get("good_day_ratio") if ml else None),
            num(m.get("heavy_days")),
            num(ml.get("heavy_days") if ml else None),
        ],
        [
            ytd_label(month),
            num(yd.get("valid_days")),
            num(yd.get("good_days")),
            pct(yd.get("good_day_ratio")),
            pct(yd.get("good_day_ratio_last_year")),
            num(yd.get("heavy_days")),
            num(yd.get("heavy_days_last_year")),
        ],
    ]
    note_parts = []
    if good_target is not None:
        note_parts.append(f"优良天数比例目标：{target_label(good_target)}")
    if heavy_target is not None:
        note_parts.append(f"重污染天数目标：{target_label(heavy_target)}")
    if not (m.get("valid_days") or yd.get("valid_days")):
        blocks.append(
            DataGap(
                "可判定日空气质量指数的有效天数",
                f"{month_text}及{ytd_label(month)}",
                "现有数据缺少按HJ 633计算日AQI所需的指标（如O₃日最大1小时平均），"
                "优良天数和重污染天数无法统计。",
            )
        )
    blocks.append(
        Table.build(
            f"{city}优良天数比例及重污染天数",
            [
                "时段",
                "有效天数",
                "优良天数",
                "优良天数比例",
                "上年同期比例",
                "重污染天数",
                "上年同期重污染天数",
            ],
            good_rows,
            note="；".join(note_parts),
        )
    )

    # Six pollutants, month and YTD, with year-on-year change rates.
    blocks.append(Heading(2, "主要污染物浓度"))
    invalid = [
        name
        for name, key in (
            ("SO₂", "SO2"),
            ("NO₂", "NO2"),
            ("PM₁₀", "PM10"),
            ("PM₂.₅", "PM2.5"),
            ("CO", "CO"),
            ("O₃", "O3_8h_max"),
        )
        if m.get(f"valid_{key}") is False
    ]
    if invalid:
        days = num(m.get("days_PM2.5"))
        blocks.append(
            Paragraph(
                f"数据不完整：{month_text}{city}{'、'.join(invalid)}的有效日数不满足"
                f"GB 3095—2012表4的统计有效性要求（每月至少27天，2月至少25天；PM₂.₅有效日"
                f"{days.text}天），以下浓度统计仅供参考。",
                (days,),
            )
        )
    comparison = pl.DataFrame(
        {
            "item": [column for _, column, _, _ in SIX_POLLUTANTS],
            "month": [m.get(c) for _, c, _, _ in SIX_POLLUTANTS],
            "month_last": [ml.get(c) if ml else None for _, c, _, _ in SIX_POLLUTANTS],
            "ytd": [y.get(c) for _, c, _, _ in SIX_POLLUTANTS],
            "ytd_last": [yl.get(c) if yl else None for _, c, _, _ in SIX_POLLUTANTS],
        },
        schema={
            "item": pl.String,
            "month": pl.Float64,
            "month_last": pl.Float64,
            "ytd": pl.Float64,
            "ytd_last": pl.Float64,
        },
    ).with_columns(
        change_rate(pl.col("month"), pl.col("month_last")).alias("month_change"),
        change_rate(pl.col("ytd"), pl.col("ytd_last")).alias("ytd_change"),
    )
    pollutant_rows = []
    for (name, _column, statistic, unit), values in zip(
        SIX_POLLUTANTS, comparison.iter_rows(named=True), strict=True
    ):
        decimals = 1 if name == "CO" else 0
        pollutant_rows.append(
            [
                f"{name}（{statistic}，{unit}）",
                num(values["month"], decimals),
                num(values["month_last"], decimals),
                Sourced.number(
                    values["month_change"], "standards.air.change_rate", decimals=1, unit="%"
                ),
                num(values["ytd"], decimals),
                num(values["ytd_last"], decimals),
                Sourced.number(
                    values["ytd_change"], "standards.air.change_rate", decimals=1, unit="%"
                ),
            ]
        )
    blocks.append(
        Table.build(
            f"{city}六项污染物浓度及同比变化",
            ["污染物", "本月", "上年同期", "同比", ytd_label(month), "上年同期", "同比"],
            pollutant_rows,
            note="浓度按HJ 663统计并按GB/T 8170修约；同比为变化率，负值表示改善。",
        )
    )

    # NO2 (level 2) and SO2 (level 1), on the year-to-date statistics.
    def verdict(ok: Any) -> str:
        return "—" if ok is None else ("达标" if ok else "超标")

    blocks.append(Heading(2, "二氧化氮、二氧化硫达标情况"))
    blocks.append(
        Table.build(
            f"{city}{ytd_label(month)}NO₂、SO₂达标情况",
            ["指标", "累计平均浓度（µg/m³）", "标准限值（µg/m³）", "判定", "计划目标"],
            [
                [
                    "NO₂（二级）",
                    num(y.get("NO2_mean")),
                    num(y.get("NO2_mean_limit")),
                    Sourced.label(verdict(y.get("NO2_ok")), source),
                    target_label(find_target(plan, "air", "NO₂")) if plan else "达到二级标准",
                ],
                [
                    "SO₂（一级）",
                    num(y1.get("SO2_mean")),
                    num(y1.get("SO2_mean_limit")),
                    Sourced.label(verdict(y1.get("SO2_ok")), source),
                    target_label(find_target(plan, "air", "SO₂")) if plan else "达到一级标准",
                ],
            ],
            note=f"限值按 {y.get('limits', '')} 年均值；年初至今累计浓度仅作进度参考，年度达标以全年数据评价。",
        )
    )

    # Composite index and rank among the cities in the data.
    blocks.append(Heading(2, "综合指数及排名"))
    cities = (
        daily.filter(pl.col("site_kind").ne_missing("station"))["site"].unique().to_list()
        if "site_kind" in daily.columns
        else None
    )
    ranks_month = air_service.rank_cities(daily, period, sites=cities)
    ranks_ytd = air_service.rank_cities(daily, ytd, sites=cities)
    ranked_cities = ranks_ytd.filter(pl.col("composite_index").is_not_null()).height
    rm = _row_of(ranks_month, city) or {}
    ry = _row_of(ranks_ytd, city) or {}
    rank_rows = []
    for row in ranks_ytd.filter(pl.col("composite_index").is_not_null()).iter_rows(named=True):
        month_row = _row_of(ranks_month, row["site"]) or {}
        rank_rows.append(
            [
                row["site"],
                num(month_row.get("composite_index"), 2),
                num(month_row.get("rank")),
                num(row["composite_index"], 2),
                num(row["rank"]),
                Sourced.number(row["change_rate"], source, decimals=1, unit="%"),
            ]
        )
    figures = (num(rm.get("composite_index"), 2), num(rm.get("rank")), num(ry.get("rank")))
    blocks.append(
        Paragraph(
            f"{month_text}，{city}环境空气质量综合指数{figures[0].text}，在数据所含{ranked_cities}个城市中"
            f"排第{figures[1].text}位（由好到差）；{ytd_label(month)}累计排第{figures[2].text}位。",
            figures,
        )
    )
    columns = ["城市", "本月综合指数", "本月排名", "累计综合指数", "累计排名", "累计同比"]
    note = "排名范围为现有数据中的城市，非全国168个重点城市排名。"
    if len(rank_rows) <= MAX_RANKED_CITIES_IN_BODY:
        blocks.append(Table.build("综合指数及排名", columns, rank_rows, note=note))
        blocks.append(
            Chart(
                f"{ytd_label(month)}综合指数",
                tuple(str(r[0]) for r in rank_rows),
                (("综合指数", tuple(r[3].value for r in rank_rows)),),
                chart_type="bar",
                source=air.description,
            )
        )
    else:
        # Hundreds of cities do not belong in the body: the city's row here, the full
        # ranking in the Excel attachment.
        own = [r for r in rank_rows if r[0] == city]
        blocks.append(
            Table.build(
                "综合指数及排名",
                columns,
                own,
                note=note
                + f"全部{len(rank_rows)}个城市的排名见附件（Excel“城市综合指数排名”工作表）。",
            )
        )
        if annex is not None:
            annex.append(Table.build("城市综合指数排名", columns, rank_rows, note=note))
    blocks.extend(_rank_target_blocks(air, plan, city))
    if not has_last_year:
        # No last year's data: the gap says so once; no column of empty "—" cells.
        blocks = [_without_last_year(b) if isinstance(b, Table) else b for b in blocks]
    return Section(heading, tuple(blocks))


LAST_YEAR_COLUMNS = ("上年同期", "同比")


def _without_last_year(table: Table) -> Table:
    keep = [i for i, c in enumerate(table.columns) if not any(k in c for k in LAST_YEAR_COLUMNS)]
    if len(keep) == len(table.columns):
        return table
    return Table(
        table.caption.replace("及同比变化", ""),
        tuple(table.columns[i] for i in keep),
        tuple(tuple(row[i] for i in keep) for row in table.rows),
        table.note,
    )


def _rank_target_blocks(air: AirInputs, plan: Any, city: str) -> list[Block]:
    """The plan's ranking target (e.g. 168 个重点城市中退出后 20 位) from the statistics table
    given for the month (``air.ranking``), or the input it still needs."""
    target = find_target(plan, "air", "排名")
    if target is None:
        return []
    verdict = evaluate_rank_target(target, air.ranking, city)
    source = (
        f"services.air_ranking，{air.ranking.city_set.source}；综合指数按HJ 663（{air.ranking.limits}）"
        if air.ranking is not None
        else "services.air_ranking"
    )
    blocks: list[Block] = []
    if air.ranking is not None and verdict["status"] in ("met", "not_met"):
        label = "已达到" if verdict["status"] == "met" else "未达到"
        blocks.append(
            Table.build(
                "综合指数排名目标",
                ["目标", "排名范围", "名次", "城市数", "判定"],
                [
                    [
                        target_label(target),
                        air.ranking.city_set.name,
                        Sourced.number(verdict["rank"], source),
                        Sourced.number(verdict["of"], source),
                        Sourced.label(label, source),
                    ]
                ],
                note=verdict["text"],
            )
        )
    else:
        blocks.append(DataGap(f"{target.scope or ''}综合指数排名", "本期", verdict["text"] + "。"))
    return blocks
