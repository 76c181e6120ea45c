"""Forms of the scan pages and the kiosk."""

from flask_wtf import FlaskForm
from wtforms import FloatField, HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from volunteer.forms import coordinate_validators
from volunteer.i18n import lazy_gettext as _l


class PositionMixin:
    """Filled in by the page's script when the phone shares its position."""

    latitude = FloatField(validators=coordinate_validators(90))
    longitude = FloatField(validators=coordinate_validators(180))


class CodeForm(PositionMixin, FlaskForm):
    code = StringField(
        _l("6-digit code"),
        validators=[DataRequired(_l("Enter the 6 digits shown on the screen.")), Length(max=12)],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"},
    )
    submit = SubmitField(_l("Check in / check out"))


class LocatedScanForm(PositionMixin, FlaskForm):
    """The geofenced scan: posts the position once the phone gives it."""

    submit = SubmitField(_l("Send my location and scan"))


class KioskForm(FlaskForm):
    code = StringField(
        _l("Volunteer's personal code"),
        validators=[
            DataRequired(_l("Scan or type the volunteer's personal code.")),
            Length(max=100),
        ],
        render_kw={"autocomplete": "off", "autofocus": True},
    )
    mode = HiddenField()
    submit = SubmitField(_l("Check in / check out"))
