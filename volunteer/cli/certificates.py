"""`flask certificate ...`: issue one certificate or print a batch from the command line."""

from pathlib import Path

import click
from flask.cli import AppGroup

from volunteer import rounding
from volunteer.cli import service_errors_as_click
from volunteer.extensions import db
from volunteer.printing import batches
from volunteer.printing.output import certificate_pdf, public_base_url
from volunteer.services import certificates, periods, units

group = AppGroup("certificate", help="Service-hour certificates.")


@group.command("issue")
@click.option("--volunteer", "who", required=True, help="Mobile number or ID number.")
@click.option("--year", type=int, help="A calendar year (default: this year so far).")
@click.option("--all-time", is_flag=True, help="All records instead of one year.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
def issue(who: str, year: int | None, all_time: bool, output: str) -> None:
    """Issue a certificate for one volunteer and write the PDF."""
    volunteer = certificates.find_volunteer(who)
    if volunteer is None:
        raise click.ClickException(f"No volunteer with phone or ID number {who}.")
    with service_errors_as_click():
        issued = certificates.issue_certificate(volunteer, _period(year, all_time), actor=None)
    db.session.commit()
    Path(output).write_bytes(certificate_pdf(issued, public_base_url()))
    click.echo(
        f"Certificate {issued.serial}: {volunteer.user.name}, "
        f"{rounding.hours_text(issued.total_minutes)} h, written to {output}"
    )


def _period(year: int | None, all_time: bool) -> periods.Period:
    """All records, a calendar year, or this year so far."""
    if all_time:
        return periods.all_time()
    return periods.whole_year(year) if year else periods.this_year()


@group.command("batch")
@click.option("--unit", "code", required=True, help="Unit code.")
@click.option("--no-subunits", is_flag=True, help="Only the unit's own roster.")
@click.option("--year", type=int, help="A calendar year (default: this year so far).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
def batch(code: str, no_subunits: bool, year: int | None, output: str) -> None:
    """Print one PDF with a certificate for everyone on a unit's roster with approved hours."""
    unit = units.get_unit_by_code(code)
    if unit is None:
        raise click.ClickException(f"No unit with code {code}.")
    with service_errors_as_click():
        period = periods.whole_year(year) if year else periods.this_year()
    params = batches.unit_batch_params(unit, not no_subunits, period)
    unit_name = unit.name  # the batch forgets loaded objects as it goes
    with service_errors_as_click():
        count = batches.produce_batch(
            params, None, Path(output).resolve(), public_base_url(), _echo_progress
        )
    click.echo("", err=True)
    click.echo(f"{count} certificates for {unit_name} written to {output}")


def _echo_progress(done: int, total: int) -> None:
    """Show how far the batch got, on one line of the terminal."""
    click.echo(f"\r{done}/{total}", nl=False, err=True)
