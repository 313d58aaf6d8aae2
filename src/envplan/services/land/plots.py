"""Plots and their lifecycle: register, advance a stage with its report, record sample results and
assess them with the GB 36600-2018 engine against the plot's planned use.

Functions take a Session and leave the commit to the caller; a refused call raises
:class:`LandError` before anything is flushed that the caller would keep (the caller rolls back).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, Action, Principal
from envplan.services.land.common import (
    LandConflict,
    LandError,
    check_county,
    find_plot,
    plot_payload,
    require_county,
    store_evidence,
)
from envplan.services.land.links import enterprise_facts
from envplan.services.soil import ConstructionResult, classify_construction
from envplan.standards.enterprises import credit_code_problem, normalise_credit_code
from envplan.standards.land.key_units import DutyKind
from envplan.standards.land.lifecycle import (
    REPORT_KINDS,
    Condition,
    PlannedUse,
    Stage,
    land_class,
    next_stages,
    parse_planned_use,
    parse_stage,
    transition,
)
from envplan.store import EvidenceStore, audit
from envplan.store.land import LandDuty, LandPlot, LandSample, LandStep, LandStepEvidence

#: Samples that judge the effect assessment: those taken once control or remediation began.
EFFECT_SAMPLE_STAGES = (Stage.RISK_CONTROL, Stage.REMEDIATION, Stage.EFFECT_ASSESSMENT)
#: GB 36600-2018 result code above which the effect assessment cannot pass (2 = > screening).
EFFECT_MAX_CODE = 1

# China's extent for a plausibility check of polygon coordinates [degrees, WGS 84].
_LON_RANGE = (73.0, 136.0)
_LAT_RANGE = (3.0, 54.0)


@dataclass(frozen=True)
class PlotInput:
    """What a user enters for a plot (strings as typed; checked by :func:`validate_plot`)."""

    parcel_id: str
    county: str
    planned_use: str | None = None
    stage: str = Stage.SUSPECTED.value
    name: str = ""
    town: str = ""
    village: str = ""
    area_m2: float | None = None
    polygon: Any = None
    former_use: str = ""
    former_enterprise_code: str | None = None
    former_enterprise_name: str = ""


@dataclass(frozen=True)
class FileUpload:
    """An uploaded file (a report or evidence), kept in the evidence store by its SHA-256.

    Parameters
    ----------
    filename : str
        The name the user gave the file.
    data : bytes
        The file's content.
    """

    filename: str
    data: bytes


def validate_polygon(value: Any) -> dict[str, Any] | None:
    """A GeoJSON Polygon / MultiPolygon geometry (a Feature's geometry is taken), else LandError."""
    if value is None or value == "":
        return None
    if not isinstance(value, dict):
        raise LandError("边界（GeoJSON）应为 JSON 对象（Polygon 或 MultiPolygon）")
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    kind = value.get("type")
    coordinates = value.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon") or not isinstance(coordinates, list):
        raise LandError("边界（GeoJSON）的 type 应为 Polygon 或 MultiPolygon，并带 coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise LandError("边界（GeoJSON）多边形为空")
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
                raise LandError("边界（GeoJSON）每个环至少 4 个点且首尾相同（闭合）")
            for point in ring:
                ok = (
                    isinstance(point, list)
                    and len(point) >= 2
                    and all(isinstance(c, int | float) and math.isfinite(c) for c in point[:2])
                )
                if not ok:
                    raise LandError(f"边界（GeoJSON）坐标应为 [经度, 纬度]，收到：{point}")
                lon, lat = point[0], point[1]
                if not (
                    _LON_RANGE[0] <= lon <= _LON_RANGE[1] and _LAT_RANGE[0] <= lat <= _LAT_RANGE[1]
                ):
                    raise LandError(
                        f"边界（GeoJSON）坐标 [{lon}, {lat}] 不在中国境内（WGS 84 经纬度）"
                    )
    return {"type": kind, "coordinates": coordinates}


def validate_plot(data: PlotInput) -> dict[str, Any]:
    """Checked column values of a plot, or LandError naming the field."""
    parcel = data.parcel_id.strip()
    if not parcel:
        raise LandError("地块编号不能为空")
    if len(parcel) > 64:
        raise LandError(f"地块编号过长（最多 64 个字符）：{parcel}")
    planned: PlannedUse | None = None
    if data.planned_use not in (None, ""):
        planned = parse_planned_use(str(data.planned_use))
        if planned is None:
            raise LandError(
                f"规划用途应为 第一类用地 或 第二类用地（GB 36600-2018），收到：{data.planned_use}"
            )
    stage = parse_stage(data.stage)
    if stage is None:
        raise LandError(
            f"地块状态「{data.stage}」无效（可选：{'、'.join(s.value for s in Stage)}）"
        )
    area = data.area_m2
    if area is not None and (not math.isfinite(area) or area <= 0):
        raise LandError(f"面积（平方米）应为正数，收到：{area}")
    code = normalise_credit_code(data.former_enterprise_code) or None
    if code is not None:
        problem = credit_code_problem(code)
        if problem:
            raise LandError(f"原企业统一社会信用代码：{problem}")
    return {
        "parcel_id": parcel,
        "name": data.name.strip(),
        "county": check_county(data.county),
        "town": data.town.strip(),
        "village": data.village.strip(),
        "area_m2": area,
        "polygon": validate_polygon(data.polygon),
        "former_use": data.former_use.strip(),
        "former_enterprise_code": code,
        "former_enterprise_name": data.former_enterprise_name.strip(),
        "planned_use": planned.value if planned else None,
        "stage": stage.value,
    }


def add_plot(
    session: Session,
    data: PlotInput,
    *,
    on: dt.date,
    actor: Principal = SYSTEM,
    is_demo: bool = False,
) -> LandPlot:
    """Register a plot at its current stage (normally 疑似污染地块); one audited write.

    Parameters
    ----------
    session, data
        Open database session; the plot as entered (checked by ``validate_plot``).
    on, actor, is_demo
        Day of its first step; the acting user (its county only); mark as 示例 data.

    Returns
    -------
    LandPlot
    """
    values = validate_plot(data)
    require_county(actor, Action.REPORT, values["county"], "地块")
    registered = enterprise_facts(session, values["former_enterprise_code"])
    if registered is not None and not values["former_enterprise_name"]:
        values["former_enterprise_name"] = registered["name"]
    if session.scalar(select(LandPlot.id).where(LandPlot.parcel_id == values["parcel_id"])):
        raise LandError(f"地块编号已存在：{values['parcel_id']}")
    plot = LandPlot(**values, is_demo=is_demo, version=1)
    session.add(plot)
    session.flush()
    stage = Stage(values["stage"])
    kind = REPORT_KINDS[stage]
    session.add(
        LandStep(
            plot_id=plot.id,
            seq=1,
            from_stage=None,
            stage=stage.value,
            step_on=on,
            report_kind=kind.name,
            guideline=kind.guideline,
            conclusion="登记入库"
            if stage is Stage.SUSPECTED
            else f"登记入库（已处于{stage.value}）",
            basis="《污染地块土壤环境管理办法（试行）》（环境保护部令第42号）",
            actor=actor.username,
            is_demo=is_demo,
        )
    )
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="land.plot.create",
        entity="land_plot",
        entity_id=plot.id,
        after=plot_payload(plot),
    )
    return plot


# --- samples ------------------------------------------------------------------------------------


def add_samples(
    session: Session,
    plot: LandPlot,
    frame: pl.DataFrame,
    *,
    stage: Stage,
    taken_on: dt.date,
    source_sha256: str,
    actor: Principal = SYSTEM,
    is_demo: bool = False,
    source_name: str = "",
) -> int:
    """Record construction-land results (as read by ``read_construction_samples``) for a plot.

    Rows naming another 地块编号 refuse the whole file (row numbers given). Returns the count.
    """
    require_county(actor, Action.REPORT, plot.county, "地块")
    if "parcel_id" in frame.columns:
        other = frame.filter(
            pl.col("parcel_id").is_not_null() & (pl.col("parcel_id") != plot.parcel_id)
        )
        if other.height:
            listed = "、".join(str(r) for r in other.get_column("source_row").head(10).to_list())
            raise LandError(
                f"文件「{source_name}」第 {listed} 行的地块编号与地块 {plot.parcel_id} 不符，未导入任何数据"
            )
    if frame.height == 0:
        raise LandError(f"文件「{source_name}」没有数据行")
    background = (
        frame.get_column("background")
        if "background" in frame.columns
        else pl.Series([None] * frame.height, dtype=pl.Float64)
    )
    rows = pl.DataFrame(
        {
            "sample_id": frame.get_column("sample_id").cast(pl.String),
            "item": frame.get_column("item").cast(pl.String),
            "value": frame.get_column("value").cast(pl.Float64),
            "background": background.cast(pl.Float64),
        }
    ).with_columns(
        pl.lit(plot.id).alias("plot_id"),
        pl.lit(stage.value).alias("stage"),
        pl.lit(source_sha256).alias("batch"),
        pl.lit(taken_on).alias("taken_on"),
        pl.lit(actor.username).alias("actor"),
        pl.lit(is_demo).alias("is_demo"),
        pl.lit(dt.datetime.now(dt.UTC)).alias("created_at"),
    )
    session.execute(insert(LandSample), rows.to_dicts())
    audit.append(
        session,
        actor=actor.username,
        action="land.samples.add",
        entity="land_plot",
        entity_id=plot.id,
        after={
            "parcel_id": plot.parcel_id,
            "stage": stage.value,
            "file_sha256": source_sha256,
            "rows": frame.height,
            "taken_on": taken_on.isoformat(),
        },
    )
    return frame.height


def samples_frame(
    session: Session, plot: LandPlot, stages: tuple[Stage, ...] | None = None
) -> pl.DataFrame:
    """The plot's recorded results as the GB 36600 engine reads them (one row per result)."""
    query = select(
        LandSample.sample_id,
        LandSample.item,
        LandSample.value,
        LandSample.background,
        LandSample.stage,
        LandSample.taken_on,
    ).where(LandSample.plot_id == plot.id)
    if stages is not None:
        query = query.where(LandSample.stage.in_([s.value for s in stages]))
    records = session.execute(query.order_by(LandSample.id)).all()
    schema = {
        "sample_id": pl.String,
        "item": pl.String,
        "value": pl.Float64,
        "background": pl.Float64,
        "stage": pl.String,
        "taken_on": pl.Date,
    }
    frame = pl.DataFrame([tuple(r) for r in records], schema=schema, orient="row")
    return frame.with_columns(pl.lit(plot.parcel_id).alias("parcel_id"))


@dataclass(frozen=True)
class SampleAssessment:
    """A plot's results against GB 36600-2018 for its planned use."""

    land_class: int
    planned_use: str
    result: ConstructionResult | None
    worst_code: int  # 0 none assessed, 1 ≤ screening, 2 > screening, 3 > intervention
    exceeding: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "standard": "GB 36600-2018",
            "land_class": self.land_class,
            "planned_use": self.planned_use,
            "worst_code": self.worst_code,
            "exceeding": list(self.exceeding),
            "samples": self.result.samples.to_dicts() if self.result else [],
        }


