"""The day / week / month calendar: a viewer's sessions and free slots, day by day, in the
viewer's time zone (issue 14, "coach = calendar (day/week)"; the month as the whole weeks
that hold it, Monday to Sunday, its free slots counted per day).

Who sees what is `selectors`' business, never decided here: a coach sees the sessions they
hold and their own free slots; a collaborator the sessions they take part in and the free
slots of the coaches of their subscriptions; a client admin the organisation's sessions.
A subscription past its access window (art. 7.2.2) is left out (`access.gate`).

Days are the viewer's local days: each runs from one local midnight to the next, so the
DST Sundays last 23 or 25 hours and a 09:00 session stays on its day and at 09:00.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clausier.accounts.models import Person
from clausier.coaching import access, availability, selectors
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import ACTIVE_STATUSES, Coach, CoachingSession

DAY, WEEK, MONTH = "day", "week", "month"
VIEWS = (DAY, WEEK, MONTH)
# As far as bookings open (booking.BOOKING_HORIZON), each way.
HORIZON = timedelta(days=400)


@dataclass(frozen=True, slots=True)
class Entry:
    """A session or a free slot of one day."""

    kind: str  # "session" | "free"
    starts_at: datetime
    ends_at: datetime
    coach_id: int
    coach_name: str
    session_id: int | None = None
    status: str = ""
    client_id: int | None = None
    client_name: str = ""
    participants: tuple[str, ...] = ()
    mine: bool = False


@dataclass(slots=True)
class Day:
    day: date
    starts_at: datetime  # local midnight, UTC
    ends_at: datetime  # next local midnight, UTC
    entries: list[Entry] = field(default_factory=list)

    @property
    def hours(self) -> int:
        """24, or 23 / 25 on a DST day."""
        return int((self.ends_at - self.starts_at).total_seconds() // 3600)

    @property
    def sessions(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "session"]

    @property
    def free_slots(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "free"]

    @property
    def free_count(self) -> int:
        return sum(1 for e in self.entries if e.kind == "free")


@dataclass(slots=True)
class Agenda:
    view: str
    zone: ZoneInfo
    day: date  # the day asked
    today: date
    previous: date
    next: date
    days: list[Day]
    is_coach: bool

    @property
    def starts_at(self) -> datetime:
        return self.days[0].starts_at

    @property
    def ends_at(self) -> datetime:
        return self.days[-1].ends_at

    @property
    def empty(self) -> bool:
        return not any(d.entries for d in self.days)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a local day starts (a midnight skipped by DST: the first instant
    of the day, which zoneinfo gives for fold=0)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def viewer_zone(person: Person, asked: str | None) -> ZoneInfo:
    """The zone asked (`tz`), else a coach's own zone, else the portal's (Europe/Paris)."""
    if asked:
        try:
            return ZoneInfo(asked)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CoachingError(
                _("Fuseau horaire inconnu : %(zone)s.") % {"zone": asked[:64]}, code="bad_zone"
            ) from exc
    coach = selectors.coach_of(person)
    return ZoneInfo(coach.time_zone if coach else settings.TIME_ZONE)


def parse_day(text: str | None, today: date) -> date:
    if not text:
        return today
    try:
        asked = date.fromisoformat(text)
    except ValueError as exc:
        raise CoachingError(
            _("Date invalide : %(text)s (attendu AAAA-MM-JJ).") % {"text": text[:20]},
            code="bad_date",
        ) from exc
    if abs(asked - today) > HORIZON:
        raise CoachingError(
            _("L'agenda s'ouvre au plus 400 jours avant ou après aujourd'hui."), code="bad_date"
        )
    return asked


def _month_bounds(day: date) -> tuple[date, date]:
    """The first day of `day`'s month and the first day of the next."""
    first = day.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1)


