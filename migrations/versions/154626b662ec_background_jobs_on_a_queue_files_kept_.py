"""background jobs on a queue, files kept in the database

Batch PDFs and roster previews leave instance/ (one host's disk) for `file_blobs` and its
`file_chunks`, so any host serves what another made. A job keeps the file it produced
(`result_file_id`), which worker ran it, and a heartbeat the worker writes after each step.
Batch files finished before this revision were on disk and are no longer offered for
download (the operator may delete instance/certificate-jobs/); a job running at the upgrade
takes its start as its last heartbeat, so the worker queues it again if it is lost.

Revision ID: 154626b662ec
Revises: 0f1204cad0a1
Create Date: 2026-11-27 11:52:11.107735

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '154626b662ec'
down_revision = '0f1204cad0a1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('file_blobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('chunks', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('size >= 0', name=op.f('ck_file_blobs_size_not_negative')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_file_blobs_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_file_blobs')),
    sa.UniqueConstraint('key', name=op.f('uq_file_blobs_key'))
    )
    with op.batch_alter_table('file_blobs', schema=None) as batch_op:
        batch_op.create_index('ix_file_blobs_expires_at', ['expires_at'], unique=False)

    op.create_table('file_chunks',
    sa.Column('blob_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['blob_id'], ['file_blobs.id'], name=op.f('fk_file_chunks_blob_id_file_blobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('blob_id', 'seq', name=op.f('pk_file_chunks'))
    )
    with op.batch_alter_table('background_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('result_file_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('worker', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_background_jobs_result_file_id_file_blobs'), 'file_blobs', ['result_file_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_column('result_path')

    op.execute("UPDATE background_jobs SET heartbeat_at = started_at WHERE status = 'running'")


def downgrade():
    with op.batch_alter_table('background_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('result_path', sa.VARCHAR(length=500), nullable=True))
        batch_op.drop_constraint(batch_op.f('fk_background_jobs_result_file_id_file_blobs'), type_='foreignkey')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('worker')
        batch_op.drop_column('result_file_id')

    op.drop_table('file_chunks')
    with op.batch_alter_table('file_blobs', schema=None) as batch_op:
        batch_op.drop_index('ix_file_blobs_expires_at')

    op.drop_table('file_blobs')
