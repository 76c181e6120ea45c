"""compliance_snapshots: slow reports' last results, marked stale by changes

Revision ID: a7c3e9f1b204
Revises: a3c9e1f47b20
Create Date: 2026-11-27 14:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e9f1b204"
down_revision = "a3c9e1f47b20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "compliance_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("settings_key", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("stale", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("stale_since", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_compliance_snapshots_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_snapshots")),
        sa.UniqueConstraint(
            "kind",
            "unit_id",
            "period_start",
            "period_end",
            "settings_key",
            name="uq_compliance_snapshots_key",
        ),
    )
    op.create_index(
        op.f("ix_compliance_snapshots_unit_id"), "compliance_snapshots", ["unit_id"], unique=False
    )
    # Only slow keys' rows are ever fresh: a check-out's staleness UPDATE reads these alone.
    op.create_index(
        "ix_compliance_snapshots_fresh",
        "compliance_snapshots",
        ["unit_id"],
        unique=False,
        sqlite_where=sa.text("NOT stale"),
        postgresql_where=sa.text("NOT stale"),
    )


def downgrade():
    op.drop_index("ix_compliance_snapshots_fresh", table_name="compliance_snapshots")
    op.drop_index(op.f("ix_compliance_snapshots_unit_id"), table_name="compliance_snapshots")
    op.drop_table("compliance_snapshots")
