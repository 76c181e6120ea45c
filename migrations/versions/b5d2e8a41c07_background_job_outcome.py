"""background_jobs.outcome: what a finished job found or did, for the page it lands on

Revision ID: b5d2e8a41c07
Revises: e21151fb48e6
Create Date: 2026-11-27 18:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b5d2e8a41c07"
down_revision = "e21151fb48e6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("background_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("background_jobs", schema=None) as batch_op:
        batch_op.drop_column("outcome")
