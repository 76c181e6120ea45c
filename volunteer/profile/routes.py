"""A volunteer's own profile and password."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import login_user

from volunteer.access import SIGNED_IN, VOLUNTEER, Rule, access, acting_user
from volunteer.actions import service_action
from volunteer.i18n import gettext as _
from volunteer.models import ApiToken, PoliticalStatus, Volunteer, utcnow
from volunteer.profile.forms import PasswordForm, PersonalTokenForm, ProfileForm, RevokeTokenForm
from volunteer.services import accounts, api_tokens, identity, roster_access

bp = Blueprint("profile", __name__, url_prefix="/me")

OWN_TOKEN = Rule(
    "owner of an API token",
    model=ApiToken,
    id_arg="token_id",
    as_arg="token",
    scope_check=lambda user, token: token.user_id == user.id,
)


@bp.route("/")
@access(SIGNED_IN)
def show():
    """The signed-in person's profile, personal data masked."""
    return render_template(
        "profile/show.html",
        user=acting_user(),
        volunteer=acting_user().volunteer,
        id_type_labels=identity.ID_TYPE_LABELS,
        political_labels=identity.POLITICAL_STATUS_LABELS,
        listing_units=_listing_units(),
    )


def _listing_units() -> list:
    """The units whose rosters list the signed-in volunteer (their coordinators may see them)."""
    volunteer = acting_user().volunteer
    return roster_access.units_listing(volunteer) if volunteer is not None else []


@bp.route("/edit", methods=["GET", "POST"])
@access(VOLUNTEER)
def edit():
    """Edit name, phone, work unit, skills and service areas."""
    volunteer = acting_user().volunteer
    form = _profile_form(volunteer)
    if form.validate_on_submit() and _saved_profile(volunteer, form):
        return redirect(url_for("profile.show"))
    return render_template("profile/edit.html", form=form)


def _saved_profile(volunteer: Volunteer, form: ProfileForm) -> bool:
    with service_action(form, _("Your profile has been saved."), "name") as outcome:
        accounts.update_profile(
            volunteer,
            name=form.name.data,
            phone=form.phone.data,
            political_status=PoliticalStatus(form.political_status.data),
            unit=form.unit_id.unit,
            work_unit_name=form.work_unit_name.data,
            skills=form.skills.data,
            service_areas=form.service_areas.data,
        )
    return outcome.ok


def _profile_form(volunteer: Volunteer) -> ProfileForm:
    """The profile form, filled with the volunteer's current data."""
    return ProfileForm(
        obj=volunteer,
        name=volunteer.user.name,
        phone=volunteer.user.phone,
        political_status=volunteer.political_status.value,
        unit_id=str(volunteer.unit_id or ""),
    )


@bp.route("/password", methods=["GET", "POST"])
@access(SIGNED_IN)
def password():
    """Change one's own password."""
    form = PasswordForm()
    if form.validate_on_submit():
        changed = _("Your password has been changed.")
        with service_action(form, changed, default_field="current_password") as outcome:
            accounts.change_password(
                acting_user(), form.current_password.data, form.new_password.data
            )
        if outcome.ok:
            # Every other session has ended; this one goes on under the new session version.
            login_user(acting_user(), remember=_remembered_on_this_device())
            return redirect(url_for("profile.show"))
    return render_template("profile/password.html", form=form)


def _remembered_on_this_device() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


@bp.route("/tokens", methods=["GET", "POST"])
@access(SIGNED_IN)
def tokens():
    """My API tokens (apps signed in, personal access tokens); make a personal one."""
    user = acting_user()
    form = PersonalTokenForm()
    form.scopes.choices = [
        (s.value, api_tokens.SCOPE_LABELS[s]) for s in api_tokens.allowed_scopes(user)
    ]
    secret = None
    if form.scopes.choices and form.validate_on_submit():
        with service_action(form, success=_("Token created. Copy it now: it is shown only once.")):
            secret = api_tokens.create_personal_token(
                user, form.name.data, form.scopes.data, utcnow()
            ).secret
    return render_template(
        "profile/tokens.html",
        form=form,
        revoke_form=RevokeTokenForm(),
        tokens=api_tokens.tokens_of(user, utcnow()),
        scope_labels=api_tokens.SCOPE_LABELS,
        secret=secret,
    )


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@access(OWN_TOKEN)
def revoke_token(token: ApiToken):
    """Revoke one of my API tokens; it stops working at once."""
    if RevokeTokenForm().validate_on_submit():
        with service_action(success=_("The token has been revoked.")):
            api_tokens.revoke(token, acting_user(), utcnow())
    return redirect(url_for("profile.tokens"))
