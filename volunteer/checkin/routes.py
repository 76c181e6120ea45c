"""Check-in: the organizer's rotating QR screen, the scan URL, the typed code and the kiosk."""

import json
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from volunteer import pending_scan
from volunteer.access import PUBLIC, VOLUNTEER, access, acting_user, organizer_of
from volunteer.actions import commit_if, service_action
from volunteer.bounds import as_id
from volunteer.checkin import answers
from volunteer.checkin.forms import CodeForm, KioskForm, LocatedScanForm
from volunteer.documents.qr import qr_png, qr_svg
from volunteer.extensions import user_read_with
from volunteer.i18n import clock
from volunteer.i18n import gettext as _
from volunteer.limits import limit_code_guesses
from volunteer.models import Activity, User, Volunteer, utcnow
from volunteer.printing.output import public_base_url
from volunteer.services import checkin, offline_sync, paging, records, tokens
from volunteer.services.checkin import Outcome, Position, ScanRefused, ScanTarget

bp = Blueprint("checkin", __name__, url_prefix="/checkin")

ORGANIZER_OF_ACTIVITY = organizer_of(Activity, "activity_id", "activity")


def _external(endpoint: str, **values) -> str:
    return public_base_url() + url_for(endpoint, **values)


def scan_url(activity: Activity, token: tokens.Token) -> str:
    return _external("checkin.scan", activity_id=activity.id, step=token.step, code=token.code)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


# ---- organizer's screen ----


@bp.route("/activities/<int:activity_id>/screen")
@access(ORGANIZER_OF_ACTIVITY)
def screen(activity: Activity):
    """The big rotating QR for a projector, with the code and live counts."""
    commit_if(records.close_stale(utcnow(), activity=activity))
    return render_template(
        "checkin/screen.html",
        activity=activity,
        token=tokens.current_token(activity, utcnow()),
        status=checkin.live_status(activity, paging.PAGE_SIZE),
        shown=paging.PAGE_SIZE,
        opens=checkin.checkin_opens(activity),
        closes=checkin.checkin_closes(activity),
        now=utcnow(),
    )


@bp.route("/activities/<int:activity_id>/live.json")
@access(ORGANIZER_OF_ACTIVITY)
def live(activity: Activity):
    """What the screen polls: the current token and the counts."""
    now = utcnow()
    commit_if(records.close_stale(now, activity=activity))
    token = tokens.current_token(activity, now)
    # The latest arrivals only: the screen polls every few seconds, and a large activity
    # has thousands in at once (the counts say how many).
    status = checkin.live_status(activity, paging.PAGE_SIZE)
    return _no_store(
        jsonify(
            step=token.step,
            code=token.code,
            seconds_left=token.seconds_left,
            scan_url=scan_url(activity, token),
            qr_url=url_for("checkin.screen_qr", activity_id=activity.id, step=token.step),
            checked_in=status.checked_in,
            checked_out=status.checked_out,
            present=_present_rows(status),
        )
    )


def _present_rows(status: checkin.LiveStatus) -> list[dict]:
    return [
        {"name": name, "number": number, "since": clock(since)}
        for name, number, since in status.present
    ]


@bp.route("/activities/<int:activity_id>/qr.svg")
@access(ORGANIZER_OF_ACTIVITY)
def screen_qr(activity: Activity):
    """The QR image of the current token (the `step` argument only defeats caches)."""
    token = tokens.current_token(activity, utcnow())
    return _no_store(Response(qr_svg(scan_url(activity, token)), mimetype="image/svg+xml"))


@bp.route("/activities/<int:activity_id>/static-qr")
@access(ORGANIZER_OF_ACTIVITY)
def static_qr(activity: Activity):
    """A printable QR that does not rotate (only when the activity allows it)."""
    if not activity.static_qr_allowed:
        return answers.refusal_page(_("This activity does not allow a static QR code.")), 404
    url = _external(
        "checkin.scan_static", activity_id=activity.id, code=tokens.static_code_for(activity)
    )
    return render_template(
        "checkin/static_qr.html", activity=activity, url=url, svg=qr_svg(url).decode()
    )


# ---- the volunteer's scan ----


scan_limit = limit_code_guesses(["GET", "POST"])


def _refused_page(error: ScanRefused, status: int = 200):
    return answers.refusal_page(error.message), status


def _position(form) -> Position | None:
    if form.latitude.data is None or form.longitude.data is None:
        return None
    return Position(form.latitude.data, form.longitude.data)


# The scan's user loader: the volunteer's account comes with the activity and the records the
# scan works on (locked), in one query; the view takes them from `g` rather than reading again.
PRELOADED_TARGET = "scan_target"


