"""Periods and Beijing time: the one place that turns calendar days into UTC bounds.

DOMAIN.md counts days as Beijing calendar days. Every period (a compliance year,
a certificate's range, an activity's days) is a `Period` of whole local days with
both ends included; `utc_bounds` gives the half-open UTC interval that stored
times are compared with.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Activity, utcnow
from volunteer.models.base import LOCAL_ZONE
from volunteer.services.errors import ServiceError

# A compliance period longer than this is refused: reports are read per year.
MAX_PERIOD_DAYS = 366 * 3
# Years a period may touch: records start with the campaign; far years (1, 9999) would
# overflow the conversion of local days to UTC moments.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    """Beijing calendar days, both ends included; `start` None means from the first record."""

    start: date | None
    end: date
    kind: str = "range"  # "year", "range", "all" or "activity"

    @property
    def year(self) -> int:
        """The year whose targets apply (the year the period starts in, else ends in)."""
        return (self.start or self.end).year

    def utc_bounds(self) -> tuple[datetime | None, datetime]:
        """[start, end) as aware UTC datetimes, for comparing with stored times."""
        start = local_midnight(self.start) if self.start is not None else None
        return start, local_midnight(self.end + timedelta(days=1))

    def is_calendar_year(self) -> bool:
        """Whether the period is exactly one whole calendar year."""
        return self.start == date(self.year, 1, 1) and self.end == date(self.year, 12, 31)


def local_midnight(day: date) -> datetime:
    """Midnight at the start of `day` in Beijing, as aware UTC."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE).astimezone(UTC)


def local_today(now: datetime | None = None) -> date:
    """Today's date in Beijing."""
    return (now or utcnow()).astimezone(LOCAL_ZONE).date()


def local_date(moment: datetime) -> date:
    """The Beijing calendar day an aware moment falls on."""
    return moment.astimezone(LOCAL_ZONE).date()


def beijing_to_aware(local: datetime | None) -> datetime | None:
    """A naive time typed by a person is Beijing time: attach the zone (it stays Beijing)."""
    if local is None:
        return None
    return local.replace(tzinfo=LOCAL_ZONE)


def aware_to_beijing_naive(moment: datetime | None) -> datetime | None:
    """An aware time as the naive Beijing time a datetime-local input shows."""
    if moment is None:
        return None
    return moment.astimezone(LOCAL_ZONE).replace(tzinfo=None)


# ---- compliance periods: whole calendar years or chosen days ----


def checked_year(year: int) -> int:
    """`year` if a period may touch it, else a ServiceError naming the years allowed."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        message = _l("Choose a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
        raise ServiceError(message, "year")
    return year


def year_period(year: int) -> Period:
    """The whole calendar year (the default assessment period)."""
    year = checked_year(year)
    return Period(date(year, 1, 1), date(year, 12, 31), "year")


def make_period(year: int | None, start: date | None = None, end: date | None = None) -> Period:
    """The period from a year and optional bounds inside the form; refuses nonsense."""
    year = year or local_today().year
    if start is None and end is None:
        return year_period(year)
    start = start or date(checked_year(year), 1, 1)
    end = end or date(checked_year(start.year), 12, 31)
    checked_year(end.year)
    if end < start:
        raise ServiceError(_l("The period ends before it starts."), "end")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ServiceError(_l("Choose a period of at most three years."), "end")
    return Period(start, end)


# ---- certificate periods: they never reach past today ----


def this_year(today: date | None = None) -> Period:
    """January 1st of the current year up to today."""
    today = today or local_today()
    return Period(date(today.year, 1, 1), today, "year")


def whole_year(year: int, today: date | None = None) -> Period:
    """One calendar year (up to today when it is the current year)."""
    today = today or local_today()
    if year > today.year:
        raise ServiceError(_l("The year has not started yet."), "year")
    checked_year(year)
    return Period(date(year, 1, 1), min(date(year, 12, 31), today), "year")


def all_time(today: date | None = None) -> Period:
    """Everything up to today."""
    return Period(None, today or local_today(), "all")


def date_range(start: date, end: date, today: date | None = None) -> Period:
    """A chosen range of days, both ends included; it cannot end in the future."""
    today = today or local_today()
    checked_year(start.year)
    if end < start:
        raise ServiceError(_l("The period must end on or after its first day."), "end")
    if end > today:
        raise ServiceError(_l("The period cannot end after today."), "end")
    return Period(start, end, "range")


def chosen_period(
    kind: str,
    year: int | None = None,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
) -> Period:
    """The certificate period a form or an API call names: "year" (this year so far),
    "past_year" (`year`), "range" (`start` to `end`) or "all"; refuses a missing part."""
    if kind == "all":
        return all_time(today)
    if kind == "past_year":
        if not year:
            raise ServiceError(_l("Enter the year."), "year")
        return whole_year(year, today)
    if kind == "range":
        if not start or not end:
            raise ServiceError(_l("Enter both the first and the last day."), "start")
        return date_range(start, end, today)
    return this_year(today)


def activity_period(activity: Activity) -> Period:
    """The local days an activity runs on (for certificates handed out after an event)."""
    return Period(local_date(activity.starts_at), local_date(activity.ends_at), "activity")
