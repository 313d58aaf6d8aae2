"""The occurrence listing as one set-based read: the rows (task, plan and unit joined) and, per
listed occurrence, its reports, reviews and notices, read into light records instead of ORM
objects (``state.list_occurrences`` computes each state from them)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session

from envplan.services.supervision.rules import ROLE_ORDER
from envplan.store.models import (
    Notice,
    Occurrence,
    PlanVersion,
    ProgressReport,
    ReportReview,
    Task,
    Unit,
)

_LISTING_COLUMNS = (
    Occurrence.id,
    Occurrence.seq,
    Occurrence.label,
    Occurrence.kind,
    Occurrence.unit_id,
    Occurrence.period_start,
    Occurrence.nominal_due,
    Occurrence.due_date,
    Occurrence.version,
    Occurrence.role,
    Occurrence.clause,
    Occurrence.parent_id,
    Task.id,
    Task.task_key,
    Task.kind,
    Task.category,
    Task.text,
    Task.deadline_raw,
    Task.lead_unit_ids,
    Task.co_unit_ids,
    Task.all_counties,
    PlanVersion.plan_key,
    Unit.name,
    Unit.county,
)


def listing_query() -> Select[*tuple[Any, ...]]:
    """The occurrence rows of :func:`list_occurrences` (with their task, plan and unit columns),
    in the order of :func:`_occurrence_query`, as plain columns: no ORM object is built."""
    return (
        select(*_LISTING_COLUMNS)
        .select_from(Occurrence)
        .join(Occurrence.task)
        .join(Task.plan_version)
        .join(Occurrence.unit)
        .where(PlanVersion.is_current.is_(True))
        .order_by(
            PlanVersion.plan_key,
            Task.ordinal,
            Occurrence.seq,
            case(ROLE_ORDER, value=Occurrence.role, else_=9),
            Occurrence.clause,
            Occurrence.unit_id,
        )
    )


def listed_occurrences(session: Session, query: Select[*tuple[Any, ...]]) -> list[Any]:
    """The rows of ``query`` (a filtered :func:`listing_query`) as light records with the
    attributes :func:`compute_state` and the access check read (``reports`` with ``reviews``,
    ``notices``, ``task.plan_version``, ``unit``), in four statements whatever the row count:
    the rows, then the reports, reviews and notices of those rows (each ordered by id, as the
    ORM collections are)."""
    ids = query.with_only_columns(Occurrence.id).order_by(None).scalar_subquery()
    reports: dict[int, list[SimpleNamespace]] = {}
    by_id: dict[int, SimpleNamespace] = {}
    for rid, occurrence_id, reported_on, state, percent, narrative in session.execute(
        select(
            ProgressReport.id,
            ProgressReport.occurrence_id,
            ProgressReport.reported_on,
            ProgressReport.state,
            ProgressReport.percent,
            ProgressReport.narrative,
        )
        .where(ProgressReport.occurrence_id.in_(ids))
        .order_by(ProgressReport.id)
    ):
        report = SimpleNamespace(
            id=rid,
            reported_on=reported_on,
            state=state,
            percent=percent,
            narrative=narrative,
            reviews=[],
        )
        by_id[rid] = report
        reports.setdefault(occurrence_id, []).append(report)
    for report_id, decision, reviewed_on in session.execute(
        select(ReportReview.report_id, ReportReview.decision, ReportReview.reviewed_on)
        .join(ProgressReport, ProgressReport.id == ReportReview.report_id)
        .where(ProgressReport.occurrence_id.in_(ids))
        .order_by(ReportReview.id)
    ):
        by_id[report_id].reviews.append(SimpleNamespace(decision=decision, reviewed_on=reviewed_on))
    notices: dict[int, list[SimpleNamespace]] = {}
    for occurrence_id, level, issued_on in session.execute(
        select(Notice.occurrence_id, Notice.level, Notice.issued_on)
        .where(Notice.occurrence_id.in_(ids))
        .order_by(Notice.id)
    ):
        notices.setdefault(occurrence_id, []).append(
            SimpleNamespace(level=level, issued_on=issued_on)
        )
    rows = []
    # One task and one unit record per task and unit (a task has many occurrences): the
    # records are read-only, so rows share them.
    tasks: dict[int, SimpleNamespace] = {}
    units: dict[tuple[str, str, str | None], SimpleNamespace] = {}
    for row in session.execute(query):
        (oid, seq, label, kind, unit_id, period_start, nominal_due, due_date, version, role) = row[
            :10
        ]
        clause, parent_id = row[10], row[11]
        tid = row[12]
        plan_key, unit_name, county = row[21:]
        task = tasks.get(tid)
        if task is None:
            (task_key, task_kind, category, text, deadline_raw, leads, cos, all_counties) = row[
                13:21
            ]
            task = tasks[tid] = SimpleNamespace(
                id=tid,
                task_key=task_key,
                kind=task_kind,
                category=category,
                text=text,
                deadline_raw=deadline_raw,
                lead_unit_ids=leads,
                co_unit_ids=cos,
                all_counties=all_counties,
                plan_version=SimpleNamespace(plan_key=plan_key),
            )
        unit_key = (unit_id, unit_name, county)
        unit = units.get(unit_key)
        if unit is None:
            unit = units[unit_key] = SimpleNamespace(id=unit_id, name=unit_name, county=county)
        rows.append(
            SimpleNamespace(
                id=oid,
                seq=seq,
                label=label,
                kind=kind,
                unit_id=unit_id,
                period_start=period_start,
                nominal_due=nominal_due,
                due_date=due_date,
                version=version,
                role=role,
                clause=clause,
                parent_id=parent_id,
                task=task,
                unit=unit,
                reports=reports.get(oid, []),
                notices=notices.get(oid, []),
            )
        )
    return rows
