"""Records of the supervision system (SQLAlchemy 2 declarative models).

Design notes:
- Progress reports, report reviews, comments, evidence files, dispatch snapshots and the audit log
  are append-only: a correction is a new row, so nothing a unit submitted is ever lost.
- ``Occurrence.version`` is the optimistic-lock token: every report or review bumps it, and a save
  that carries a stale version is refused (see ``envplan.services.supervision``).
- Business dates (``reported_on``, ``reviewed_on``, ``issued_on`` …) are explicit dates supplied by
  the caller, separate from the technical ``created_at`` timestamps, so any past month can be
  re-evaluated "as of" its end.
- ``is_demo`` marks every row created by the seeded demo (shown as 示例).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Unit(Base):
    """A responsible unit: city department, county-level government, enterprise…"""

    __tablename__ = "units"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="other")
    # County-level area (城区, 泽州县 …) the unit belongs to; None for city-level units.
    county: Mapped[str | None] = mapped_column(String(32), index=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    # admin | unit_clerk | unit_leader | county_clerk | viewer (see services.access.Role)
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    county: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    unit: Mapped[Unit | None] = relationship()


class PlanVersion(Base):
    """One loaded edition of one plan (air / water / soil) for one year."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_key", "year", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_key: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(64))
    source_sha256: Mapped[str] = mapped_column(String(64))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    tasks: Mapped[list[Task]] = relationship(back_populates="plan_version")


class Task(Base):
    """A supervised item of a plan (measure, key task, engineering project)."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("plan_version_id", "task_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    task_key: Mapped[str] = mapped_column(String(64))  # stable registry id, e.g. "air-k01"
    kind: Mapped[str] = mapped_column(String(32))
    ordinal: Mapped[int] = mapped_column(Integer, default=0)
    category: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    deadline_raw: Mapped[str] = mapped_column(Text, default="")
    deadline_kind: Mapped[str] = mapped_column(String(32))
    lead_unit_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    co_unit_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    all_counties: Mapped[bool] = mapped_column(Boolean, default=False)

    plan_version: Mapped[PlanVersion] = relationship(back_populates="tasks")
    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="task", order_by="Occurrence.seq"
    )


class Occurrence(Base):
    """One concrete, dated duty of a task (one deadline, one quarter, one month, one milestone)."""

    __tablename__ = "occurrences"
    __table_args__ = (UniqueConstraint("task_id", "unit_id", "role", "clause", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # once | monthly | quarterly | milestone
    label: Mapped[str] = mapped_column(Text)
    period_start: Mapped[dt.date] = mapped_column(Date)
    nominal_due: Mapped[dt.date] = mapped_column(Date)  # as written in the plan
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)  # after the non-working-day rule
    # lead: the item's reporting unit; county: one county-level government's own duty for an item
    # naming 各县（市、区）人民政府 (and 开发区管委会); co: a co-unit's contribution line.
    role: Mapped[str] = mapped_column(String(16), default="lead", server_default="lead")
    # For a measure with several 责任单位 clauses, the clause (1-based) a county duty answers; 0 = all.
    clause: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # county / co occurrences: the lead occurrence of the same period (the roll-up's parent).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("occurrences.id"), index=True)
    # Optimistic-lock token, bumped by compare-and-swap on every save (services.supervision).
    version: Mapped[int] = mapped_column(Integer, default=1)

    task: Mapped[Task] = relationship(back_populates="occurrences")
    unit: Mapped[Unit] = relationship()
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="occurrence", order_by="ProgressReport.id"
    )
    notices: Mapped[list[Notice]] = relationship(back_populates="occurrence", order_by="Notice.id")


class ProgressReport(Base):
    """A unit's progress report on an occurrence (append-only)."""

    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), index=True)
    reported_on: Mapped[dt.date] = mapped_column(Date)
    # in_progress | done (done = the unit claims completion; it counts once approved)
    state: Mapped[str] = mapped_column(String(32))
    percent: Mapped[int] = mapped_column(Integer)
    narrative: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    occurrence: Mapped[Occurrence] = relationship(back_populates="reports")
    author: Mapped[User | None] = relationship()
    evidence: Mapped[list[ReportEvidence]] = relationship(order_by="ReportEvidence.id")
    reviews: Mapped[list[ReportReview]] = relationship(order_by="ReportReview.id")


