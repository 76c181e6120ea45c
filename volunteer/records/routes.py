"""Service records: a volunteer's own, claims (补录申请), and the organizer's review queue."""

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

from volunteer.access import ANY_ORGANIZER, VOLUNTEER, Rule, access, acting_user, organizer_of
from volunteer.actions import commit_if, service_action
from volunteer.bounds import as_id
from volunteer.extensions import db
from volunteer.forms import day_arg
from volunteer.i18n import gettext as _
from volunteer.models import Activity, RecordStatus, ServiceRecord, utcnow
from volunteer.records import labels
from volunteer.records.forms import (
    ClaimForm,
    ConfirmRecordForm,
    DecisionForm,
    ManualRecordForm,
    SetTimesForm,
)
from volunteer.services import corrections, paging, permissions, records
from volunteer.services.periods import aware_to_beijing_naive, beijing_to_aware

bp = Blueprint("records", __name__, url_prefix="/records")


@bp.app_context_processor
def record_labels() -> dict:
    return {
        "record_status_labels": labels.STATUS_LABELS,
        "record_status_badges": labels.STATUS_BADGES,
        "record_source_labels": labels.SOURCE_LABELS,
        "correction_status_labels": labels.CORRECTION_STATUS_LABELS,
    }


ORGANIZER_OF_ACTIVITY = organizer_of(Activity, "activity_id", "activity")
ORGANIZER_OF_RECORD = organizer_of(
    ServiceRecord, "record_id", "record", organization_of=lambda r: r.activity.organization_id
)
OWNER_OR_ORGANIZER_OF_RECORD = Rule(
    "the record's volunteer or an organizer of its activity",
    model=ServiceRecord,
    id_arg="record_id",
    as_arg="record",
    scope_check=lambda user, record: (
        record.volunteer.user_id == user.id
        or permissions.can_organize(user, record.activity.organization_id)
    ),
)


@bp.route("/mine")
@access(VOLUNTEER)
def mine():
    """Approved hours this year and all time, records a page at a time, pending claims."""
    volunteer = acting_user().volunteer
    now = utcnow()
    commit_if(records.close_stale(now, volunteer=volunteer))
    return render_template(
        "records/mine.html",
        totals=records.totals_for(volunteer, now),
        records=records.record_page_of(volunteer, request.args.get("page", type=int)),
        pending=records.pending_claims_of(volunteer),
        to_confirm=records.unconfirmed_of(volunteer),
        confirm_form=ConfirmRecordForm(),
    )


@bp.route("/claim", methods=["GET", "POST"])
@access(VOLUNTEER)
def claim():
    """Claim hours that were not recorded; pending until an organizer decides."""
    now = utcnow()
    form = ClaimForm()
    text = request.args.get("q", "").strip()[:100]
    if request.method == "GET" and request.args.get("activity_id"):
        form.activity_id.data = request.args["activity_id"]
    form.activity_id.choices = _claimable_choices(now, text, as_id(form.activity_id.data))
    if form.validate_on_submit() and _submitted_claim(form, now):
        return redirect(url_for("records.mine"))
    return render_template("records/claim.html", form=form, q=text, limit=paging.PAGE_SIZE)


def _submitted_claim(form: ClaimForm, now) -> bool:
    submitted = _("Your claim has been submitted; the organizer will review it.")
    with service_action(form, submitted, default_field="reason") as outcome:
        activity = db.session.get(Activity, int(form.activity_id.data))
        records.submit_claim(
            acting_user().volunteer, activity, *_times(form), form.reason.data, now
        )
    return outcome.ok


def _times(form) -> tuple[datetime, datetime]:
    """The check-in and check-out typed on the form (Beijing time), as aware times."""
    return beijing_to_aware(form.check_in.data), beijing_to_aware(form.check_out.data)


def _claimable_choices(now, text: str, chosen_id: int | None) -> list[SelectChoice]:
    """The latest claimable activities matching `text`, and the one chosen (a link's
    ?activity_id= or the form sent) when it is claimable but further down."""
    shown = records.claimable_activities(now, text)
    chosen = records.claimable_activity(chosen_id, now)
    if chosen is not None and chosen not in shown:
        shown.insert(0, chosen)
    return [SelectChoice(str(a.id), labels.activity_when(a)) for a in shown]


