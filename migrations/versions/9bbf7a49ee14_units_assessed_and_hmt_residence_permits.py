"""units.assessed (参与考核) for the milestone; residence permits of Hong Kong, Macau and Taiwan
residents as their own ID type

Revision ID: 9bbf7a49ee14
Revises: e1fa08c5c80a
Create Date: 2026-11-27 09:27:43.119073

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9bbf7a49ee14"
down_revision = "e1fa08c5c80a"
branch_labels = None
depends_on = None

# Departments and towns are assessed unless an admin says otherwise; the banner never is.
ASSESSED_KINDS = (
    "party_department",
    "government_department",
    "peoples_organization",
    "judicial",
    "financial",
    "service_center",
    "town",
)
OLD_ID_TYPES = (
    "resident_id",
    "passport",
    "hk_macau_permit",
    "taiwan_permit",
    "foreigner_residence",
)
NEW_ID_TYPES = (*OLD_ID_TYPES, "hmt_residence")
ID_TYPE_TABLES = ("volunteers", "roster_entries")


def upgrade():
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("assessed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    units = sa.table("units", sa.column("assessed"), sa.column("parent_id"), sa.column("kind"))
    op.execute(
        units.update()
        .where(units.c.parent_id.isnot(None), units.c.kind.in_(ASSESSED_KINDS))
        .values(assessed=sa.true())
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_units_root_not_assessed"), "parent_id IS NOT NULL OR NOT assessed"
        )
    for table in ID_TYPE_TABLES:
        _allow_id_types(table, NEW_ID_TYPES)


def downgrade():
    for table in ID_TYPE_TABLES:
        op.execute(
            sa.table(table, sa.column("id_type"))
            .delete()
            .where(sa.column("id_type") == "hmt_residence")
        )
        _allow_id_types(table, OLD_ID_TYPES)
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_units_root_not_assessed"), type_="check")
        batch_op.drop_column("assessed")


def _allow_id_types(table: str, values: tuple[str, ...]) -> None:
    """Replace the table's id_type CHECK constraint by one allowing `values`."""
    allowed = ", ".join(f"'{value}'" for value in values)
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_id_type"), type_="check")
        batch_op.create_check_constraint(op.f(f"ck_{table}_id_type"), f"id_type IN ({allowed})")