class ReportReview(Base):
    """Approval or return of a report by the unit leader or the bureau (append-only)."""

    __tablename__ = "report_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # approved | returned
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    reviewer: Mapped[User | None] = relationship()


class EvidenceFile(Base):
    """Content-addressed evidence file; bytes live in the evidence store under their SHA-256."""

    __tablename__ = "evidence_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ReportEvidence(Base):
    __tablename__ = "report_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("evidence_files.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    author: Mapped[User | None] = relationship()


class Notice(Base):
    """Supervision notice (督办单), blue → orange → red, addressed to a unit, tracked to reply."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("occurrence_id", "level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))  # blue | orange | red
    issued_on: Mapped[dt.date] = mapped_column(Date)
    reply_due: Mapped[dt.date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    replied_on: Mapped[dt.date | None] = mapped_column(Date)
    reply_text: Mapped[str | None] = mapped_column(Text)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_on: Mapped[dt.date | None] = mapped_column(Date)  # the bureau closes a replied notice
    close_note: Mapped[str | None] = mapped_column(Text)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Optimistic-lock token: reply and close are compare-and-swap on it (one reply wins).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    occurrence: Mapped[Occurrence] = relationship(back_populates="notices")
    unit: Mapped[Unit] = relationship()
    comments: Mapped[list[NoticeComment]] = relationship(order_by="NoticeComment.id")


class NoticeComment(Base):
    """A comment on a notice (append-only)."""

    __tablename__ = "notice_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ClockItem(Base):
    """A matter assigned at a meeting or by a leader, run on the 13710 clock."""

    __tablename__ = "clock_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))  # meeting or leader that assigned it
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    major: Mapped[bool] = mapped_column(Boolean, default=False)
    assigned_on: Mapped[dt.date] = mapped_column(Date)
    deployed_on: Mapped[dt.date | None] = mapped_column(Date)
    progress_reported_on: Mapped[dt.date | None] = mapped_column(Date)
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)
    timetable_submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    timetable_due: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)  # 销号
    content: Mapped[str] = mapped_column(Text, default="", server_default="")  # 交办内容
    # Key of the dated rule set the clock runs on (services.supervision.clock_rules), fixed at 立项.
    rule_set: Mapped[str] = mapped_column(
        String(64), default="shanxi-13710-2016", server_default="shanxi-13710-2016"
    )
    answer_text: Mapped[str | None] = mapped_column(Text)  # 办理情况报告
    settlement_text: Mapped[str | None] = mapped_column(Text)  # 办结情况
    extended_to: Mapped[dt.date | None] = mapped_column(Date)  # approved extension of settlement
    extension_reason: Mapped[str | None] = mapped_column(Text)
    escalated_on: Mapped[dt.date | None] = mapped_column(Date)  # last overdue escalation (催办)
    escalations: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Optimistic-lock token, bumped by compare-and-swap on every save (services.supervision).
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    unit: Mapped[Unit] = relationship()


class DispatchSnapshot(Base):
    """Frozen month-end state of every occurrence (月调度), immutable once written."""

    __tablename__ = "dispatch_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)  # "2021-06"
    as_of: Mapped[dt.date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)  # canonical JSON
    content_sha256: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class AuditEntry(Base):
    """Append-only, hash-chained audit log (see ``envplan.store.audit``)."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))  # ISO-8601 UTC, hashed verbatim
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    after: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


APPEND_ONLY_TABLES: tuple[str, ...] = (
    "audit_log",
    "progress_reports",
    "report_reviews",
    "report_evidence",
    "evidence_files",
    "comments",
    "dispatch_snapshots",
    "notice_comments",
)

# Tables of other store modules share this metadata (migrations, test schemas, TRUNCATE).
from envplan.store import sessions as _sessions  # noqa: E402,F401
from envplan.store.land import LAND_APPEND_ONLY_TABLES  # noqa: E402  (land registry models)

APPEND_ONLY_TABLES += LAND_APPEND_ONLY_TABLES
APPEND_ONLY_TABLES += ("enterprise_grades", "emergency_warning_events", "emergency_inspections")
APPEND_ONLY_TABLES += ("offset_debits", "offset_allocations")  # store.offsets (0005_offsets)

import envplan.store.offsets  # noqa: E402, F401  (offsets tables in Base.metadata)
from envplan.store import water_graph as _water_graph  # noqa: E402, F401  (metadata complete)