def _read_scanner(user_id: int, session_version: int) -> User | None:
    """The signed-in volunteer with what their scan works on (see PRELOADED_TARGET)."""
    now = utcnow()
    found = checkin.scanner_and_target(
        user_id, session_version, request.view_args["activity_id"], now
    )
    if found is None:
        return None
    user, target = found
    setattr(g, PRELOADED_TARGET, (now, target))
    return user


def _target_of_scan(
    volunteer: Volunteer, activity_id: int, now: datetime
) -> tuple[datetime, ScanTarget]:
    """(as of when, what the scan works on): the activity (is it geofenced?) comes with the
    records the scan works on, read by the user loader, unless the user was loaded otherwise."""
    preloaded = g.pop(PRELOADED_TARGET, None)
    return preloaded or (now, checkin.scan_target(volunteer, activity_id, now))


def _scan_view(activity_id: int, step: int, code: str):
    now = utcnow()
    if not current_user.is_authenticated:
        return _remember_scan_then_sign_in(activity_id, step, code, now)
    volunteer = acting_user().volunteer
    if volunteer is None:
        return _refused_page(
            ScanRefused(_("Only volunteers can check in. Sign in with a volunteer account."))
        )
    now, target = _target_of_scan(volunteer, activity_id, now)
    verified_at = pending_scan.verified_at(activity_id, step, code, now)
    activity = target.activity
    located = activity is not None and checkin.has_geofence(activity)
    form = LocatedScanForm() if located else None
    if located and not form.validate_on_submit():
        return render_template("checkin/locate.html", activity=activity, form=form)
    position = _position(form) if located else None
    pending_scan.forget()
    with service_action(show_error=False) as outcome:
        result = checkin.scan_token(
            volunteer, activity_id, step, code, now, verified_at, position, target
        )
        # Render from the loaded objects before the commit: committing first would expire
        # every object and reload it to render; the page is only sent once the scan is stored.
        page = answers.result_page(result)
    return page if outcome.ok else _refused_page(outcome.error)


def _remember_scan_then_sign_in(activity_id: int, step: int, code: str, now: datetime):
    """Keep the scan and ask for a sign-in; the code is checked after it, as of now."""
    # Any code gets the same answer before sign-in, so the URL cannot be used to test
    # guesses without an account (whose guesses are counted). The time it was opened is
    # kept, so a code fresh then is still good however long signing in takes.
    pending_scan.remember(activity_id, step, code, now, request.path)
    return redirect(url_for("auth.login", next=request.path))


@bp.route("/s/<int:activity_id>/<int:step>/<code>", methods=["GET", "POST"])
@access(PUBLIC)
@scan_limit
@user_read_with(_read_scanner)
def scan(activity_id: int, step: int, code: str):
    """Where the screen's QR leads: signs in if needed, then checks in or out."""
    return _scan_view(activity_id, step, code)


@bp.route("/p/<int:activity_id>/<code>", methods=["GET", "POST"])
@access(PUBLIC)
@scan_limit
@user_read_with(_read_scanner)
def scan_static(activity_id: int, code: str):
    """Where a printed static QR leads (activities that allow one)."""
    return _scan_view(activity_id, tokens.STATIC_STEP, code)


@bp.route("/scan")
@access(VOLUNTEER)
def scan_page():
    """The in-site camera scanner (BarcodeDetector, else the vendored decoder); code fallback."""
    return render_template("checkin/scan.html")


@bp.route("/code", methods=["GET", "POST"])
@access(VOLUNTEER)
@limit_code_guesses(["POST"])
def enter_code():
    """Type the 6-digit code from the screen when the camera fails."""
    form = CodeForm()
    need_location = False
    if form.validate_on_submit():
        with service_action(form, default_field="code") as outcome:
            result = checkin.scan_code(
                acting_user().volunteer, form.code.data, utcnow(), _position(form)
            )
            page = answers.result_page(result)  # rendered before the commit, as in _scan_view
        if outcome.ok:
            return page
        need_location = isinstance(outcome.error, checkin.LocationNeeded)
    return render_template("checkin/code.html", form=form, need_location=need_location)


# ---- kiosk: the organizer scans volunteers' personal codes ----


