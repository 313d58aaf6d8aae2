"""Records of the contaminated-land registry (土壤 6-12): plots, lifecycle steps with their reports,
sample results, the recorded gate queries with the bureau's written replies, key supervised
units and their tracked duties.

Append-only (database triggers, :data:`LAND_APPEND_ONLY_TABLES`): lifecycle steps and their
evidence, sample results, queries and replies — a correction is a new row. A plot's current
stage and a key unit's facts are updated in place with ``version`` as the optimistic-lock token;
every write is in the audit chain. Former enterprises and key units carry the 统一社会信用代码
that links them to the enterprise registry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from envplan.store.models import Base


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LandPlot(Base):
    """A suspected or contaminated construction-land plot (地块)."""

    __tablename__ = "land_plots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parcel_id: Mapped[str] = mapped_column(String(64), unique=True)  # 地块编号
    name: Mapped[str] = mapped_column(String(200), default="")
    county: Mapped[str] = mapped_column(String(32), index=True)
    town: Mapped[str] = mapped_column(String(64), default="")
    village: Mapped[str] = mapped_column(String(64), default="")
    area_m2: Mapped[float | None] = mapped_column(Float)  # [m²]
    polygon: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # GeoJSON geometry (WGS 84)
    former_use: Mapped[str] = mapped_column(Text, default="")
    former_enterprise_code: Mapped[str | None] = mapped_column(String(18), index=True)
    former_enterprise_name: Mapped[str] = mapped_column(String(200), default="")
    planned_use: Mapped[str | None] = mapped_column(String(16))  # 第一类用地 | 第二类用地 | None
    stage: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    steps: Mapped[list[LandStep]] = relationship(order_by="LandStep.seq")


class LandStep(Base):
    """One lifecycle step of a plot with its report and review (append-only)."""

    __tablename__ = "land_steps"
    __table_args__ = (UniqueConstraint("plot_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plot_id: Mapped[int] = mapped_column(ForeignKey("land_plots.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    from_stage: Mapped[str | None] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16))
    step_on: Mapped[dt.date] = mapped_column(Date)
    report_kind: Mapped[str] = mapped_column(String(100))
    guideline: Mapped[str] = mapped_column(Text, default="")
    report_title: Mapped[str] = mapped_column(Text, default="")
    report_sha256: Mapped[str | None] = mapped_column(ForeignKey("evidence_files.sha256"))
    report_filename: Mapped[str | None] = mapped_column(String(255))
    review_meeting: Mapped[str] = mapped_column(Text, default="")  # 评审会
    reviewed_on: Mapped[dt.date | None] = mapped_column(Date)
    reviewers: Mapped[str] = mapped_column(Text, default="")  # internal, never published
    conclusion: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[str] = mapped_column(Text, default="")  # citation of the transition
    actor: Mapped[str] = mapped_column(String(64))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    evidence: Mapped[list[LandStepEvidence]] = relationship(order_by="LandStepEvidence.id")


class LandStepEvidence(Base):
    __tablename__ = "land_step_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("land_steps.id"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("evidence_files.sha256"))
    filename: Mapped[str] = mapped_column(String(255))


class LandSample(Base):
    """One construction-land soil result of a plot [mg/kg] (append-only)."""

    __tablename__ = "land_samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plot_id: Mapped[int] = mapped_column(ForeignKey("land_plots.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))  # stage the sampling belongs to
    batch: Mapped[str] = mapped_column(String(64))  # SHA-256 of the imported file
    sample_id: Mapped[str] = mapped_column(String(64))
    item: Mapped[str] = mapped_column(String(100))
    value: Mapped[float | None] = mapped_column(Float)
    background: Mapped[float | None] = mapped_column(Float)
    taken_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(64))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class LandQuery(Base):
    """One query of the plot system (who, unit, date, purpose, parcel, status returned) —
    append-only,土壤 measure 9."""

    __tablename__ = "land_queries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plot_id: Mapped[int | None] = mapped_column(ForeignKey("land_plots.id"), index=True)
    parcel_id: Mapped[str] = mapped_column(String(64), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    asked_by: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(200), default="")
    asked_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32))  # stage name or 未列入名单名录
    allowed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(Text)
    intended_use: Mapped[str | None] = mapped_column(String(16))
    needs_written_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    replies: Mapped[list[LandQueryReply]] = relationship(order_by="LandQueryReply.id")


class LandQueryReply(Base):
    """The ecology bureau's written reply (书面回复) to a query (append-only)."""

    __tablename__ = "land_query_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query_id: Mapped[int] = mapped_column(ForeignKey("land_queries.id"), index=True)
    replied_on: Mapped[dt.date] = mapped_column(Date)
    replied_by: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str | None] = mapped_column(ForeignKey("evidence_files.sha256"))
    filename: Mapped[str | None] = mapped_column(String(255))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class LandKeyUnit(Base):
    """A soil key supervised unit (土壤污染重点监管单位)."""

    __tablename__ = "land_key_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    county: Mapped[str] = mapped_column(String(32), index=True)
    industry: Mapped[str] = mapped_column(String(100), default="")
    heavy_metal: Mapped[bool] = mapped_column(Boolean, default=False)  # 涉重金属
    listed_on: Mapped[dt.date | None] = mapped_column(Date)  # 纳入名录日期
    permit_number: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    duties: Mapped[list[LandDuty]] = relationship(order_by="LandDuty.id")


class LandDuty(Base):
    """A tracked, dated duty: a key unit's investigation / monitoring / plan / permit clause, or a
    plot's survey opened by the gate. Closed by setting ``done_on`` (audited)."""

    __tablename__ = "land_duties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    key_unit_id: Mapped[int | None] = mapped_column(ForeignKey("land_key_units.id"), index=True)
    plot_id: Mapped[int | None] = mapped_column(ForeignKey("land_plots.id"), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    evidence_sha256: Mapped[str | None] = mapped_column(ForeignKey("evidence_files.sha256"))
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


LAND_TABLES: tuple[str, ...] = (
    "land_plots",
    "land_steps",
    "land_step_evidence",
    "land_samples",
    "land_queries",
    "land_query_replies",
    "land_key_units",
    "land_duties",
)

LAND_APPEND_ONLY_TABLES: tuple[str, ...] = (
    "land_steps",
    "land_step_evidence",
    "land_samples",
    "land_queries",
    "land_query_replies",
)
