"""`flask demo`: load the demo data set and print the demo logins."""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from volunteer.extensions import db
from volunteer.models import User
from volunteer.services.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo_data


@click.command("demo")
@with_appcontext
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load only into a database without accounts (so `make run` never mixes demo "
    "people into real data).",
)
def demo(if_empty: bool) -> None:
    """Load demo units, people, activities and records (idempotent)."""
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException(
            "Refusing to load demo data under APP_ENV=production: its accounts share a"
            " published password."
        )
    has_accounts = db.session.scalar(select(func.count(User.id))) > 0
    has_demo = db.session.scalar(select(User.id).where(User.phone == DEMO_LOGINS[0].phone))
    if if_empty and has_accounts and not has_demo:
        click.echo("The database already holds accounts; demo data not loaded.")
        return
    summary = load_demo_data()
    db.session.commit()
    if summary.created:
        details = ", ".join(f"{name} {count}" for name, count in summary.counts.items())
        click.echo(f"Demo data loaded: {details}.")
    else:
        click.echo("Demo data is already present; nothing changed.")
    click.echo(f"Demo logins (password {DEMO_PASSWORD}; for trying only):")
    for login in DEMO_LOGINS:
        click.echo(f"  {login.role:<12} {login.phone}  {login.name}")
