"""The form for a whole paper sign-in sheet: pasted lines or a file, then confirm."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from volunteer.i18n import lazy_gettext as _l


class PaperSheetForm(FlaskForm):
    """Lines of 姓名, 志愿者编号或手机号, 签到, 签退 pasted or uploaded; a reason kept with each."""

    text = TextAreaField(
        _l("Sheet lines: name, volunteer number or mobile, check-in, check-out"),
        validators=[Optional(), Length(max=60000)],
        render_kw={"rows": 8, "placeholder": "乌云\t13800001234\t08:30\t11:30"},
    )
    file = FileField(_l("Or a file (.xlsx or .csv) with the same four columns"))
    reason = StringField(
        _l("Source (e.g. paper sign-in sheet)"),
        validators=[
            DataRequired(_l("Give a reason; it is kept with the record.")),
            Length(max=500),
        ],
        default="纸质签到表",
    )
    step = HiddenField(default="preview")
    submit = SubmitField(_l("Check the sheet"))

    def confirming(self) -> bool:
        """True when the organizer confirmed a previewed sheet."""
        return self.step.data == "confirm"
