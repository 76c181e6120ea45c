"""roster entries carry the matched volunteer's id

`roster_entries.volunteer_id` points at the volunteer registered with the entry's
ID number (NULL: nobody registered with it), so reports join rosters to volunteers
on an integer instead of the ID-number string. The backfill is that match, one
correlated UPDATE; from here on the application keeps it exact on every write
(services.rosters.linking). Deleting a volunteer sets it back to NULL.

Revision ID: a3c9e1f47b20
Revises: dce5867d03f9
Create Date: 2026-11-27 14:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a3c9e1f47b20"
down_revision = "dce5867d03f9"
branch_labels = None
depends_on = None

# Just the columns the backfill reads and writes (no application imports).
roster_entries = sa.table(
    "roster_entries",
    sa.column("id_number", sa.String),
    sa.column("volunteer_id", sa.Integer),
)
volunteers = sa.table("volunteers", sa.column("id", sa.Integer), sa.column("id_number", sa.String))


def upgrade():
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("volunteer_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_roster_entries_volunteer_id"), ["volunteer_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_roster_entries_volunteer_id_volunteers"),
            "volunteers",
            ["volunteer_id"],
            ["id"],
            ondelete="SET NULL",
        )
    matched = (
        sa.select(volunteers.c.id)
        .where(volunteers.c.id_number == roster_entries.c.id_number)
        .scalar_subquery()
    )
    registered = roster_entries.c.id_number.in_(sa.select(volunteers.c.id_number))
    op.execute(roster_entries.update().where(registered).values(volunteer_id=matched))


def downgrade():
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_roster_entries_volunteer_id_volunteers"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_roster_entries_volunteer_id"))
        batch_op.drop_column("volunteer_id")
