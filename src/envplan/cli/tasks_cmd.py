"""`envplan tasks` command group: list, show, report, approve occurrences.

``envplan tasks list --json --month 2021-06`` is a stable contract: a JSON array, one object per
occurrence, with at least ``task_id``, ``seq``, ``unit``, ``unit_name``, ``due_date``, ``status``,
``light`` (see docs/supervision.md), plus ``role`` (lead | county | co), ``clause`` and
``duty_key`` for the county duties and co-unit contributions.

Every command runs as the ``system`` account unless ``--user`` is given (as documented).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from envplan.cli.db_cmd import acting_user, fail, parse_date, records_session

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from envplan.services.access import Principal
    from envplan.services.supervision import OccurrenceState
    from envplan.store.models import Occurrence

app = typer.Typer(
    help="任务调度：查看、填报、审核 / Tasks: list, show, report, approve.", no_args_is_help=True
)

AsOfOption = typer.Option(
    None, "--as-of", help="评估日期 YYYY-MM-DD（默认：指定月份的月末，否则今天）/ Evaluation date."
)
UserOption = typer.Option(
    None, "--user", help="以该用户身份操作（默认 system）/ Act as this user (default: system)."
)
UnitOption = typer.Option(
    None,
    "--unit",
    help="同一期次有多方职责时指定单位（县级落实、配合单位）/ Which party's line of the period.",
)
ClauseOption = typer.Option(
    None, "--clause", help="多段责任单位的措施：第几段（1 起）/ Clause of a multi-clause measure."
)


def contract_json(state: OccurrenceState) -> dict[str, Any]:
    """The stable JSON object of one occurrence (``tasks list --json``)."""
    return {
        "task_id": state.task_key,
        "seq": state.seq,
        "occurrence_id": state.occurrence_id,
        "plan": state.plan_key,
        "label": state.label,
        "unit": state.unit_id,
        "unit_name": state.unit_name,
        "county": state.county,
        "role": state.role,
        "role_label": state.role_label,
        "clause": state.clause,
        "duty_key": state.duty_key,
        "parent_occurrence_id": state.parent_id,
        "due_date": state.due_date.isoformat(),
        "status": state.status,
        "status_label": state.status_label,
        "light": state.light,
        "light_label": state.light_label,
        "percent": state.percent,
        "completed_on": state.completed_on.isoformat() if state.completed_on else None,
        "on_time": state.on_time,
        "notice_level": state.notice_level,
        "as_of": state.as_of.isoformat(),
    }


def _default_as_of(as_of: str | None, month: str | None) -> dt.date:
    from envplan.services.supervision import SupervisionError, parse_month

    if as_of is None and month is not None:
        try:
            return parse_month(month)[1]
        except SupervisionError as exc:
            raise fail(f"--month：{exc}") from exc
    return parse_date(as_of, "--as-of")


def resolve(
    session: Session,
    key: str,
    *,
    unit: str | None = None,
    clause: int | None = None,
    principal: Principal | None = None,
) -> Occurrence:
    """Occurrence by id ("123") or task key and period ("air-k14#6"; "air-k01" = period 1).

    Several parties report on one period: ``unit`` / ``clause`` pick the line; without them, the
    line the acting user reports on, else the lead's.
    """
    from envplan.services.supervision import (
        NotFound,
        SupervisionError,
        find_occurrence,
        load_occurrence,
    )

    try:
        if key.isdigit():
            return load_occurrence(session, int(key))
        task_key, _, seq = key.partition("#")
        if seq and not seq.isdigit():
            raise fail(f"任务编号格式应为 任务编号#期次（如 air-k14#6），收到：{key}")
        unit_id = _unit_id(session, unit) if unit else None
        return find_occurrence(
            session, task_key, int(seq or 1), unit_id=unit_id, clause=clause, principal=principal
        )
    except (NotFound, SupervisionError) as exc:
        raise fail(str(exc)) from exc


def _unit_id(session: Session, unit: str) -> str:
    """A unit id from its id or its name (e.g. 泽州县人民政府)."""
    from sqlalchemy import or_, select

    from envplan.store.models import Unit

    found = session.scalar(select(Unit.id).where(or_(Unit.id == unit, Unit.name == unit)))
    if found is None:
        raise fail(f"--unit：单位不存在：{unit}")
    return found


@app.command("list")
def list_cmd(
    month: str | None = typer.Option(None, "--month", help="到期月份 YYYY-MM / Due month."),
    plan: str | None = typer.Option(None, "--plan", help="air | water | soil"),
    unit: str | None = typer.Option(None, "--unit", help="责任单位编号 / Unit id."),
    county: str | None = typer.Option(None, "--county", help="县（市、区）名称或 市本级 / County."),
    status: str | None = typer.Option(
        None, "--status", help="not_started | in_progress | done | overdue | at_risk"
    ),
    role: str | None = typer.Option(
        None, "--role", help="lead（牵头）| county（县级落实）| co（配合单位）/ Party role."
    ),
    as_of: str | None = AsOfOption,
    user: str | None = UserOption,
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / JSON output."),
) -> None:
    """列出调度期次及其状态 / List occurrences with their status."""
    from envplan.services.supervision import SupervisionError, list_occurrences

    evaluation_day = _default_as_of(as_of, month)
    with records_session() as session:
        principal = acting_user(session, user) if user else None
        try:
            states = list_occurrences(
                session,
                as_of=evaluation_day,
                principal=principal,
                plan_key=plan,
                unit_id=unit,
                county=county,
                month=month,
                status=status,
                role=role,
            )
        except SupervisionError as exc:
            raise fail(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps([contract_json(s) for s in states], ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    colours = {"green": "green", "yellow": "yellow", "red": "red"}
    table = Table(title=f"调度期次（截至 {evaluation_day.isoformat()}，共 {len(states)} 项）")
    for header in ("编号", "期次", "责任单位", "职责", "完成时限", "状态", "进度"):
        table.add_column(header)
    for s in states:
        table.add_row(
            f"{s.task_key}#{s.seq}",
            s.label,
            s.unit_name,
            s.role_label,
            s.due_date.isoformat(),
            f"[{colours[s.light]}]●[/] {s.status_label}",
            f"{s.percent}%",
        )
    Console().print(table)


@app.command("show")
def show(
    key: str = typer.Argument(..., help="任务编号#期次（如 air-k14#6）或记录号 / Occurrence."),
    as_of: str | None = AsOfOption,
    unit: str | None = UnitOption,
    clause: int | None = ClauseOption,
    user: str | None = UserOption,
) -> None:
    """查看一个调度期次的状态、各方进展与全部记录 / Show one occurrence, every party, history."""
    from envplan.services.supervision import (
        AccessDenied,
        list_evidence,
        occurrence_history,
        rollup,
    )

    evaluation_day = parse_date(as_of, "--as-of")
    with records_session() as session:
        principal = acting_user(session, user)
        occurrence = resolve(session, key, unit=unit, clause=clause, principal=principal)
        try:
            roll = rollup(session, occurrence.id, as_of=evaluation_day, principal=principal)
            history = occurrence_history(session, occurrence.id, principal=principal)
            files = list_evidence(session, occurrence.id, principal=principal)
        except AccessDenied as exc:
            raise fail(str(exc)) from exc
    state = next(
        (
            s
            for s in (roll.lead, *roll.counties, *roll.contributions)
            if s.occurrence_id == occurrence.id
        ),
        roll.lead,
    )
    typer.echo(
        f"{state.task_key}#{state.seq}（记录号 {state.occurrence_id}，版本 {state.version}）"
    )
    typer.echo(f"任务：{state.task_text}")
    typer.echo(
        f"完成时限：{state.deadline_raw or '（未写明）'}；本期：{state.label}，{state.due_date}"
    )
    typer.echo(f"责任单位：{state.unit_name}（{state.role_label}）")
    extra = "（待审核）" if state.awaiting_approval else ""
    typer.echo(
        f"状态（截至 {evaluation_day}）：{state.status_label}{extra}，{state.light_label}，进度 {state.percent}%"
    )
    if roll.counties:
        typer.echo(
            f"县级落实：{roll.counties_done}/{len(roll.counties)} 已完成；"
            + (
                "未报送：" + "、".join(_party_name(s) for s in roll.missing)
                if roll.missing
                else "均已报送"
            )
        )
        for s in roll.counties:
            typer.echo(f"  {_party_name(s)}  {s.status_label}  {s.percent}%  {s.narrative}")
    if roll.contributions:
        typer.echo("配合单位：")
        for s in roll.contributions:
            typer.echo(f"  {s.unit_name}  {s.status_label}  {s.percent}%  {s.narrative}")
    for entry in history:
        typer.echo(f"  {entry.on}  {entry.kind}  {entry.who or ''}  {entry.text}")
    for info in files:
        typer.echo(
            f"  证明材料 #{info.evidence_id} {info.filename}（{info.size} 字节，SHA-256 {info.sha256}）"
        )


def _party_name(state: OccurrenceState) -> str:
    return f"{state.unit_name}（第{state.clause}段）" if state.clause else state.unit_name


@app.command("evidence")
def evidence_cmd(
    evidence_id: int = typer.Argument(..., help="证明材料编号（见 tasks show）/ Evidence id."),
    out: Path = typer.Option(..., "--out", help="保存到该文件 / Write the file here."),
    user: str | None = UserOption,
) -> None:
    """下载证明材料（与记录相同的查看权限，校验 SHA-256）/ Download an evidence file."""
    from envplan.cli.db_cmd import cli_settings
    from envplan.services.supervision import AccessDenied, NotFound, open_evidence
    from envplan.store import EvidenceStore

    with records_session() as session:
        principal = acting_user(session, user)
        try:
            download = open_evidence(
                session,
                EvidenceStore(cli_settings().evidence_dir),
                principal=principal,
                evidence_id=evidence_id,
            )
        except (AccessDenied, NotFound) as exc:
            raise fail(str(exc)) from exc
        except (OSError, ValueError) as exc:
            raise fail(f"证明材料无法读取：{exc}") from exc
    try:
        out.write_bytes(download.data)
    except OSError as exc:
        raise fail(f"--out：无法写入 {out}：{exc.strerror or exc}") from exc
    typer.echo(
        f"已保存 {download.info.filename} → {out}（{download.info.size} 字节，"
        f"SHA-256 {download.info.sha256}）"
    )


@app.command("report")
def report(
    key: str = typer.Argument(..., help="任务编号#期次 / Occurrence."),
    user: str | None = UserOption,
    unit: str | None = UnitOption,
    clause: int | None = ClauseOption,
    narrative: str = typer.Option(..., "--narrative", help="进展情况 / Progress narrative."),
    percent: int = typer.Option(0, "--percent", min=0, max=100, help="完成进度 % / Percent."),
    done: bool = typer.Option(False, "--done", help="已完成（待审核）/ Claim completion."),
    on: str | None = typer.Option(None, "--date", help="填报日期（默认今天）/ Report date."),
    evidence: list[Path] = typer.Option(
        [], "--evidence", help="证明材料文件（可多次）/ Evidence file."
    ),
    version: int | None = typer.Option(
        None, "--version", help="基于的版本号（防止覆盖他人填报）/ Expected version."
    ),
) -> None:
    """填报进展 / Submit a progress report."""
    from envplan.cli.db_cmd import cli_settings
    from envplan.services.access import AccessDenied
    from envplan.services.supervision import (
        ConflictError,
        EvidenceUpload,
        SupervisionError,
        submit_report,
    )
    from envplan.store import EvidenceStore

    uploads = []
    for path in evidence:
        if not path.is_file():
            raise fail(f"--evidence：文件不存在：{path}")
        uploads.append(EvidenceUpload(path.name, path.read_bytes()))
    reported_on = parse_date(on, "--date")
    with records_session() as session:
        principal = acting_user(session, user)
        occurrence = resolve(session, key, unit=unit, clause=clause, principal=principal)
        try:
            row = submit_report(
                session,
                principal,
                occurrence.id,
                expected_version=version if version is not None else occurrence.version,
                reported_on=reported_on,
                state="done" if done else "in_progress",
                percent=100 if done else percent,
                narrative=narrative,
                evidence=uploads,
                evidence_store=EvidenceStore(cli_settings().evidence_dir),
            )
        except (AccessDenied, SupervisionError, ConflictError) as exc:
            raise fail(str(exc)) from exc
        session.commit()
        typer.echo(
            f"已填报：{key} 报告号 {row.id}"
            + ("（已完成，待审核）" if done else f"（进度 {row.percent}%）")
        )


@app.command("approve")
def approve(
    key: str = typer.Argument(..., help="任务编号#期次 / Occurrence."),
    user: str | None = UserOption,
    unit: str | None = UnitOption,
    clause: int | None = ClauseOption,
    on: str | None = typer.Option(None, "--date", help="审核日期（默认今天）/ Review date."),
    return_it: bool = typer.Option(False, "--return", help="退回而非通过 / Return instead."),
    comment: str = typer.Option("", "--comment", help="审核意见 / Comment."),
) -> None:
    """审核该期次最新一份报告 / Approve (or return) the latest report."""
    from envplan.services.access import AccessDenied
    from envplan.services.supervision import (
        ConflictError,
        SupervisionError,
        latest_report,
        review_report,
    )

    with records_session() as session:
        principal = acting_user(session, user)
        occurrence = resolve(session, key, unit=unit, clause=clause)
        latest = latest_report(session, occurrence.id)
        if latest is None:
            raise fail(f"{key} 尚无进展报告，无可审核")
        try:
            review_report(
                session,
                principal,
                latest.id,
                expected_version=occurrence.version,
                reviewed_on=parse_date(on, "--date"),
                decision="returned" if return_it else "approved",
                comment=comment,
            )
        except (AccessDenied, SupervisionError, ConflictError) as exc:
            raise fail(str(exc)) from exc
        session.commit()
        typer.echo(f"{'已退回' if return_it else '已审核通过'}：{key} 报告号 {latest.id}")
