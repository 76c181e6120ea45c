"""The audit log's filter form (a GET form: filters are part of the address)."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from volunteer.admin.audit_labels import action_label, target_label
from volunteer.bounds import EARLIEST_DAY, LATEST_DAY
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import User
from volunteer.services.audit_view import AuditFilters


class AuditFilterForm(FlaskForm):
    """Who, what action, which kind of object, from and to (Beijing days)."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    who = StringField(_l("Find a person"), validators=[Optional(), Length(max=100)])
    actor = SelectField(_l("Who"), validators=[Optional()], default="")
    action = SelectField(_l("Action"), validators=[Optional()], default="")
    target_type = SelectField(_l("Object type"), validators=[Optional()], default="")
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))

    def offer(self, actors: list[User], actions: list[str], target_types: list[str]) -> None:
        """Fill the lists with what the log holds."""
        self.actor.choices = _any_or(_l("Everyone"), [(str(u.id), u.name) for u in actors])
        self.action.choices = _any_or(_l("Any action"), [(a, action_label(a)) for a in actions])
        types = [(t, target_label(t)) for t in target_types]
        self.target_type.choices = _any_or(_l("Any object"), types)

    def filters(self) -> AuditFilters:
        """The chosen filters; dates outside 2000-2100 are ignored."""
        return AuditFilters(
            actor_id=int(self.actor.data) if self.actor.data else None,
            action=self.action.data or None,
            target_type=self.target_type.data or None,
            start=_bounded(self.start.data),
            end=_bounded(self.end.data),
        )


def _any_or(anything: str, pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """A first choice meaning "no filter" (`anything`), then a choice per (value, label)."""
    return [SelectChoice("", str(anything)), *(SelectChoice(*pair) for pair in pairs)]


def _bounded(day: date | None) -> date | None:
    return day if day is not None and EARLIEST_DAY <= day <= LATEST_DAY else None
