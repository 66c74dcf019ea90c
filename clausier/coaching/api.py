"""The coaching API: allowances, enrolments, free slots, sessions and their changes,
rooms, deliverables. Every object is reached through `coaching.selectors`; objects a
caller may not see answer 404."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime

from clausier.accounts.api.people import caller
from clausier.accounts.models import Person
from clausier.accounts.scoping import client_ids
from clausier.apikit.pagination import Page
from clausier.apikit.schemas import StrictIn
from clausier.coaching import (
    access,
    agenda,
    availability,
    booking,
    deliverables,
    ledger,
    problems,
    requests,
    rooms,
    selectors,
    services,
)
from clausier.coaching.changes import Change
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import ChangeRequest, CoachingSession, Deliverable, ProblemReport
from clausier.coaching.schemas import (
    AgendaOut,
    AllowanceOut,
    ApplyRequestIn,
    ChangeOut,
    ChangeRequestOut,
    DeliverableIn,
    DeliverableOut,
    DismissRequestIn,
    EnrolmentIn,
    EnrolmentOut,
    JoinOut,
    PostponeIn,
    ReservationIn,
    SessionIn,
    SessionOut,
    SlotOut,
)

router = Router(tags=["coaching"])
MAX_SLOT_WINDOW = timedelta(days=62)


def _sessions(person: Person) -> Any:
    return selectors.visible_sessions(person).prefetch_related("participants")


def _session(person: Person, session_id: int) -> CoachingSession:
    session = get_object_or_404(_sessions(person).select_related("subscription"), pk=session_id)
    access.require(session.subscription, person, timezone.now())  # art. 7.2.2
    return session


def _gate(person: Person) -> set[int]:
    """Art. 7.2.2: 403 once every subscription of the caller is past its access window;
    else the ids of the closed ones."""
    return access.gate(selectors.coaching_subscriptions(person), person, timezone.now())


@router.get("/coaching/allowances", response=list[AllowanceOut])
def list_allowances(request: HttpRequest) -> list[ledger.Allowance]:
    """The current period of each coaching subscription the caller may read."""
    now = timezone.now()
    found = []
    person = caller(request)
    closed = _gate(person)
    for subscription in (
        selectors.coaching_subscriptions(person)
        .filter(start_date__isnull=False)
        .exclude(pk__in=closed)
    ):
        try:
            found.append(ledger.allowance(subscription, now, now))
        except CoachingError:
            continue
    return found


@router.get("/coaching/subscriptions/{subscription_id}/allowance", response=AllowanceOut)
def get_allowance(
    request: HttpRequest, subscription_id: int, at: AwareDatetime | None = None
) -> ledger.Allowance:
    """The period holding `at` (default now): remaining sessions and until when."""
    person = caller(request)
    subscription = get_object_or_404(selectors.coaching_subscriptions(person), pk=subscription_id)
    now = timezone.now()
    access.require(subscription, person, now)  # art. 7.2.2
    if at is not None and abs(at - now) > booking.BOOKING_HORIZON * 5:
        raise CoachingError("at must be within five years of now", code="bad_date")
    return ledger.allowance(subscription, at or now, now)


@router.post("/coaching/subscriptions/{subscription_id}/enrolments", response={201: EnrolmentOut})
def create_enrolment(
    request: HttpRequest, subscription_id: int, payload: EnrolmentIn
) -> Status[Any]:
    """The client admin assigns a collaborator of the organisation to the subscription."""
    person = caller(request)
    subscription = get_object_or_404(selectors.coaching_subscriptions(person), pk=subscription_id)
    access.require(subscription, person, timezone.now())  # art. 7.2.2
    member = get_object_or_404(
        Person.objects.filter(memberships__client_id=subscription.client_id).distinct(),
        pk=payload.person_id,
    )
    return Status(201, booking.enrol(actor=person, subscription=subscription, person=member))


class SlotQuery(Schema):
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None


@router.get("/coaching/coaches/{coach_id}/slots", response=list[SlotOut])
def list_slots(
    request: HttpRequest, coach_id: int, window: Query[SlotQuery]
) -> list[availability.Slot]:
    """The coach's free slots (default: the next three weeks; at most two months)."""
    person = caller(request)
    coach = get_object_or_404(selectors.visible_coaches(person), pk=coach_id)
    _gate(person)
    now = timezone.now()
    start: datetime = window.start or now
    if abs(start - now) > booking.BOOKING_HORIZON:
        raise CoachingError("start must be within 400 days of now", code="bad_window")
    end: datetime = window.end or start + timedelta(days=21)
    if not start < end <= start + MAX_SLOT_WINDOW:
        raise CoachingError("end must follow start by at most 62 days", code="bad_window")
    return availability.free_slots([coach], start, end, now)[coach.pk]


