"""Heavy-pollution emergency rules as dated, cited data: warning rule sets, minimum reduction
shares, and the per-grade measures of the national technical guide. Pure functions, no I/O.

Documents:

- W2019 — 生态环境部办公厅《关于加强重污染天气应对夯实应急减排措施的指导意见》
  (环办大气函〔2019〕648号, 2019-07) with 环办大气函〔2018〕875号: the unified warning grades on
  forecast daily AQI (yellow ≥ 2 days AQI > 200; orange ≥ 3 days; red ≥ 4 days with ≥ 2 days
  AQI > 300, or AQI reaching 500) and the minimum reductions of SO2, NOx, PM and VOCs of 10 / 20 /
  30 % of the society-wide emissions under yellow / orange / red. The thresholds are implemented
  once, in :func:`envplan.standards.air.ranking.warning_level` (rule data ``WARNING_2019``); this
  module reuses it and adds the response window.
- G2020 — 《重污染天气重点行业应急减排措施制定技术指南（2020年修订版）》(环办大气函〔2020〕340号,
  印发 2020-07): A-grade and 引领性 enterprises decide their own reductions (鼓励结合实际，自主采取
  减排措施); B/C/D enterprises follow the industry's table; the 水泥熟料 table is carried here.
- Seed 空气 25 — 晋市政办〔2021〕9号 air plan measure 25: the city is to set an O3 warning standard
  (研究制定完善 O₃ 污染预警标准). No published Jincheng O3 thresholds were found; the O3 rule set
  applies the W2019 AQI grades to the days whose primary pollutant is O3, to be replaced by the
  city's own figures when they are issued (it is data: build another :class:`WarningRuleSpec`).

"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from envplan.standards.air.ranking import warning_level
from envplan.standards.air.rules import WARNING_2019, WarningRuleSet

#: The four pollutants whose society-wide reductions W2019 sets minimums for, in the order of the
#: enterprise registry's emission columns and of the provinces' emergency-list tables.
POLLUTANTS = ("SO2", "NOx", "PM", "VOCs")
#: zh-CN name of each of the four pollutants.
POLLUTANT_NAMES = {"SO2": "二氧化硫", "NOx": "氮氧化物", "PM": "颗粒物", "VOCs": "挥发性有机物"}
#: Warning levels in ascending order.
LEVEL_ORDER = ("none", "yellow", "orange", "red")
#: zh-CN name of each warning level.
LEVEL_NAMES = {"none": "无预警", "yellow": "黄色预警", "orange": "橙色预警", "red": "红色预警"}
#: Emergency response of each warning level (yellow Ⅲ级, orange Ⅱ级, red Ⅰ级).
RESPONSE_NAMES = {"none": "", "yellow": "Ⅲ级响应", "orange": "Ⅱ级响应", "red": "Ⅰ级响应"}


@dataclass(frozen=True)
class Citation:
    """A cited document: title, number, issue date (as precise as the source), clause and URL."""

    document: str
    number: str
    issued: str  # as precise as the source gives it
    clause: str
    source_url: str = ""

    def text(self) -> str:
        """The citation as one zh-CN line: document（number，issued）clause."""
        return f"{self.document}（{self.number}，{self.issued}）{self.clause}"


#: 环办大气函〔2019〕648号: the warning levels.
W2019 = Citation(
    "生态环境部办公厅《关于加强重污染天气应对夯实应急减排措施的指导意见》",
    "环办大气函〔2019〕648号",
    "2019年",
    "预警分级标准（黄色/橙色/红色）",
    "http://sthjj.sxxz.gov.cn/hdjl/zxts/202103/t20210316_3610894.html",
)
#: 环办大气函〔2019〕648号: the minimum reduction shares of each level.
W2019_SHARES = Citation(
    "生态环境部办公厅《关于加强重污染天气应对夯实应急减排措施的指导意见》",
    "环办大气函〔2019〕648号",
    "2019年",
    "黄色、橙色、红色预警期间 SO2、NOx、PM、VOCs 减排比例分别不低于全社会排放总量的 10%、20%、30%",
    "http://www.sf850.com/policy/view?id=6387",
)
#: The 2020 technical guide for emergency-reduction measures of key industries (环办大气函〔2020〕340号).
G2020 = Citation(
    "《重污染天气重点行业应急减排措施制定技术指南（2020年修订版）》",
    "环办大气函〔2020〕340号",
    "2020年7月",
    "各行业绩效分级差异化减排措施",
    "http://guc884.cn/news/content/9013604941571205001.html",
)
#: The Jincheng 2021 air plan's ozone warning measure (晋市政办〔2021〕9号).
SEED_O3 = Citation(
    "晋城市2021年空气质量巩固提升行动计划",
    "晋市政办〔2021〕9号",
    "2021-04-08",
    "三（五）25：研究制定完善 O₃ 污染预警标准，建立 O₃ 污染应急响应机制",
)


@dataclass(frozen=True)
class WarningRuleSpec:
    """A warning rule set: AQI thresholds (``rules``), which days count, and its citation."""

    code: str
    name: str
    rules: WarningRuleSet
    citation: Citation
    # When set, only days whose primary pollutant contains one of these count as heavy.
    primary_pollutants: tuple[str, ...] = ()
    note: str = ""


#: The warning rule sets by code.
#:
#: :meta hide-value:
RULE_SETS: dict[str, WarningRuleSpec] = {
    "warning-2019": WarningRuleSpec(
        "warning-2019", "国家重点区域预警分级（2019）", WARNING_2019, W2019
    ),
    "o3-seed-25": WarningRuleSpec(
        "o3-seed-25",
        "臭氧污染预警（空气计划第25项）",
        WarningRuleSet(code="o3-seed-25"),
        SEED_O3,
        primary_pollutants=("臭氧", "O3", "O₃"),
        note=(
            "晋城市尚未公布 O₃ 预警阈值：暂按 648 号 AQI 分级，仅统计首要污染物为臭氧的日子；"
            "市局发布标准后替换本规则集"
        ),
    ),
}
#: Code of the rule set used when none is named.
DEFAULT_RULE_SET = "warning-2019"


@dataclass(frozen=True)
class WarningAssessment:
    """A forecast's warning level (``none``/``yellow``/``orange``/``red``), the response window
    (first and last day of the episode that sets the level), the heavy (AQI > 200) and severe
    (AQI > 300) day counts and the rule set's code.
    """

    level: str  # none | yellow | orange | red
    start: dt.date | None  # first day of the episode that sets the level
    end: dt.date | None  # last day of that episode (planned end of the response)
    heavy_days: int
    severe_days: int
    rule_set: str


def counted_aqi(
    aqi: npt.ArrayLike, primary: list[str] | None, spec: WarningRuleSpec
) -> npt.NDArray[np.float64]:
    """The AQI series the rule set judges: days not driven by its pollutants become 0.

    Parameters
    ----------
    aqi
        Forecast daily AQI [dimensionless].
    primary
        Forecast primary pollutant per day (needed when the rule set counts only some pollutants).
    spec
        The warning rule set.

    Returns
    -------
    numpy.ndarray of float64
        The counted AQI [dimensionless].
    """
    values = np.asarray(aqi, dtype=np.float64)
    if not spec.primary_pollutants:
        return values
    if primary is None:
        raise ValueError(f"规则集 {spec.name} 需要预报的首要污染物")
    keep = np.array([any(p in (text or "") for p in spec.primary_pollutants) for text in primary])
    return np.where(keep, values, 0.0)


def assess(
    dates: list[dt.date],
    aqi: npt.ArrayLike,
    spec: WarningRuleSpec,
    primary: list[str] | None = None,
) -> WarningAssessment:
    """Level to issue for a forecast of consecutive days, with the response window.

    The level is :func:`warning_level` of the counted series (W2019 thresholds). The window is the
    first episode (run of days with AQI > heavy threshold) whose own level equals the result;
    a level reached by AQI ≥ red_any_aqi alone spans that episode too.

    Parameters
    ----------
    dates
        The forecast days, consecutive.
    aqi
        Forecast daily AQI per day [dimensionless].
    spec
        The warning rule set.
    primary
        Forecast primary pollutant per day.

    Returns
    -------
    WarningAssessment
        Level, window and day counts.
    """
    values = counted_aqi(aqi, primary, spec)
    level = warning_level(values, spec.rules) or "none"
    heavy = values > spec.rules.heavy_threshold
    severe = values > spec.rules.severe_threshold
    if level == "none":
        return WarningAssessment("none", None, None, int(heavy.sum()), 0, spec.code)
    starts = np.flatnonzero(heavy & ~np.concatenate(([False], heavy[:-1])))
    ends = np.flatnonzero(heavy & ~np.concatenate((heavy[1:], [False])))
    for first, last in zip(starts, ends, strict=True):
        episode = values[first : last + 1]
        if (warning_level(episode, spec.rules) or "none") == level:
            return WarningAssessment(
                level,
                dates[first],
                dates[last],
                int(last - first + 1),
                int(severe[first : last + 1].sum()),
                spec.code,
            )
    day = int(np.flatnonzero(values >= spec.rules.red_any_aqi)[0])  # red by AQI 500 alone
    return WarningAssessment(level, dates[day], dates[day], 1, 1, spec.code)


# --- minimum reductions -------------------------------------------------------------------------

#: Minimum reduction share of society-wide emissions per level [0…1] (W2019_SHARES).
MINIMUM_SHARES: dict[str, float] = {"yellow": 0.10, "orange": 0.20, "red": 0.30}  # W2019_SHARES
#: Days per year converting annual emissions [t/a] to daily [t/d].
DAYS_PER_YEAR = 365  # annual emissions [t/a] → daily [t/d], for enterprises and totals alike


# --- measures of the technical guide -----------------------------------------------------------


@dataclass(frozen=True)
class GuideMeasure:
    """A guide measure for one grade and level: share of production stopped and its wording."""

    cut_share: float  # 0…1 of production (停产 = 1.0)
    text: str
    transport: str = ""  # transport restriction in the same cell


#: The measure of A-grade and 引领性 enterprises: their own reduction, no mandatory cut (G2020).
SELF_DECIDED = GuideMeasure(0.0, "自主减排（鼓励结合实际，自主采取减排措施）")
_HDV4 = "停止使用国四及以下重型载货车辆（含燃气）进行运输"
_BASIS = "以“环评批复产能、排污许可载明产能、前一年正常生产实际产量”三者日均值的最小值为基准"


@dataclass(frozen=True)
class IndustryTable:
    """The guide's measures of one industry by (grade, level), with the citation."""

    industry: str
    citation: Citation
    measures: dict[tuple[str, str], GuideMeasure] = field(default_factory=dict)  # (grade, level)


