"""`envplan land` command group: the contaminated-land registry (土壤 6-12).

Stable contract (docs/land.md):
``envplan land plot add --parcel P --county 泽州县 --planned-use 第一类用地 --status 疑似污染地块 --json``;
``envplan land plot advance --parcel P --to STAGE --report FILE --json``;
``envplan land gate --parcel P --purpose 供地 --user U --json`` prints
``{"allowed": bool, "reason", "rule", …}``;
``envplan land queries --parcel P --json`` lists every recorded query with ``date`` and ``status``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from envplan.cli import land_units_cmd
from envplan.cli.db_cmd import acting_user, fail, parse_date
from envplan.cli.land_common import echo_json, evidence_store, read_file, unit_of_work

if TYPE_CHECKING:
    pass

app = typer.Typer(
    help="污染地块：名录、调查评估与修复流程、供地把关、查询记录、重点监管单位 / "
    "Contaminated land: registry, lifecycle, land-supply gate, query record, key units.",
    no_args_is_help=True,
)
plot_app = typer.Typer(help="地块 / Plots.", no_args_is_help=True)
samples_app = typer.Typer(help="地块采样结果（GB 36600-2018）/ Plot samples.", no_args_is_help=True)
app.add_typer(plot_app, name="plot")
app.add_typer(samples_app, name="samples")

JsonOption = typer.Option(False, "--json", help="输出 JSON / Print JSON.")
UserOption = typer.Option(None, "--user", help="以该用户身份操作 / Act as this user.")
DateOption = typer.Option(None, "--date", help="日期 YYYY-MM-DD（默认今天）/ Date.")


# --- plots ----------------------------------------------------------------------------------------


@plot_app.command("add")
def plot_add(
    parcel: str = typer.Option(..., "--parcel", help="地块编号 / Parcel id."),
    county: str = typer.Option(..., "--county", help="县（市、区），如 泽州县 / County."),
    planned_use: str | None = typer.Option(
        None, "--planned-use", help="规划用途：第一类用地 | 第二类用地 / Planned use (GB 36600)."
    ),
    status: str = typer.Option(
        "疑似污染地块", "--status", help="当前阶段（默认 疑似污染地块）/ Current stage."
    ),
    name: str = typer.Option("", "--name", help="地块名称 / Plot name."),
    town: str = typer.Option("", "--town", help="乡镇（街道）/ Town."),
    village: str = typer.Option("", "--village", help="村（社区）/ Village."),
    area: float | None = typer.Option(None, "--area", help="面积（平方米）/ Area [m²]."),
    polygon: Path | None = typer.Option(
        None, "--polygon", help="边界 GeoJSON 文件（Polygon/MultiPolygon）/ Boundary GeoJSON."
    ),
    former_use: str = typer.Option("", "--former-use", help="原用途 / Former use."),
    former_code: str | None = typer.Option(
        None, "--former-enterprise-code", help="原企业统一社会信用代码 / Former enterprise code."
    ),
    former_name: str = typer.Option(
        "", "--former-enterprise", help="原企业名称 / Former enterprise name."
    ),
    date: str | None = DateOption,
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """登记地块（默认为疑似污染地块）/ Register a plot."""
    from envplan.services.land import PlotInput, add_plot, plot_detail

    shape = None
    if polygon is not None:
        try:
            shape = json.loads(read_file(polygon, "--polygon").decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise fail(f"--polygon：文件「{polygon.name}」不是有效的 GeoJSON（{exc}）") from exc
    on = parse_date(date, "--date")
    with unit_of_work() as session:
        plot = add_plot(
            session,
            PlotInput(
                parcel_id=parcel,
                county=county,
                planned_use=planned_use,
                stage=status,
                name=name,
                town=town,
                village=village,
                area_m2=area,
                polygon=shape,
                former_use=former_use,
                former_enterprise_code=former_code,
                former_enterprise_name=former_name,
            ),
            on=on,
            actor=acting_user(session, user),
        )
        detail = plot_detail(session, plot, as_of=on)
    if as_json:
        echo_json(detail)
        return
    typer.echo(f"已登记地块 {detail['parcel_id']}（{detail['county']}，{detail['stage']}）")


@plot_app.command("advance")
def plot_advance(
    parcel: str = typer.Option(..., "--parcel", help="地块编号 / Parcel id."),
    to: str = typer.Option(
        ...,
        "--to",
        help="目标阶段：初步调查 详细调查 风险评估 风险管控 治理修复 效果评估 移出名录 / Stage.",
    ),
    report: Path | None = typer.Option(
        None, "--report", help="该阶段的报告文件（HJ 25.1–25.6）/ The stage's report file."
    ),
    title: str = typer.Option("", "--title", help="报告名称 / Report title."),
    review_meeting: str = typer.Option("", "--review-meeting", help="评审会 / Review meeting."),
    reviewed_on: str | None = typer.Option(None, "--reviewed-on", help="评审日期 / Review date."),
    reviewers: str = typer.Option("", "--reviewers", help="评审专家（内部）/ Reviewers."),
    conclusion: str = typer.Option("", "--conclusion", help="结论 / Conclusion."),
    evidence: list[Path] = typer.Option(
        [], "--evidence", help="证明材料（可多次）/ Evidence files (repeatable)."
    ),
    samples: Path | None = typer.Option(
        None, "--samples", help="本阶段采样结果（建设用地模板）/ Samples of this stage."
    ),
    version: int | None = typer.Option(
        None, "--version", help="基于的地块版本 / Expected version."
    ),
    date: str | None = DateOption,
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """推进地块阶段（须附报告，不得跳过阶段）/ Advance a plot to its next stage."""
    from envplan.services.land import (
        FileUpload,
        LandNotFound,
        StepInput,
        add_samples,
        advance,
        find_plot,
    )
    from envplan.standards.land.lifecycle import next_stages, parse_stage

    on = parse_date(date, "--date")
    review_day = parse_date(reviewed_on, "--reviewed-on") if reviewed_on else None
    upload = FileUpload(report.name, read_file(report, "--report")) if report is not None else None
    files = tuple(FileUpload(p.name, read_file(p, "--evidence")) for p in evidence)
    frame, sample_sha = _read_samples(samples) if samples is not None else (None, "")
    with unit_of_work() as session:
        actor = acting_user(session, user)
        if frame is not None:
            target = parse_stage(to)
            try:
                plot = find_plot(session, parcel)
            except LandNotFound as exc:
                raise fail(str(exc)) from exc
            if target is not None:
                add_samples(
                    session, plot, frame, stage=target, taken_on=on, source_sha256=sample_sha,
                    actor=actor, source_name=samples.name if samples else "",
                )  # fmt: skip
        step = advance(
            session,
            parcel,
            StepInput(
                to=to,
                report=upload,
                on=on,
                report_title=title,
                review_meeting=review_meeting,
                reviewed_on=review_day,
                reviewers=reviewers,
                conclusion=conclusion,
                evidence=files,
                expected_version=version,
            ),
            store=evidence_store(),
            actor=actor,
        )
        plot = find_plot(session, parcel)
        result = {
            "parcel_id": plot.parcel_id,
            "from": step.from_stage,
            "to": step.stage,
            "stage": plot.stage,
            "step": step.seq,
            "step_on": step.step_on.isoformat(),
            "report_kind": step.report_kind,
            "guideline": step.guideline,
            "report_file": step.report_filename,
            "report_sha256": step.report_sha256,
            "conclusion": step.conclusion,
            "basis": step.basis,
            "version": plot.version,
            "next_stages": [s.value for s in next_stages(parse_stage(plot.stage))],  # type: ignore[arg-type]
        }
    if as_json:
        echo_json(result)
        return
    typer.echo(
        f"地块 {result['parcel_id']}：{result['from']} → {result['to']}（{result['report_kind']}）"
    )


def _read_samples(path: Path) -> tuple[Any, str]:
    import hashlib

    from envplan.monitoring.errors import InputFileError
    from envplan.monitoring.soil_readers import read_construction_samples

    data = read_file(path, "--samples")
    try:
        frame = read_construction_samples(path)
    except InputFileError as exc:
        raise fail(str(exc)) from exc
    return frame, hashlib.sha256(data).hexdigest()


@plot_app.command("show")
def plot_show(
    parcel: str = typer.Option(..., "--parcel", help="地块编号 / Parcel id."),
    date: str | None = typer.Option(None, "--as-of", help="评估日期 / Evaluation date."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """查看地块：阶段、报告、评审、采样评价、查询记录 / Show a plot."""
    from envplan.services.access import Action
    from envplan.services.land import find_plot, plot_detail, require_county

    with unit_of_work() as session:
        plot = find_plot(session, parcel)
        require_county(acting_user(session, user), Action.READ, plot.county, "地块")
        detail = plot_detail(session, plot, as_of=parse_date(date, "--as-of"))
    if as_json:
        echo_json(detail)
        return
    typer.echo(f"地块 {detail['parcel_id']} {detail['name']}（{detail['county']}）")
    typer.echo(
        f"  规划用途：{detail['planned_use']}；当前阶段：{detail['stage']}（{detail['list']}）"
    )
    for step in detail["steps"]:
        typer.echo(
            f"  {step['seq']}. {step['step_on']} {step['stage']}：{step['report_kind']} {step['conclusion']}"
        )
    worst = detail["assessment"]["worst_code"]
    typer.echo(
        f"  采样评价（GB 36600-2018）：最差结果代码 {worst}；超筛选值：{'；'.join(detail['assessment']['exceeding']) or '无'}"
    )


@plot_app.command("list")
def plot_list(
    county: str | None = typer.Option(None, "--county", help="县（市、区）/ County."),
    stage: str | None = typer.Option(None, "--stage", help="阶段 / Stage."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """列出地块 / List plots."""
    from envplan.services.land import list_plots, plot_summary, visible_counties

    with unit_of_work() as session:
        seen = visible_counties(acting_user(session, user))
        counties: tuple[str, ...] | None = (county,) if county else None
        if seen is not None:
            counties = tuple(c for c in (counties or seen) if c in seen)
        rows = [plot_summary(p, None) for p in list_plots(session, counties=counties, stage=stage)]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        demo = "（示例）" if row["is_demo"] else ""
        typer.echo(f"{row['parcel_id']}\t{row['county']}\t{row['stage']}\t{row['name']}{demo}")


# --- samples --------------------------------------------------------------------------------------


@samples_app.command("add")
def samples_add(
    input_path: Path = typer.Argument(..., metavar="FILE", help="建设用地采样结果 / Results file."),
    parcel: str = typer.Option(..., "--parcel", help="地块编号 / Parcel id."),
    stage: str | None = typer.Option(
        None, "--stage", help="所属阶段（默认地块当前阶段）/ Stage (default: current)."
    ),
    date: str | None = typer.Option(None, "--date", help="采样日期 / Sampling date."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """录入地块采样结果（模板同 envplan soil classify 建设用地）/ Record a plot's results."""
    from envplan.services.land import add_samples, assess_samples, find_plot
    from envplan.standards.land.lifecycle import Stage, parse_stage

    frame, sha = _read_samples(input_path)
    with unit_of_work() as session:
        plot = find_plot(session, parcel)
        chosen = parse_stage(stage) if stage else Stage(plot.stage)
        if chosen is None:
            raise fail(f"--stage 阶段「{stage}」无效")
        count = add_samples(
            session, plot, frame, stage=chosen, taken_on=parse_date(date, "--date"),
            source_sha256=sha, actor=acting_user(session, user), source_name=input_path.name,
        )  # fmt: skip
        result: dict[str, Any] = {"parcel_id": plot.parcel_id, "stage": chosen.value, "rows": count}
        result["assessment"] = assess_samples(session, plot).to_dict()
    if as_json:
        echo_json(result)
        return
    typer.echo(f"已录入地块 {parcel} 的 {count} 条采样结果（{chosen.value}）")


