"""Writing progress: reports with evidence, reviews (approve / return), comments, history.

Optimistic locking through ``expected_version`` (compare-and-swap on ``Occurrence.version``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from envplan.services.access import AccessDenied, Action, Principal, require
from envplan.services.supervision.rules import (
    ConflictError,
    NotFound,
    SupervisionError,
)
from envplan.services.supervision.state import (
    _approved_done,
    _load_occurrence,
)
from envplan.store import EvidenceStore, audit
from envplan.store.models import (
    Comment,
    EvidenceFile,
    Occurrence,
    ProgressReport,
    ReportEvidence,
    ReportReview,
)

# --- writing: reports, reviews, comments --------------------------------------------------------


def _bump_version(
    session: Session, occurrence: Occurrence, expected: int, unsaved: dict[str, Any]
) -> None:
    """Compare-and-swap the optimistic-lock token; raise ConflictError when someone was first."""
    result = session.execute(
        update(Occurrence)
        .where(Occurrence.id == occurrence.id, Occurrence.version == expected)
        .values(version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        # Nothing of this call was written yet (the CAS is its first write).
        actual = session.scalar(select(Occurrence.version).where(Occurrence.id == occurrence.id))
        raise ConflictError(occurrence.id, expected, int(actual or 0), unsaved)
    session.refresh(occurrence, attribute_names=["version"])


@dataclass(frozen=True)
class EvidenceUpload:
    """An evidence file attached to a report: name, bytes and declared content type."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


#: Largest evidence file accepted [bytes] (50 MiB).
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


def submit_report(
    session: Session,
    principal: Principal,
    occurrence_id: int,
    *,
    expected_version: int,
    reported_on: dt.date,
    state: str,
    percent: int,
    narrative: str,
    evidence: Sequence[EvidenceUpload] = (),
    evidence_store: EvidenceStore | None = None,
    is_demo: bool = False,
) -> ProgressReport:
    """Record a progress report. ``state`` "in_progress" or "done" (done counts once approved).

    Raises AccessDenied, SupervisionError (bad field, zh-CN), ConflictError (stale version).
    """
    occurrence = _load_occurrence(session, occurrence_id)
    require(principal, Action.REPORT, occurrence)
    if state not in ("in_progress", "done"):
        raise SupervisionError(
            f"字段 状态：应为 in_progress（推进中）或 done（已完成），收到 {state!r}"
        )
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise SupervisionError(f"字段 完成进度：应为 0–100 的整数，收到 {percent!r}")
    if state == "done":
        percent = 100
    if not narrative.strip():
        raise SupervisionError("字段 进展情况：不能为空")
    if evidence and evidence_store is None:
        raise SupervisionError("未配置证明材料存储目录，无法保存附件")
    if any(_approved_done(r, dt.date.max) for r in occurrence.reports):
        raise SupervisionError(
            f"{occurrence.task.task_key} 第{occurrence.seq}期已审核完成，不能再填报（如需更正请联系局管理员）"
        )
    for upload in evidence:
        if len(upload.data) > MAX_EVIDENCE_BYTES:
            raise SupervisionError(f"附件 {upload.filename} 超过 50 MB")
        if not upload.filename.strip():
            raise SupervisionError("附件文件名不能为空")
    unsaved = {
        "reported_on": reported_on.isoformat(),
        "state": state,
        "percent": percent,
        "narrative": narrative,
        "evidence": [u.filename for u in evidence],
    }
    _bump_version(session, occurrence, expected_version, unsaved)
    report = ProgressReport(
        occurrence_id=occurrence.id,
        reported_on=reported_on,
        state=state,
        percent=percent,
        narrative=narrative.strip(),
        author_id=principal.user_id,
        is_demo=is_demo,
    )
    session.add(report)
    session.flush()
    stored = []
    for upload in evidence:
        assert evidence_store is not None
        sha = evidence_store.put(upload.data)
        if session.get(EvidenceFile, sha) is None:
            session.add(EvidenceFile(sha256=sha, size=len(upload.data)))
            session.flush()
        session.add(
            ReportEvidence(
                report_id=report.id,
                sha256=sha,
                filename=upload.filename,
                content_type=upload.content_type,
            )
        )
        stored.append({"sha256": sha, "filename": upload.filename})
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action="report.submit",
        entity="occurrence",
        entity_id=occurrence.id,
        before={"version": expected_version},
        after={
            **unsaved,
            "report_id": report.id,
            "evidence": stored,
            "version": expected_version + 1,
        },
    )
    return report


