"""users.session_version: part of every session cookie, raised to sign an account out everywhere

Revision ID: 5e55c0a7b1d2
Revises: 8548e476ba6f
Create Date: 2026-11-27 09:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e55c0a7b1d2"
down_revision = "8548e476ba6f"
branch_labels = None
depends_on = None


def upgrade():
    # Cookies issued before this revision carry a bare user id, which no longer matches
    # "<id>:<version>": everyone signs in once more.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
