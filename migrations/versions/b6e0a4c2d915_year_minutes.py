"""year_minutes: each volunteer's credited minutes per Beijing year, kept with the ledger

Revision ID: b6e0a4c2d915
Revises: 3c1d9e2f7a40
Create Date: 2026-11-27 12:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b6e0a4c2d915"
down_revision = "3c1d9e2f7a40"
branch_labels = None
depends_on = None


def upgrade():
    year_minutes = op.create_table(
        "year_minutes",
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint("minutes >= 0", name=op.f("ck_year_minutes_minutes_not_negative")),
        sa.ForeignKeyConstraint(
            ["volunteer_id"], ["volunteers.id"], name=op.f("fk_year_minutes_volunteer_id_volunteers")
        ),
        sa.PrimaryKeyConstraint("volunteer_id", "year", name=op.f("pk_year_minutes")),
    )
    # The totals start as the ledger's sums; from here on the ledger's writes keep them.
    credit = sa.table(
        "credit_entries",
        sa.column("volunteer_id", sa.Integer),
        sa.column("day", sa.Date),
        sa.column("minutes", sa.Integer),
    )
    year = sa.cast(sa.extract("year", credit.c.day), sa.Integer)
    op.execute(
        year_minutes.insert().from_select(
            ["volunteer_id", "year", "minutes"],
            sa.select(credit.c.volunteer_id, year, sa.func.sum(credit.c.minutes)).group_by(
                credit.c.volunteer_id, year
            ),
        )
    )


def downgrade():
    op.drop_table("year_minutes")
