"""users.large_text: the person's choice of the large-text view (长辈版)

Revision ID: 054de0f7fec9
Revises: 0a91434fd0d1
Create Date: 2026-11-27 08:25:58.843901

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "054de0f7fec9"
down_revision = "0a91434fd0d1"
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts start in the standard view.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("large_text", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("large_text")
