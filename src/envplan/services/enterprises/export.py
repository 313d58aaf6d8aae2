"""The registry export use case: the enterprises a principal may read, gathered once into plain
rows for :mod:`envplan.reports.enterprises_xlsx` (the CLI and any page call this same function).

Per enterprise the row carries the facts of the import layout (``COLUMNS``): the latest year with
emissions and that year's tonnes per pollutant, the grade in force, the per-level production cut
shares and the first non-empty measure text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, Principal
from envplan.services.enterprises.registry import current_grade, list_enterprises
from envplan.store.enterprises import Enterprise


@dataclass(frozen=True)
class RegistryRow:
    """One enterprise in the import layout's terms (the renderer only formats and places).

    Parameters
    ----------
    credit_code, name, county, industry, permit_number, town, village : str
        The enterprise's registry facts.
    lon, lat : float or None
        Location [degrees, WGS 84].
    lines : tuple of (str, str)
        Production lines as (name, capacity or "").
    year : int or None
        Latest year with emissions (None = no emission recorded).
    source : str
        Data source of that year.
    tonnes : dict of str to float
        Pollutant to emission of ``year`` [t/a].
    grade : str or None
        Grade in force.
    graded_on : datetime.date or None
        Date of that grading.
    grade_body : str or None
        Body that graded it.
    clean_transport, gate_system : bool
        清洁运输, 门禁系统.
    cut_shares : dict of str to float
        Warning level to share of production stopped (0…1).
    measure_text : str or None
        First non-empty measure text, by level.
    is_demo : bool
        Whether the enterprise is 示例 data.
    """

    credit_code: str
    name: str
    county: str
    industry: str
    permit_number: str = ""
    town: str = ""
    village: str = ""
    lon: float | None = None
    lat: float | None = None
    lines: tuple[tuple[str, str], ...] = ()  # (name, capacity or "")
    year: int | None = None  # latest year with emissions
    source: str = ""  # data source of that year
    tonnes: dict[str, float] = field(default_factory=dict)  # pollutant -> t/a of ``year``
    grade: str | None = None
    graded_on: dt.date | None = None
    grade_body: str | None = None
    clean_transport: bool = False
    gate_system: bool = False
    cut_shares: dict[str, float] = field(default_factory=dict)  # level -> share 0…1
    measure_text: str | None = None
    is_demo: bool = False


@dataclass(frozen=True)
class RegistryExport:
    """The registry as plain rows for the Excel renderer (:func:`registry_export`).

    Parameters
    ----------
    rows : tuple of RegistryRow
        One row per enterprise, by county then name.
    """

    rows: tuple[RegistryRow, ...]

    @property
    def demo(self) -> bool:
        """Whether any row is 示例 data (the document then carries the demo mark)."""
        return any(r.is_demo for r in self.rows)


def registry_row(enterprise: Enterprise) -> RegistryRow:
    grade = current_grade(enterprise)
    years = sorted({x.year for x in enterprise.emissions})
    year = years[-1] if years else None
    chosen = sorted((x for x in enterprise.emissions if x.year == year), key=lambda x: x.pollutant)
    measures = sorted(enterprise.measures, key=lambda m: m.level)
    return RegistryRow(
        credit_code=enterprise.credit_code,
        name=enterprise.name,
        county=enterprise.county,
        industry=enterprise.industry,
        permit_number=enterprise.permit_number,
        town=enterprise.town,
        village=enterprise.village,
        lon=enterprise.lon,
        lat=enterprise.lat,
        lines=tuple((ln.name, ln.capacity or "") for ln in enterprise.lines),
        year=year,
        source=chosen[0].source if chosen else "",
        tonnes={x.pollutant: x.tonnes for x in chosen},
        grade=grade.grade if grade else None,
        graded_on=grade.graded_on if grade else None,
        grade_body=grade.body if grade else None,
        clean_transport=enterprise.clean_transport,
        gate_system=enterprise.gate_system,
        cut_shares={m.level: m.cut_share for m in measures},
        measure_text=next((m.text for m in measures if m.text), None),
        is_demo=enterprise.is_demo,
    )


def registry_export(
    session: Session, *, county: str | None = None, principal: Principal = SYSTEM
) -> RegistryExport:
    """The registry rows ``principal`` may read (optionally one county), in registry order.

    Parameters
    ----------
    session : Session
        Open database session.
    county : str or None
        Only this county (None = every county the principal reads).
    principal : Principal
        The acting user (default: ``SYSTEM``).

    Returns
    -------
    RegistryExport
        One :class:`RegistryRow` per enterprise, by county then name.
    """
    enterprises = list_enterprises(session, county=county, principal=principal)
    return RegistryExport(tuple(registry_row(e) for e in enterprises))
