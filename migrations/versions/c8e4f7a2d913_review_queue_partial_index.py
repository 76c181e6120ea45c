"""service_records: a partial index of the undecided records, oldest first (the review queue)

Revision ID: c8e4f7a2d913
Revises: b5d2e8a41c07
Create Date: 2026-11-27 18:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c8e4f7a2d913"
down_revision = "b5d2e8a41c07"
branch_labels = None
depends_on = None

UNDECIDED = "status IN ('missing_checkout', 'pending')"


def upgrade():
    op.create_index(
        "ix_service_records_undecided_in",
        "service_records",
        ["check_in_at", "id", "activity_id", "status"],
        unique=False,
        sqlite_where=sa.text(UNDECIDED),
        postgresql_where=sa.text(UNDECIDED),
    )


def downgrade():
    op.drop_index("ix_service_records_undecided_in", table_name="service_records")