def assess_samples(
    session: Session, plot: LandPlot, stages: tuple[Stage, ...] | None = None
) -> SampleAssessment:
    """Assess the plot's results (optionally of some stages only) with the existing GB 36600
    engine against the plot's planned use (unclear → first class, GB 36600 §3.4 reading)."""
    planned = parse_planned_use(plot.planned_use or "")
    klass = land_class(planned)
    label = planned.value if planned else "规划用途不明确（按第一类用地）"
    frame = samples_frame(session, plot, stages)
    if frame.height == 0:
        return SampleAssessment(klass, label, None, 0)
    result = classify_construction(frame, klass)
    measurements = result.measurements
    worst = int(measurements.get_column("result_code").max() or 0)  # type: ignore[arg-type]
    over = measurements.filter(pl.col("result_code") >= 2)
    exceeding = tuple(
        f"{s}：{i} {v:g} mg/kg" for s, i, v in over.select("sample_id", "item", "value").iter_rows()
    )
    return SampleAssessment(klass, label, result, worst, exceeding)


def _check_condition(session: Session, plot: LandPlot, condition: Condition) -> str:
    """'' when the transition's condition holds, else the zh-CN refusal reason; a note for the
    step when it holds without data."""
    if condition is Condition.NONE:
        return ""
    if condition is Condition.PRELIMINARY_ALL_WITHIN:
        found = assess_samples(session, plot, (Stage.PRELIMINARY,))
        if found.worst_code == 0:
            raise LandError(
                "初步调查结束并移出须有初步调查采样结果且全部不超过筛选值（GB 36600-2018 第5.1条）；"
                "该地块尚无初步调查采样结果"
            )
        if found.worst_code > EFFECT_MAX_CODE:
            raise LandError(
                f"初步调查采样结果超过{found.planned_use}筛选值，须开展详细调查，不得移出："
                + "；".join(found.exceeding[:10])
            )
        return "初步调查采样结果均不超过筛选值"
    found = assess_samples(session, plot, EFFECT_SAMPLE_STAGES)
    if found.worst_code > EFFECT_MAX_CODE:
        raise LandError(
            f"效果评估不通过：风险管控/治理修复后的采样结果超过{found.planned_use}筛选值"
            f"（GB 36600-2018 表1/表2）：" + "；".join(found.exceeding[:10])
        )
    if found.worst_code == 0:
        return "未录入风险管控/治理修复后的采样结果，按评审通过的报告结论记录"
    return f"风险管控/治理修复后的采样结果均不超过{found.planned_use}筛选值"


