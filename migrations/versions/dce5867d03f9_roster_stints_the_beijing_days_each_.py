"""roster stints: the Beijing days each person was on a roster

A roster entry becomes one stint: on the roster from `on_from` up to, not
including, `on_until` (NULL: still on). The unique (unit, ID number) becomes a
partial unique index on the open stints, so someone who leaves and comes back has
two rows. Existing rows keep everything: active ones are open stints from their
created_at's Beijing day; inactive ones close on their deactivated_at's Beijing
day (updated_at's when it is missing), never before they start.

The downgrade goes back to one row per person and unit: it keeps each person's
latest stint there and drops the older ones.

Revision ID: dce5867d03f9
Revises: 154626b662ec
Create Date: 2026-11-27 11:52:50.252211

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "dce5867d03f9"
down_revision = "154626b662ec"
branch_labels = None
depends_on = None

OPEN = sa.text("on_until IS NULL")


def _beijing_day(column: str) -> str:
    """SQL for the Beijing calendar day of a naive UTC timestamp column.

    Beijing has been UTC+8 all year since 1991, so adding eight hours is exact.
    """
    if op.get_bind().dialect.name == "sqlite":
        return f"date({column}, '+8 hours')"
    return f"CAST({column} + INTERVAL '8 hours' AS DATE)"


def _utc_of_beijing_midnight(column: str) -> str:
    """SQL for the naive UTC moment a Beijing day starts."""
    if op.get_bind().dialect.name == "sqlite":
        return f"datetime({column}, '-8 hours')"
    return f"CAST({column} AS TIMESTAMP) - INTERVAL '8 hours'"


def upgrade():
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("on_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("on_until", sa.Date(), nullable=True))
    op.execute(f"UPDATE roster_entries SET on_from = {_beijing_day('created_at')}")
    left = _beijing_day("COALESCE(deactivated_at, updated_at)")
    op.execute(f"UPDATE roster_entries SET on_until = {left} WHERE NOT active")
    op.execute("UPDATE roster_entries SET on_until = on_from WHERE on_until < on_from")
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.alter_column("on_from", existing_type=sa.Date(), nullable=False)
        batch_op.drop_constraint(op.f("uq_roster_entries_unit_id_id_number"), type_="unique")
        batch_op.create_check_constraint(
            op.f("ck_roster_entries_stint_ends_after_start"),
            "on_until IS NULL OR on_until >= on_from",
        )
        batch_op.create_index(
            "uq_roster_entries_one_open_stint",
            ["unit_id", "id_number"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )
        batch_op.drop_column("active")
        batch_op.drop_column("deactivated_at")


def downgrade():
    # One row per person and unit again: a later stint there supersedes this one.
    op.execute(
        "DELETE FROM roster_entries WHERE EXISTS (SELECT 1 FROM roster_entries AS later"
        " WHERE later.unit_id = roster_entries.unit_id"
        " AND later.id_number = roster_entries.id_number AND later.id > roster_entries.id)"
    )
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("deactivated_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE roster_entries SET active = (on_until IS NULL)")
    left = _utc_of_beijing_midnight("on_until")
    op.execute(f"UPDATE roster_entries SET deactivated_at = {left} WHERE on_until IS NOT NULL")
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.alter_column("active", existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_index(
            "uq_roster_entries_one_open_stint", sqlite_where=OPEN, postgresql_where=OPEN
        )
        batch_op.drop_constraint(op.f("ck_roster_entries_stint_ends_after_start"), type_="check")
        batch_op.create_unique_constraint(
            op.f("uq_roster_entries_unit_id_id_number"), ["unit_id", "id_number"]
        )
        batch_op.drop_column("on_until")
        batch_op.drop_column("on_from")