@samples_app.command("assess")
def samples_assess(
    parcel: str = typer.Option(..., "--parcel", help="地块编号 / Parcel id."),
    as_json: bool = JsonOption,
) -> None:
    """按规划用途评价地块采样结果（GB 36600-2018）/ Assess a plot's results."""
    from envplan.services.land import assess_samples, find_plot

    with unit_of_work() as session:
        found = assess_samples(session, find_plot(session, parcel)).to_dict()
    if as_json:
        echo_json(found)
        return
    typer.echo(f"{found['planned_use']}：最差结果代码 {found['worst_code']}")
    for line in found["exceeding"]:
        typer.echo(f"  超筛选值 {line}")


# --- gate and query record ------------------------------------------------------------------------


@app.command("gate")
def gate_cmd(
    parcel: str = typer.Option(..., "--parcel", help="地块编号 / Parcel id."),
    purpose: str = typer.Option(..., "--purpose", help="供地 | 征收 | 收回 | 收购 / Purpose."),
    user: str = typer.Option(..., "--user", help="查询人（用户名或姓名）/ Who asks."),
    unit: str | None = typer.Option(None, "--unit", help="查询单位 / Asking unit."),
    use: str | None = typer.Option(
        None, "--use", help="拟用途：第一类用地 | 第二类用地 / Intended use."
    ),
    date: str | None = typer.Option(None, "--date", help="查询日期 / Query date."),
    as_json: bool = JsonOption,
) -> None:
    """供地/征收/收回/收购前查询地块：可以或不可以，并记录查询 / Land-supply gate (recorded)."""
    from sqlalchemy import select

    from envplan.services import land as land_service
    from envplan.services.access import SYSTEM, Principal
    from envplan.services.land import GateRequest
    from envplan.store.models import User

    today = dt.date.today()
    on = parse_date(date, "--date", today)
    with unit_of_work() as session:
        row = session.scalar(select(User).where(User.username == user))
        actor = Principal.of(row) if row is not None and row.active else SYSTEM
        asking_unit = unit or (row.unit.name if row is not None and row.unit else "")
        query = land_service.gate(
            session,
            GateRequest(parcel, purpose, asked_by=user, unit=asking_unit, on=on, intended_use=use),
            today=today,
            actor=actor,
        )
        result = {
            "allowed": query.allowed,
            "answer": "可以" if query.allowed else "不可以",
            "reason": query.reason,
            "rule": query.rule,
            "status": query.status,
            "parcel_id": query.parcel_id,
            "purpose": query.purpose,
            "date": query.asked_on.isoformat(),
            "query_id": query.id,
            "needs_written_reply": query.needs_written_reply,
        }
    if as_json:
        echo_json(result)
        return
    typer.echo(f"{result['answer']}：{result['reason']}")
    typer.echo(f"依据：{result['rule']}（查询记录第 {result['query_id']} 号）")


