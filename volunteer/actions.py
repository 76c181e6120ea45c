"""The view ritual, once: run a service call, then commit or roll back and tell the person.

Every view that changes data does the same four things: call a service; on a
`ServiceError` roll back and show the message (under the form field it names,
else as a flash); otherwise commit once and flash the success. `service_action`
is that ritual, so a view only says what to call and where to go next:

    with service_action(form, success=_("Saved.")) as outcome:
        activity = activities.save_activity(...)
    if outcome.ok:
        return redirect(url_for(...))
    return render_template(...)
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash

from volunteer.extensions import db
from volunteer.services.errors import ServiceError


@dataclass
class Outcome:
    """What happened inside a `service_action` block."""

    ok: bool = False
    error: ServiceError | None = None


@contextmanager
def service_action(
    form=None, success: str | None = None, default_field: str | None = None
) -> Iterator[Outcome]:
    """Commit when the block succeeds (flashing `success`); on ServiceError roll back and show it.

    The error goes under `form`'s field named by the error (or `default_field`)
    when the form has it, otherwise into a flash message.
    """
    outcome = Outcome()
    try:
        yield outcome
    except ServiceError as error:
        db.session.rollback()
        outcome.error = error
        _show_error(form, error, default_field)
    else:
        db.session.commit()
        outcome.ok = True
        if success:
            flash(str(success), "success")


def _show_error(form, error: ServiceError, default_field: str | None) -> None:
    field_name = error.field or default_field
    field = getattr(form, field_name, None) if form is not None and field_name else None
    if field is None or not hasattr(field, "errors"):
        flash(error.message, "danger")
        return
    # Before validation WTForms keeps errors in a tuple; after it, a list.
    field.errors = [*field.errors, error.message]
