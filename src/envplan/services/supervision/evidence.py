"""Evidence files (证明材料) of progress reports: listing, download and preview.

A file is read under the same rule as the record it belongs to: whoever may read the occurrence
may open its reports' files; anyone else gets :class:`AccessDenied`, and a hash that belongs to no
report the caller can read is answered exactly like an unknown hash (nothing leaks). The bytes are
checked against their SHA-256 when read (``EvidenceStore.read``), and the hash is shown with every
file so a printed copy can be matched to the stored one.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.access import AccessDenied, Action, Principal
from envplan.services.access import can_on_occurrence as _can
from envplan.services.supervision.rules import NotFound
from envplan.services.supervision.state import _load_occurrence
from envplan.store import EvidenceStore
from envplan.store.models import EvidenceFile, ProgressReport, ReportEvidence

# Types a browser can show inline without running anything (no HTML, no SVG: those could script).
#: Content types previewed inline.
PREVIEW_TYPES = frozenset(
    {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain"}
)


@dataclass(frozen=True)
class EvidenceInfo:
    """An evidence file of a progress report: ids, file name, type, SHA-256, size [bytes] and whether
    the platform can preview it.
    """

    evidence_id: int
    report_id: int
    occurrence_id: int
    filename: str
    content_type: str
    sha256: str
    size: int
    previewable: bool


@dataclass(frozen=True)
class EvidenceDownload:
    """An evidence file's description and its bytes."""

    info: EvidenceInfo
    data: bytes


def _content_type(row: ReportEvidence) -> str:
    declared = (row.content_type or "").split(";")[0].strip().lower()
    if declared and declared != "application/octet-stream":
        return declared
    guessed, _ = mimetypes.guess_type(row.filename)
    return guessed or "application/octet-stream"


def _info(row: ReportEvidence, report: ProgressReport, size: int) -> EvidenceInfo:
    content_type = _content_type(row)
    return EvidenceInfo(
        evidence_id=row.id,
        report_id=report.id,
        occurrence_id=report.occurrence_id,
        filename=row.filename,
        content_type=content_type,
        sha256=row.sha256,
        size=size,
        previewable=content_type in PREVIEW_TYPES,
    )


def list_evidence(
    session: Session, occurrence_id: int, *, principal: Principal | None = None
) -> list[EvidenceInfo]:
    """Every evidence file of the occurrence's reports, oldest first."""
    occurrence = _load_occurrence(session, occurrence_id)
    if principal is not None and not _can(principal, Action.READ, occurrence):
        raise AccessDenied(f"无权查看该任务的证明材料：用户 {principal.username}")
    rows = session.execute(
        select(ReportEvidence, ProgressReport, EvidenceFile.size)
        .join(ProgressReport, ProgressReport.id == ReportEvidence.report_id)
        .join(EvidenceFile, EvidenceFile.sha256 == ReportEvidence.sha256)
        .where(ProgressReport.occurrence_id == occurrence_id)
        .order_by(ReportEvidence.id)
    )
    return [_info(row, report, size) for row, report, size in rows]


def open_evidence(
    session: Session,
    store: EvidenceStore,
    *,
    principal: Principal,
    evidence_id: int | None = None,
    sha256: str | None = None,
) -> EvidenceDownload:
    """The bytes of one evidence file (by its row id or its hash), if ``principal`` may read a
    report it is attached to. NotFound for unknown ids and for files the caller may not read."""
    query = (
        select(ReportEvidence, ProgressReport, EvidenceFile.size)
        .join(ProgressReport, ProgressReport.id == ReportEvidence.report_id)
        .join(EvidenceFile, EvidenceFile.sha256 == ReportEvidence.sha256)
        .order_by(ReportEvidence.id)
    )
    if evidence_id is not None:
        query = query.where(ReportEvidence.id == evidence_id)
    elif sha256 is not None:
        query = query.where(ReportEvidence.sha256 == sha256.strip().lower())
    else:
        raise NotFound("未指定证明材料")
    wanted = evidence_id if evidence_id is not None else sha256
    for row, report, size in session.execute(query):
        occurrence = _load_occurrence(session, report.occurrence_id)
        if _can(principal, Action.READ, occurrence):
            info = _info(row, report, size)
            return EvidenceDownload(info, store.read(row.sha256))
    raise NotFound(f"证明材料不存在或无权查看：{wanted}")
