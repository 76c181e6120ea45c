"""activity_year_minutes: each activity's credited minutes and participations per Beijing year

Revision ID: d3a9f6b1e2c4
Revises: c8e4f7a2d913
Create Date: 2026-11-27 20:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d3a9f6b1e2c4"
down_revision = "c8e4f7a2d913"
branch_labels = None
depends_on = None


def upgrade():
    totals = op.create_table(
        "activity_year_minutes",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("participations", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "minutes >= 0", name=op.f("ck_activity_year_minutes_minutes_not_negative")
        ),
        sa.CheckConstraint(
            "participations >= 0",
            name=op.f("ck_activity_year_minutes_participations_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_year_minutes_activity_id_activities"),
        ),
        sa.PrimaryKeyConstraint("activity_id", "year", name=op.f("pk_activity_year_minutes")),
    )
    op.create_index(
        "ix_activity_year_minutes_year_activity",
        "activity_year_minutes",
        ["year", "activity_id"],
        unique=False,
    )
    # The totals start as the ledger's sums; from here on the ledger's writes keep them.
    op.execute(
        totals.insert().from_select(
            ["activity_id", "year", "minutes", "participations"], _ledger_sums()
        )
    )


def _ledger_sums() -> sa.Select:
    """Per activity and Beijing year: the ledger's minutes, and its records crediting more than
    0 minutes that year (a record's minutes per year first, then counted per activity)."""
    credit = sa.table(
        "credit_entries",
        sa.column("record_id", sa.Integer),
        sa.column("day", sa.Date),
        sa.column("minutes", sa.Integer),
    )
    records = sa.table("service_records", sa.column("id", sa.Integer), sa.column("activity_id"))
    year = sa.cast(sa.extract("year", credit.c.day), sa.Integer)
    per_record = (
        sa.select(
            records.c.activity_id,
            year.label("year"),
            sa.func.sum(credit.c.minutes).label("minutes"),
        )
        .join(records, records.c.id == credit.c.record_id)
        .group_by(credit.c.record_id, records.c.activity_id, year)
        .subquery("per_record")
    )
    return sa.select(
        per_record.c.activity_id,
        per_record.c.year,
        sa.func.sum(per_record.c.minutes),
        sa.func.sum(sa.case((per_record.c.minutes > 0, 1), else_=0)),
    ).group_by(per_record.c.activity_id, per_record.c.year)


def downgrade():
    op.drop_index("ix_activity_year_minutes_year_activity", table_name="activity_year_minutes")
    op.drop_table("activity_year_minutes")
