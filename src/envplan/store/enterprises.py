"""Records of the enterprise registry (排污单位名录) and of heavy-pollution emergency response.

Shared base for the emergency lists, offsets, siting, water tracing and soil units: other domains
reference an enterprise by ``enterprises.id`` (a foreign key) or by its ``credit_code``.

Design notes:
- ``Enterprise.credit_code`` (统一社会信用代码, GB 32100-2015) is unique and validated by the
  services before it is written; ``county`` is the county-level area's name as in the plan
  registry (城区, 泽州县 … 开发区), so a county clerk's scope is a plain equality.
- Annual emissions are one row per (enterprise, year, pollutant) with their data source; the
  current grade is the latest row of the append-only grade history.
- Per-level emergency measures (一厂一策) are rows per (enterprise, level) and may be empty, in
  which case the national technical guide's rule for the industry and grade applies.
- Warning events, inspections and the grade history are append-only (a correction is a new row).
- Every change is also written to the audit chain (``envplan.store.audit``); an enterprise's
  history is read from there (entity ``enterprise``, id = credit code).
"""

from __future__ import annotations

import datetime as dt

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

# The registry's pollutants are defined once, with the rule that names them (W2019); re-exported.
from envplan.standards.emergency import POLLUTANT_NAMES as POLLUTANT_NAMES
from envplan.standards.emergency import POLLUTANTS as POLLUTANTS
from envplan.store.models import Base

LEVELS = ("yellow", "orange", "red")
LEVEL_NAMES = {"none": "无预警", "yellow": "黄色预警", "orange": "橙色预警", "red": "红色预警"}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Enterprise(Base):
    """An emitting enterprise (排污单位)."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    permit_number: Mapped[str] = mapped_column(String(64), default="")  # 排污许可证编号
    county: Mapped[str] = mapped_column(String(32), index=True)  # 城区 … 开发区
    town: Mapped[str] = mapped_column(String(64), default="")
    village: Mapped[str] = mapped_column(String(64), default="")
    industry: Mapped[str] = mapped_column(
        String(64)
    )  # one of the guide's 39 key industries or 其他
    lon: Mapped[float | None] = mapped_column(Float)  # WGS-84 degrees
    lat: Mapped[float | None] = mapped_column(Float)
    clean_transport: Mapped[bool] = mapped_column(Boolean, default=False)  # 清洁运输
    gate_system: Mapped[bool] = mapped_column(Boolean, default=False)  # 门禁视频系统联网
    # Optimistic-lock token, bumped on every update (services.enterprises).
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    lines: Mapped[list[ProductionLine]] = relationship(
        back_populates="enterprise", order_by="ProductionLine.id", cascade="all, delete-orphan"
    )
    emissions: Mapped[list[AnnualEmission]] = relationship(
        back_populates="enterprise", order_by="AnnualEmission.id", cascade="all, delete-orphan"
    )
    grades: Mapped[list[GradeRecord]] = relationship(
        back_populates="enterprise", order_by="GradeRecord.id"
    )
    measures: Mapped[list[EmergencyMeasure]] = relationship(
        back_populates="enterprise", order_by="EmergencyMeasure.id", cascade="all, delete-orphan"
    )


class ProductionLine(Base):
    """A production line or process unit (生产线/工序) of an enterprise."""

    __tablename__ = "enterprise_lines"
    __table_args__ = (UniqueConstraint("enterprise_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[str] = mapped_column(String(200), default="")  # as written, e.g. 60万吨/年

    enterprise: Mapped[Enterprise] = relationship(back_populates="lines")


class AnnualEmission(Base):
    """Annual emission of one pollutant [t/a] for one year, with its data source."""

    __tablename__ = "enterprise_emissions"
    __table_args__ = (UniqueConstraint("enterprise_id", "year", "pollutant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    pollutant: Mapped[str] = mapped_column(String(8))  # SO2 | NOx | PM | VOCs
    tonnes: Mapped[float] = mapped_column(Float)  # [t/a]
    source: Mapped[str] = mapped_column(String(200), default="")  # 排污许可执行报告, 源清单 …

    enterprise: Mapped[Enterprise] = relationship(back_populates="emissions")


class GradeRecord(Base):
    """One performance-grading result (绩效分级), append-only: the latest is the current grade."""

    __tablename__ = "enterprise_grades"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    grade: Mapped[str] = mapped_column(String(16))  # A | B | B- | C | D | 引领性 | 非重点
    graded_on: Mapped[dt.date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(String(200), default="")  # evaluating body
    note: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    enterprise: Mapped[Enterprise] = relationship(back_populates="grades")


class EmergencyMeasure(Base):
    """The enterprise's own measure for one warning level (一厂一策), if it set one."""

    __tablename__ = "enterprise_measures"
    __table_args__ = (UniqueConstraint("enterprise_id", "level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    level: Mapped[str] = mapped_column(String(8))  # yellow | orange | red
    cut_share: Mapped[float] = mapped_column(Float)  # share of production stopped, 0…1
    text: Mapped[str] = mapped_column(Text, default="")

    enterprise: Mapped[Enterprise] = relationship(back_populates="measures")


class EmissionTotal(Base):
    """Society-wide emission of one pollutant for one year [t/a] (全社会排放总量, 源排放清单)."""

    __tablename__ = "emission_totals"
    __table_args__ = (UniqueConstraint("year", "pollutant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    pollutant: Mapped[str] = mapped_column(String(8))
    tonnes: Mapped[float] = mapped_column(Float)  # [t/a]
    source: Mapped[str] = mapped_column(String(200), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class EmergencyWarning(Base):
    """A heavy-pollution warning episode (issued → upgraded/downgraded → lifted)."""

    __tablename__ = "emergency_warnings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_set: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(8))  # current level: yellow | orange | red
    issued_on: Mapped[dt.date] = mapped_column(Date)
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date | None] = mapped_column(Date)  # planned end of the response
    lifted_on: Mapped[dt.date | None] = mapped_column(Date)
    primary_pollutant: Mapped[str] = mapped_column(String(32), default="")
    forecast: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    events: Mapped[list[WarningEvent]] = relationship(order_by="WarningEvent.id")


class WarningEvent(Base):
    """Issue, upgrade, downgrade or lift of a warning (append-only)."""

    __tablename__ = "emergency_warning_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("emergency_warnings.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # issue | upgrade | downgrade | lift
    level_from: Mapped[str] = mapped_column(String(8), default="none")
    level_to: Mapped[str] = mapped_column(String(8))
    event_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Inspection(Base):
    """An inspection of a listed enterprise during a warning (append-only)."""

    __tablename__ = "emergency_inspections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("emergency_warnings.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    inspected_on: Mapped[dt.date] = mapped_column(Date)
    inspector: Mapped[str] = mapped_column(String(100))
    compliant: Mapped[bool] = mapped_column(Boolean)
    finding: Mapped[str] = mapped_column(Text, default="")
    evidence_sha256: Mapped[str | None] = mapped_column(ForeignKey("evidence_files.sha256"))
    evidence_name: Mapped[str] = mapped_column(String(255), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    enterprise: Mapped[Enterprise] = relationship()


ENTERPRISE_TABLES = (
    "enterprises",
    "enterprise_lines",
    "enterprise_emissions",
    "enterprise_grades",
    "enterprise_measures",
    "emission_totals",
    "emergency_warnings",
    "emergency_warning_events",
    "emergency_inspections",
)
ENTERPRISE_APPEND_ONLY_TABLES = (
    "enterprise_grades",
    "emergency_warning_events",
    "emergency_inspections",
)
