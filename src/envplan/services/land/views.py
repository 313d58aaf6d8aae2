"""Read models of the land registry: the bureau's plot view and the public lists (名录).

The public lists carry only what may be published (土壤 10: the 名录 are published to society):
parcel, name, location, area, former and planned use, list and stage with its date. Never the
query records, the reviewers, the review meetings or the evidence files.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.land.common import iso
from envplan.services.land.gate import list_queries, query_json
from envplan.services.land.links import enterprise_facts
from envplan.services.land.plots import EFFECT_SAMPLE_STAGES, assess_samples, list_plots
from envplan.services.land.units import list_plot_duties
from envplan.standards.land.lifecycle import LIST_LABELS, Stage, list_of, next_stages
from envplan.store.land import LandPlot, LandStep

#: The columns of a published list row, in order (what the public page and export show).
PUBLIC_FIELDS = (
    "parcel_id",
    "name",
    "county",
    "town",
    "village",
    "area_m2",
    "former_use",
    "planned_use",
    "stage",
    "stage_on",
    "is_demo",
)


def stage_dates(session: Session, plot_ids: list[int]) -> dict[int, dt.date]:
    """Date each plot entered its current stage (its last step)."""
    rows = session.execute(
        select(LandStep.plot_id, LandStep.seq, LandStep.step_on).where(
            LandStep.plot_id.in_(plot_ids)
        )
    ).all()
    last: dict[int, tuple[int, dt.date]] = {}
    for plot_id, seq, on in rows:
        if plot_id not in last or seq > last[plot_id][0]:
            last[plot_id] = (seq, on)
    return {plot_id: on for plot_id, (_seq, on) in last.items()}


def plot_summary(plot: LandPlot, stage_on: dt.date | None) -> dict[str, Any]:
    """The list-row facts of a plot (the public lists and the plot tables).

    Parameters
    ----------
    plot : LandPlot
        The stored plot.
    stage_on : datetime.date or None
        Day the plot entered its current stage (None = unknown).

    Returns
    -------
    dict
        ``parcel_id``, ``name``, ``county``, ``town``, ``village``, ``area_m2``,
        ``former_use``, ``planned_use`` (规划用途不明确 when none is recorded), ``stage``,
        ``stage_on`` (ISO date or None) and ``is_demo``.
    """
    return {
        "parcel_id": plot.parcel_id,
        "name": plot.name,
        "county": plot.county,
        "town": plot.town,
        "village": plot.village,
        "area_m2": plot.area_m2,
        "former_use": plot.former_use,
        "planned_use": plot.planned_use or "规划用途不明确",
        "stage": plot.stage,
        "stage_on": iso(stage_on),
        "is_demo": plot.is_demo,
    }


def public_lists(session: Session) -> dict[str, Any]:
    """The published lists: 疑似污染地块名单, 污染地块名录, 风险管控和修复名录, 已移出.

    Parameters
    ----------
    session : Session
        Open database session.

    Returns
    -------
    dict
        ``lists`` (``key``, ``label``, ``plots``: public fields of :func:`plot_summary`),
        ``count``, ``has_demo`` and ``basis`` (the legal basis).
    """
    plots = list_plots(session)
    dates = stage_dates(session, [p.id for p in plots])
    lists: dict[str, list[dict[str, Any]]] = {key: [] for key in LIST_LABELS}
    for plot in plots:
        row = plot_summary(plot, dates.get(plot.id))
        lists[list_of(Stage(plot.stage))].append({k: row[k] for k in PUBLIC_FIELDS})
    return {
        "lists": [
            {"key": key, "label": LIST_LABELS[key], "plots": lists[key]} for key in LIST_LABELS
        ],
        "count": len(plots),
        "has_demo": any(p.is_demo for p in plots),
        "basis": "《中华人民共和国土壤污染防治法》第五十八条；《晋城市2021年土壤污染防治行动计划》二（四）10",
    }


def plot_detail(session: Session, plot: LandPlot, *, as_of: dt.date) -> dict[str, Any]:
    """Everything the bureau sees of a plot: facts, steps with reports and reviews, assessment,
    queries with replies, open duties.

    Parameters
    ----------
    session : Session
        Open database session.
    plot : LandPlot
        The plot.
    as_of : datetime.date
        Day the duties are judged on.

    Returns
    -------
    dict
        The plot's facts, ``list``, ``next_stages``, ``steps``, ``assessment``,
        ``effect_assessment``, ``queries`` (:func:`query_json`) and ``duties``.
    """
    steps = [
        {
            "seq": s.seq,
            "from_stage": s.from_stage,
            "stage": s.stage,
            "step_on": iso(s.step_on),
            "report_kind": s.report_kind,
            "guideline": s.guideline,
            "report_title": s.report_title,
            "report_file": s.report_filename,
            "report_sha256": s.report_sha256,
            "review_meeting": s.review_meeting,
            "reviewed_on": iso(s.reviewed_on),
            "reviewers": s.reviewers,
            "conclusion": s.conclusion,
            "basis": s.basis,
            "actor": s.actor,
            "evidence": [{"file": e.filename, "sha256": e.sha256} for e in s.evidence],
        }
        for s in plot.steps
    ]
    dates = stage_dates(session, [plot.id])
    return {
        **plot_summary(plot, dates.get(plot.id)),
        "polygon": plot.polygon,
        "former_enterprise_code": plot.former_enterprise_code,
        "former_enterprise_name": plot.former_enterprise_name,
        "former_enterprise": enterprise_facts(session, plot.former_enterprise_code),
        "version": plot.version,
        "list": LIST_LABELS[list_of(Stage(plot.stage))],
        "next_stages": [s.value for s in next_stages(Stage(plot.stage))],
        "steps": steps,
        "assessment": assess_samples(session, plot).to_dict(),
        "effect_assessment": assess_samples(session, plot, EFFECT_SAMPLE_STAGES).to_dict(),
        "queries": [query_json(q) for q in list_queries(session, plot.parcel_id)],
        "duties": list_plot_duties(session, as_of=as_of, plot_id=plot.id),
    }