# G2020, 水泥熟料 (as reproduced by 中国水泥网 from the guide).
#: G2020's table for cement clinker by (grade, level).
#:
#: :meta hide-value:
CEMENT_2020 = IndustryTable(
    "水泥",
    G2020,
    {
        ("B", "yellow"): GuideMeasure(0.0, "不限产", _HDV4),
        ("B", "orange"): GuideMeasure(0.20, f"限产20%，{_BASIS}", _HDV4),
        ("B", "red"): GuideMeasure(1.0, "停产", _HDV4),
        ("C", "yellow"): GuideMeasure(0.50, "停产50%，以生产线计", _HDV4),
        ("C", "orange"): GuideMeasure(1.0, "停产", _HDV4),
        ("C", "red"): GuideMeasure(1.0, "停产", _HDV4),
        ("D", "yellow"): GuideMeasure(1.0, "停产", "停止公路运输"),
        ("D", "orange"): GuideMeasure(1.0, "停产", "停止公路运输"),
        ("D", "red"): GuideMeasure(1.0, "停产", "停止公路运输"),
    },
)
#: The guide tables implemented, by industry.
#:
#: :meta hide-value:
INDUSTRY_TABLES: dict[str, IndustryTable] = {CEMENT_2020.industry: CEMENT_2020}
#: Grades without a mandatory cut (G2020).
NO_MANDATORY_CUT_GRADES = ("A", "引领性")  # G2020: 自主采取减排措施
#: The D-grade measure where an industry has no table here: production stopped at yellow and above.
D_GRADE_DEFAULT = GuideMeasure(1.0, "停产（D级企业黄色及以上预警期间停产）", "停止公路运输")