@bp.route("/activities/<int:activity_id>/kiosk", methods=["GET", "POST"])
@access(ORGANIZER_OF_ACTIVITY)
def kiosk(activity: Activity):
    """Camera or USB scanner reads a personal code; the volunteer is checked in or out."""
    commit_if(records.close_stale(utcnow(), activity=activity))
    form = KioskForm()
    result, refusal = None, None
    if form.validate_on_submit():
        with service_action(show_error=False) as outcome:
            result = checkin.kiosk_scan(activity, form.code.data, acting_user(), utcnow())
        refusal = outcome.error.message if outcome.error else None
        form.code.data = ""
    return render_template(
        "checkin/kiosk.html",
        activity=activity,
        form=form,
        result=result,
        refusal=refusal,
        Outcome=Outcome,
        # Counts only: each kiosk scan renders this page, and an offline kiosk learns who is
        # in from kiosk_present, page by page, rather than from this page, whatever the crowd.
        status=checkin.live_status(activity, shown=0),
    )


KIOSK_PRESENT_PAGE = 1000  # people per page of kiosk_present (about 70 KB of JSON)


@bp.route("/activities/<int:activity_id>/kiosk/present.json")
@access(ORGANIZER_OF_ACTIVITY)
def kiosk_present(activity: Activity):
    """Who is checked in now, a page at a time (`after`: the last page's `next`): what an
    offline kiosk needs to tell a check-out from a check-in while the network is gone."""
    after = as_id(request.args.get("after")) or 0  # anything but a record id: from the start
    page = checkin.present_after(activity, after, KIOSK_PRESENT_PAGE)
    people = [
        {"name": name, "number": number, "since": int(since.timestamp() * 1000)}
        for name, number, since in page.people
    ]
    return _no_store(jsonify(present=people, next=page.next_after))


# ---- the volunteer's personal code ----


@bp.route("/my-code")
@access(VOLUNTEER)
def my_code():
    """The personal code an organizer's kiosk scans."""
    return _personal_code_page("checkin/my_code.html")


@bp.route("/my-code/card")
@access(VOLUNTEER)
def my_card():
    """A printable card with the personal code."""
    return _personal_code_page("checkin/card.html")


def _personal_code_page(template: str):
    volunteer = acting_user().volunteer
    svg = qr_svg(checkin.personal_code_payload(volunteer)).decode()
    return render_template(template, volunteer=volunteer, svg=svg)


@bp.route("/my-code.png")
@access(VOLUNTEER)
def my_code_png():
    """The personal code as a PNG, to save or print."""
    png = qr_png(checkin.personal_code_payload(acting_user().volunteer))
    return _no_store(Response(png, mimetype="image/png"))


# ---- the offline kiosk (an installable web app; README "Kiosk") ----

KIOSK_SCOPE = "/checkin/"


@bp.route("/kiosk-sw.js")
@access(PUBLIC)
def kiosk_service_worker():
    """The kiosk's service worker, served under /checkin/ so its scope covers the kiosk."""
    response = current_app.send_static_file("js/kiosk-sw.js")
    response.headers["Service-Worker-Allowed"] = KIOSK_SCOPE
    response.headers["Cache-Control"] = "no-cache"  # a new version is picked up at once
    return response


@bp.route("/activities/<int:activity_id>/kiosk.webmanifest")
@access(PUBLIC)
def kiosk_manifest(activity_id: int):
    """The web app manifest that makes this activity's kiosk installable (names nothing)."""
    manifest = {
        "name": _("Offline kiosk"),
        "short_name": _("Kiosk"),
        "start_url": url_for("checkin.kiosk", activity_id=activity_id),
        "scope": KIOSK_SCOPE,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b71c1c",
        "icons": [_icon(192), _icon(512)],
    }
    return Response(json.dumps(manifest, ensure_ascii=False), mimetype="application/manifest+json")


def _icon(size: int) -> dict:
    path = url_for("static", filename=f"img/kiosk-{size}.png")
    return {"src": path, "sizes": f"{size}x{size}", "type": "image/png"}


@bp.route("/activities/<int:activity_id>/kiosk/device", methods=["POST"])
@access(ORGANIZER_OF_ACTIVITY)
def kiosk_device(activity: Activity):
    """Authorize this device for offline scans: a kiosk token the page keeps (shown once)."""
    now = utcnow()
    with service_action(show_error=False) as outcome:
        issued = offline_sync.enroll_device(acting_user(), activity, now)
    if not outcome.ok:
        return jsonify(message=outcome.error.message), 403
    return _no_store(
        jsonify(
            token=issued.secret,
            server_time=now.isoformat(),
            sync_url=url_for("api.kiosk_sync"),
            clock_url=url_for("api.kiosk_clock"),
        )
    )


@bp.route("/offline")
@access(PUBLIC)
def offline():
    """What a phone shows, from its service worker's cache, when a scan finds no network."""
    return render_template("checkin/offline.html")
