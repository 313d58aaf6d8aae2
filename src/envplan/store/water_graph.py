"""Records of the water graph: reaches, sections on reaches, outfalls, monitoring, warnings,
infrastructure-indicator reports, drinking-water sources and provincial section targets.

Design notes:
- The graph is data: a reach (河段) flows into at most one downstream reach; sections and outfalls
  sit on a reach at a ``position`` [km from the reach's upstream end], so their order along the
  river is the order of positions, then of reaches downstream (see ``services.water_graph``).
- Monitoring rows (section, outfall, enterprise self-monitoring) have one value per subject,
  date and indicator; a re-import of the same value is a no-op, a different value is refused (a
  correction is an explicit new import after review, nothing is overwritten silently).
- Indicator reports are append-only in use: a new report for the same period supersedes the
  older one in views, both are kept.
- ``is_demo`` marks rows of the seeded 示例 graph.
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
from sqlalchemy.orm import Mapped, mapped_column

from envplan.store.models import Base


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class WaterReach(Base):
    """A reach of a river (河段) between confluences, flowing into ``downstream_code``."""

    __tablename__ = "water_reaches"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    river: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    county: Mapped[str] = mapped_column(String(32), default="")
    downstream_code: Mapped[str | None] = mapped_column(String(64))
    length_km: Mapped[float | None] = mapped_column(Float)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class WaterGraphSection(Base):
    """A monitoring section placed on a reach (the plan's sections by name)."""

    __tablename__ = "water_graph_sections"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    reach_code: Mapped[str] = mapped_column(ForeignKey("water_reaches.code"), index=True)
    position_km: Mapped[float] = mapped_column(Float)
    county: Mapped[str] = mapped_column(String(32), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class WaterOutfall(Base):
    """An outfall into a river (入河排污口): code, type, receiving reach, owner, permitted load."""

    __tablename__ = "water_outfalls"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # 工业 / 城镇污水处理厂 / 农业 / 其他
    reach_code: Mapped[str] = mapped_column(ForeignKey("water_reaches.code"), index=True)
    position_km: Mapped[float] = mapped_column(Float)
    county: Mapped[str] = mapped_column(String(32), default="")
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    # 统一社会信用代码 of the owner (排污单位); links to the enterprise registry once merged.
    owner_credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    # Permitted load per indicator id [t/a], e.g. {"cod": 120.0, "nh3n": 12.0}.
    permitted_loads: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class WaterMonitoring(Base):
    """One measured value: section water, outfall effluent or enterprise self-monitoring."""

    __tablename__ = "water_monitoring"
    __table_args__ = (UniqueConstraint("kind", "subject", "sampled_on", "indicator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # section | outfall | enterprise
    # section name, outfall code or 统一社会信用代码
    subject: Mapped[str] = mapped_column(String(100), index=True)
    sampled_on: Mapped[dt.date] = mapped_column(Date, index=True)
    indicator: Mapped[str] = mapped_column(String(32))  # GB 3838 Table 1 id
    value: Mapped[float] = mapped_column(Float)  # [mg/L]
    flow_m3_d: Mapped[float | None] = mapped_column(Float)  # [m³/d], outfalls and enterprises
    source: Mapped[str] = mapped_column(String(255), default="")  # file name of the import
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class WaterWarning(Base):
    """A forward warning (正向预警) issued to a section's responsible county, tracked to reply."""

    __tablename__ = "water_warnings"
    __table_args__ = (UniqueConstraint("section", "indicator", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    section: Mapped[str] = mapped_column(String(100), index=True)
    indicator: Mapped[str] = mapped_column(String(32))
    month: Mapped[str] = mapped_column(String(7))  # evaluation month "2021-06"
    county: Mapped[str] = mapped_column(String(32), index=True)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    level: Mapped[int] = mapped_column(Integer)  # 1 近限预警, 2 超标预警
    rule_id: Mapped[str] = mapped_column(String(64))
    target_class: Mapped[int] = mapped_column(Integer)
    window_mean: Mapped[float] = mapped_column(Float)
    limit_value: Mapped[float] = mapped_column(Float)  # [mg/L]
    ratio: Mapped[float] = mapped_column(Float)
    slope: Mapped[float | None] = mapped_column(Float)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    reply_due: Mapped[dt.date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    replied_on: Mapped[dt.date | None] = mapped_column(Date)
    reply_text: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class IndicatorReport(Base):
    """A unit's reported value of a plan's quantitative target for one period, with evidence."""

    __tablename__ = "indicator_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_key: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64), index=True)  # e.g. "water-t09"
    area: Mapped[str] = mapped_column(String(64), default="全市")  # 全市 or a county
    period: Mapped[str] = mapped_column(String(7))  # "2021-06"
    value: Mapped[float] = mapped_column(Float)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    reported_on: Mapped[dt.date] = mapped_column(Date)
    narrative: Mapped[str] = mapped_column(Text, default="")
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_filename: Mapped[str | None] = mapped_column(String(255))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class DrinkingWaterSource(Base):
    """A rural 千吨万人 drinking-water source (水 (四)2) with its protection zones and class."""

    __tablename__ = "drinking_water_sources"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    county: Mapped[str] = mapped_column(String(32))
    town: Mapped[str] = mapped_column(String(64), default="")
    source_type: Mapped[str] = mapped_column(String(16))  # 地表水 / 地下水
    served_population: Mapped[int | None] = mapped_column(Integer)
    supply_t_d: Mapped[float | None] = mapped_column(Float)  # [t/d]
    zone_primary: Mapped[str] = mapped_column(Text, default="")  # 一级保护区范围
    zone_secondary: Mapped[str] = mapped_column(Text, default="")  # 二级保护区范围
    zone_quasi: Mapped[str] = mapped_column(Text, default="")  # 准保护区范围
    target_class: Mapped[int | None] = mapped_column(Integer)  # 水质目标 1..5
    latest_class: Mapped[int | None] = mapped_column(Integer)  # last quarterly result
    latest_period: Mapped[str | None] = mapped_column(String(7))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class SectionTarget(Base):
    """A provincial target class of a "完成省定目标" section for one year, with its source."""

    __tablename__ = "water_section_targets"
    __table_args__ = (UniqueConstraint("section", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    target_class: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(255))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


WATER_GRAPH_TABLES = (
    "water_reaches",
    "water_graph_sections",
    "water_outfalls",
    "water_monitoring",
    "water_warnings",
    "indicator_reports",
    "drinking_water_sources",
    "water_section_targets",
)
