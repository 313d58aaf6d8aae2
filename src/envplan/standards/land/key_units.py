"""Duties of the soil key supervised units (土壤污染重点监管单位) and their deadlines, as cited data.

Document: 《晋城市2021年土壤污染防治行动计划》 (晋市政办〔2021〕9号, issued 2021-04-08), 二（五）12:

* 自行监测: units due to self-monitor in the year draw up a plan (reviewed) and monitor their land
  by it; results published. No date is set: the plan and the results of year Y are tracked as due
  within year Y (by 12-31).
* 隐患排查: 2021年底前 a full investigation by every key unit; a unit newly added to the list within
  one year of its listing; units that did one in 2020 complete it by the newest guideline.
* 排污许可: the permit states the unit's soil duties (permit-clause check).
* 拆除: before demolishing facilities or buildings a soil-pollution prevention work plan including
  emergency measures, reviewed, filed with the county ecology and industry departments.
* 涉重金属: 2025年底前 all heavy-metal units install and use automatic monitoring of air and water
  emissions.

"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

#: The clause the key-unit duties come from.
PLAN_SOURCE: Final = "《晋城市2021年土壤污染防治行动计划》二（五）12"
#: Issue date of the plan (units listed by then have the 2021 year-end for the hidden-danger survey).
PLAN_ISSUED: Final = dt.date(2021, 4, 8)


class DutyKind(StrEnum):
    """Kind of a tracked duty of a key supervised unit or plot (soil 二（五）12; the survey opened
    by the gate: 二（四）9)."""

    SURVEY = "survey"  # a plot's investigation opened by the gate (measure 9)
    HIDDEN_DANGER = "hidden_danger"
    SELF_MONITORING_PLAN = "self_monitoring_plan"
    SELF_MONITORING_RESULT = "self_monitoring_result"
    AUTO_MONITORING = "auto_monitoring"
    DEMOLITION_PLAN = "demolition_plan"
    PERMIT_CLAUSE = "permit_clause"


#: zh-CN label of each duty kind.
DUTY_LABELS: Final[dict[DutyKind, str]] = {
    DutyKind.SURVEY: "开展土壤污染状况调查",
    DutyKind.HIDDEN_DANGER: "土壤污染隐患排查",
    DutyKind.SELF_MONITORING_PLAN: "自行监测方案（经评审）",
    DutyKind.SELF_MONITORING_RESULT: "自行监测结果（向社会公开）",
    DutyKind.AUTO_MONITORING: "水、大气污染物排放自动监测设备安装使用",
    DutyKind.DEMOLITION_PLAN: "拆除活动土壤污染防治工作方案（经评审并备案）",
    DutyKind.PERMIT_CLAUSE: "排污许可证载明土壤污染防治责任和义务",
}


@dataclass(frozen=True)
class DeadlineRule:
    """How a duty's deadline is set: its kind, the source document and the wording quoted."""

    kind: DutyKind
    source: str
    wording: str


#: The deadline rule of each duty kind, with the wording quoted.
#:
#: :meta hide-value:
RULES: Final[dict[DutyKind, DeadlineRule]] = {
    DutyKind.HIDDEN_DANGER: DeadlineRule(
        DutyKind.HIDDEN_DANGER,
        PLAN_SOURCE,
        "2021年底前，土壤污染重点监管单位应开展一次全面、系统的土壤污染隐患排查，新增重点监管单位"
        "应在纳入土壤污染重点监管单位名录一年内开展",
    ),
    DutyKind.AUTO_MONITORING: DeadlineRule(
        DutyKind.AUTO_MONITORING,
        PLAN_SOURCE,
        "将涉重金属行业企业纳入大气、水污染物重点排污单位名录，2025年底前，全部安装使用水、大气"
        "污染物排放自动监测设备",
    ),
    DutyKind.SELF_MONITORING_PLAN: DeadlineRule(
        DutyKind.SELF_MONITORING_PLAN,
        PLAN_SOURCE,
        "年度内需开展自行监测的土壤污染重点监管单位应根据国家相关规范制定自行监测方案，方案经评审通过"
        "（文件未定日期：按年度内即当年12月31日前跟踪）",
    ),
    DutyKind.SELF_MONITORING_RESULT: DeadlineRule(
        DutyKind.SELF_MONITORING_RESULT,
        PLAN_SOURCE,
        "按照方案对其用地开展土壤环境监测，结果向社会公开（文件未定日期：按当年12月31日前跟踪）",
    ),
    DutyKind.DEMOLITION_PLAN: DeadlineRule(
        DutyKind.DEMOLITION_PLAN,
        PLAN_SOURCE,
        "在拆除设施、设备或者建筑物、构筑物前，应当制定包括应急措施在内的土壤污染防治工作方案，"
        "方案经评审通过后，报县级生态环境、工业和信息化主管部门备案并实施（期限为计划拆除日）",
    ),
    DutyKind.PERMIT_CLAUSE: DeadlineRule(
        DutyKind.PERMIT_CLAUSE,
        f"{PLAN_SOURCE}（排污许可）",
        "市、县两级排污许可证核发部门应依法将土壤污染重点监管单位相关责任和义务在排污许可证中载明",
    ),
}