def review_report(
    session: Session,
    principal: Principal,
    report_id: int,
    *,
    expected_version: int,
    reviewed_on: dt.date,
    decision: str = "approved",
    comment: str = "",
    is_demo: bool = False,
) -> ReportReview:
    """Approve (``decision="approved"``) or return (``"returned"``) a report."""
    report = session.get(ProgressReport, report_id)
    if report is None:
        raise NotFound(f"进展报告不存在：{report_id}")
    occurrence = _load_occurrence(session, report.occurrence_id)
    require(principal, Action.APPROVE, occurrence)
    if principal.user_id is not None and report.author_id == principal.user_id:
        # Four eyes: nobody (leaders and admins included) reviews a report they wrote.
        raise AccessDenied(
            f"不能审核本人填报的报告（报告 {report_id}，填报人 {principal.username}），"
            "请由本单位其他负责人或局管理员审核"
        )
    if decision not in ("approved", "returned"):
        raise SupervisionError(
            f"字段 审核结果：应为 approved（通过）或 returned（退回），收到 {decision!r}"
        )
    if decision == "returned" and not comment.strip():
        raise SupervisionError("字段 审核意见：退回时必须填写意见")
    if reviewed_on < report.reported_on:
        raise SupervisionError(
            f"字段 审核日期：{reviewed_on.isoformat()} 早于报告日期 {report.reported_on.isoformat()}"
        )
    if report.reviews:
        raise SupervisionError(
            f"报告 {report_id} 已审核（{report.reviews[-1].decision}），不能重复审核"
        )
    unsaved = {"report_id": report_id, "decision": decision, "comment": comment}
    _bump_version(session, occurrence, expected_version, unsaved)
    review = ReportReview(
        report_id=report_id,
        decision=decision,
        reviewed_on=reviewed_on,
        reviewer_id=principal.user_id,
        comment=comment.strip(),
        is_demo=is_demo,
    )
    session.add(review)
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action=f"report.{decision}",
        entity="progress_report",
        entity_id=report_id,
        before={"version": expected_version},
        after={**unsaved, "reviewed_on": reviewed_on.isoformat(), "version": expected_version + 1},
    )
    return review


def approve_report(
    session: Session,
    principal: Principal,
    report_id: int,
    *,
    expected_version: int,
    reviewed_on: dt.date,
    comment: str = "",
) -> ReportReview:
    """Approve a progress report: :func:`review_report` with ``decision="approved"``."""
    return review_report(
        session,
        principal,
        report_id,
        expected_version=expected_version,
        reviewed_on=reviewed_on,
        decision="approved",
        comment=comment,
    )


def latest_report(session: Session, occurrence_id: int) -> ProgressReport | None:
    """The occurrence's most recent progress report, None when there is none."""
    return session.scalar(
        select(ProgressReport)
        .where(ProgressReport.occurrence_id == occurrence_id)
        .order_by(ProgressReport.reported_on.desc(), ProgressReport.id.desc())
        .limit(1)
    )


def add_comment(
    session: Session, principal: Principal, occurrence_id: int, body: str, *, is_demo: bool = False
) -> Comment:
    """Add ``principal``'s comment to an occurrence (audited); SupervisionError when empty."""
    occurrence = _load_occurrence(session, occurrence_id)
    require(principal, Action.COMMENT, occurrence)
    if not body.strip():
        raise SupervisionError("字段 评论：不能为空")
    comment = Comment(
        occurrence_id=occurrence_id, author_id=principal.user_id, body=body.strip(), is_demo=is_demo
    )
    session.add(comment)
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action="comment.add",
        entity="occurrence",
        entity_id=occurrence_id,
        after={"comment_id": comment.id, "body": comment.body},
    )
    return comment
