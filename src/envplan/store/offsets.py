"""Records of the offsets ledger (削减替代台账) and the emission inventory (排放清单).

- ``OffsetCredit``: a verified reduction [g/a] of one pollutant in one county. ``remaining_g`` is
  the only mutable field: debits lower it inside the same transaction that records the
  allocation (row-locked with SELECT … FOR UPDATE on PostgreSQL, under the single writer on
  SQLite); a CHECK keeps it between 0 and the credited amount, so no tonne is ever spent twice.
- ``OffsetDebit``: a project's request (granted or refused, both kept) with the rule, ratio and
  the required amount; ``OffsetAllocation``: which credit gave how much to which debit. Both are
  append-only (the database refuses UPDATE and DELETE), so every credit's history is its
  allocations, and every write is also in the audit chain.
- ``EmissionRecord``: one enterprise's annual emission of one pollutant [g/a] for a year.

Amounts are integers in grams (see ``envplan.standards.offsets``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from envplan.store.models import Base, _now

#: Append-only tables of this module (guarded by triggers in migration 0005_offsets).
OFFSETS_APPEND_ONLY_TABLES = ("offset_debits", "offset_allocations")


class OffsetCredit(Base):
    __tablename__ = "offset_credits"
    __table_args__ = (
        CheckConstraint("remaining_g >= 0 AND remaining_g <= amount_g", name="remaining_range"),
        CheckConstraint("amount_g > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    county: Mapped[str] = mapped_column(String(32), index=True)
    pollutant: Mapped[str] = mapped_column(String(8), index=True)
    amount_g: Mapped[int] = mapped_column(BigInteger)
    remaining_g: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # 工程减排 | 结构减排 | 清洁生产
    source_name: Mapped[str] = mapped_column(String(200))
    # 统一社会信用代码 of the source enterprise (links to the enterprise registry when known).
    source_credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    reduced_on: Mapped[dt.date] = mapped_column(Date)  # when the reduction took effect
    evidence: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class OffsetDebit(Base):
    __tablename__ = "offset_debits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_name: Mapped[str] = mapped_column(String(200))
    project_county: Mapped[str] = mapped_column(String(32), index=True)
    pollutant: Mapped[str] = mapped_column(String(8))
    added_g: Mapped[int] = mapped_column(BigInteger)  # the project's new emission [g/a]
    required_g: Mapped[int] = mapped_column(BigInteger)  # ratio × added
    ratio: Mapped[str] = mapped_column(String(16))  # e.g. "2" (Fraction as text)
    rule_id: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    approval_no: Mapped[str] = mapped_column(String(64), default="")  # 审批文号 if any
    decided_on: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class OffsetAllocation(Base):
    __tablename__ = "offset_allocations"
    __table_args__ = (
        UniqueConstraint("debit_id", "credit_id"),
        CheckConstraint("amount_g > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    debit_id: Mapped[int] = mapped_column(ForeignKey("offset_debits.id"), index=True)
    credit_id: Mapped[int] = mapped_column(ForeignKey("offset_credits.id"), index=True)
    amount_g: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class EmissionRecord(Base):
    __tablename__ = "emission_records"
    __table_args__ = (
        UniqueConstraint("year", "enterprise_key", "pollutant"),
        CheckConstraint("amount_g >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    # credit code when known, else "name:<企业名称>" (one enterprise = one key)
    enterprise_key: Mapped[str] = mapped_column(String(220))
    enterprise_name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    county: Mapped[str] = mapped_column(String(32), index=True)
    town: Mapped[str] = mapped_column(String(64), default="")
    village: Mapped[str] = mapped_column(String(64), default="")
    industry: Mapped[str] = mapped_column(String(64), default="")
    pollutant: Mapped[str] = mapped_column(String(8))
    amount_g: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(200), default="")  # e.g. 排污许可执行报告
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