#: The first round's end (2021年底前) and the heavy-metal automatic-monitoring end (2025年底前).
HIDDEN_DANGER_FIRST_ROUND_DUE: Final = dt.date(2021, 12, 31)
#: End of the heavy-metal units' automatic-monitoring duty (2025年底前).
AUTO_MONITORING_DUE: Final = dt.date(2025, 12, 31)


def _one_year_after(day: dt.date) -> dt.date:
    """The same calendar day one year later (29 Feb → 28 Feb)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def hidden_danger_due(listed_on: dt.date | None) -> dt.date:
    """Deadline of a unit's hidden-danger investigation.

    A unit on the list when the plan was issued (listed on or before 2021-04-08, or listing date
    unknown) → 2021-12-31; a unit added later → one year after its listing, but never before
    2021-12-31 (a unit added in 2021 still has the year-end).

    Parameters
    ----------
    listed_on
        Date the unit was listed (None = unknown).

    Returns
    -------
    datetime.date
        The deadline.
    """
    if listed_on is None or listed_on <= PLAN_ISSUED:
        return HIDDEN_DANGER_FIRST_ROUND_DUE
    return max(HIDDEN_DANGER_FIRST_ROUND_DUE, _one_year_after(listed_on))


def yearly_due(year: int) -> dt.date:
    """Self-monitoring plan and results of ``year``: within the year (12-31).

    Parameters
    ----------
    year
        The monitoring year.

    Returns
    -------
    datetime.date
        December 31 of ``year``.
    """
    return dt.date(year, 12, 31)


class Light(StrEnum):
    """Traffic light of a duty (green, yellow, red)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


#: zh-CN label of each light.
LIGHT_LABELS: Final[dict[Light, str]] = {
    Light.GREEN: "绿灯",
    Light.YELLOW: "黄灯",
    Light.RED: "红灯",
}

#: Days before a deadline an open duty turns yellow (a platform setting, not from the plan).
AT_RISK_DAYS: Final = 30


def duty_status(
    due: dt.date | None,
    done_on: dt.date | None,
    as_of: dt.date,
    *,
    at_risk_days: int = AT_RISK_DAYS,
) -> tuple[str, Light]:
    """(status, light) of a duty as of ``as_of``.

    done on or before due → 按期完成 green; done after due → 逾期完成 yellow; open past due →
    已逾期 red; open within ``at_risk_days`` of due → 临期 yellow; open otherwise (or no due
    date) → 推进中 green.

    Parameters
    ----------
    due
        The deadline (None = none set).
    done_on
        Completion date (None = open).
    as_of
        The date of the status.
    at_risk_days
        Days before ``due`` from which an open duty is 临期 [days].

    Returns
    -------
    tuple of (str, Light)
        The zh-CN status and its light.
    """
    if done_on is not None and done_on <= as_of:
        if due is None or done_on <= due:
            return "按期完成", Light.GREEN
        return "逾期完成", Light.YELLOW
    if due is None:
        return "推进中（未设期限）", Light.GREEN
    if as_of > due:
        return "已逾期", Light.RED
    if (due - as_of).days <= at_risk_days:
        return "临期", Light.YELLOW
    return "推进中", Light.GREEN
