"""service_records (volunteer_id, check_out_at): the scan's locking read as two index ranges

Revision ID: 3c1d9e2f7a40
Revises: 778b3bc37edd
Create Date: 2026-11-27 12:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "3c1d9e2f7a40"
down_revision = "778b3bc37edd"
branch_labels = None
depends_on = None


def upgrade():
    # A scan locks "the open record, or a check-out here within the repeat window": with the
    # one-open partial index, this index lets PostgreSQL read both as index ranges (BitmapOr)
    # instead of filtering every record the volunteer ever had.
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_records_volunteer_out", ["volunteer_id", "check_out_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.drop_index("ix_service_records_volunteer_out")