@app.command("queries")
def queries_cmd(
    parcel: str | None = typer.Option(None, "--parcel", help="地块编号 / Parcel id."),
    as_json: bool = JsonOption,
) -> None:
    """列出查询记录（只增不改）/ List the recorded queries (append-only)."""
    from envplan.services.land import list_queries, query_json

    with unit_of_work() as session:
        rows = [query_json(q) for q in list_queries(session, parcel)]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        replies = f"；书面回复 {len(row['replies'])} 份" if row["replies"] else ""
        typer.echo(
            f"第{row['id']}号\t{row['date']}\t{row['parcel_id']}\t{row['purpose']}\t{row['asked_by']}"
            f"\t{row['status']}\t{row['answer']}{replies}"
        )


@app.command("reply")
def reply_cmd(
    query_id: int = typer.Option(..., "--query", help="查询记录编号 / Query id."),
    text: str = typer.Option("", "--text", help="书面回复内容 / Reply text."),
    file: Path | None = typer.Option(None, "--file", help="书面回复文件 / Signed reply file."),
    date: str | None = DateOption,
    user: str | None = UserOption,
) -> None:
    """登记生态环境部门对查询的书面回复 / Attach the bureau's written reply to a query."""
    from envplan.services.land import attach_reply

    upload = (file.name, read_file(file, "--file")) if file is not None else None
    with unit_of_work() as session:
        reply = attach_reply(
            session, query_id, replied_on=parse_date(date, "--date"), text=text, upload=upload,
            store=evidence_store(), actor=acting_user(session, user),
        )  # fmt: skip
        reply_id = reply.id
    typer.echo(f"已登记查询第 {query_id} 号的书面回复（回复第 {reply_id} 号）")


