"""roster_entries.id_number_shared: entries whose ID number another entry carries too

Revision ID: a7c3e9d1f5b2
Revises: f4b8c2d6a9e1
Create Date: 2026-11-27 23:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e9d1f5b2"
down_revision = "f4b8c2d6a9e1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("roster_entries") as batch_op:
        batch_op.add_column(
            sa.Column(
                "id_number_shared", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    # Every entry of an ID number on more than one entry (any unit, any stint), as
    # services.rosters.linking marks new ones.
    entries = sa.table(
        "roster_entries",
        sa.column("id_number", sa.String),
        sa.column("id_number_shared", sa.Boolean),
    )
    repeated = (
        sa.select(entries.c.id_number)
        .group_by(entries.c.id_number)
        .having(sa.func.count() > 1)
    )
    op.execute(
        entries.update()
        .where(entries.c.id_number.in_(repeated))
        .values(id_number_shared=sa.true())
    )
    op.create_index(
        "ix_roster_entries_id_number_shared",
        "roster_entries",
        ["id_number"],
        unique=False,
        sqlite_where=sa.text("id_number_shared"),
        postgresql_where=sa.text("id_number_shared"),
    )


def downgrade():
    op.drop_index(
        "ix_roster_entries_id_number_shared",
        table_name="roster_entries",
        sqlite_where=sa.text("id_number_shared"),
        postgresql_where=sa.text("id_number_shared"),
    )
    with op.batch_alter_table("roster_entries") as batch_op:
        batch_op.drop_column("id_number_shared")
