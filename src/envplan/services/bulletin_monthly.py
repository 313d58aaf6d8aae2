"""Assembly of the monthly dispatch bulletin (月调度通报) from the services' results.

This module turns what the other services computed into the blocks of a :class:`Bulletin`. It
computes no indicator: completion and on-time rates come from the dispatch snapshot of
``envplan.services.supervision``; good-day ratios, period statistics, compliance, composite index
and ranks from ``envplan.services.air`` (year-on-year change rates from
``envplan.standards.air.ranking.change_rate``); section classes and shares from
``envplan.services.water``. Each number is wrapped with its source (:class:`Sourced`).

Where an input is missing, the section says so with a :class:`DataGap` (数据缺失：what（period）)
and prints nothing in its place. Data of another year is never shown as the month's data: when the
air data on hand do not cover the month, the section names the periods they do cover and stops.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from envplan.services.bulletin import (
    Block,
    Bulletin,
    Chart,
    DataGap,
    Heading,
    Paragraph,
    Section,
    Sourced,
    Table,
)

DEFAULT_AUTHORITY = "晋城市生态环境局"
DEFAULT_ADDRESSEE = "各县（市、区）人民政府、开发区管委会，市直有关单位："
PLAN_NAMES = {"air": "大气", "water": "水", "soil": "土壤"}

# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class ProgressRow:
    """One group of occurrences (a plan, a unit or a county) as the dispatch snapshot gives it
    (``services.supervision.Rate``): counted over occurrences due by month end (year to date).

    due: due by month end; done_on_time / done_late: done (approved) by / after the due date;
    overdue: due and not done; rate: on-time rate in [0, 1] (``None`` when nothing was due);
    the ``*_in_month`` fields count only occurrences due within the month.
    """

    key: str
    name: str
    due: int
    done_on_time: int
    done_late: int
    overdue: int
    rate: float | None
    due_in_month: int = 0
    done_on_time_in_month: int = 0
    rate_in_month: float | None = None

    @property
    def done(self) -> int:
        """Done (approved) = done on time + done late, the snapshot's two counts."""
        return self.done_on_time + self.done_late


@dataclass(frozen=True)
class OverdueItem:
    unit: str
    county: str | None
    plan: str
    task: str  # task number and short text
    due_date: dt.date
    days_overdue: int | None = None  # working days, as the snapshot states
    ref: str = ""  # short reference, e.g. "大气第3条"


@dataclass(frozen=True)
class NoticeRow:
    """Supervision notices of one unit up to month end, counted by their state then."""

    unit: str
    issued: int
    answered: int
    unanswered: int
    levels: str = ""  # e.g. "蓝2 橙1"


@dataclass(frozen=True)
class UpcomingItem:
    plan: str
    task: str
    units: str
    due_date: dt.date


@dataclass(frozen=True)
class SupervisionFacts:
    """What the bulletin takes from the month's dispatch snapshot (see ``bulletin_sources``)."""

    month: str  # "2021-06"
    as_of: dt.date
    source: str  # e.g. "调度快照 2021-06（SHA-256 前 12 位 …）"
    by_plan: tuple[ProgressRow, ...]
    by_unit: tuple[ProgressRow, ...]
    by_county: tuple[ProgressRow, ...]
    overdue: tuple[OverdueItem, ...]
    notices: tuple[NoticeRow, ...]
    upcoming: tuple[UpcomingItem, ...]
    demo: bool = False


@dataclass(frozen=True)
class AirInputs:
    """City daily statistics on hand (frame of ``services.air.daily_statistics`` /
    ``daily_aqi_frame``: ``site, date, SO2 … aqi, complete``) and how to describe them.

    city: the site value of the city reported on; description: zh-CN label of the data set
    (e.g. "真气网（aqistudy）第三方处理日均值，非官方发布值").
    """

    daily: pl.DataFrame
    city: str
    description: str


@dataclass(frozen=True)
class WaterFacts:
    """The month's plan-section assessment of ``services.water.assess_plan_sections``.

    sections: ``PlanAssessment.sections`` (one row per plan section: number, county, section,
    assessment_level, target_class/target_raw, water_class, compliance, exceeding …);
    shares: ``PlanAssessment.shares`` (per group: share_i_iii, share_worse_than_v,
    compliance_rate [%] …); source: zh-CN description of the data.
    """

    sections: pl.DataFrame
    shares: dict[str, dict[str, Any]]
    source: str


@dataclass(frozen=True)
class WaterGap:
    """Water data on hand that do not cover the month: what they do cover."""

    source: str
    coverage: str


