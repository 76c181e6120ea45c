"""file_blobs.stored_in: bytes in the database or an object store

Every existing file's bytes are chunk rows, which the server default says.

Revision ID: e21151fb48e6
Revises: a7c3e9f1b204
Create Date: 2026-11-27 17:57:02.197374

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e21151fb48e6"
down_revision = "a7c3e9f1b204"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("file_blobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "stored_in",
                sa.Enum(
                    "database",
                    "object_store",
                    name="file_storage",
                    native_enum=False,
                    create_constraint=True,
                ),
                server_default="database",
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("file_blobs", schema=None) as batch_op:
        # SQLite's copied table would keep the CHECK naming the dropped column.
        batch_op.drop_constraint(op.f("ck_file_blobs_file_storage"), type_="check")
        batch_op.drop_column("stored_in")

