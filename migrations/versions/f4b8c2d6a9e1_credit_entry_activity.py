"""credit_entries.activity_id: each ledger piece names its record's activity

Revision ID: f4b8c2d6a9e1
Revises: d3a9f6b1e2c4
Create Date: 2026-11-27 20:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f4b8c2d6a9e1"
down_revision = "d3a9f6b1e2c4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("credit_entries") as batch_op:
        batch_op.add_column(sa.Column("activity_id", sa.Integer(), nullable=True))
    # A record's activity never changes, so every existing piece takes its record's.
    entries = sa.table(
        "credit_entries", sa.column("record_id", sa.Integer), sa.column("activity_id", sa.Integer)
    )
    records = sa.table(
        "service_records", sa.column("id", sa.Integer), sa.column("activity_id", sa.Integer)
    )
    op.execute(
        entries.update().values(
            activity_id=sa.select(records.c.activity_id)
            .where(records.c.id == entries.c.record_id)
            .scalar_subquery()
        )
    )
    with op.batch_alter_table("credit_entries") as batch_op:
        batch_op.alter_column("activity_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_credit_entries_activity_id_activities"),
            "activities",
            ["activity_id"],
            ["id"],
        )
    op.create_index(
        "ix_credit_entries_activity_day",
        "credit_entries",
        ["activity_id", "day"],
        unique=False,
        postgresql_include=["volunteer_id", "minutes"],
    )


def downgrade():
    op.drop_index("ix_credit_entries_activity_day", table_name="credit_entries")
    with op.batch_alter_table("credit_entries") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_credit_entries_activity_id_activities"), type_="foreignkey"
        )
        batch_op.drop_column("activity_id")
