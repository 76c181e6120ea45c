"""Flask commands; each area keeps its commands in a module of its own."""

from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    from volunteer.cli import accounts, certificates, compliance, demo, records

    for module in (accounts, demo, records, compliance, certificates):
        module.register(app)
