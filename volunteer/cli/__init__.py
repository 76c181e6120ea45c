"""Flask commands; each area keeps its commands in a module of its own."""

from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach every command and command group to the app's CLI."""
    from volunteer.cli import accounts, backup, certificates, compliance, demo, jobs, records

    for command in (
        accounts.create_admin,
        backup.backup,
        demo.demo,
        records.group,
        compliance.group,
        certificates.group,
        jobs.group,
    ):
        app.cli.add_command(command)
