"""Supervision reaches every responsible party: county and co-unit occurrences, notice replies
with close and comments, 13710 items with content, rule set, extension and escalation.

Revision ID: 0002_supervision_parties
Revises: 0001
Create Date: 2026-12-03 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_supervision_parties"
down_revision = "0001"
branch_labels = None
depends_on = None

_NEW_APPEND_ONLY = ("notice_comments",)


def upgrade() -> None:
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), server_default="lead", nullable=False)
        )
        batch_op.add_column(sa.Column("clause", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint("uq_occurrences_task_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_occurrences_task_id", ["task_id", "unit_id", "role", "clause", "seq"]
        )
        batch_op.create_foreign_key(
            "fk_occurrences_parent_id_occurrences", "occurrences", ["parent_id"], ["id"]
        )
        batch_op.create_index("ix_occurrences_parent_id", ["parent_id"], unique=False)

    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("close_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("closed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_foreign_key(
            "fk_notices_closed_by_id_users", "users", ["closed_by_id"], ["id"]
        )

    op.create_table(
        "notice_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_notice_comments_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_comments_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_comments")),
    )
    with op.batch_alter_table("notice_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notice_comments_notice_id"), ["notice_id"], unique=False
        )

    with op.batch_alter_table("clock_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column(
                "rule_set",
                sa.String(length=64),
                server_default="shanxi-13710-2016",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("answer_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("settlement_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("extended_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("extension_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("escalated_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("escalations", sa.Integer(), server_default="0", nullable=False)
        )

    dialect = op.get_bind().dialect.name
    for table in _NEW_APPEND_ONLY:
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


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in _NEW_APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif dialect == "sqlite":
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")

    with op.batch_alter_table("clock_items", schema=None) as batch_op:
        for column in (
            "escalations",
            "escalated_on",
            "extension_reason",
            "extended_to",
            "settlement_text",
            "answer_text",
            "rule_set",
            "content",
        ):
            batch_op.drop_column(column)

    with op.batch_alter_table("notice_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_comments_notice_id"))
    op.drop_table("notice_comments")

    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_constraint("fk_notices_closed_by_id_users", type_="foreignkey")
        for column in ("version", "closed_by_id", "close_note", "closed_on"):
            batch_op.drop_column(column)

    # Only lead occurrences existed before this revision.
    op.execute("DELETE FROM occurrences WHERE role <> 'lead'")
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.drop_index("ix_occurrences_parent_id")
        batch_op.drop_constraint("fk_occurrences_parent_id_occurrences", type_="foreignkey")
        batch_op.drop_constraint("uq_occurrences_task_id", type_="unique")
        batch_op.create_unique_constraint("uq_occurrences_task_id", ["task_id", "seq"])
        for column in ("parent_id", "clause", "role"):
            batch_op.drop_column(column)