@dataclass(frozen=True)
class SoilFacts:
    """Results of ``services.soil``: ``classify_farmland`` (FarmlandResult) and
    ``classify_construction`` (ConstructionResult), either may be missing; source: zh-CN."""

    farmland: Any = None
    construction: Any = None
    source: str = ""


@dataclass(frozen=True)
class BulletinOptions:
    """Header fields of the document; all configurable from the CLI."""

    issuing_authority: str = DEFAULT_AUTHORITY
    document_number: str | None = None  # default: "晋环调〔YYYY〕M号" with M the month
    document_prefix: str = "晋环调"
    issue_date: dt.date | None = None  # default: 5th day of the next month
    addressee: str = DEFAULT_ADDRESSEE
    attachments: tuple[str, ...] = field(default=())
    demo_data: bool = False  # water/soil inputs are the bundled 示例 files


# --------------------------------------------------------------------------- helpers


def parse_month(text: str | dt.date) -> dt.date:
    """``2021-06`` → 2021-06-01; a zh-CN ``ValueError`` otherwise."""
    if isinstance(text, dt.date):
        return text.replace(day=1)
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return dt.date(year, month, 1)
    except ValueError as error:
        raise ValueError(f"月份格式应为 YYYY-MM（如 2021-06），收到“{text}”") from error


def month_end(month: dt.date) -> dt.date:
    first_next = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def _ytd_label(month: dt.date) -> str:
    return f"{month.year}年1—{month.month}月" if month.month > 1 else _month_label(month)


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def target_label(target: Any) -> str:
    """Short zh-CN form of a plan target (``envplan.plan.Target``) for a table cell."""
    comparator = getattr(target, "comparator", None)
    value = getattr(target, "value", None)
    unit = getattr(target, "unit", None) or ""
    number = (
        ""
        if value is None
        else (f"{value:g}" if isinstance(value, float) else str(value)) + unit.replace("级", "")
    )
    baseline = getattr(target, "baseline_year", None)
    match comparator:
        case ">=":
            return f"≥{number}"
        case "<=":
            return f"≤{number}"
        case "meets_standard":
            return f"达到{'一二三'[int(value) - 1] if value else ''}级标准"
        case "outside_bottom":
            return f"{getattr(target, 'scope', '') or ''}排名退出后{number}"
        case "decrease_by_at_least":
            return f"较{baseline}年下降{number}以上"
        case "increase":
            return f"较{baseline or '上'}年提升"
        case "decrease":
            return f"较{baseline or '上'}年减少"
        case "meets_provincial_target":
            return "完成省定目标"
    return str(getattr(target, "text", ""))


def find_target(plan: Any, plan_key: str, indicator_contains: str) -> Any | None:
    if plan is None:
        return None
    try:
        targets = plan.subplan(plan_key).targets
    except KeyError:
        return None
    for target in targets:
        if target.indicator and indicator_contains in target.indicator:
            return target
    return None


# --------------------------------------------------------------------------- supervision


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
            (DataGap("月调度快照", _month_label(month)),),
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
                f"{row.name}：截至{_date_text(facts.as_of)}累计到期任务事项{figures[0].text}项，"
                f"已完成{figures[1].text}项（其中按时完成{figures[2].text}项、逾期完成"
                f"{figures[3].text}项），逾期未完成{figures[4].text}项，按时完成率"
                f"{figures[5].text}。",
                figures,
            )
        )
    blocks.append(
        _progress_table(
            f"{_month_label(month)}各行动计划任务完成情况", "行动计划", plan_rows, facts.source
        )
    )
    return Section(heading, tuple(blocks))


def units_section(month: dt.date, facts: SupervisionFacts | None) -> Section:
    heading = "各单位、各县（市、区）任务完成情况"
    if facts is None:
        return Section(heading, (DataGap("月调度快照", _month_label(month)),))
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
                f"截至{_date_text(facts.as_of)}，{'、'.join(r.name for r in late_units)}"
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
        blocks.append(Paragraph(f"截至{_date_text(facts.as_of)}，无逾期未完成事项。"))
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
        blocks.append(Paragraph(f"截至{_date_text(facts.as_of)}，未下发督办单。"))
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
                    Sourced.label(_date_text(item.due_date), facts.source),
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
        return Section(heading, (DataGap("任务事项清单", _month_label(next_month)),))
    if not facts.upcoming:
        return Section(heading, (Paragraph(f"{_month_label(next_month)}无到期事项。"),))
    return Section(
        heading,
        (
            Paragraph(
                f"{_month_label(next_month)}共有{len(facts.upcoming)}项任务事项到期，"
                "请各责任单位按时完成并及时报送进展。"
            ),
            Table.build(
                f"{_month_label(next_month)}到期事项",
                ["序号", "行动计划", "任务事项", "责任单位", "完成时限"],
                [
                    [
                        Sourced.number(index, ""),
                        PLAN_NAMES.get(item.plan, item.plan),
                        item.task,
                        item.units,
                        Sourced.label(_date_text(item.due_date), facts.source),
                    ]
                    for index, item in enumerate(facts.upcoming, start=1)
                ],
            ),
        ),
    )