class AgendaQuery(Schema):
    view: str = agenda.WEEK
    date: str | None = None
    tz: str | None = None
    coach_id: int | None = None


@router.get("/coaching/calendar", response=AgendaOut)
def get_calendar(request: HttpRequest, query: Query[AgendaQuery]) -> dict[str, Any]:
    """The caller's sessions and free slots of a day, a week or a month (`view`
    day|week|month, `date` YYYY-MM-DD, default today), day by day in the caller's zone
    (`tz`, default the coach's own zone, else Europe/Paris): the same data as the portal's
    agenda page."""
    person = caller(request)
    found = agenda.agenda(
        person=person,
        now=timezone.now(),
        view=query.view,
        day=query.date,
        zone=query.tz,
        coach_id=query.coach_id,
    )
    return {
        "view": found.view,
        "zone": found.zone.key,
        "day": found.day,
        "today": found.today,
        "previous": found.previous,
        "next": found.next,
        "starts_at": found.starts_at,
        "ends_at": found.ends_at,
        "days": [
            {
                "day": d.day,
                "starts_at": d.starts_at,
                "ends_at": d.ends_at,
                "hours": d.hours,
                "entries": [
                    {
                        "kind": e.kind,
                        "starts_at": e.starts_at,
                        "ends_at": e.ends_at,
                        "coach_id": e.coach_id,
                        "coach_name": e.coach_name,
                        "session_id": e.session_id,
                        "status": e.status,
                        "client_id": e.client_id,
                        "participants": list(e.participants),
                        "mine": e.mine,
                    }
                    for e in d.entries
                ],
            }
            for d in found.days
        ],
    }


@router.get("/coaching/sessions", response=list[SessionOut])
@paginate(Page)
def list_sessions(request: HttpRequest) -> Any:
    person = caller(request)
    closed = _gate(person)
    return _sessions(person).exclude(subscription_id__in=closed).order_by("starts_at", "pk")


@router.post("/coaching/sessions", response={201: SessionOut})
def create_session(request: HttpRequest, payload: SessionIn) -> Status[CoachingSession]:
    """Book a coach's free slot from the subscription's allowance (art. 10.1). A slot
    taken meanwhile is a 409 `slot_taken`; no session left a 400 `allowance_exhausted`."""
    person = caller(request)
    subscription = get_object_or_404(
        selectors.coaching_subscriptions(person), pk=payload.subscription_id
    )
    access.require(subscription, person, timezone.now())  # art. 7.2.2
    coach = get_object_or_404(selectors.visible_coaches(person), pk=payload.coach_id)
    participants = None
    if payload.participant_ids:
        found = {
            p.pk: p
            for p in Person.objects.filter(
                pk__in=payload.participant_ids, memberships__client_id=subscription.client_id
            )
        }
        if set(payload.participant_ids) != set(found):
            raise Http404
        participants = [found[pk] for pk in payload.participant_ids]
    session = services.book_session(
        now=timezone.now(),
        actor=person,
        subscription=subscription,
        coach=coach,
        starts_at=payload.starts_at,
        participants=participants,
    )
    return Status(201, _session(person, session.pk))


@router.get("/coaching/sessions/{session_id}", response=SessionOut)
def get_session(request: HttpRequest, session_id: int) -> CoachingSession:
    return _session(caller(request), session_id)


def _change_out(person: Person, change: Change) -> dict[str, Any]:
    replacement = change.replacement
    return {
        "session": _session(person, change.session.pk),
        "in_time": change.in_time,
        "request_by": change.rule.request_by,
        "clause": str(change.rule.clause),
        "replacement": _session(person, replacement.pk) if replacement else None,
    }


@router.post("/coaching/sessions/{session_id}/cancel", response=ChangeOut)
def cancel_session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    """Free 48 clock hours before the start; later the session is consumed (art. 10.1)."""
    person = caller(request)
    change = services.cancel_session(
        now=timezone.now(), actor=person, session=_session(person, session_id)
    )
    return _change_out(person, change)


