"""`envplan tasks` command group: list, show, report, approve occurrences.

``envplan tasks list --json --month 2021-06`` is a stable contract: a JSON array, one object per
occurrence, with at least ``task_id``, ``seq``, ``unit``, ``unit_name``, ``due_date``, ``status``,
``light`` (see docs/supervision.md).
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

    from envplan.services.supervision import OccurrenceState
    from envplan.store.models import Occurrence

app = typer.Typer(
    help="任务调度：查看、填报、审核 / Tasks: list, show, report, approve.", no_args_is_help=True
)

AsOfOption = typer.Option(
    None, "--as-of", help="评估日期 YYYY-MM-DD（默认：指定月份的月末，否则今天）/ Evaluation date."
)
UserOption = typer.Option(None, "--user", help="以该用户身份操作 / Act as this user.")


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


def resolve(session: Session, key: str) -> Occurrence:
    """Occurrence by id ("123") or task key and period ("air-k14#6"; "air-k01" = period 1)."""
    from envplan.services.supervision import NotFound, find_occurrence, load_occurrence

    try:
        if key.isdigit():
            return load_occurrence(session, int(key))
        task_key, _, seq = key.partition("#")
        if seq and not seq.isdigit():
            raise fail(f"任务编号格式应为 任务编号#期次（如 air-k14#6），收到：{key}")
        return find_occurrence(session, task_key, int(seq or 1))
    except NotFound as exc:
        raise fail(str(exc)) from exc


@app.command("list")
def list_cmd(
    month: str | None = typer.Option(None, "--month", help="到期月份 YYYY-MM / Due month."),
    plan: str | None = typer.Option(None, "--plan", help="air | water | soil"),
    unit: str | None = typer.Option(None, "--unit", help="责任单位编号 / Unit id."),
    county: str | None = typer.Option(None, "--county", help="县（市、区）名称或 市本级 / County."),
    status: str | None = typer.Option(
        None, "--status", help="not_started | in_progress | done | overdue | at_risk"
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
    for header in ("编号", "期次", "责任单位", "完成时限", "状态", "进度"):
        table.add_column(header)
    for s in states:
        table.add_row(
            f"{s.task_key}#{s.seq}",
            s.label,
            s.unit_name,
            s.due_date.isoformat(),
            f"[{colours[s.light]}]●[/] {s.status_label}",
            f"{s.percent}%",
        )
    Console().print(table)


@app.command("show")
def show(
    key: str = typer.Argument(..., help="任务编号#期次（如 air-k14#6）或记录号 / Occurrence."),
    as_of: str | None = AsOfOption,
) -> None:
    """查看一个调度期次的状态与全部记录 / Show one occurrence and its history."""
    from envplan.services.supervision import compute_state, occurrence_history

    evaluation_day = parse_date(as_of, "--as-of")
    with records_session() as session:
        occurrence = resolve(session, key)
        state = compute_state(occurrence, evaluation_day)
        history = occurrence_history(session, occurrence.id)
    typer.echo(
        f"{state.task_key}#{state.seq}（记录号 {state.occurrence_id}，版本 {state.version}）"
    )
    typer.echo(f"任务：{state.task_text}")
    typer.echo(
        f"完成时限：{state.deadline_raw or '（未写明）'}；本期：{state.label}，{state.due_date}"
    )
    typer.echo(f"责任单位：{state.unit_name}")
    extra = "（待审核）" if state.awaiting_approval else ""
    typer.echo(
        f"状态（截至 {evaluation_day}）：{state.status_label}{extra}，{state.light_label}，进度 {state.percent}%"
    )
    for entry in history:
        typer.echo(f"  {entry.on}  {entry.kind}  {entry.who or ''}  {entry.text}")


@app.command("report")
def report(
    key: str = typer.Argument(..., help="任务编号#期次 / Occurrence."),
    user: str = typer.Option(..., "--user", help="填报人用户名 / Reporting user."),
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
        occurrence = resolve(session, key)
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
    user: str = typer.Option(..., "--user", help="审核人用户名 / Reviewing user."),
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
        occurrence = resolve(session, key)
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
