"""The emergency-reduction list (应急减排清单) of one warning level, checked against the national
minimum share of the society-wide emissions.

Per enterprise: its grade in force, the measure (guide table, its own 一厂一策 plan, or 自主减排 for
A / 引领性), 错峰运输 when it has no clean transport (空气 13), and the reduction of each pollutant
[t/d] = annual emission [t/a] / 365 × share of production stopped. The share of a pollutant is the
sum of those reductions over the society-wide daily emission (total [t/a] / 365); the level's
minimum comes from 环办大气函〔2019〕648号 (``standards.emergency.MINIMUM_SHARES``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, AccessDenied, Principal, Role
from envplan.services.enterprises import (
    current_grade,
    latest_emissions,
    list_enterprises,
)
from envplan.standards.emergency import (
    DAYS_PER_YEAR,
    LEVEL_NAMES,
    MINIMUM_SHARES,
    W2019_SHARES,
    resolve_measure,
)
from envplan.store import audit
from envplan.store.enterprises import POLLUTANTS, EmissionTotal


class EmergencyError(ValueError):
    """An emergency list cannot be built (zh-CN message)."""

    pass


@dataclass(frozen=True)
class ListedEnterprise:
    """One enterprise of an emergency list: identity, grade, its measures and their basis, the cut share
    [0…1], the reductions [t/d] from the annual emissions used [t/a], and notes.
    """

    credit_code: str
    name: str
    county: str
    town: str
    industry: str
    grade: str | None
    measures: list[str]
    basis: str
    cut_share: float
    reductions: dict[str, float]  # [t/d]
    annual: dict[str, float]  # [t/a] used
    notes: list[str]
    lon: float | None
    lat: float | None
    is_demo: bool


@dataclass(frozen=True)
class EmergencyList:
    """The emergency-reduction list of a level and year: the listed enterprises with their reductions
    [t/d], the society-wide totals [t/d; t/a] and their source, the reduced share per pollutant
    against the national minimum ``required`` and the shortfall when it is not met.
    """

    level: str
    year: int
    county: str | None
    enterprises: list[ListedEnterprise]
    totals: dict[str, float]  # society-wide [t/d]
    totals_annual: dict[str, float]  # [t/a]
    totals_source: str
    reduced: dict[str, float]  # [t/d]
    share: dict[str, float]
    required: float
    meets: bool
    shortfall: dict[str, dict[str, float]]  # pollutant -> {"share": pp, "tonnes_per_day": t/d}

    def contract(self) -> dict[str, Any]:
        """The JSON object of ``envplan emergency list --json`` (stable contract)."""
        return {
            "level": self.level,
            "level_name": LEVEL_NAMES[self.level],
            "year": self.year,
            "county": self.county,
            "enterprises": [
                {
                    "credit_code": e.credit_code,
                    "name": e.name,
                    "county": e.county,
                    "industry": e.industry,
                    "grade": e.grade,
                    "measures": e.measures,
                    "basis": e.basis,
                    "cut_share": e.cut_share,
                    "reductions": {p: round(v, 6) for p, v in e.reductions.items()},
                    "annual_emissions": e.annual,
                    "notes": e.notes,
                }
                for e in self.enterprises
            ],
            "totals": {p: round(v, 6) for p, v in self.totals.items()},
            "totals_unit": "t/d",
            "totals_annual": self.totals_annual,
            "totals_source": self.totals_source,
            "reduced": {p: round(v, 6) for p, v in self.reduced.items()},
            "share": {p: round(v, 6) for p, v in self.share.items()},
            "required": self.required,
            "required_source": W2019_SHARES.text(),
            "meets": self.meets,
            "shortfall": self.shortfall,
            "message": self.message(),
        }

    def message(self) -> str:
        """The zh-CN verdict: the list meets the minimum share, or by how much it falls short."""
        name = LEVEL_NAMES[self.level]
        if self.meets:
            return f"{name}减排清单达到全社会排放量 {self.required:.0%} 的最低减排比例"
        parts = [
            f"{p} 差 {v['share']:.2f} 个百分点（{v['tonnes_per_day']:.3f} 吨/日）"
            for p, v in self.shortfall.items()
        ]
        return f"{name}减排清单未达到最低减排比例 {self.required:.0%}：" + "；".join(parts)


def set_totals(
    session: Session,
    year: int,
    tonnes: dict[str, float],
    *,
    source: str,
    principal: Principal = SYSTEM,
    is_demo: bool = False,
) -> None:
    """Record the society-wide annual emissions [t/a] of a year (bureau only, audited)."""
    if principal.role is not Role.ADMIN:
        raise AccessDenied(f"只有局管理员可以登记全社会排放总量（用户 {principal.username}）")
    for pollutant, value in tonnes.items():
        if pollutant not in POLLUTANTS:
            raise EmergencyError(f"未知污染物 {pollutant}（可选：{'、'.join(POLLUTANTS)}）")
        if not value > 0:
            raise EmergencyError(f"{pollutant} 全社会排放总量应为正数（吨/年），实为 {value}")
    for pollutant, value in tonnes.items():
        row = session.scalar(
            select(EmissionTotal).where(
                EmissionTotal.year == year, EmissionTotal.pollutant == pollutant
            )
        )
        before = None if row is None else {"tonnes": row.tonnes, "source": row.source}
        if row is None:
            row = EmissionTotal(year=year, pollutant=pollutant, is_demo=is_demo)
            session.add(row)
        row.tonnes, row.source = float(value), source
        session.flush()
        audit.append(
            session,
            actor=principal.username,
            action="emission_total.set",
            entity="emission_total",
            entity_id=f"{year}-{pollutant}",
            before=before,
            after={"tonnes": float(value), "source": source},
        )


def _totals(session: Session, year: int | None) -> tuple[int, dict[str, float], str]:
    rows = list(session.scalars(select(EmissionTotal)))
    if not rows:
        raise EmergencyError(
            "尚未登记全社会排放总量（源排放清单），无法核算减排比例：请先运行 "
            "envplan emergency totals --year 年份 --so2 … --nox … --pm … --vocs …"
        )
    wanted = max(r.year for r in rows) if year is None else year
    chosen = [r for r in rows if r.year == wanted]
    missing = [p for p in POLLUTANTS if p not in {r.pollutant for r in chosen}]
    if missing:
        raise EmergencyError(f"{wanted} 年全社会排放总量缺少 {'、'.join(missing)}")
    source = "；".join(sorted({r.source for r in chosen if r.source}))
    return wanted, {r.pollutant: r.tonnes for r in chosen}, source


def build_list(
    session: Session,
    level: str,
    *,
    county: str | None = None,
    year: int | None = None,
    as_of: dt.date | None = None,
    principal: Principal = SYSTEM,
) -> EmergencyList:
    """The list of ``level`` (yellow | orange | red) over the principal's enterprises.

    ``year``: emission year of the totals and of each enterprise (default: latest totals year;
    an enterprise without that year uses its latest). The shares are judged city-wide unless
    ``county`` is given (then the totals are still the city's: the share is the county's part).
    """
    if level not in MINIMUM_SHARES:
        raise EmergencyError(f"预警级别应为 yellow、orange 或 red，收到：{level}")
    year, annual_totals, source = _totals(session, year)
    enterprises = list_enterprises(session, county=county, principal=principal)
    listed: list[ListedEnterprise] = []
    for ent in enterprises:
        grade_row = current_grade(ent, as_of=as_of)
        grade = grade_row.grade if grade_row else None
        own = next(((m.cut_share, m.text) for m in ent.measures if m.level == level), None)
        measure = resolve_measure(ent.industry, grade, level, own)
        emissions = latest_emissions(ent, year=year)
        if not any(emissions.values()):
            emissions = latest_emissions(ent)
        measures = [measure.text]
        notes = list(measure.notes)
        if not ent.clean_transport:
            measures.append("错峰运输（未达到清洁运输要求，空气计划第13项）")
        if grade in ("A", "引领性", "B", "B-") and not ent.gate_system:
            notes.append("B级及以上（含引领性）企业未建门禁视频系统并联网（空气计划第13项）")
        listed.append(
            ListedEnterprise(
                credit_code=ent.credit_code,
                name=ent.name,
                county=ent.county,
                town=ent.town,
                industry=ent.industry,
                grade=grade,
                measures=measures,
                basis=measure.basis,
                cut_share=measure.cut_share,
                reductions={},
                annual=emissions,
                notes=notes,
                lon=ent.lon,
                lat=ent.lat,
                is_demo=ent.is_demo,
            )
        )
    # Vectorised reduction: (enterprises × pollutants) annual [t/a] × cut / 365 → [t/d].
    annual = np.array([[e.annual[p] for p in POLLUTANTS] for e in listed], dtype=np.float64)
    cuts = np.array([e.cut_share for e in listed], dtype=np.float64)
    daily = (annual.reshape(-1, len(POLLUTANTS)) * cuts.reshape(-1, 1)) / DAYS_PER_YEAR
    for row, entry in zip(daily, listed, strict=True):
        entry.reductions.update({p: float(v) for p, v in zip(POLLUTANTS, row, strict=True)})
    reduced_arr = daily.sum(axis=0) if len(listed) else np.zeros(len(POLLUTANTS))
    totals = {p: annual_totals[p] / DAYS_PER_YEAR for p in POLLUTANTS}
    reduced = {p: float(v) for p, v in zip(POLLUTANTS, reduced_arr, strict=True)}
    share = {p: reduced[p] / totals[p] for p in POLLUTANTS}
    required = MINIMUM_SHARES[level]
    shortfall = {
        p: {
            "share": round((required - share[p]) * 100, 4),
            "tonnes_per_day": round(required * totals[p] - reduced[p], 6),
        }
        for p in POLLUTANTS
        if share[p] < required
    }
    return EmergencyList(
        level=level,
        year=year,
        county=county,
        enterprises=listed,
        totals=totals,
        totals_annual=annual_totals,
        totals_source=source,
        reduced=reduced,
        share=share,
        required=required,
        meets=not shortfall,
        shortfall=shortfall,
    )
