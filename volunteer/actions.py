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

The error goes under `form`'s field named by the error, else under `default_field`
(when the form has such a field), otherwise into a flash message. With `show_error=False`
the view shows `outcome.error` itself (a page of its own, say).
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
    form=None,
    success: str | None = None,
    default_field: str | None = None,
    show_error: bool = True,
) -> Iterator[Outcome]:
    """Commit and flash `success` when the block succeeds; on ServiceError roll back and show it."""
    outcome = Outcome()
    try:
        yield outcome
    except ServiceError as error:
        db.session.rollback()
        outcome.error = error
        if show_error:
            _show_error(form, error, default_field)
    else:
        db.session.commit()
        outcome.ok = True
        if success:
            flash(str(success), "success")


def commit_if(changed: bool) -> None:
    """Commit housekeeping a service reports it did (closing stale records) before a page reads."""
    if changed:
        db.session.commit()


def _show_error(form, error: ServiceError, default_field: str | None) -> None:
    field = _form_field(form, error.field) or _form_field(form, default_field)
    if field is None:
        flash(error.message, "danger")
        return
    # Before validation WTForms keeps errors in a tuple; after it, a list.
    field.errors = [*field.errors, error.message]


def _form_field(form, name: str | None):
    field = getattr(form, name, None) if form is not None and name else None
    return field if hasattr(field, "errors") else None