@bp.route("/<int:record_id>")
@access(OWNER_OR_ORGANIZER_OF_RECORD)
def show(record: ServiceRecord):
    """A record with every adjustment made to it."""
    if records.is_stale(record, utcnow()):
        records.close_stale(utcnow(), volunteer=record.volunteer)
        db.session.commit()
    can_review = permissions.can_organize(acting_user(), record.activity.organization_id)
    return render_template(
        "records/show.html",
        record=record,
        can_review=can_review,
        preview=records.preview_credit(record) if can_review and _undecided(record) else None,
        times_form=_times_form(record),
        decision_form=DecisionForm(),
        confirm_form=ConfirmRecordForm(),
        **correction_context(record),
    )


def _undecided(record: ServiceRecord) -> bool:
    return record.status in (RecordStatus.PENDING, RecordStatus.MISSING_CHECKOUT)


def _times_form(record: ServiceRecord) -> SetTimesForm:
    return SetTimesForm(
        check_in=aware_to_beijing_naive(record.check_in_at),
        check_out=aware_to_beijing_naive(record.check_out_at or record.activity.ends_at),
    )


@bp.route("/review")
@access(ANY_ORGANIZER)
def review():
    """Missing check-outs and pending claims of the organizer's activities."""
    scope = permissions.managed_organization_ids(acting_user())
    commit_if(records.close_stale(utcnow()))
    filters = _queue_filters()
    return render_template(
        "records/review.html",
        filters=filters,
        statuses=records.QUEUE_STATUSES,
        queue=records.review_page(scope, filters, request.args.get("page", type=int)),
        corrections=corrections.pending_page(scope, request.args.get("cpage", type=int)),
    )


def _queue_filters() -> records.QueueFilters:
    """?status=&since=&until= (odd values: not filtered on)."""
    status = request.args.get("status", "")
    return records.QueueFilters(
        status=RecordStatus(status) if status in set(records.QUEUE_STATUSES) else None,
        since=day_arg(request.args.get("since")),
        until=day_arg(request.args.get("until")),
    )


@bp.route("/activities/<int:activity_id>", methods=["GET", "POST"])
@access(ORGANIZER_OF_ACTIVITY)
def activity_records(activity: Activity):
    """An activity's records, its review queue and manual entry from paper sheets."""
    now = utcnow()
    commit_if(records.close_stale(now, activity=activity))
    form = ManualRecordForm()
    if form.validate_on_submit() and _added_manual_record(activity, form, now):
        return redirect(url_for("records.activity_records", activity_id=activity.id))
    return render_template(
        "records/activity.html",
        activity=activity,
        form=form,
        records=records.activity_record_page(activity, request.args.get("page", type=int)),
        queue=records.activity_queue_page(activity, request.args.get("qpage", type=int)),
    )


def _added_manual_record(activity: Activity, form: ManualRecordForm, now) -> bool:
    """Add the record typed from a paper sheet; False (errors shown on the form) if refused."""
    with service_action(form, _("The record has been added."), "reason") as outcome:
        volunteer = records.named_volunteer(form.volunteer.data, form.name.data)
        records.add_manual_record(
            activity, volunteer, *_times(form), form.reason.data, acting_user(), now
        )
    return outcome.ok


def _back(record: ServiceRecord):
    return redirect(url_for("records.show", record_id=record.id))


def _flash_errors(form) -> None:
    for message in (m for errors in form.errors.values() for m in errors):
        flash(message, "danger")


@bp.route("/<int:record_id>/times", methods=["POST"])
@access(ORGANIZER_OF_RECORD)
def set_times(record: ServiceRecord):
    """Set the real check-in and check-out times (re-credits, writes an adjustment)."""
    form = SetTimesForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return _back(record)
    with service_action(success=_("The times have been corrected.")):
        records.set_times(record, *_times(form), form.reason.data, acting_user(), utcnow())
    return _back(record)


@bp.route("/<int:record_id>/decide", methods=["POST"])
@access(ORGANIZER_OF_RECORD)
def decide(record: ServiceRecord):
    """Approve or reject a pending claim (a rejection needs a reason)."""
    form = DecisionForm()
    form.validate_on_submit()
    if form.reject.data:
        with service_action(success=_("The claim has been rejected.")):
            records.reject_claim(record, acting_user(), form.reason.data or "", utcnow())
    else:
        with service_action(success=_("The claim has been approved.")):
            records.approve_claim(record, acting_user(), form.reason.data, utcnow())
    return _back(record)


# Imported last for their views, which register on `bp`.
from volunteer.records import confirm_views, sheet_routes  # noqa: E402, F401
from volunteer.records.correction_routes import correction_context  # noqa: E402