@dataclass(frozen=True)
class ResolvedMeasure:
    """The measure an enterprise must take at a level: cut share of production [0…1], the wording,
    its basis (``guide``, ``own``, ``self`` or ``missing``) and notes (e.g. a weaker own measure).
    """

    cut_share: float
    text: str
    basis: str  # guide | own | guide+own | self | missing
    notes: tuple[str, ...] = ()


def resolve_measure(
    industry: str, grade: str | None, level: str, own: tuple[float, str] | None
) -> ResolvedMeasure:
    """The mandatory measure of an enterprise at ``level``.

    - A / 引领性: no mandatory cut (G2020); the enterprise's own measure is shown as 自主减排 and
      not counted.
    - industry with a table here (水泥): the table's cut; an own measure (一厂一策) counts when it
      is stricter, and a weaker one is flagged.
    - D without a table: 停产 (the guide's D rule in every tabled industry), unless stricter own.
    - otherwise (B, C, 非重点, ungraded): the enterprise's own measure; none → flagged, cut 0.

    Parameters
    ----------
    industry
        The enterprise's industry (e.g. 水泥).
    grade
        Performance grade (A, B, C, D, 引领性, …; None = ungraded).
    level
        Warning level (``yellow``, ``orange``, ``red``).
    own
        The enterprise's own measure (一厂一策) at this level: (cut share [0…1], wording).

    Returns
    -------
    ResolvedMeasure
        The measure that applies.
    """
    if grade in NO_MANDATORY_CUT_GRADES:
        text = SELF_DECIDED.text + (f"；企业自定：{own[1]}" if own and own[1] else "")
        return ResolvedMeasure(0.0, text, "self")
    table = INDUSTRY_TABLES.get(industry)
    guide = table.measures.get((grade or "", level)) if table else None
    if guide is None and grade == "D":
        guide = D_GRADE_DEFAULT
    if guide is not None:
        text = guide.text + (f"；{guide.transport}" if guide.transport else "")
        if own is None:
            return ResolvedMeasure(guide.cut_share, text, "guide")
        if own[0] > guide.cut_share:
            return ResolvedMeasure(own[0], own[1] or f"限产{own[0] * 100:g}%", "own")
        notes: tuple[str, ...] = ()
        if own[0] < guide.cut_share:
            notes = (f"一厂一策限产 {own[0] * 100:g}% 低于指南要求 {guide.cut_share * 100:g}%",)
        return ResolvedMeasure(guide.cut_share, text, "guide", notes)
    if own is not None:
        return ResolvedMeasure(own[0], own[1] or f"限产{own[0] * 100:g}%", "own")
    return ResolvedMeasure(0.0, "未制定一厂一策减排措施", "missing", ("缺少本级别减排措施",))
