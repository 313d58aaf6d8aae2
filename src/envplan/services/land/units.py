"""Soil key supervised units (土壤污染重点监管单位, 土壤 12): the list and the tracked duties with
the plan's deadlines — hidden-danger investigation (2021年底前; a new unit within one year),
yearly self-monitoring plan and results, demolition plans, the permit-clause check, and automatic
monitoring by 2025 for heavy-metal units.

The duties live in the land registry's own table (``land_duties``) with status and light, not in
the supervision occurrences: the supervision services are being restructured by another engineer,
and a unit's duty here belongs to an enterprise, not to a responsible department.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, Action, Principal
from envplan.services.land.common import (
    LandError,
    LandNotFound,
    check_county,
    iso,
    require_county,
    store_evidence,
)
from envplan.services.land.links import enterprise_facts
from envplan.standards.enterprises import credit_code_problem, normalise_credit_code
from envplan.standards.land.key_units import (
    AUTO_MONITORING_DUE,
    DUTY_LABELS,
    LIGHT_LABELS,
    RULES,
    DutyKind,
    duty_status,
    hidden_danger_due,
    yearly_due,
)
from envplan.store import EvidenceStore, audit
from envplan.store.land import LandDuty, LandKeyUnit, LandPlot

FIRST_YEAR = 2021  # the plan's year


@dataclass(frozen=True)
class KeyUnitInput:
    """A key supervised unit (土壤污染重点监管单位) as a user enters it.

    Parameters
    ----------
    name : str
        Unit name; empty = taken from the enterprise registry by credit code.
    county : str
        County of the unit; empty = taken from the enterprise registry.
    credit_code : str or None
        统一社会信用代码 (links the unit to the enterprise registry).
    industry : str
        Industry of the unit; empty = taken from the enterprise registry.
    heavy_metal : bool
        Whether the unit is a key heavy-metal emitter (涉重金属).
    listed_on : datetime.date or None
        Day the unit was put on the list (its duty deadlines count from it).
    permit_number : str
        排污许可证编号.
    """

    name: str = ""  # empty: taken from the enterprise registry by credit code
    county: str = ""
    credit_code: str | None = None
    industry: str = ""
    heavy_metal: bool = False
    listed_on: dt.date | None = None
    permit_number: str = ""


def unit_payload(unit: LandKeyUnit) -> dict[str, Any]:
    return {
        "credit_code": unit.credit_code,
        "name": unit.name,
        "county": unit.county,
        "industry": unit.industry,
        "heavy_metal": unit.heavy_metal,
        "listed_on": iso(unit.listed_on),
        "permit_number": unit.permit_number,
    }


def _duty(unit: LandKeyUnit, kind: DutyKind, due: dt.date | None, year: int | None) -> LandDuty:
    label = DUTY_LABELS[kind] + (f"（{year}年度）" if year else "")
    rule = RULES.get(kind)
    return LandDuty(
        kind=kind.value,
        key_unit_id=unit.id,
        year=year,
        label=label,
        due_on=due,
        source=f"{rule.source}：{rule.wording}" if rule else "",
        is_demo=unit.is_demo,
    )


def add_key_unit(
    session: Session,
    data: KeyUnitInput,
    *,
    actor: Principal = SYSTEM,
    is_demo: bool = False,
    year: int | None = None,
) -> LandKeyUnit:
    """List a key unit and open its dated duties (hidden danger, permit clause, self-monitoring of
    ``year`` (default: the listing year, at least 2021), automatic monitoring if heavy-metal).

    Parameters
    ----------
    session : Session
        Open database session.
    data : KeyUnitInput
        The unit as entered (empty name, county or industry are taken from the registry).
    actor : Principal
        The acting user (``AccessDenied`` outside its county; default ``SYSTEM``).
    is_demo : bool
        Mark the unit and its duties as 示例 data.
    year : int or None
        First self-monitoring year (None = the listing year, at least 2021).

    Returns
    -------
    LandKeyUnit
        The listed unit with its duties.
    """
    code = normalise_credit_code(data.credit_code) or None
    registered = None
    if code is not None:
        problem = credit_code_problem(code)
        if problem:
            raise LandError(f"{data.name.strip() or '重点监管单位'}：统一社会信用代码{problem}")
        if session.scalar(select(LandKeyUnit.id).where(LandKeyUnit.credit_code == code)):
            raise LandError(f"统一社会信用代码已在重点监管单位名录中：{code}")
        registered = enterprise_facts(session, code)
    # The enterprise registry fills what was left empty; a different county is refused.
    name = data.name.strip() or (registered["name"] if registered else "")
    if not name:
        raise LandError("单位名称不能为空（或填写已在企业名录中的统一社会信用代码）")
    county = check_county(data.county or (registered["county"] if registered else ""))
    if registered is not None and county != registered["county"]:
        raise LandError(
            f"{name}：县（市、区）「{county}」与企业名录不符（名录为 {registered['county']}）"
        )
    require_county(actor, Action.REPORT, county, "重点监管单位")
    data = KeyUnitInput(
        name=name,
        county=county,
        credit_code=code,
        industry=data.industry.strip() or (registered["industry"] if registered else ""),
        heavy_metal=data.heavy_metal,
        listed_on=data.listed_on,
        permit_number=data.permit_number.strip()
        or (registered["permit_number"] if registered else ""),
    )
    unit = LandKeyUnit(
        credit_code=code,
        name=name,
        county=county,
        industry=data.industry,
        heavy_metal=data.heavy_metal,
        listed_on=data.listed_on,
        permit_number=data.permit_number,
        is_demo=is_demo,
    )
    session.add(unit)
    session.flush()
    first = year or max(FIRST_YEAR, data.listed_on.year if data.listed_on else FIRST_YEAR)
    duties = [
        _duty(unit, DutyKind.HIDDEN_DANGER, hidden_danger_due(data.listed_on), None),
        _duty(unit, DutyKind.PERMIT_CLAUSE, None, None),
        _duty(unit, DutyKind.SELF_MONITORING_PLAN, yearly_due(first), first),
        _duty(unit, DutyKind.SELF_MONITORING_RESULT, yearly_due(first), first),
    ]
    if data.heavy_metal:
        duties.append(_duty(unit, DutyKind.AUTO_MONITORING, AUTO_MONITORING_DUE, None))
    session.add_all(duties)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="land.key_unit.create",
        entity="land_key_unit",
        entity_id=unit.id,
        after={**unit_payload(unit), "duties": [(d.kind, iso(d.due_on)) for d in duties]},
    )
    return unit


def open_year(session: Session, year: int, *, actor: Principal = SYSTEM) -> int:
    """Open the self-monitoring plan and results duties of ``year`` for every listed unit that
    lacks them; returns how many duties were opened.

    Parameters
    ----------
    session : Session
        Open database session.
    year : int
        The monitoring year.
    actor : Principal
        Recorded as the author (default ``SYSTEM``).

    Returns
    -------
    int
        How many duties were opened.
    """
    opened = 0
    for unit in session.scalars(select(LandKeyUnit).order_by(LandKeyUnit.id)):
        have = {(d.kind, d.year) for d in unit.duties}
        for kind in (DutyKind.SELF_MONITORING_PLAN, DutyKind.SELF_MONITORING_RESULT):
            if (kind.value, year) not in have:
                session.add(_duty(unit, kind, yearly_due(year), year))
                opened += 1
    session.flush()
    if opened:
        audit.append(
            session,
            actor=actor.username,
            action="land.key_unit.open_year",
            entity="land_duty",
            entity_id=year,
            after={"year": year, "opened": opened},
        )
    return opened


def plan_demolition(
    session: Session,
    unit_id: int,
    *,
    demolition_on: dt.date,
    note: str = "",
    actor: Principal = SYSTEM,
) -> LandDuty:
    """A planned demolition: the work plan (reviewed, filed) is due before the demolition day.

    Parameters
    ----------
    session : Session
        Open database session.
    unit_id : int
        Id of the key unit.
    demolition_on : datetime.date
        Planned demolition day (the work plan is due before it).
    note : str
        Free remark.
    actor : Principal
        The acting user (``AccessDenied`` outside its county; default ``SYSTEM``).

    Returns
    -------
    LandDuty
        The new duty.
    """
    unit = session.get(LandKeyUnit, unit_id)
    if unit is None:
        raise LandNotFound(f"重点监管单位不存在：{unit_id}")
    require_county(actor, Action.REPORT, unit.county, "重点监管单位")
    duty = _duty(unit, DutyKind.DEMOLITION_PLAN, demolition_on - dt.timedelta(days=1), None)
    duty.note = note.strip()
    session.add(duty)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="land.duty.open",
        entity="land_duty",
        entity_id=duty.id,
        after={"kind": duty.kind, "unit": unit.name, "due_on": iso(duty.due_on)},
    )
    return duty


def complete_duty(
    session: Session,
    duty_id: int,
    *,
    done_on: dt.date,
    note: str = "",
    upload: tuple[str, bytes] | None = None,
    store: EvidenceStore | None = None,
    actor: Principal = SYSTEM,
    passed: bool = True,
) -> LandDuty:
    """Close a duty on ``done_on`` with its evidence. For the permit-clause check ``passed`` False
    records a failed check (the duty stays open with the finding in its note).

    Parameters
    ----------
    session : Session
        Open database session.
    duty_id : int
        Id of the duty.
    done_on : datetime.date
        Day it was done.
    note : str
        Free remark (the finding of a failed check).
    upload : tuple of (str, bytes) or None
        Evidence file as (file name, content).
    store : EvidenceStore or None
        Where the file is kept (required with ``upload``).
    actor : Principal
        The acting user (``AccessDenied`` outside its county; default ``SYSTEM``).
    passed : bool
        False records a failed permit-clause check.

    Returns
    -------
    LandDuty
        The updated duty.
    """
    duty = session.get(LandDuty, duty_id)
    if duty is None:
        raise LandNotFound(f"跟踪事项不存在：第 {duty_id} 号")
    county = duty_county(session, duty)
    require_county(actor, Action.REPORT, county, "跟踪事项")
    if duty.done_on is not None:
        raise LandError(f"跟踪事项第 {duty_id} 号已于 {duty.done_on} 完成")
    before = {"done_on": None, "note": duty.note}
    if upload is not None:
        duty.evidence_sha256 = store_evidence(session, store, upload[1])
    finding = note.strip()
    if duty.kind == DutyKind.PERMIT_CLAUSE.value and not passed:
        duty.note = f"{done_on.isoformat()} 核查：许可证未载明土壤污染防治责任和义务" + (
            f"（{finding}）" if finding else ""
        )
    else:
        duty.done_on = done_on
        duty.note = finding or duty.note
    duty.version += 1
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="land.duty.done" if duty.done_on else "land.duty.check",
        entity="land_duty",
        entity_id=duty.id,
        before=before,
        after={"done_on": iso(duty.done_on), "note": duty.note, "sha256": duty.evidence_sha256},
    )
    return duty


def duty_county(session: Session, duty: LandDuty) -> str:
    if duty.key_unit_id is not None:
        unit = session.get(LandKeyUnit, duty.key_unit_id)
        return unit.county if unit else ""
    plot = session.get(LandPlot, duty.plot_id) if duty.plot_id is not None else None
    return plot.county if plot else ""


def duty_json(duty: LandDuty, as_of: dt.date) -> dict[str, Any]:
    status, light = duty_status(duty.due_on, duty.done_on, as_of)
    return {
        "id": duty.id,
        "kind": duty.kind,
        "label": duty.label,
        "year": duty.year,
        "due_on": iso(duty.due_on),
        "done_on": iso(duty.done_on),
        "status": status,
        "light": light.value,
        "light_label": LIGHT_LABELS[light],
        "note": duty.note,
        "source": duty.source,
        "is_demo": duty.is_demo,
    }


def list_key_units(
    session: Session, *, as_of: dt.date, counties: tuple[str, ...] | None = None
) -> list[dict[str, Any]]:
    """The key supervised units with their tracked duties, by county then name.

    Parameters
    ----------
    session : Session
        Open database session.
    as_of : datetime.date
        Day the duties' status and traffic light are judged on.
    counties : tuple of str or None
        Only the units of these counties (None = every county).

    Returns
    -------
    list of dict
        Per unit: ``id``, its facts (``credit_code``, ``name``, ``county``, ``industry``,
        ``heavy_metal``, ``listed_on``, ``permit_number``), ``is_demo``, ``light`` (the worst
        light of its duties: ``green``, ``yellow`` or ``red``), ``duties`` (one object per
        duty, as in :func:`list_plot_duties`) and ``enterprise`` (the registry's facts of its
        credit code, or None).
    """
    query = select(LandKeyUnit).order_by(LandKeyUnit.county, LandKeyUnit.name)
    if counties is not None:
        query = query.where(LandKeyUnit.county.in_(counties))
    out = []
    for unit in session.scalars(query):
        duties = [duty_json(d, as_of) for d in unit.duties]
        worst = "green"
        for d in duties:
            if d["light"] == "red" or (d["light"] == "yellow" and worst == "green"):
                worst = d["light"]
        out.append(
            {
                "id": unit.id,
                **unit_payload(unit),
                "is_demo": unit.is_demo,
                "light": worst,
                "duties": duties,
                "enterprise": enterprise_facts(session, unit.credit_code),
            }
        )
    return out


def list_plot_duties(
    session: Session, *, as_of: dt.date, plot_id: int | None = None
) -> list[dict[str, Any]]:
    """The tracked duties attached to plots (not to units), in record order.

    Parameters
    ----------
    session : Session
        Open database session.
    as_of : datetime.date
        Day the duties' status and traffic light are judged on.
    plot_id : int or None
        Only the duties of this plot (its database id; None = every plot).

    Returns
    -------
    list of dict
        Per duty: ``id``, ``kind``, ``label``, ``year``, ``due_on``, ``done_on`` (ISO dates or
        None), ``status``, ``light`` (``green``, ``yellow`` or ``red``), ``light_label``
        (绿灯/黄灯/红灯), ``note``, ``source`` and ``is_demo``.
    """
    query = select(LandDuty).where(LandDuty.plot_id.is_not(None)).order_by(LandDuty.id)
    if plot_id is not None:
        query = query.where(LandDuty.plot_id == plot_id)
    return [duty_json(d, as_of) for d in session.scalars(query)]