@router.post("/coaching/sessions/{session_id}/postpone", response=ChangeOut)
def postpone_session(request: HttpRequest, session_id: int, payload: PostponeIn) -> dict[str, Any]:
    person = caller(request)
    session = _session(person, session_id)
    coach = None
    if payload.coach_id is not None:
        coach = get_object_or_404(selectors.visible_coaches(person), pk=payload.coach_id)
    change = services.postpone_session(
        now=timezone.now(), actor=person, session=session, starts_at=payload.starts_at, coach=coach
    )
    return _change_out(person, change)


@router.post("/coaching/sessions/{session_id}/force-majeure", response=SessionOut)
def cancel_for_force_majeure(request: HttpRequest, session_id: int) -> CoachingSession:
    """The provider cancels for force majeure (art. 28): the seats return."""
    person = caller(request)
    services.cancel_for_force_majeure(
        now=timezone.now(), actor=person, session=_session(person, session_id)
    )
    return _session(person, session_id)


@router.get("/coaching/sessions/{session_id}/join", response=JoinOut)
def join_session(request: HttpRequest, session_id: int) -> rooms.Join:
    """A JaaS token for the caller (moderator only for the coach), from a few minutes
    before the start."""
    person = caller(request)
    return rooms.join(now=timezone.now(), session=_session(person, session_id), person=person)


def _deliverable_out(deliverable: Deliverable) -> dict[str, Any]:
    rule = deliverables.acceptance(deliverable, timezone.now())
    return {
        "id": deliverable.pk,
        "client_id": deliverable.client_id,
        "subscription_id": deliverable.subscription_id,
        "session_id": deliverable.session_id,
        "title": deliverable.title,
        "body": deliverable.body,
        "posted_at": deliverable.posted_at,
        "reservation": deliverable.reservation,
        "reserved_at": deliverable.reserved_at,
        "status": rule.status,
        "closes_at": rule.window.closes_at,
        "clause": str(rule.clause),
    }


@router.get("/coaching/deliverables", response=list[DeliverableOut])
def list_deliverables(request: HttpRequest) -> list[dict[str, Any]]:
    person = caller(request)
    closed = _gate(person)
    rows = (
        selectors.visible_deliverables(person)
        .exclude(subscription_id__in=closed)
        .select_related("subscription")
    )
    return [_deliverable_out(d) for d in rows.order_by("-posted_at", "-pk")[:200]]


@router.post("/coaching/deliverables", response={201: DeliverableOut})
def create_deliverable(request: HttpRequest, payload: DeliverableIn) -> Status[dict[str, Any]]:
    person = caller(request)
    subscription = get_object_or_404(
        selectors.coaching_subscriptions(person).exclude(client_id__in=client_ids(person)),
        pk=payload.subscription_id,
    )
    session = None
    if payload.session_id is not None:
        session = _session(person, payload.session_id)
    deliverable = deliverables.post(
        now=timezone.now(),
        actor=person,
        subscription=subscription,
        title=payload.title,
        body=payload.body,
        session=session,
    )
    return Status(201, _deliverable_out(deliverable))


@router.post("/coaching/deliverables/{deliverable_id}/reservation", response=DeliverableOut)
def reserve_deliverable(
    request: HttpRequest, deliverable_id: int, payload: ReservationIn
) -> dict[str, Any]:
    """The client's reservation, within two days of delivery (art. 15)."""
    person = caller(request)
    deliverable = get_object_or_404(
        selectors.visible_deliverables(person).select_related("subscription"), pk=deliverable_id
    )
    access.require(deliverable.subscription, person, timezone.now())  # art. 7.2.2
    return _deliverable_out(
        deliverables.reserve(
            now=timezone.now(), actor=person, deliverable=deliverable, text=payload.text
        )
    )


class ProblemIn(StrictIn):
    kind: str = Field(max_length=16)
    description: str = Field(default="", max_length=2000)


class ResolutionIn(StrictIn):
    upheld: bool
    resolution: str = Field(max_length=500)


class ProblemOut(Schema):
    id: int
    session_id: int
    kind: str
    description: str
    reported_at: datetime
    deadline: datetime
    clause: str
    status: str
    resolution: str
    resolved_at: datetime | None


