"""Sessions booked from the allowance, and written deliverables, through the coaching
services on the simulator's books (coaching art. 10.1, 15, 28).

`session_booked` books through `coaching.services` (the coach offers the slot: the
scenario says so), `session_held` closes it with its attendance (absent seats are
no-shows), `provider_cancel_force_majeure` returns its seats, `booked_session_cancel`
applies the 48-clock-hour rule; each reports the subscription's `allowance`.
`session_change_by_email` sends a participant's e-mail through the coaching mail-in
(`coaching.mailin.ingest`, received at `received_at`) and has the coach apply it at the
event's instant (`coaching.requests.apply_request`): the notice is judged at reception.
`deliverable_posted` / `deliverable_reserved` report a `deliverable` outcome (art. 15);
one still without reservation at the end is reported accepted once its window closed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from clausier.accounts.models import Membership, Person, Role
from clausier.billing.models import Subscription
from clausier.billing.subscriptions.contracts import pack_of
from clausier.coaching import booking, changes, deliverables, ledger, mailin, requests, services
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import (
    AvailabilityException,
    ChangeRequest,
    Coach,
    CoachingSession,
    Deliverable,
)
from clausier.core.errors import DomainError
from clausier.simulate.context import Context, Handler
from clausier.simulate.ledger import Books, books_of
from clausier.simulate.loader import Event
from clausier.simulate.output import JsonValue, day, instant


@dataclass
class Desk:
    """What the session handlers keep between events: ids of rows in the books."""

    coach: Coach
    members: dict[str, list[Person]] = field(default_factory=dict)  # per subscription ref
    sessions: dict[str, CoachingSession] = field(default_factory=dict)
    subscription_refs: dict[int, str] = field(default_factory=dict)
    absent: dict[str, int] = field(default_factory=dict)
    deliverables: dict[str, Deliverable] = field(default_factory=dict)
    settled: set[str] = field(default_factory=set)


def _desk(context: Context) -> tuple[Books, Desk]:
    books = books_of(context)
    desk = getattr(context, "_session_desk", None)
    if desk is None:
        person = Person.objects.create(email=f"coach@{books.provider.slug}.example")
        Membership.objects.create(person=person, provider=books.provider, role=Role.COACH)
        coach = Coach.objects.create(
            provider=books.provider, person=person, time_zone=str(context.scenario.zone)
        )
        desk = Desk(coach)
        context._session_desk = desk  # type: ignore[attr-defined]
    return books, desk


def _subscription(context: Context, event: Event) -> tuple[Books, Desk, Subscription]:
    books, desk = _desk(context)
    ref = event.text("subscription")
    subscription = books.subscriptions[ref]
    subscription.refresh_from_db()
    desk.subscription_refs[subscription.pk] = ref
    return books, desk, subscription


def _members(
    books: Books, desk: Desk, ref: str, subscription: Subscription, n: int
) -> list[Person]:
    people = desk.members.setdefault(ref, [])
    while len(people) < n:
        person = Person.objects.create(
            email=f"member{len(people) + 1}.{ref}@{books.provider.slug}.example"
        )
        Membership.objects.create(
            person=person, provider=books.provider, client=books.client, role=Role.CLIENT_MEMBER
        )
        booking.enrol(actor=books.admin, subscription=subscription, person=person)
        people.append(person)
    return people[:n]


def _emit_allowance(context: Context, desk: Desk, session: CoachingSession) -> None:
    subscription = session.subscription
    now = context.now
    summary = ledger.allowance(subscription, session.starts_at, now)
    fields: dict[str, JsonValue] = {
        "subscription": desk.subscription_refs[subscription.pk],
        "period_start": day(summary.period_start),
        "period_end": day(summary.period_end),
        "granted": summary.granted,
        "booked": summary.booked,
        "held": summary.held,
        "consumed": summary.consumed,
        "returned": summary.returned,
        "remaining": summary.remaining,
    }
    clause = pack_of(subscription).clause("sessions.carry_over")
    context.emit("allowance", desk.subscription_refs[subscription.pk], clause, fields)


def _offer(desk: Desk, starts_at: datetime) -> None:
    """The coach offers exactly this slot: the scenario says the booking happened."""
    AvailabilityException.objects.create(
        coach=desk.coach,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=desk.coach.slot_minutes),
        available=True,
    )


def session_booked(context: Context, event: Event) -> None:
    books, desk, subscription = _subscription(context, event)
    starts_at = event.instant("starts_at")
    people = _members(
        books, desk, event.text("subscription"), subscription, event.count("participants") or 1
    )
    _offer(desk, starts_at)
    try:
        session = services.book_session(
            now=context.now,
            actor=books.admin,
            subscription=subscription,
            coach=desk.coach,
            starts_at=starts_at,
            participants=people,
        )
    except DomainError as exc:
        raise event.error("starts_at", f"the booking is refused: {exc.message}") from exc
    desk.sessions[event.id] = session
    _emit_allowance(context, desk, session)


def _session(context: Context, event: Event) -> tuple[Books, Desk, CoachingSession]:
    books, desk = _desk(context)
    session = desk.sessions[event.text("session")]
    session.refresh_from_db()
    return books, desk, session


def participant_absent(context: Context, event: Event) -> None:
    _books, desk, session = _session(context, event)
    ref = event.text("session")
    seats = session.participants.count()
    if desk.absent.get(ref, 0) >= seats:
        raise event.error("session", f"all {seats} participants of {ref} are already absent")
    desk.absent[ref] = desk.absent.get(ref, 0) + 1


def session_held(context: Context, event: Event) -> None:
    _books, desk, session = _session(context, event)
    ref = event.text("session")
    seats = [seat.person_id for seat in session.participants.order_by("pk")]
    attended = event.count("attended")
    present = len(seats) - desk.absent.get(ref, 0) if attended is None else attended
    if present > len(seats):
        raise event.error("attended", f"{ref} has only {len(seats)} participants")
    try:
        changes.mark_held(now=context.now, session=session, present_person_ids=set(seats[:present]))
    except CoachingError as exc:
        raise event.error("session", str(exc.message)) from exc
    _emit_allowance(context, desk, session)


def _change_fields(
    context: Context, session: CoachingSession, outcome: str, action: str = "cancel"
) -> dict[str, JsonValue]:
    zone = context.scenario.zone
    return {
        "action": action,
        "starts_at": instant(session.starts_at, zone),
        "outcome": outcome,
        "counted_as_done": outcome == "late",
        "billed": outcome == "late",
    }


def provider_cancel_force_majeure(context: Context, event: Event) -> None:
    books, desk, session = _session(context, event)
    try:
        services.cancel_for_force_majeure(now=context.now, actor=books.owner, session=session)
    except CoachingError as exc:
        raise event.error("session", str(exc.message)) from exc
    clause = pack_of(session.subscription).clause("force_majeure.termination_after")
    context.emit(
        "session_change",
        event.text("session"),
        clause,
        {**_change_fields(context, session, "force_majeure"), "by": "provider"},
    )
    _emit_allowance(context, desk, session)


def booked_session_cancel(context: Context, event: Event) -> None:
    books, desk, session = _session(context, event)
    try:
        change = services.cancel_session(now=context.now, actor=books.admin, session=session)
    except CoachingError as exc:
        raise event.error("session", str(exc.message)) from exc
    fields = _change_fields(context, session, "free" if change.in_time else "late")
    fields["request_by"] = instant(change.rule.request_by, context.scenario.zone)
    context.emit("session_change", event.text("session"), change.rule.clause, fields)
    _emit_allowance(context, desk, session)


def _request_mail(event: Event, session: CoachingSession, received_at: datetime) -> bytes:
    """What a participant writes to the coach: the session's tag in the subject, as a
    reply to its invitation would carry it."""
    seat = session.participants.select_related("person").order_by("pk").first()
    assert seat is not None
    message = EmailMessage()
    message["From"] = seat.person.email
    message["To"] = f"coaching@{session.provider.slug}.example"
    message["Subject"] = f"Séance [#S-{session.pk}] : {event.text('action')}"
    message["Date"] = format_datetime(received_at)
    message["Message-ID"] = f"<{event.index}.{event.text('session')}@scenario.example>"
    message.set_content(f"{event.text('action')}, merci.")
    return message.as_bytes()


def session_change_by_email(context: Context, event: Event) -> None:
    """Art. 10.1: the participant's e-mail, received at `received_at`, asks to cancel or
    postpone; the coach applies it at the event's instant, the 48 clock hours judged at
    the reception. Emits `session_change` (with `received_at` and `decided_at`) and
    `allowance`."""
    books, desk, session = _session(context, event)
    ref, action = event.text("session"), event.text("action")
    received_at = event.instant("received_at")
    if received_at > context.now:
        raise event.error("received_at", "the e-mail is received before the coach applies it")
    if received_at < session.created_at:
        raise event.error("received_at", "the e-mail is received after the session is booked")
    new_start = event.values.get("new_starts_at")
    if action == requests.POSTPONE and not isinstance(new_start, datetime):
        raise event.error("new_starts_at", "a postponement by e-mail names the new start")
    if action == requests.CANCEL and new_start is not None:
        raise event.error("new_starts_at", "a cancellation has no new start")
    raw = _request_mail(event, session, received_at)
    recorded = mailin.ingest(raw, books.provider, received_at)
    if recorded.request_id is None:
        reason = recorded.reason or recorded.action
        raise event.error("session", f"the e-mail is not a change request ({reason})")
    request = ChangeRequest.objects.get(pk=recorded.request_id)
    if isinstance(new_start, datetime):
        _offer(desk, new_start)
    try:
        change = requests.apply_request(
            now=context.now,
            actor=desk.coach.person,
            request=request,
            action=action,
            starts_at=new_start if isinstance(new_start, datetime) else None,
        )
    except DomainError as exc:
        raise event.error("session", str(exc.message)) from exc
    session.refresh_from_db()
    zone = context.scenario.zone
    fields = _change_fields(context, session, "free" if change.in_time else "late", action)
    fields.update(
        request_by=instant(change.rule.request_by, zone),
        received_at=instant(received_at, zone),
        decided_at=instant(context.now, zone),
        by="email",
    )
    if change.replacement is not None:
        fields["new_starts_at"] = instant(change.replacement.starts_at, zone)
        desk.sessions[ref] = change.replacement
    context.emit("session_change", ref, change.rule.clause, fields)
    _emit_allowance(context, desk, change.replacement or session)


def deliverable_posted(context: Context, event: Event) -> None:
    _books, desk, subscription = _subscription(context, event)
    desk.deliverables[event.id] = deliverables.post(
        now=context.now, actor=desk.coach.person, subscription=subscription, title=event.id
    )


def _emit_deliverable(context: Context, ref: str, deliverable: Deliverable) -> None:
    rule = deliverables.acceptance(deliverable, context.now)
    fields: dict[str, JsonValue] = {
        "posted_at": instant(deliverable.posted_at, context.scenario.zone),
        "last_day": day(rule.window.last_day),
        "outcome": rule.status,
    }
    context.emit("deliverable", ref, rule.clause, fields)


def deliverable_reserved(context: Context, event: Event) -> None:
    books, desk = _desk(context)
    ref = event.text("deliverable")
    deliverable = desk.deliverables[ref]
    if ref in desk.settled:
        raise event.error("deliverable", f"{ref} already has a reservation")
    # Too late, the reservation is refused: deemed accepted (art. 15), as the result says.
    with contextlib.suppress(CoachingError):
        deliverables.reserve(now=context.now, actor=books.admin, deliverable=deliverable, text=ref)
    desk.settled.add(ref)
    deliverable.refresh_from_db()
    _emit_deliverable(context, ref, deliverable)


def finish(context: Context) -> None:
    desk = getattr(context, "_session_desk", None)
    if desk is None:
        return
    for ref, deliverable in desk.deliverables.items():
        if ref not in desk.settled:
            _emit_deliverable(context, ref, deliverable)


HANDLERS: dict[str, Handler] = {
    "session_booked": session_booked,
    "session_held": session_held,
    "participant_absent": participant_absent,
    "provider_cancel_force_majeure": provider_cancel_force_majeure,
    "booked_session_cancel": booked_session_cancel,
    "session_change_by_email": session_change_by_email,
    "deliverable_posted": deliverable_posted,
    "deliverable_reserved": deliverable_reserved,
}