# --------------------------------------------------------------------------- air

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
    return f"{_date_text(first)}至{_date_text(last)}"


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
    from envplan.services import air as air_service
    from envplan.standards.air.ranking import change_rate

    heading = "环境空气质量"
    end = month_end(month)
    month_text = _month_label(month)
    if air is None or air.daily.is_empty():
        return Section(heading, (DataGap("环境空气质量监测数据", f"{month_text}及年初至今"),))
    daily, city = air.daily, air.city
    if not _has_days(daily, city, month, end):
        return Section(
            heading,
            (
                DataGap(
                    f"{city}环境空气质量监测数据",
                    f"{month_text}、{_ytd_label(month)}及上年同期",
                    f"现有数据为{air.description}，仅覆盖{_covered_periods(daily, city)}，"
                    "不属于本期，本通报不以其他年份数据代替。",
                ),
            ),
        )

    source = f"services.air，{air.description}"
    period = air_service.parse_period(f"{month.year}-{month.month:02d}")
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
            _ytd_label(month),
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
                f"{month_text}及{_ytd_label(month)}",
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
            ["污染物", "本月", "上年同期", "同比", _ytd_label(month), "上年同期", "同比"],
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
            f"{city}{_ytd_label(month)}NO₂、SO₂达标情况",
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
    ranks_month = air_service.rank_cities(daily, period)
    ranks_ytd = air_service.rank_cities(daily, ytd)
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
            f"排第{figures[1].text}位（由好到差）；{_ytd_label(month)}累计排第{figures[2].text}位。",
            figures,
        )
    )
    columns = ["城市", "本月综合指数", "本月排名", "累计综合指数", "累计排名", "累计同比"]
    note = "排名范围为现有数据中的城市，非全国168个重点城市排名。"
    if len(rank_rows) <= MAX_RANKED_CITIES_IN_BODY:
        blocks.append(Table.build("综合指数及排名", columns, rank_rows, note=note))
        blocks.append(
            Chart(
                f"{_ytd_label(month)}综合指数",
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
    return Section(heading, tuple(blocks))


# --------------------------------------------------------------------------- water and soil


def water_section(month: dt.date, water: WaterFacts | WaterGap | None, plan: Any) -> Section:
    """Water: each plan section against its target class, exceeding indicators with multiples,
    and the plan-level shares, as ``services.water`` assessed them."""
    heading = "水环境质量"
    month_text = _month_label(month)
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

    source = f"services.water，{water.source}"
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
            Sourced.label(text(row["water_class"]), source),
            Sourced.label(text(row["compliance"]), source),
            Sourced.label(text(row["exceeding"]), source),
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


# --------------------------------------------------------------------------- bulletin


def assemble_monthly_bulletin(
    month: str | dt.date,
    *,
    plan: Any = None,
    supervision: SupervisionFacts | None = None,
    air: AirInputs | None = None,
    water: WaterFacts | WaterGap | None = None,
    soil: SoilFacts | None = None,
    options: BulletinOptions | None = None,
) -> Bulletin:
    """The bulletin of ``month`` from the facts on hand; a missing input becomes a data gap."""
    first = parse_month(month)
    options = options or BulletinOptions()
    issue_date = options.issue_date or (month_end(first) + dt.timedelta(days=5))
    document_number = options.document_number or (
        f"{options.document_prefix}〔{first.year}〕{first.month}号"
    )
    annex: list[Table] = list(overdue_annex(supervision))
    sections = (
        overall_section(first, supervision),
        units_section(first, supervision),
        air_section(first, air, plan, annex),
        water_section(first, water, plan),
        soil_section(first, soil, plan),
        upcoming_section(first, supervision),
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
        title=f"关于{_month_label(first)}污染防治攻坚重点任务调度情况的通报",
        issuing_authority=options.issuing_authority,
        document_number=document_number,
        issue_date=issue_date,
        addressee=options.addressee,
        introduction=(
            f"根据月调度月通报工作安排，现将{_month_label(first)}全市大气、水、土壤污染防治"
            "行动计划重点任务推进及环境质量情况通报如下。"
        ),
        sections=sections,
        attachments=options.attachments,
        annex_tables=tuple(annex),
        demo=bool(supervision and supervision.demo) or options.demo_data,
        sources=tuple(sources),
    )
