"""`flask create-admin`: the first administrator."""

import click
from flask.cli import with_appcontext

from volunteer.cli import service_errors_as_click
from volunteer.extensions import db
from volunteer.models import Role
from volunteer.services import accounts, grants


@click.command("create-admin")
@with_appcontext
@click.option("--phone", prompt=True, help="Mobile number used to sign in.")
@click.option("--name", prompt=True, help="The administrator's real name.")
@click.password_option(help="Password (asked twice when not given).")
def create_admin(phone: str, name: str, password: str) -> None:
    """Create an administrator account (or make an existing account admin)."""
    user = accounts.find_user_by_login(phone)
    with service_errors_as_click():
        if user is None:
            user = accounts.create_staff_account(name, phone, password)
        grants.grant_role(user, Role.ADMIN, actor=None)
    db.session.commit()
    click.echo(f"Administrator {user.name} ({user.phone}) is ready.")