@app.command("verify")
def verify_cmd() -> None:
    """核对查询记录与审计日志（发现改动时退出码为 1）/ Check the query record against the audit."""
    from envplan.services.land import verify_queries

    with unit_of_work() as session:
        count, problems = verify_queries(session)
    if problems:
        typer.echo(f"查询记录校验失败：{count} 条记录中发现 {len(problems)} 处问题：", err=True)
        for problem in problems:
            typer.echo(f"  查询第 {problem.query_id} 号：{problem.reason}", err=True)
        raise typer.Exit(1)
    typer.echo(f"查询记录完整：{count} 条记录与审计日志一致。")


@app.command("public")
def public_cmd(as_json: bool = JsonOption) -> None:
    """向社会公开的名录（仅可公开的字段）/ The published lists."""
    from envplan.services.land import public_lists

    with unit_of_work() as session:
        lists = public_lists(session)
    if as_json:
        echo_json(lists)
        return
    for group in lists["lists"]:
        typer.echo(f"{group['label']}（{len(group['plots'])} 块）")
        for row in group["plots"]:
            demo = "（示例）" if row["is_demo"] else ""
            typer.echo(
                f"  {row['parcel_id']}\t{row['county']}\t{row['stage']}\t{row['name']}{demo}"
            )


land_units_cmd.register(app)
