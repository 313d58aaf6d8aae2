"""Siting pre-screen: zone membership from the plan registry (air 附件1), the pure screen of
``envplan.standards.siting``, and the clauses quoted from the registry's measure texts.

The quotes of air 1 and 2 are taken from the plan registry: a quote is the sentence the screen
names when the registry's measure text contains it, else the whole measure text (an edited plan
still cites what it says). The 保障（三） quote comes from ``envplan.standards.offsets`` (the registry
holds measures, not the 保障措施 chapter).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envplan.plan import Plan, ZoneMatch, default_plan, zones_of
from envplan.services.access import Principal
from envplan.services.offsets import OffsetsDenied, readable_counties
from envplan.standards import siting
from envplan.standards.offsets import AIR_GUARANTEE_3
from envplan.store.enterprises import Enterprise
from envplan.store.offsets import EmissionRecord

KEY_CONTROL_ZONE = "key-control"
URBAN_10KM_ZONE = "urban-10km"
ANNEX_1_LABEL = "空气 附件1 名词解释"


class SitingError(ValueError):
    """Bad input to the screen (zh-CN)."""


@dataclass(frozen=True)
class SitingRequest:
    """A siting pre-screen request: the project's industry and flags, its town and village, and the
    county planning area membership declared by the office.
    """

    industry: str
    town: str
    village: str | None = None
    county_planning_area: siting.ZoneState = "unknown"
    new_capacity: bool = True
    relocation: bool = False
    short_process: bool = False
    capacity_replacement: bool = False
    high_end_casting: bool = False
    coal_consuming: bool = False
    project: str = ""


def _state(matches: list[ZoneMatch], zone_id: str) -> tuple[siting.ZoneState, ZoneMatch | None]:
    match = next((m for m in matches if m.zone_id == zone_id), None)
    if match is None:
        return "out", None
    return ("unknown" if match.coverage == "villages" else "in"), match


def _measure_clause(plan: Plan, measure_id: str, quote: str) -> tuple[str, str]:
    measure = next((m for m in plan.subplan("air").measures if m.id == measure_id), None)
    if measure is None:
        return f"空气 {measure_id}", quote
    label = f"空气 {measure.chapter} {measure.number}"
    return label, (quote if quote and quote in measure.text else measure.text)


def check_siting(request: SitingRequest, plan: Plan | None = None) -> dict[str, Any]:
    """``{"verdict", "clauses": [{"id", "clause", "quote", "reason"}], "conditions", "zones", …}``."""
    plan = plan or default_plan()
    if not request.industry.strip():
        raise SitingError("行业不能为空（如 钢铁、铸造、水泥、有色、焦化）")
    if not request.town.strip():
        raise SitingError("乡镇（街道）不能为空")
    village = (request.village or "").strip() or None
    matches = zones_of(plan, request.town.strip(), village)
    key_state, key_match = _state(matches, KEY_CONTROL_ZONE)
    urban_state, _ = _state(matches, URBAN_10KM_ZONE)
    project = siting.Project(
        industry=request.industry.strip(),
        new_capacity=request.new_capacity,
        relocation=request.relocation,
        short_process=request.short_process,
        capacity_replacement=request.capacity_replacement,
        high_end_casting=request.high_end_casting,
        coal_consuming=request.coal_consuming,
    )
    location = siting.Location(
        key_control=key_state,
        urban_10km=urban_state,
        county_planning_area=request.county_planning_area,
    )
    result = siting.screen(project, location)
    place = request.town.strip() + (village or "")
    clauses: list[dict[str, Any]] = []
    for finding in result.findings:
        if finding.clause_id == siting.CLAUSE_ANNEX_1:
            zone = next((z for z in plan.zones if z.id == KEY_CONTROL_ZONE), None)
            coverage = {"whole": "全域", "village": "列入", "villages": "部分村（社区）列入"}
            detail = coverage[key_match.coverage] if key_match else ""
            label, quote = (
                ANNEX_1_LABEL,
                f"{zone.name if zone else '市区周边重点管控区范围'}：{place}{detail}",
            )
        elif finding.clause_id == siting.CLAUSE_GUARANTEE_3:
            label, quote = AIR_GUARANTEE_3.clause, AIR_GUARANTEE_3.quote
        else:
            label, quote = _measure_clause(plan, finding.clause_id, finding.quote)
        clauses.append(
            {"id": finding.clause_id, "clause": label, "quote": quote, "reason": finding.reason}
        )
    return {
        "verdict": result.verdict,
        "clauses": clauses,
        "conditions": list(result.conditions),
        "industry": request.industry.strip(),
        "restricted_industry": result.industry,
        "place": place,
        "zones": [{"id": m.zone_id, "name": m.zone_name, "coverage": m.coverage} for m in matches],
        "document": f"{plan.document_number}（{plan.issued.isoformat()}）",
        "project": request.project,
    }


def enterprises_in_zones(
    session: Session, principal: Principal, plan: Plan | None = None
) -> dict[str, Any]:
    """Enterprises of the registry (and of the inventory, when not in the registry) inside the
    10 km zone and the key control zone (air 1, 附件1),
    each with how it is covered; those whose town is only partly listed and whose village is not
    given are listed under ``unresolved``."""
    plan = plan or default_plan()
    allowed = readable_counties(principal)
    if allowed is not None and not allowed:
        raise OffsetsDenied(f"无权查看企业名单：用户 {principal.username}")
    places: dict[str, dict[str, Any]] = {}
    registry = select(Enterprise).order_by(Enterprise.county, Enterprise.name)
    if allowed is not None:
        registry = registry.where(Enterprise.county.in_(sorted(allowed)))
    for enterprise in session.scalars(registry):
        places[enterprise.credit_code] = {
            "name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "county": enterprise.county,
            "town": enterprise.town,
            "village": enterprise.village,
            "industry": enterprise.industry,
            "is_demo": enterprise.is_demo,
            "origin": "企业名录",
        }
    latest = (
        select(EmissionRecord.enterprise_key, func.max(EmissionRecord.year).label("year"))
        .group_by(EmissionRecord.enterprise_key)
        .subquery()
    )
    query = (
        select(EmissionRecord)
        .join(
            latest,
            (latest.c.enterprise_key == EmissionRecord.enterprise_key)
            & (latest.c.year == EmissionRecord.year),
        )
        .order_by(EmissionRecord.county, EmissionRecord.enterprise_name)
    )
    if allowed is not None:
        query = query.where(EmissionRecord.county.in_(allowed))
    for record in session.scalars(query):
        places.setdefault(
            record.enterprise_key,
            {
                "name": record.enterprise_name,
                "credit_code": record.credit_code,
                "county": record.county,
                "town": record.town,
                "village": record.village,
                "industry": record.industry,
                "is_demo": record.is_demo,
                "origin": "排放清单",
            },
        )
    zones: dict[str, list[dict[str, Any]]] = {URBAN_10KM_ZONE: [], KEY_CONTROL_ZONE: []}
    unresolved: list[dict[str, Any]] = []
    for entry in sorted(places.values(), key=lambda e: (e["county"], e["name"])):
        if not entry["town"]:
            continue
        for match in zones_of(plan, entry["town"], entry["village"] or None):
            if match.coverage == "villages":
                unresolved.append(entry | {"zone": match.zone_name})
            elif match.zone_id in zones:
                zones[match.zone_id].append(entry | {"coverage": match.coverage})
    names = {z.id: z.name for z in plan.zones}
    return {
        "zones": [
            {"id": zone_id, "name": names.get(zone_id, zone_id), "enterprises": rows}
            for zone_id, rows in zones.items()
        ],
        "unresolved": unresolved,
        "source": "企业名录（排污单位）及排放清单中的企业，按所填乡镇、村对照附件1",
    }
