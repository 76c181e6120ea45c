"""`flask compliance report`: the compliance table as CSV, Excel or a text table."""

import sys

import click
from flask.cli import AppGroup

from volunteer.documents import compliance as docs
from volunteer.services import compliance, periods, units

group = AppGroup("compliance", help="Rosters and compliance against the 70% / 90% targets.")


@group.command("report")
@click.option("--unit", "unit_code", help="Code of the subtree's root (default: the banner).")
@click.option("--year", type=int, help="Assessment year (default: this year).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "table"]),
    default="csv",
    show_default=True,
)
@click.option("--output", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
def report(unit_code: str | None, year: int | None, fmt: str, output: str | None) -> None:
    """Print one row per unit: staff, registered, completed and rates, party likewise."""
    root = units.get_unit_by_code(unit_code) if unit_code else compliance.root_unit()
    if root is None:
        raise click.ClickException(f"No unit with code {unit_code}." if unit_code else "No units.")
    period = periods.year_period(year or periods.local_today().year)
    result = compliance.compliance_report(root, period)
    if fmt == "xlsx":
        if not output:
            raise click.ClickException("--format xlsx needs --output FILE.")
        missing = compliance.missing_people(root, period, result.targets, subtree=True)
        with open(output, "wb") as handle:
            handle.write(docs.compliance_xlsx(result, missing))
        click.echo(f"Wrote {output}", err=True)
        return
    text = docs.compliance_csv(result) if fmt == "csv" else _table(result)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        click.echo(f"Wrote {output}", err=True)
    else:
        sys.stdout.write(text)


def _table(result: compliance.Report) -> str:
    header = list(docs.CSV_COLUMNS)
    rows = docs.csv_rows(result.rows)
    t = result.total
    rows.append(
        [
            "TOTAL",
            f"{result.root.name} (distinct people)",
            str(t.staff),
            str(t.staff_registered),
            str(t.staff_completed),
            docs.rate_text(t.staff_rate),
            str(t.party),
            str(t.party_registered),
            str(t.party_completed),
            docs.rate_text(t.party_rate),
            "",
        ]
    )
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(r)).rstrip()
        for r in [header, *rows]
    ]
    lines.append(
        f"units meeting targets: {result.units_meeting}/{result.units_assessed}"
        f"  period {result.period.start}..{result.period.end}"
    )
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
