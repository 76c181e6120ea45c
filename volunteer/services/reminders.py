"""Reminder lists: a ready text message for a unit's missing people and the list to import.

This system sends no text message. A coordinator edits the ready text, exports the
people of one list (not registered, or registered without enough hours) as xlsx or
CSV, and imports the file into the unit's own SMS platform. `{name}` in the text
becomes each person's name. Phones are masked unless the coordinator asks for full
numbers and the roster-access rule entitles them (services.roster_access); every
export is audited. The SMS hook of services.sms is where sending would plug in; it
is not called here.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from volunteer.documents.reminders import ReminderRow, reminders_csv, reminders_xlsx
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Unit, User
from volunteer.services import roster_access
from volunteer.services.audit import record_audit
from volunteer.services.compliance import (
    MISSING_LABELS,
    Figures,
    Missing,
    MissingPerson,
    Targets,
    UnitRow,
    compliance_report,
    missing_people,
    own_figures,
)
from volunteer.services.errors import ServiceError
from volunteer.services.periods import Period
from volunteer.services.privacy import mask_phone

NAME_PLACEHOLDER = "{name}"
MESSAGE_MAX_LENGTH = 500  # the longest long-SMS the common platforms accept
SINGLE_SMS_LENGTH = 70  # Chinese characters in one text; a longer one goes in 67-character parts
LONG_SMS_PART_LENGTH = 67
FILE_FORMATS = ("xlsx", "csv")
AUDIT_ACTION = "compliance.export_reminders"


@dataclass(frozen=True)
class UnitFacts:
    """What the ready text says about a unit: its own figures, the targets, the year, the link."""

    unit_name: str
    figures: Figures
    targets: Targets
    year: int
    today: date
    link: str  # where to register (registration_link in the compliance blueprint)
    site_link: str  # the site's home page, where a registered person signs in


@dataclass(frozen=True)
class ReminderRequest:
    """One export a coordinator asked for: which list, the text, the period and the format."""

    kind: Missing
    message: str
    period: Period
    file_format: str = "xlsx"
    full: bool = False  # full phones asked for; given only for entitled people
    subtree: bool = False  # also the people of every unit below, each with their unit's text


def unit_figures(unit: Unit, period: Period, targets: Targets) -> Figures:
    """The unit's own roster figures (not its subtree's) in the period: a one-unit read,
    however large the subtree below it."""
    return own_figures(unit, period, targets)


def default_message(kind: Missing, facts: UnitFacts) -> str:
    """The ready text of one list, in Chinese (it goes to the roster's people), with {name}."""
    greeting = f"{NAME_PLACEHOLDER}同志，您好！"
    return greeting + _goal(facts.targets) + _progress(facts) + _ask(kind, facts)


def _goal(targets: Targets) -> str:
    staff, party = _percent(targets.staff_target), _percent(targets.party_target)
    return (
        f"按照创建全国文明城市要求，干部职工{staff}、党员{party}"
        "须完成志愿者注册并录入志愿服务时长。"
    )


def _progress(facts: UnitFacts) -> str:
    figures, targets, day = facts.figures, facts.targets, facts.today
    staff = _counts(figures.staff, figures.staff_registered, figures.staff_completed)
    text = f"截至{day.month}月{day.day}日，{facts.unit_name}在册干部职工{staff}"
    text += _short_of(figures.staff_needs(targets))
    if figures.party:
        party = _counts(figures.party, figures.party_registered, figures.party_completed)
        text += f"；党员{party}" + _short_of(figures.party_needs(targets))
    return text + "。"


def _counts(total: int, registered: int, completed: int) -> str:
    return f"{total}人，已注册{registered}人、已完成{completed}人"


def _short_of(needs: int | None) -> str:
    return f"，距目标还差{needs}人" if needs else "，已达到目标"


def _ask(kind: Missing, facts: UnitFacts) -> str:
    deadline = f"{facts.year}年12月31日前"
    if kind == Missing.NOT_REGISTERED:
        return f"您尚未注册志愿者，请于{deadline}注册：{facts.link}"
    return (
        f"您已注册志愿者，{facts.year}年尚未录入服务时长，"
        f"请于{deadline}参加志愿服务并扫码签到：{facts.site_link}"
    )


def _percent(share: Decimal) -> str:
    """A target share as a percentage without trailing zeros: 0.7000 -> 70%, 0.655 -> 65.5%."""
    return f"{(share * 100).normalize():f}%"


def personal_message(message: str, name: str) -> str:
    """The text for one person: every {name} replaced by their name, nothing else touched."""
    return message.replace(NAME_PLACEHOLDER, name)


def sms_parts(text: str) -> int:
    """How many texts a message is charged as: one up to 70 characters, else 67 a part."""
    if len(text) <= SINGLE_SMS_LENGTH:
        return 1
    return math.ceil(len(text) / LONG_SMS_PART_LENGTH)


def checked_message(message: str | None) -> str:
    """The text trimmed; refused when empty or longer than a long SMS may be."""
    text = (message or "").strip()
    if not text:
        raise ServiceError(_l("Write the text of the message."), "message")
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ServiceError(
            _l("The message is longer than %(max)s characters.", max=MESSAGE_MAX_LENGTH),
            "message",
        )
    return text


def reachable(people: list[MissingPerson], kind: Missing) -> list[MissingPerson]:
    """The people of one list who have a mobile number to text."""
    return [person for person in people if person.reason == kind and person.phone]


def unit_texts(
    root: Unit, kind: Missing, period: Period, facts_for: Callable[[UnitRow], UnitFacts]
) -> dict[int, str]:
    """The ready text of one list for every unit of the subtree, from each unit's own figures
    (one rollup statement for all of them)."""
    report = compliance_report(root, period)
    return {row.unit_id: default_message(kind, facts_for(row)) for row in report.rows}


def reminder_rows(
    people: list[MissingPerson],
    message: str,
    full_for: set[str],
    texts: dict[int, str] | None = None,
) -> list[ReminderRow]:
    """One row per person with their unit's text from `texts` (else `message`): full phone for
    ID numbers in `full_for`, else masked."""
    texts = texts or {}
    return [
        ReminderRow(
            phone=person.phone if person.id_number in full_for else mask_phone(person.phone),
            name=person.name,
            message=personal_message(texts.get(person.unit_id, message), person.name),
        )
        for person in people
        if person.phone
    ]


def export_reminders(
    unit: Unit, asked: ReminderRequest, actor: User, texts_below: dict[int, str] | None = None
) -> bytes:
    """One list of the unit's missing people (with the subtree's when asked, each unit's people
    with its text in `texts_below`) as xlsx or CSV, audited (count, masked or full)."""
    if asked.file_format not in FILE_FORMATS:
        raise ServiceError(_l("Choose Excel or CSV."))
    message = checked_message(asked.message)
    people = reachable(missing_people(unit, asked.period, subtree=asked.subtree), asked.kind)
    full_for = _full_phones_for(actor, unit, asked)
    # The unit's own people get the coordinator's edited text.
    rows = reminder_rows(people, message, full_for, {**(texts_below or {}), unit.id: message})
    full_count = sum(1 for person in people if person.id_number in full_for)
    record_audit(
        actor,
        AUDIT_ACTION,
        unit,
        list=asked.kind.value,
        format=asked.file_format,
        year=asked.period.year,
        people=len(rows),
        full_numbers=full_count > 0,
        full_phones=full_count,
        subtree=asked.subtree,
    )
    if asked.file_format == "csv":
        return reminders_csv(rows)
    return reminders_xlsx(list_title(unit, asked.kind), rows)


def _full_phones_for(actor: User, unit: Unit, asked: ReminderRequest) -> set[str]:
    """ID numbers whose full phone the actor asked for and is entitled to (roster access)."""
    if not asked.full:
        return set()
    return roster_access.id_numbers_reached_under(actor, unit, asked.subtree)


def list_title(unit: Unit, kind: Missing) -> str:
    """The list's name in the reader's language: the unit and which people it holds."""
    return f"{MISSING_LABELS[kind]} {unit.name}"
