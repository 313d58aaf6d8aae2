"""Siting pre-screen (选址预审) of a project against air measures 1–2 and 附件1 of 晋市政办〔2021〕9号.

Air 三、重点任务 2 (in force from the plan's issue, 2021-04-08): “除同一企业内部进行的不新增产能的技术
改造项目外，市区周边重点管控区和县城规划区内不再布局钢铁（不含短流程炼钢和产能减量置换铸造高炉）、
铸造（不含高端铸件）、水泥、有色以及其他耗煤项目（不含关停搬迁项目），区域内现有产能只减不增 …
污染物排放量置换比例执行2:1”. Air 1: the 10 km zone around the city needs a sweep of every
air-emitting enterprise. 附件1 defines both zones (the plan registry holds them by town/village).

The screen is pure: the caller resolves zone membership (``Location``) from the plan registry and
quotes the clauses named by :class:`Finding.clause_id`. Verdicts:

- 禁止: a listed industry inside the key control zone or a county planning area, with no exception;
- 有条件: a listed industry there under an exception (EAF short process, capacity-replacement
  casting blast furnace, high-end castings, relocation, an in-enterprise upgrade without new
  capacity), or when the location cannot be resolved (village needed; county planning area not
  declared — the registry has no boundaries for it): allowed only with the conditions listed
  (capacity only falls, 2:1 emission replacement, what the office must confirm);
- 允许: not a listed industry, or a listed one declared outside both areas (the 2:1 offset of
  保障（三） still applies to added emissions; it is listed as a condition).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from envplan.standards.offsets import AIR_GUARANTEE_3

#: A siting verdict: 禁止, 允许 or 有条件.
Verdict = Literal["禁止", "允许", "有条件"]
#: Membership of a zone: ``in``, ``out`` or ``unknown``.
ZoneState = Literal["in", "out", "unknown"]

#: Industries named by air 2, with the words of the exception that lifts the ban (if any).
STEEL = "钢铁"
#: Restricted industry: casting (铸造; high-end castings excepted).
CASTING = "铸造"
#: Restricted industry: cement.
CEMENT = "水泥"
#: Restricted industry: non-ferrous metals.
NON_FERROUS = "有色"
#: Restricted industry: any other coal-consuming project (relocations excepted).
COAL = "其他耗煤"
#: The industries air measure 2 restricts.
RESTRICTED_INDUSTRIES = (STEEL, CASTING, CEMENT, NON_FERROUS, COAL)
#: Names users give for the restricted industries (the 39-industry guide's names included).
INDUSTRY_ALIASES = {
    "钢铁": STEEL,
    "炼钢": STEEL,
    "炼铁": STEEL,
    "钢铁（冶铸）": STEEL,
    "冶铸": CASTING,
    "铸造": CASTING,
    "铸件": CASTING,
    "水泥": CEMENT,
    "有色": NON_FERROUS,
    "有色金属": NON_FERROUS,
    "有色金属冶炼": NON_FERROUS,
    "其他耗煤": COAL,
    "耗煤": COAL,
    "焦化": COAL,
    "煤化工": COAL,
    "燃煤发电": COAL,
    # the 39 industries of the 2020 emergency-measures guide (enterprise registry names)
    "长流程联合钢铁": STEEL,
    "短流程钢铁": STEEL,
    "氧化铝": NON_FERROUS,
    "电解铝": NON_FERROUS,
    "铜冶炼": NON_FERROUS,
    "铅锌冶炼": NON_FERROUS,
    "钼冶炼": NON_FERROUS,
    "再生铜铝铅锌": NON_FERROUS,
    "煤制氮肥": COAL,
}
#: Registry industries that are themselves an exception of air 2 (短流程炼钢).
SHORT_PROCESS_INDUSTRIES = ("短流程钢铁",)

#: Date from which the screen applies (the plan's issue date).
VALID_FROM = dt.date(2021, 4, 8)

# Clause ids (quoted by the service from the plan registry; fixed texts for 附件1 and 保障).
#: Clause id of air measure 1 in the plan registry.
CLAUSE_MEASURE_1 = "air-m01"
#: Clause id of air measure 2 in the plan registry.
CLAUSE_MEASURE_2 = "air-m02"
#: Clause id of air 附件1 (the key control zones).
CLAUSE_ANNEX_1 = "air-annex1"
#: Clause id of air 五、保障措施（三）.
CLAUSE_GUARANTEE_3 = "air-guarantee-3"

#: The sentences of air 2 that decide each case (substrings of the registry's measure text).
MEASURE_2_BAN = (
    "除同一企业内部进行的不新增产能的技术改造项目外，市区周边重点管控区和县城规划区内不再布局钢铁"
    "（不含短流程炼钢和产能减量置换铸造高炉）、铸造（不含高端铸件）、水泥、有色以及其他耗煤项目"
    "（不含关停搬迁项目）"
)
#: Air 2: capacity only decreases; emissions replaced 2:1.
MEASURE_2_CAPACITY = "区域内现有产能只减不增，置换比例按相关规定执行，污染物排放量置换比例执行2:1"
#: Air 2: electric-arc short-process steel gets differentiated capacity replacement.
MEASURE_2_EAF = "有序引导电弧炉短流程炼钢发展，对短流程炼钢执行差别化产能置换支持政策。"
#: Air 1: the sweep of air-polluting enterprises within 10 km of the urban area.
MEASURE_1_SWEEP = "对市区周边10公里范围所有涉气企业开展拉网式排查，对环保不达标企业实施淘汰整治。"


@dataclass(frozen=True)
class Project:
    """A project to screen. ``industry`` is a restricted industry key or any other name."""

    industry: str
    new_capacity: bool = True  # False: an in-enterprise technical upgrade adding no capacity
    relocation: bool = False  # 关停搬迁项目
    short_process: bool = False  # 电弧炉短流程炼钢
    capacity_replacement: bool = False  # 产能减量置换铸造高炉
    high_end_casting: bool = False  # 高端铸件
    coal_consuming: bool = False  # the project consumes coal (其他耗煤项目)


@dataclass(frozen=True)
class Location:
    """Zone membership, resolved by the caller from 附件1 (and the county's own planning area)."""

    key_control: ZoneState
    urban_10km: ZoneState
    # 县城规划区: the registry has no boundaries, so the office declares it; "unknown" by default.
    county_planning_area: ZoneState = "unknown"


@dataclass(frozen=True)
class Finding:
    """One clause that decides a screen: its id, the deciding words and how it applies (zh-CN)."""

    clause_id: str
    quote: str  # the deciding words (for air 2: a substring of the measure text)
    reason: str  # zh-CN: how the clause applies to this project


@dataclass(frozen=True)
class Screen:
    """A siting verdict, the project's restricted industry (None when not restricted), the deciding
    findings and the zh-CN conditions attached to 允许 / 有条件.
    """

    verdict: Verdict
    industry: str | None  # the restricted industry key, None when not restricted
    findings: tuple[Finding, ...]
    conditions: tuple[str, ...]  # zh-CN obligations attached to 允许 / 有条件


def restricted_industry(project: Project) -> str | None:
    """The air-2 industry of ``project`` (钢铁, 铸造, 水泥, 有色, 其他耗煤) or None.

    Parameters
    ----------
    project
        The project to screen.

    Returns
    -------
    str or None
        The restricted industry key.
    """
    key = INDUSTRY_ALIASES.get("".join(project.industry.split()))
    if key is None and project.coal_consuming:
        return COAL
    return key


def _exception(project: Project, industry: str) -> str | None:
    """Why air 2's ban does not reach this project (zh-CN), or None."""
    if not project.new_capacity:
        return "属于同一企业内部进行的不新增产能的技术改造项目（第2条除外情形）"
    short = project.short_process or "".join(project.industry.split()) in SHORT_PROCESS_INDUSTRIES
    if industry == STEEL and short:
        return "属于短流程炼钢（第2条“不含短流程炼钢”）"
    if industry == STEEL and project.capacity_replacement:
        return "属于产能减量置换铸造高炉（第2条“不含…产能减量置换铸造高炉”）"
    if industry == CASTING and project.high_end_casting:
        return "属于高端铸件（第2条“铸造（不含高端铸件）”）"
    if project.relocation:
        return "属于关停搬迁项目（第2条“不含关停搬迁项目”）"
    return None


def screen(project: Project, location: Location) -> Screen:
    """Verdict and findings for ``project`` at ``location`` (see the module docstring).

    Parameters
    ----------
    project
        The project to screen.
    location
        Its zone membership.

    Returns
    -------
    Screen
        Verdict, findings and conditions.
    """
    industry = restricted_industry(project)
    findings: list[Finding] = []
    conditions: list[str] = []
    offset_condition = "新增主要大气污染物排放总量须倍量削减替代（2:1），城区、泽州县、高平市只能从本区域内削减替代"
    if location.urban_10km == "in":
        findings.append(
            Finding(
                CLAUSE_MEASURE_1,
                MEASURE_1_SWEEP,
                "项目位于市区10公里范围（附件1），属拉网式排查范围，环保不达标的涉气企业实施淘汰整治",
            )
        )
    in_zone = location.key_control == "in" or location.county_planning_area == "in"
    zone_words = "市区周边重点管控区" if location.key_control == "in" else "县城规划区"
    if location.key_control == "in":
        findings.append(
            Finding(CLAUSE_ANNEX_1, "市区周边重点管控区范围", "项目位于市区周边重点管控区（附件1）")
        )
    if industry is None:
        findings.append(
            Finding(
                CLAUSE_MEASURE_2,
                MEASURE_2_BAN,
                f"“{project.industry}”不属于第2条限制布局的行业（钢铁、铸造、水泥、有色、其他耗煤项目）",
            )
        )
        conditions.append(offset_condition)
        findings.append(
            Finding(CLAUSE_GUARANTEE_3, AIR_GUARANTEE_3.quote, "新增排放量执行“倍量削减”")
        )
        return Screen("允许", None, tuple(findings), tuple(conditions))
    if not in_zone and "unknown" in (location.key_control, location.county_planning_area):
        if location.key_control == "unknown":
            findings.append(
                Finding(
                    CLAUSE_ANNEX_1,
                    "市区周边重点管控区范围",
                    "所在乡镇仅部分村（社区）列入重点管控区，须核实项目所在村后再判定",
                )
            )
            conditions.append("核实项目所在村（社区）是否列入附件1重点管控区范围")
        if location.county_planning_area == "unknown":
            findings.append(
                Finding(
                    CLAUSE_MEASURE_2,
                    MEASURE_2_BAN,
                    f"{industry}项目不得布局在县城规划区内；平台未收录县城规划区范围，须核实",
                )
            )
            conditions.append(
                "核实项目是否位于县城规划区（及县级参照市级制定的重点管控区域）内；位于其内则禁止"
            )
        conditions.append(offset_condition)
        return Screen("有条件", industry, tuple(findings), tuple(conditions))
    if not in_zone:
        findings.append(
            Finding(
                CLAUSE_MEASURE_2,
                MEASURE_2_BAN,
                f"{industry}项目不在市区周边重点管控区和县城规划区内，第2条的布局限制不适用",
            )
        )
        conditions.append(offset_condition)
        findings.append(
            Finding(CLAUSE_GUARANTEE_3, AIR_GUARANTEE_3.quote, "新增排放量执行“倍量削减”")
        )
        return Screen("允许", industry, tuple(findings), tuple(conditions))
    why = _exception(project, industry)
    if why is None:
        findings.append(
            Finding(
                CLAUSE_MEASURE_2,
                MEASURE_2_BAN,
                f"{zone_words}内不再布局{industry}项目，本项目不属于任何除外情形",
            )
        )
        return Screen("禁止", industry, tuple(findings), ())
    findings.append(Finding(CLAUSE_MEASURE_2, MEASURE_2_BAN, f"{zone_words}内：{why}"))
    findings.append(
        Finding(CLAUSE_MEASURE_2, MEASURE_2_CAPACITY, "区域内现有产能只减不增，排放量置换2:1")
    )
    if industry == STEEL and (
        project.short_process or "".join(project.industry.split()) in SHORT_PROCESS_INDUSTRIES
    ):
        findings.append(Finding(CLAUSE_MEASURE_2, MEASURE_2_EAF, "短流程炼钢执行差别化产能置换"))
    conditions.append("区域内现有产能只减不增，产能置换比例按相关规定执行")
    conditions.append("污染物排放量置换比例执行2:1（" + offset_condition + "）")
    findings.append(Finding(CLAUSE_GUARANTEE_3, AIR_GUARANTEE_3.quote, "新增排放量执行“倍量削减”"))
    return Screen("有条件", industry, tuple(findings), tuple(conditions))
