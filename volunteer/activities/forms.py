"""Activity forms (organizer) and the volunteer's filter."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from volunteer.forms import coordinate_validators, local_time_field
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import ServiceCategory
from volunteer.pickers import OrganizationField

CATEGORY_LABELS = {
    ServiceCategory.CIVILIZATION: _l("Civilization building"),
    ServiceCategory.COMMUNITY: _l("Community service"),
    ServiceCategory.ENVIRONMENT: _l("Environment"),
    ServiceCategory.ELDERLY: _l("Elderly and disabled care"),
    ServiceCategory.EDUCATION: _l("Education support"),
    ServiceCategory.HEALTH: _l("Health care"),
    ServiceCategory.CULTURE: _l("Culture and publicity"),
    ServiceCategory.EMERGENCY: _l("Emergency relief"),
    ServiceCategory.TRAFFIC: _l("Civilized traffic"),
    ServiceCategory.LEGAL: _l("Legal services"),
    ServiceCategory.OTHER: _l("Other"),
}


def category_choices(blank: bool = False) -> list[SelectChoice]:
    # The label stays lazy: built at import time, str() would freeze it in the default language.
    choices = [SelectChoice("", _l("All categories"))] if blank else []
    return choices + [SelectChoice(c.value, label) for c, label in CATEGORY_LABELS.items()]


class ActivityForm(FlaskForm):
    """Create or edit an activity."""

    organization_id = OrganizationField(_l("Organization"))
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=120)]
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    category = SelectField(_l("Service category"), choices=category_choices())
    place = StringField(
        _l("Place"), validators=[DataRequired(_l("Enter the place.")), Length(max=200)]
    )
    starts_at = local_time_field(_l("Starts at"), _l("Enter the start time."))
    ends_at = local_time_field(_l("Ends at"), _l("Enter the end time."))
    capacity = IntegerField(
        _l("Capacity (empty: no limit)"), validators=[Optional(), NumberRange(min=1, max=100_000)]
    )
    signup_required = BooleanField(_l("Sign-up required before check-in"))
    static_qr_allowed = BooleanField(_l("Allow a static printable QR code"))
    latitude = DecimalField(
        _l("Latitude (geofence, optional)"), places=6, validators=coordinate_validators(90)
    )
    longitude = DecimalField(
        _l("Longitude (geofence, optional)"), places=6, validators=coordinate_validators(180)
    )
    geofence_radius_m = IntegerField(
        _l("Geofence radius in metres (optional)"),
        validators=[Optional(), NumberRange(min=1, max=100_000)],
    )
    submit = SubmitField(_l("Save"))


class CancelActivityForm(FlaskForm):
    reason = StringField(
        _l("Reason for cancelling"),
        validators=[DataRequired(_l("Give a reason for cancelling.")), Length(max=500)],
    )
    submit = SubmitField(_l("Cancel activity"))


class FilterForm(FlaskForm):
    """GET filters on the activity list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    category = SelectField(
        _l("Category"), choices=category_choices(blank=True), validators=[Optional()]
    )
    # The browse view keeps one of the two: a select of the organizations with activities on,
    # or, past ORGANIZATION_SELECT_LIMIT of them, a search by part of the name.
    organization_id = SelectField(_l("Organization"), choices=[], validators=[Optional()])
    organization_name = StringField(
        _l("Organization"),
        validators=[Optional(), Length(max=100)],
        render_kw={"placeholder": _l("Part of its name")},
    )
    submit = SubmitField(_l("Filter"))