@dataclass(frozen=True)
class StepInput:
    """A stage change of a plot with its report, as :func:`advance` takes it.

    Parameters
    ----------
    to : str
        Target stage (a ``Stage`` value, as typed).
    report : FileUpload or None
        The report of the target stage (its HJ 25.x kind); a step without one is refused.
    on : datetime.date
        Day the plot enters the stage.
    report_title, review_meeting, reviewed_on, reviewers, conclusion
        Title of the report; the review meeting (评审会), its day, the reviewers, its conclusion.
    evidence : tuple of FileUpload
        Further supporting files.
    expected_version : int or None
        The plot version the user saw; a different stored version refuses the step.
    """

    to: str
    report: FileUpload | None
    on: dt.date
    report_title: str = ""
    review_meeting: str = ""
    reviewed_on: dt.date | None = None
    reviewers: str = ""
    conclusion: str = ""
    evidence: tuple[FileUpload, ...] = ()
    expected_version: int | None = None


def advance(
    session: Session,
    parcel_id: str,
    step: StepInput,
    *,
    store: EvidenceStore | None,
    actor: Principal = SYSTEM,
    is_demo: bool = False,
) -> LandStep:
    """Move a plot to the next stage with its report (HJ 25.x kind of the target stage).

    Refused (LandError, nothing kept): an unknown stage, a transition not in the cited table
    (skipping a stage), a missing report, a condition that fails (results over the screening
    value block 效果评估 and 移出名录), a stale ``expected_version``.

    Parameters
    ----------
    session, parcel_id, step
        Open database session; 地块编号; the target stage with its report (:class:`StepInput`).
    store, actor, is_demo
        Evidence store of the files; the acting user (its county only); mark as 示例 data.

    Returns
    -------
    LandStep
    """
    plot = find_plot(session, parcel_id)
    require_county(actor, Action.REPORT, plot.county, "地块")
    if step.expected_version is not None and step.expected_version != plot.version:
        raise LandConflict(
            f"地块 {plot.parcel_id} 已被他人更新（您基于版本 {step.expected_version}，当前版本 "
            f"{plot.version}），未保存，请刷新后再提交"
        )
    target = parse_stage(step.to)
    if target is None:
        raise LandError(f"--to 阶段「{step.to}」无效（可选：{'、'.join(s.value for s in Stage)}）")
    source = Stage(plot.stage)
    rule = transition(source, target)
    if rule is None:
        allowed_next = "、".join(s.value for s in next_stages(source)) or "无（已移出名录）"
        raise LandError(
            f"不能从「{source.value}」直接进入「{target.value}」：不得跳过阶段（下一阶段可为：{allowed_next}）"
        )
    kind = REPORT_KINDS[target]
    if step.report is None or not step.report.data:
        raise LandError(f"进入「{target.value}」须附{kind.name}（{kind.guideline}）")
    if step.reviewed_on is not None and step.reviewed_on > step.on:
        raise LandError("评审日期不能晚于阶段日期")
    note = _check_condition(session, plot, rule.condition)
    before = plot_payload(plot)
    # Compare-and-swap on the version first (on PostgreSQL it also locks the plot's row): a
    # concurrent advance of the same plot waits, then finds the version moved and loses cleanly.
    done = session.execute(
        update(LandPlot)
        .where(LandPlot.id == plot.id, LandPlot.version == plot.version)
        .values(stage=target.value, version=plot.version + 1)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise LandConflict(f"地块 {plot.parcel_id} 已被他人同时更新，未保存，请刷新后再提交")
    report_sha = store_evidence(session, store, step.report.data)
    seq = (
        session.scalar(select(func.max(LandStep.seq)).where(LandStep.plot_id == plot.id)) or 0
    ) + 1
    conclusion = step.conclusion.strip()
    if note:
        conclusion = f"{conclusion}；{note}" if conclusion else note
    row = LandStep(
        plot_id=plot.id,
        seq=seq,
        from_stage=source.value,
        stage=target.value,
        step_on=step.on,
        report_kind=kind.name,
        guideline=kind.guideline,
        report_title=step.report_title.strip() or step.report.filename,
        report_sha256=report_sha,
        report_filename=step.report.filename,
        review_meeting=step.review_meeting.strip(),
        reviewed_on=step.reviewed_on,
        reviewers=step.reviewers.strip(),
        conclusion=conclusion,
        basis=rule.basis,
        actor=actor.username,
        is_demo=is_demo,
    )
    session.add(row)
    session.flush()
    for upload in step.evidence:
        sha = store_evidence(session, store, upload.data)
        session.add(LandStepEvidence(step_id=row.id, sha256=sha, filename=upload.filename))
    session.refresh(plot)
    if source is Stage.SUSPECTED:
        _close_survey_duty(session, plot, step.on)
    audit.append(
        session,
        actor=actor.username,
        action="land.plot.advance",
        entity="land_plot",
        entity_id=plot.id,
        before=before,
        after={
            **plot_payload(plot),
            "step": seq,
            "report_kind": kind.name,
            "report_sha256": report_sha,
            "review_meeting": row.review_meeting,
            "reviewed_on": step.reviewed_on,
            "step_on": step.on,
            "evidence": [hashlib.sha256(u.data).hexdigest() for u in step.evidence],
        },
    )
    return row


def _close_survey_duty(session: Session, plot: LandPlot, on: dt.date) -> None:
    open_duties = session.scalars(
        select(LandDuty).where(
            LandDuty.plot_id == plot.id,
            LandDuty.kind == DutyKind.SURVEY.value,
            LandDuty.done_on.is_(None),
        )
    ).all()
    for duty in open_duties:
        duty.done_on = on
        duty.version += 1
        duty.note = (duty.note + "；" if duty.note else "") + "已进入初步调查"
        audit.append(
            session,
            actor="system",
            action="land.duty.done",
            entity="land_duty",
            entity_id=duty.id,
            after={"kind": duty.kind, "plot": plot.parcel_id, "done_on": on.isoformat()},
        )


def list_plots(
    session: Session, *, counties: tuple[str, ...] | None = None, stage: str | None = None
) -> list[LandPlot]:
    """The registered plots, by county then 地块编号.

    Parameters
    ----------
    session : Session
        Open database session.
    counties : tuple of str or None
        Only the plots of these counties (None = every county; see ``visible_counties``).
    stage : str or None
        Only the plots in this stage (a ``Stage`` value; None or empty = every stage).

    Returns
    -------
    list of LandPlot
        The stored plots.
    """
    query = select(LandPlot).order_by(LandPlot.county, LandPlot.parcel_id)
    if counties is not None:
        query = query.where(LandPlot.county.in_(counties))
    if stage:
        query = query.where(LandPlot.stage == stage)
    return list(session.scalars(query))
