"""Typed inputs of the monthly bulletin (what the sources gather) and shared text helpers.

The dataclasses here are plain data: ``sources`` fills them from the services (dispatch
snapshot, air engine, water and soil assessments) and the section builders read them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from envplan.services.month import Month

#: Issuing authority printed on the bulletin when the options name none.
DEFAULT_AUTHORITY = "晋城市生态环境局"
#: Addressees (主送) printed on the bulletin when the options name none.
DEFAULT_ADDRESSEE = "各县（市、区）人民政府、开发区管委会，市直有关单位："
#: Short zh-CN name of each sub-plan key.
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
    """An overdue duty of the month-end snapshot: unit, county, plan, task, due date and working days
    overdue.
    """

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
    """A duty due next month: plan, task, responsible units and due date."""

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
    ranking: Any = None  # services.air_ranking.TableRanking of the month's statistics table


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


def month_end(month: dt.date) -> dt.date:
    """The last day of the month of ``month``."""
    return Month.parse(month).last


def month_label(month: dt.date) -> str:
    return Month.parse(month).label


def ytd_label(month: dt.date) -> str:
    return Month.parse(month).ytd_label


def date_text(day: dt.date) -> str:
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
    """The target of sub-plan ``plan_key`` whose indicator contains ``indicator_contains``; None when
    there is no plan, no such sub-plan or no such target.
    """
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