def _problem_out(report: ProblemReport) -> ProblemOut:
    return ProblemOut(
        id=report.pk,
        session_id=report.session_id,
        kind=report.kind,
        description=report.description,
        reported_at=report.reported_at,
        deadline=report.deadline,
        clause=report.clause,
        status=report.status,
        resolution=report.resolution,
        resolved_at=report.resolved_at,
    )


@router.post("/coaching/sessions/{session_id}/problems", response={201: ProblemOut})
def report_problem(request: HttpRequest, session_id: int, payload: ProblemIn) -> Status[Any]:
    """Art. 7.2.4: report a problem with the session within 24 hours after its end."""
    person = caller(request)
    session = _session(person, session_id)
    report = problems.report_problem(
        now=timezone.now(),
        actor=person,
        session=session,
        kind=payload.kind,
        description=payload.description,
    )
    return Status(201, _problem_out(report))


@router.get("/coaching/problems", response=list[ProblemOut])
@paginate(Page)
def list_problems(request: HttpRequest) -> list[ProblemOut]:
    """The problem reports the caller may see: staff their provider's, a client's
    administrator the organisation's, a person their own."""
    reports = problems.visible_reports(caller(request)).order_by("-reported_at", "-pk")
    return [_problem_out(report) for report in reports]


@router.post("/coaching/problems/{problem_id}/resolve", response=ProblemOut)
def resolve_problem(request: HttpRequest, problem_id: int, payload: ResolutionIn) -> ProblemOut:
    """Staff uphold (the session's seats are credited back) or reject a report."""
    person = caller(request)
    report = get_object_or_404(
        problems.visible_reports(person).select_related("session"), pk=problem_id
    )
    return _problem_out(
        problems.resolve_problem(
            now=timezone.now(),
            actor=person,
            report=report,
            upheld=payload.upheld,
            resolution=payload.resolution,
        )
    )


def _request_out(request: ChangeRequest) -> ChangeRequestOut:
    return ChangeRequestOut(
        id=request.pk,
        session_id=request.session_id,
        sender_id=request.sender_id,
        received_at=request.received_at,
        kind=request.kind,
        subject=request.subject,
        text=request.text,
        status=request.status,
        decision=request.decision,
        decided_at=request.decided_at,
    )


def _change_request(person: Person, change_request_id: int) -> ChangeRequest:
    return get_object_or_404(
        requests.visible_requests(person).select_related("session__coach"), pk=change_request_id
    )


@router.get("/coaching/change-requests", response=list[ChangeRequestOut])
@paginate(Page)
def list_change_requests(request: HttpRequest) -> list[ChangeRequestOut]:
    """Cancellations and postponements asked by e-mail (art. 10.1, 10.3) the caller may
    see: owners their provider's, a coach those of their sessions, a client's
    administrator the organisation's, a person their own."""
    rows = requests.visible_requests(caller(request)).order_by("-received_at", "-pk")
    return [_request_out(row) for row in rows]


@router.post("/coaching/change-requests/{change_request_id}/apply", response=ChangeOut)
def apply_change_request(
    request: HttpRequest, change_request_id: int, payload: ApplyRequestIn
) -> dict[str, Any]:
    """The coach (or an owner) cancels or postpones as asked; the 48-hour notice is
    judged at the e-mail's reception, not now (art. 10.1)."""
    person = caller(request)
    change_request = _change_request(person, change_request_id)
    coach = None
    if payload.coach_id is not None:
        coach = get_object_or_404(selectors.visible_coaches(person), pk=payload.coach_id)
    change = requests.apply_request(
        now=timezone.now(),
        actor=person,
        request=change_request,
        action=payload.action,
        starts_at=payload.starts_at,
        coach=coach,
    )
    return _change_out(person, change)


@router.post("/coaching/change-requests/{change_request_id}/dismiss", response=ChangeRequestOut)
def dismiss_change_request(
    request: HttpRequest, change_request_id: int, payload: DismissRequestIn
) -> ChangeRequestOut:
    """Set a request aside without touching the session, saying why."""
    person = caller(request)
    return _request_out(
        requests.dismiss_request(
            now=timezone.now(),
            actor=person,
            request=_change_request(person, change_request_id),
            reason=payload.reason,
        )
    )