def _days(view: str, day: date, zone: ZoneInfo) -> list[Day]:
    if view == MONTH:
        first_of_month, next_month = _month_bounds(day)
        first = first_of_month - timedelta(days=first_of_month.weekday())
        last = next_month - timedelta(days=1)
        count = (last - first).days + 7 - last.weekday()  # through the last week's Sunday
    else:
        first = day - timedelta(days=day.weekday()) if view == WEEK else day
        count = 7 if view == WEEK else 1
    dates = [first + timedelta(days=i) for i in range(count + 1)]
    return [
        Day(d, local_midnight(d, zone), local_midnight(n, zone))
        for d, n in itertools.pairwise(dates)
    ]


def agenda(
    *,
    person: Person,
    now: datetime,
    view: str = WEEK,
    day: str | None = None,
    zone: str | None = None,
    coach_id: int | None = None,
) -> Agenda:
    """The viewer's sessions and free slots of the day, the week or the month holding
    `day` (a month: the Monday-to-Sunday weeks that hold it).

    Raises CoachingError on a bad view, date, zone or coach, and access.AccessEnded
    when every coaching subscription of a client person is past its window (art. 7.2.2).
    """
    if view not in VIEWS:
        raise CoachingError(_("Vue inconnue : jour, semaine ou mois."), code="bad_view")
    tz = viewer_zone(person, zone)
    today = now.astimezone(tz).date()
    asked = parse_day(day, today)
    closed = access.gate(selectors.coaching_subscriptions(person), person, now)
    days = _days(view, asked, tz)
    start, end = days[0].starts_at, days[-1].ends_at
    own_coach = selectors.coach_of(person)
    coaches = _coaches(person, own_coach, coach_id)
    sessions = (
        selectors.visible_sessions(person)
        .filter(status__in=ACTIVE_STATUSES, starts_at__lt=end, ends_at__gt=start)
        .exclude(subscription_id__in=closed)
        .select_related("coach__person", "client")
        .prefetch_related("participants__person")
        .order_by("starts_at", "pk")
    )
    if own_coach is not None:
        sessions = sessions.filter(coach=own_coach)
    if coach_id is not None:
        sessions = sessions.filter(coach_id=coach_id)
    entries = [_session_entry(s, person) for s in sessions]
    names = {c.pk: str(c) for c in coaches}
    for slots in availability.free_slots(coaches, start, end, now).values():
        entries.extend(
            Entry("free", s.starts_at, s.ends_at, s.coach_id, names[s.coach_id]) for s in slots
        )
    entries.sort(key=lambda e: (e.starts_at, e.kind != "session", e.coach_name, e.coach_id))
    for entry in entries:
        for d in days:
            if d.starts_at <= entry.starts_at < d.ends_at:
                d.entries.append(entry)
                break
        else:
            # A session begun the day before the window still shows on its first day.
            days[0].entries.append(entry)
    if view == MONTH:
        first_of_month, next_month = _month_bounds(asked)
        previous, following = _month_bounds(first_of_month - timedelta(days=1))[0], next_month
    else:
        step = timedelta(days=7 if view == WEEK else 1)
        previous, following = asked - step, asked + step
    return Agenda(
        view=view,
        zone=tz,
        day=asked,
        today=today,
        previous=previous,
        next=following,
        days=days,
        is_coach=own_coach is not None,
    )


def _coaches(person: Person, own: Coach | None, coach_id: int | None) -> list[Coach]:
    """Whose free slots show: a coach's own; else the coaches the person may book with."""
    if own is not None:
        found = [own]
    else:
        found = list(selectors.visible_coaches(person).select_related("provider"))
    if coach_id is None:
        return found
    chosen = [c for c in found if c.pk == coach_id]
    if not chosen and not selectors.visible_sessions(person).filter(coach_id=coach_id).exists():
        raise CoachingError(_("Coach inconnu."), code="bad_coach")
    return chosen


def _session_entry(session: CoachingSession, person: Person) -> Entry:
    people: list[Any] = [p.person for p in session.participants.all()]
    return Entry(
        "session",
        session.starts_at,
        session.ends_at,
        session.coach_id,
        str(session.coach),
        session_id=session.pk,
        status=str(session.status),
        client_id=session.client_id,
        client_name=str(session.client),
        participants=tuple(p.full_name or p.email for p in people),
        mine=session.coach.person_id == person.pk or any(p.pk == person.pk for p in people),
    )
