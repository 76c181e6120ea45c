"""campaigns and their year weights

A campaign (创建活动) names consecutive years and the weight of each in the total
score (15/25/60% in the plan). A year's targets and milestone stay in
compliance_settings; a year belongs to one campaign at most (unique year).

Revision ID: 0f1204cad0a1
Revises: b6e0a4c2d915
Create Date: 2026-11-27 11:48:45.572254

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0f1204cad0a1"
down_revision = "b6e0a4c2d915"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "first_year BETWEEN 2000 AND 2100", name=op.f("ck_campaigns_first_year_range")
        ),
        sa.CheckConstraint("years BETWEEN 1 AND 10", name=op.f("ck_campaigns_years_range")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_campaigns_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.create_table(
        "campaign_years",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("weight", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.CheckConstraint(
            "weight >= 0 AND weight <= 1", name=op.f("ck_campaign_years_weight_share")
        ),
        sa.CheckConstraint(
            "year BETWEEN 2000 AND 2100", name=op.f("ck_campaign_years_year_range")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_years_campaign_id_campaigns"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", "year", name=op.f("pk_campaign_years")),
        sa.UniqueConstraint("year", name=op.f("uq_campaign_years_year")),
    )


def downgrade():
    op.drop_table("campaign_years")
    op.drop_table("campaigns")
