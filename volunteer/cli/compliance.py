"""`flask compliance report`: the compliance table as CSV, Excel or a text table."""

import sys
from pathlib import Path

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
        _write_xlsx(result, output)
    else:
        _write_text(compliance.report_csv(result) if fmt == "csv" else _table(result), output)


def _write_xlsx(result: compliance.Report, output: str | None) -> None:
    """The report workbook, with the pace and the people still missing, written to `output`."""
    if not output:
        raise click.ClickException("--format xlsx needs --output FILE.")
    today, days = periods.local_today(), compliance.window_days()
    pace = compliance.compliance_pace(result.root, result.period, result.targets, today, days)
    missing = compliance.stream_missing_people(
        result.root, result.period, result.targets, subtree=True
    )
    try:
        with Path(output).open("wb") as out:
            compliance.report_xlsx(out, result, missing, pace=pace)
    except BaseException:
        Path(output).unlink(missing_ok=True)  # no half-written workbook left behind
        raise
    click.echo(f"Wrote {output}", err=True)


def _write_text(text: str, output: str | None) -> None:
    """The CSV or table written to `output` (UTF-8, line ends as they are), or to stdout."""
    if output:
        _write_file(output, text.encode("utf-8"))
    else:
        sys.stdout.write(text)


def _write_file(output: str, data: bytes) -> None:
    """Write the report file and say so on stderr, leaving stdout to the report itself."""
    Path(output).write_bytes(data)
    click.echo(f"Wrote {output}", err=True)


def _table(result: compliance.Report) -> str:
    """The CSV's columns aligned for a terminal, a totals line and the milestone count."""
    rows = [list(docs.CSV_COLUMNS), *docs.csv_rows(compliance.exports.summary_rows(result))]
    rows.append(_total_line(result))
    widths = [max(_width(row[i]) for row in rows) for i in range(len(docs.CSV_COLUMNS))]
    lines = [
        "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]
    lines.append(
        f"units meeting targets: {result.units_meeting}/{result.units_assessed}"
        f"  period {result.period.start}..{result.period.end}"
    )
    return "\n".join(lines) + "\n"


def _total_line(result: compliance.Report) -> list[str]:
    """The subtree's distinct-people totals in the CSV's columns."""
    total = result.total
    return [
        "TOTAL",
        f"{result.root.name} (distinct people)",
        str(total.staff),
        str(total.staff_registered),
        str(total.staff_completed),
        docs.rate_text(total.staff_rate),
        str(total.party),
        str(total.party_registered),
        str(total.party_completed),
        docs.rate_text(total.party_rate),
        "",
    ]


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
