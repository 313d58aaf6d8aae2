"""The enterprise registry (排污单位名录): read, create, update, grade, history — audited, scoped.

Scope (reusing ``services.access``): a bureau admin sees and edits every enterprise; a viewer
reads every enterprise; a county clerk reads and edits only the enterprises of its county
(``Enterprise.county`` equals the clerk's county); unit roles have no access to the registry.
Every write goes into the audit chain (entity ``enterprise``, id = credit code), which is also
the enterprise's change history.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from envplan.plan import default_plan, zones_of
from envplan.services.access import SYSTEM, AccessDenied, Action, Principal, Role, allowed
from envplan.standards.enterprises import credit_code_problem, normalise_credit_code
from envplan.store import audit
from envplan.store.enterprises import (
    POLLUTANTS,
    AnnualEmission,
    EmergencyMeasure,
    Enterprise,
    GradeRecord,
    ProductionLine,
)
from envplan.store.models import AuditEntry

AUDIT_ENTITY = "enterprise"

#: The 39 key industries of 《重点行业重污染天气应急减排措施制定技术指南（2020年修订版）》
#: (环办大气函〔2020〕340号, its table of contents), in the guide's order.
KEY_INDUSTRIES = (
    "长流程联合钢铁", "短流程钢铁", "铁合金", "焦化", "石灰窑", "铸造", "氧化铝", "电解铝",
    "炭素", "铜冶炼", "铅锌冶炼", "钼冶炼", "再生铜铝铅锌", "有色金属压延", "水泥", "砖瓦窑",
    "陶瓷", "耐火材料", "玻璃", "岩矿棉", "玻璃钢", "炼油与石油化工", "炭黑制造", "煤制氮肥",
    "制药", "农药制造", "涂料制造", "油墨制造", "纤维素醚", "包装印刷", "人造板制造",
    "塑料人造革与合成革制造", "橡胶制品制造", "制鞋", "家具制造", "汽车整车制造",
    "工程机械整机制造", "工业涂装", "防水建筑材料制造",
)  # fmt: skip
OTHER_INDUSTRY = "其他"
#: The accepted 行业类别: :data:`KEY_INDUSTRIES` plus 其他 for every other emitting industry.
INDUSTRIES = (*KEY_INDUSTRIES, OTHER_INDUSTRY)
#: Grades of the guide (A, B, C, D; B- as some provinces, e.g. Shanxi, publish it; 引领性 for the
#: industries that have no A/B/C/D split) and 非重点 for an enterprise outside the 39 industries.
GRADES = ("A", "引领性", "B", "B-", "C", "D", "非重点")


class EnterpriseError(ValueError):
    """Invalid input for the registry (zh-CN message naming the field)."""


class EnterpriseNotFound(LookupError):
    """No enterprise has the given 统一社会信用代码 (zh-CN message naming the code)."""


class EnterpriseConflict(RuntimeError):
    """The enterprise was changed by someone else since it was read (stale ``version``)."""


@dataclass(frozen=True)
class EmissionInput:
    """One year's emission of one pollutant, as an import row or a form gives it.

    Parameters
    ----------
    year : int
        Emission year (1990–2100).
    pollutant : str
        ``SO2``, ``NOx``, ``PM`` or ``VOCs``.
    tonnes : float
        Annual emission [t/a], non-negative.
    source : str
        Where the figure comes from (数据来源, free text).
    """

    year: int
    pollutant: str  # SO2 | NOx | PM | VOCs
    tonnes: float  # [t/a]
    source: str = ""


@dataclass(frozen=True)
class GradeInput:
    """One performance grading (绩效分级) of an enterprise.

    Parameters
    ----------
    grade : str
        One of :data:`GRADES`.
    graded_on : datetime.date
        Date of the grading; the grade in force is the latest one not after a given day.
    body : str
        The grading body (评级单位).
    note : str
        Free remark.
    """

    grade: str
    graded_on: dt.date
    body: str = ""
    note: str = ""


@dataclass(frozen=True)
class EnterpriseInput:
    """Everything an import row or a form gives for one enterprise."""

    credit_code: str
    name: str
    county: str
    industry: str
    permit_number: str = ""
    town: str = ""
    village: str = ""
    lon: float | None = None
    lat: float | None = None
    clean_transport: bool = False
    gate_system: bool = False
    lines: tuple[tuple[str, str], ...] = ()  # (name, capacity)
    emissions: tuple[EmissionInput, ...] = ()
    grade: GradeInput | None = None
    measures: dict[str, tuple[float, str]] = field(default_factory=dict)  # level -> (cut, text)


# --- scope -------------------------------------------------------------------------------------


def can_access(principal: Principal, action: Action, county: str) -> bool:
    """Whether ``principal`` may ``action`` (READ or REPORT = edit) an enterprise of ``county``."""
    if principal.role in (Role.UNIT_CLERK, Role.UNIT_LEADER):
        return False
    own = principal.role is Role.ADMIN or (
        principal.role is Role.COUNTY_CLERK and principal.county == county
    )
    return allowed(principal, action, own=own)


def _require(principal: Principal, action: Action, county: str, what: str) -> None:
    if not can_access(principal, action, county):
        verb = "查看" if action is Action.READ else "修改"
        raise AccessDenied(
            f"无权{verb}{what}（{county}）：用户 {principal.username} 只能"
            + (f"管理{principal.county}的企业" if principal.county else "查看本人权限内的企业")
        )


def visible_counties(principal: Principal) -> set[str] | None:
    """Counties whose enterprises the principal reads (None = all)."""
    if principal.role in (Role.ADMIN, Role.VIEWER):
        return None
    if principal.role is Role.COUNTY_CLERK and principal.county:
        return {principal.county}
    return set()


# --- reads -------------------------------------------------------------------------------------


def _query() -> Any:
    return select(Enterprise).options(
        selectinload(Enterprise.lines),
        selectinload(Enterprise.emissions),
        selectinload(Enterprise.grades),
        selectinload(Enterprise.measures),
    )


def find_enterprise(
    session: Session, credit_code: str, *, principal: Principal = SYSTEM
) -> Enterprise | None:
    """The enterprise with this credit code, or None (AccessDenied outside the scope).

    Parameters
    ----------
    session : Session
        Open database session.
    credit_code : str
        统一社会信用代码 (trimmed, upper-cased, full-width characters folded).
    principal : Principal
        The acting user (``AccessDenied`` outside its scope; default ``SYSTEM``).

    Returns
    -------
    Enterprise or None
    """
    code = normalise_credit_code(credit_code)
    enterprise = session.scalar(_query().where(Enterprise.credit_code == code))
    if enterprise is not None:
        _require(principal, Action.READ, enterprise.county, f"企业 {enterprise.name}")
    return enterprise  # type: ignore[no-any-return]


def get_enterprise(
    session: Session, credit_code: str, *, principal: Principal = SYSTEM
) -> Enterprise:
    """The enterprise with this credit code; :class:`EnterpriseNotFound` if there is none.

    Parameters
    ----------
    session : Session
        Open database session.
    credit_code : str
        统一社会信用代码 (trimmed, upper-cased, full-width characters folded).
    principal : Principal
        The acting user (``AccessDenied`` outside its scope; default ``SYSTEM``).

    Returns
    -------
    Enterprise
    """
    enterprise = find_enterprise(session, credit_code, principal=principal)
    if enterprise is None:
        raise EnterpriseNotFound(f"企业不存在：统一社会信用代码 {credit_code}")
    return enterprise


def list_enterprises(
    session: Session,
    *,
    county: str | None = None,
    industry: str | None = None,
    principal: Principal = SYSTEM,
) -> list[Enterprise]:
    """Enterprises in the principal's scope (optionally one county / industry), by county, name.

    Parameters
    ----------
    session : Session
        Open database session.
    county : str or None
        Only this county (None = every county of the scope).
    industry : str or None
        Only this 行业类别 (None = every industry).
    principal : Principal
        The acting user: only the counties it reads (default ``SYSTEM``).

    Returns
    -------
    list of Enterprise
    """
    stmt = _query().order_by(Enterprise.county, Enterprise.name)
    scope = visible_counties(principal)
    if scope is not None:
        stmt = stmt.where(Enterprise.county.in_(sorted(scope)))
    if county is not None:
        stmt = stmt.where(Enterprise.county == county)
    if industry is not None:
        stmt = stmt.where(Enterprise.industry == industry)
    return list(session.scalars(stmt))


def current_grade(enterprise: Enterprise, *, as_of: dt.date | None = None) -> GradeRecord | None:
    """The grade in force (the latest graded_on not after ``as_of``; ties: the later record)."""
    rows = [g for g in enterprise.grades if as_of is None or g.graded_on <= as_of]
    return max(rows, key=lambda g: (g.graded_on, g.id)) if rows else None


def latest_emissions(enterprise: Enterprise, *, year: int | None = None) -> dict[str, float]:
    """{pollutant: t/a} of ``year`` (default: the latest year with data); missing = 0."""
    years = [e.year for e in enterprise.emissions]
    if not years:
        return dict.fromkeys(POLLUTANTS, 0.0)
    wanted = max(years) if year is None else year
    out = dict.fromkeys(POLLUTANTS, 0.0)
    for row in enterprise.emissions:
        if row.year == wanted:
            out[row.pollutant] = row.tonnes
    return out


def enterprise_zones(enterprise: Enterprise) -> list[str]:
    """Names of the plan's zones the enterprise's town/village lies in (空气计划附件1)."""
    if not enterprise.town:
        return []
    matches = zones_of(default_plan(), enterprise.town, enterprise.village or None)
    return [m.zone_name for m in matches if m.coverage != "villages"]


def enterprise_dict(enterprise: Enterprise) -> dict[str, Any]:
    """Plain data of one enterprise (the export, the API, the audit 'after' value)."""
    grade = current_grade(enterprise)
    return {
        "credit_code": enterprise.credit_code,
        "name": enterprise.name,
        "permit_number": enterprise.permit_number,
        "county": enterprise.county,
        "town": enterprise.town,
        "village": enterprise.village,
        "industry": enterprise.industry,
        "lon": enterprise.lon,
        "lat": enterprise.lat,
        "clean_transport": enterprise.clean_transport,
        "gate_system": enterprise.gate_system,
        "grade": grade.grade if grade else None,
        "graded_on": grade.graded_on.isoformat() if grade else None,
        "grade_body": grade.body if grade else None,
        "lines": [{"name": ln.name, "capacity": ln.capacity} for ln in enterprise.lines],
        "emissions": [
            {"year": e.year, "pollutant": e.pollutant, "tonnes": e.tonnes, "source": e.source}
            for e in sorted(enterprise.emissions, key=lambda e: (e.year, e.pollutant))
        ],
        "measures": {
            m.level: {"cut_share": m.cut_share, "text": m.text}
            for m in sorted(enterprise.measures, key=lambda m: m.level)
        },
        "is_demo": enterprise.is_demo,
    }


def enterprise_history(
    session: Session, credit_code: str, *, principal: Principal = SYSTEM
) -> list[dict[str, Any]]:
    """Every audited change of the enterprise, oldest first (from the audit chain)."""
    enterprise = get_enterprise(session, credit_code, principal=principal)
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == AUDIT_ENTITY, AuditEntry.entity_id == enterprise.credit_code)
        .order_by(AuditEntry.seq)
    )
    return [
        {
            "seq": r.seq,
            "at": r.at,
            "actor": r.actor,
            "action": r.action,
            "before": json.loads(r.before) if r.before else None,
            "after": json.loads(r.after) if r.after else None,
        }
        for r in rows
    ]


# --- validation --------------------------------------------------------------------------------


def county_names() -> tuple[str, ...]:
    """The plan's county-level areas, the accepted values of an enterprise's county.

    Returns
    -------
    tuple of str
        County names in the plan's order (城区, 泽州县 …).
    """
    return tuple(c.name for c in default_plan().counties)


def validate_input(item: EnterpriseInput) -> list[tuple[str, str]]:
    """Problems of one input as (field, zh-CN reason); empty when valid."""
    problems: list[tuple[str, str]] = []
    code_problem = credit_code_problem(item.credit_code)
    if code_problem:
        problems.append(("统一社会信用代码", f"{item.credit_code or '（空）'}：{code_problem}"))
    if not item.name.strip():
        problems.append(("企业名称", "不能为空"))
    if item.county not in county_names():
        problems.append(
            (
                "县（市、区）",
                f"未知：{item.county or '（空）'}（可选：{'、'.join(county_names())}）",
            )
        )
    if item.industry not in INDUSTRIES:
        problems.append(("行业类别", f"未知：{item.industry or '（空）'}（39 个重点行业或 其他）"))
    if (item.lon is None) != (item.lat is None):
        problems.append(("经度/纬度", "经度和纬度须同时填写"))
    if item.lon is not None and not (73.0 <= item.lon <= 136.0):
        problems.append(("经度", f"{item.lon} 不在中国范围（73–136°E）"))
    if item.lat is not None and not (3.0 <= item.lat <= 54.0):
        problems.append(("纬度", f"{item.lat} 不在中国范围（3–54°N）"))
    for e in item.emissions:
        if e.pollutant not in POLLUTANTS:
            problems.append(("排放量", f"未知污染物 {e.pollutant}"))
        if not (e.tonnes >= 0.0):
            problems.append((f"{e.pollutant} 排放量", f"应为非负数（吨/年），实为 {e.tonnes}"))
        if not (1990 <= e.year <= 2100):
            problems.append(("排放年份", f"{e.year} 不是有效年份"))
    if item.grade is not None and item.grade.grade not in GRADES:
        problems.append(("绩效级别", f"未知：{item.grade.grade}（可选：{'、'.join(GRADES)}）"))
    for level, (cut, _text) in item.measures.items():
        if not (0.0 <= cut <= 1.0):
            problems.append((f"{level} 限产比例", f"应在 0–100% 之间，实为 {cut * 100:g}%"))
    return problems


# --- writes ------------------------------------------------------------------------------------


def _apply(enterprise: Enterprise, item: EnterpriseInput) -> None:
    enterprise.name = item.name.strip()
    enterprise.permit_number = item.permit_number
    enterprise.county = item.county
    enterprise.town = item.town
    enterprise.village = item.village
    enterprise.industry = item.industry
    enterprise.lon = item.lon
    enterprise.lat = item.lat
    enterprise.clean_transport = item.clean_transport
    enterprise.gate_system = item.gate_system
    if item.lines:
        by_name = {ln.name: ln for ln in enterprise.lines}
        wanted = dict(item.lines)
        for name, capacity in item.lines:
            if name in by_name:
                by_name[name].capacity = capacity
            else:
                enterprise.lines.append(ProductionLine(name=name, capacity=capacity))
        for line in [ln for ln in enterprise.lines if ln.name not in wanted]:
            enterprise.lines.remove(line)
    by_key = {(e.year, e.pollutant): e for e in enterprise.emissions}
    for e in item.emissions:
        row = by_key.get((e.year, e.pollutant))
        if row is None:
            enterprise.emissions.append(
                AnnualEmission(year=e.year, pollutant=e.pollutant, tonnes=e.tonnes, source=e.source)
            )
        else:
            row.tonnes, row.source = e.tonnes, e.source
    if item.measures:
        by_level = {m.level: m for m in enterprise.measures}
        for level, (cut, text) in sorted(item.measures.items()):
            if level in by_level:
                by_level[level].cut_share, by_level[level].text = cut, text
            else:
                enterprise.measures.append(EmergencyMeasure(level=level, cut_share=cut, text=text))
        for measure in [m for m in enterprise.measures if m.level not in item.measures]:
            enterprise.measures.remove(measure)


def save_enterprise(
    session: Session,
    item: EnterpriseInput,
    *,
    principal: Principal = SYSTEM,
    expected_version: int | None = None,
    is_demo: bool = False,
) -> Enterprise:
    """Create the enterprise or update it (by credit code), audited, in the caller's transaction.

    A county clerk may only write enterprises of its county (and may not move one out of it).
    ``expected_version``: refuse with :class:`EnterpriseConflict` if the row changed meanwhile.

    Parameters
    ----------
    session : Session
        Open database session.
    item : EnterpriseInput
        The enterprise's facts (normalised and validated first).
    principal : Principal
        The acting user (default: ``SYSTEM``).
    expected_version : int or None
        Version the user read (None = no check).
    is_demo : bool
        Mark a new enterprise and its grading as 示例 data.

    Returns
    -------
    Enterprise
        The saved enterprise (flushed, not committed).

    Raises
    ------
    EnterpriseError
        The input is invalid (every problem in the message).
    EnterpriseConflict
        ``expected_version`` is not the stored version.
    """
    item = _normalised(item)
    problems = validate_input(item)
    if problems:
        raise EnterpriseError("；".join(f"{f}：{r}" for f, r in problems))
    existing = session.scalar(_query().where(Enterprise.credit_code == item.credit_code))
    _require(principal, Action.REPORT, item.county, f"企业 {item.name}")
    before: dict[str, Any] | None = None
    if existing is None:
        enterprise = Enterprise(credit_code=item.credit_code, is_demo=is_demo, version=1)
        session.add(enterprise)
    else:
        _require(principal, Action.REPORT, existing.county, f"企业 {existing.name}")
        if expected_version is not None and existing.version != expected_version:
            raise EnterpriseConflict(
                f"企业 {existing.name} 已被他人修改（版本 {existing.version}，"
                f"您看到的是 {expected_version}），请刷新后重试"
            )
        before = enterprise_dict(existing)
        enterprise = existing
        enterprise.version += 1
        enterprise.updated_at = dt.datetime.now(dt.UTC)
    _apply(enterprise, item)
    session.flush()
    grade = current_grade(enterprise)
    if item.grade is not None and (
        grade is None
        or (grade.grade, grade.graded_on, grade.body)
        != (item.grade.grade, item.grade.graded_on, item.grade.body)
    ):
        session.add(
            GradeRecord(
                enterprise=enterprise,
                grade=item.grade.grade,
                graded_on=item.grade.graded_on,
                body=item.grade.body,
                note=item.grade.note,
                is_demo=is_demo,
            )
        )
        session.flush()
        session.refresh(enterprise, ["grades"])
    after = enterprise_dict(enterprise)
    if before != after:
        audit.append(
            session,
            actor=principal.username,
            action="enterprise.create" if existing is None else "enterprise.update",
            entity=AUDIT_ENTITY,
            entity_id=enterprise.credit_code,
            before=before,
            after=after,
        )
    return enterprise


def record_grade(
    session: Session,
    credit_code: str,
    grade: GradeInput,
    *,
    principal: Principal = SYSTEM,
) -> GradeRecord:
    """Add a grading result to the enterprise's history (audited).

    Parameters
    ----------
    session : Session
        Open database session.
    credit_code : str
        统一社会信用代码 (trimmed, upper-cased, full-width characters folded).
    grade : GradeInput
        The grading; its grade must be one of :data:`GRADES`.
    principal : Principal
        The acting user (``AccessDenied`` outside its scope; default ``SYSTEM``).

    Returns
    -------
    GradeRecord
        The new record (flushed, not committed).
    """
    if grade.grade not in GRADES:
        raise EnterpriseError(f"绩效级别：未知 {grade.grade}（可选：{'、'.join(GRADES)}）")
    enterprise = get_enterprise(session, credit_code, principal=principal)
    _require(principal, Action.REPORT, enterprise.county, f"企业 {enterprise.name}")
    before = current_grade(enterprise)
    record = GradeRecord(
        enterprise=enterprise,
        grade=grade.grade,
        graded_on=grade.graded_on,
        body=grade.body,
        note=grade.note,
    )
    session.add(record)
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action="enterprise.grade",
        entity=AUDIT_ENTITY,
        entity_id=enterprise.credit_code,
        before={"grade": before.grade, "graded_on": before.graded_on} if before else None,
        after={"grade": grade.grade, "graded_on": grade.graded_on, "body": grade.body},
    )
    return record


def _normalised(item: EnterpriseInput) -> EnterpriseInput:
    return replace(
        item,
        credit_code=normalise_credit_code(item.credit_code),
        name=item.name.strip(),
        county=item.county.strip(),
        industry=item.industry.strip(),
    )


def save_many(
    session: Session,
    items: Sequence[EnterpriseInput],
    *,
    principal: Principal = SYSTEM,
    is_demo: bool = False,
) -> list[Enterprise]:
    """Save several validated inputs in the caller's transaction (used by the import and demo)."""
    return [save_enterprise(session, item, principal=principal, is_demo=is_demo) for item in items]
