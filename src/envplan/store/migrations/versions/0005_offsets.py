"""Offsets ledger and emission inventory: credits, debits, allocations, annual emissions.

Revision ID: 0005_offsets
Revises: 0004_enterprises
Create Date: 2026-12-03 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_offsets"
down_revision = "0004_enterprises"
branch_labels = None
depends_on = None

# Frozen copy of store.offsets.OFFSETS_APPEND_ONLY_TABLES at this revision.
_APPEND_ONLY = ("offset_debits", "offset_allocations")


def upgrade() -> None:
    op.create_table(
        "offset_credits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("county", sa.String(length=32), nullable=False),
        sa.Column("pollutant", sa.String(length=8), nullable=False),
        sa.Column("amount_g", sa.BigInteger(), nullable=False),
        sa.Column("remaining_g", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("source_credit_code", sa.String(length=18), nullable=True),
        sa.Column("reduced_on", sa.Date(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "remaining_g >= 0 AND remaining_g <= amount_g",
            name=op.f("ck_offset_credits_remaining_range"),
        ),
        sa.CheckConstraint("amount_g > 0", name=op.f("ck_offset_credits_amount_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offset_credits")),
    )
    op.create_index(op.f("ix_offset_credits_county"), "offset_credits", ["county"])
    op.create_index(op.f("ix_offset_credits_pollutant"), "offset_credits", ["pollutant"])
    op.create_index(
        op.f("ix_offset_credits_source_credit_code"), "offset_credits", ["source_credit_code"]
    )
    op.create_table(
        "offset_debits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_name", sa.String(length=200), nullable=False),
        sa.Column("project_county", sa.String(length=32), nullable=False),
        sa.Column("pollutant", sa.String(length=8), nullable=False),
        sa.Column("added_g", sa.BigInteger(), nullable=False),
        sa.Column("required_g", sa.BigInteger(), nullable=False),
        sa.Column("ratio", sa.String(length=16), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approval_no", sa.String(length=64), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offset_debits")),
    )
    op.create_index(op.f("ix_offset_debits_project_county"), "offset_debits", ["project_county"])
    op.create_table(
        "offset_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("debit_id", sa.Integer(), nullable=False),
        sa.Column("credit_id", sa.Integer(), nullable=False),
        sa.Column("amount_g", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_g > 0", name=op.f("ck_offset_allocations_amount_positive")),
        sa.ForeignKeyConstraint(
            ["credit_id"],
            ["offset_credits.id"],
            name=op.f("fk_offset_allocations_credit_id_offset_credits"),
        ),
        sa.ForeignKeyConstraint(
            ["debit_id"],
            ["offset_debits.id"],
            name=op.f("fk_offset_allocations_debit_id_offset_debits"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offset_allocations")),
        sa.UniqueConstraint("debit_id", "credit_id", name=op.f("uq_offset_allocations_debit_id")),
    )
    op.create_index(op.f("ix_offset_allocations_credit_id"), "offset_allocations", ["credit_id"])
    op.create_index(op.f("ix_offset_allocations_debit_id"), "offset_allocations", ["debit_id"])
    op.create_table(
        "emission_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("enterprise_key", sa.String(length=220), nullable=False),
        sa.Column("enterprise_name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("county", sa.String(length=32), nullable=False),
        sa.Column("town", sa.String(length=64), nullable=False),
        sa.Column("village", sa.String(length=64), nullable=False),
        sa.Column("industry", sa.String(length=64), nullable=False),
        sa.Column("pollutant", sa.String(length=8), nullable=False),
        sa.Column("amount_g", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.CheckConstraint("amount_g >= 0", name=op.f("ck_emission_records_amount_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emission_records")),
        sa.UniqueConstraint(
            "year", "enterprise_key", "pollutant", name=op.f("uq_emission_records_year")
        ),
    )
    op.create_index(op.f("ix_emission_records_county"), "emission_records", ["county"])
    op.create_index(op.f("ix_emission_records_credit_code"), "emission_records", ["credit_code"])
    op.create_index(op.f("ix_emission_records_year"), "emission_records", ["year"])
    _create_append_only_guards()


def downgrade() -> None:
    _drop_append_only_guards()
    op.drop_table("emission_records")
    op.drop_table("offset_allocations")
    op.drop_table("offset_debits")
    op.drop_table("offset_credits")


def _create_append_only_guards() -> None:
    # envplan_append_only() (PostgreSQL) was created by revision 0001.
    dialect = op.get_bind().dialect.name
    for table in _APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION envplan_append_only()"
            )
        elif dialect == "sqlite":
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'envplan: {table} is append-only'); END"
                )


def _drop_append_only_guards() -> None:
    dialect = op.get_bind().dialect.name
    for table in _APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif dialect == "sqlite":
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
