"""network: organization kinds, projects, nominations, honour certificates

Revision ID: 787d0b818f5b
Revises: 5a78d69d780d
Create Date: 2026-11-27 09:22:44.440793

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "787d0b818f5b"
down_revision = "5a78d69d780d"
branch_labels = None
depends_on = None


def upgrade():
    # Existing organizations are "other" until an admin says what they are.
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_projects_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_projects_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_projects_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint(
            "organization_id", "name", name=op.f("uq_projects_organization_id_name")
        ),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_projects_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "nominations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "volunteer",
                "leader",
                "organization",
                "project",
                name="honour_category",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("subject_name", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "nominated",
                "approved",
                "rejected",
                name="nomination_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("nominated_by_id", sa.Integer(), nullable=True),
        sa.Column("nominated_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(category = 'volunteer' AND volunteer_id IS NOT NULL AND leader_id IS NULL AND organization_id IS NULL AND project_id IS NULL) OR (category = 'leader' AND leader_id IS NOT NULL AND volunteer_id IS NULL AND organization_id IS NULL AND project_id IS NULL) OR (category = 'organization' AND organization_id IS NOT NULL AND volunteer_id IS NULL AND leader_id IS NULL AND project_id IS NULL) OR (category = 'project' AND project_id IS NOT NULL AND volunteer_id IS NULL AND leader_id IS NULL AND organization_id IS NULL)",
            name=op.f("ck_nominations_subject_matches_category"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_nominations_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["users.id"], name=op.f("fk_nominations_leader_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["nominated_by_id"], ["users.id"], name=op.f("fk_nominations_nominated_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_nominations_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_nominations_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_nominations_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"], ["volunteers.id"], name=op.f("fk_nominations_volunteer_id_volunteers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations")),
    )
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nominations_year"), ["year"], unique=False)

    op.create_table(
        "honour_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=32), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_honour_certificates_issued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_honour_certificates_nomination_id_nominations"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_honour_certificates_revoked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honour_certificates")),
        sa.UniqueConstraint("serial", name=op.f("uq_honour_certificates_serial")),
    )
    with op.batch_alter_table("honour_certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_honour_certificates_nomination_id"), ["nomination_id"], unique=False
        )

    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("people_served", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_activities_project_id"), ["project_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_activities_project_id_projects"), "projects", ["project_id"], ["id"]
        )
        batch_op.create_check_constraint(
            op.f("ck_activities_people_served_count"), "people_served IS NULL OR people_served >= 0"
        )

    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum(
                    "unit_team",
                    "practice_institute",
                    "practice_station",
                    "other",
                    name="organization_kind",
                    native_enum=False,
                    create_constraint=True,
                ),
                server_default="other",
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_organizations_organization_kind"), type_="check")
        batch_op.drop_column("kind")

    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_activities_people_served_count"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_activities_project_id_projects"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_activities_project_id"))
        batch_op.drop_column("people_served")
        batch_op.drop_column("project_id")

    with op.batch_alter_table("honour_certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_honour_certificates_nomination_id"))

    op.drop_table("honour_certificates")
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nominations_year"))

    op.drop_table("nominations")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_organization_id"))

    op.drop_table("projects")
