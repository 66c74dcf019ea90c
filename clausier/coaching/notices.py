"""E-mails about sessions, through the outbox: invitations and cancellations with their
iCalendar file (METHOD:REQUEST / METHOD:CANCEL), and reminders 24 hours and 1 hour
before (a periodic job, `send_reminders`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from clausier.accounts.models import Person, Role
from clausier.billing.models import Subscription, SubscriptionStatus
from clausier.billing.subscriptions.contracts import pack_of
from clausier.coaching import ical, jaas, ledger
from clausier.coaching.models import ChangeRequest, CoachingSession, SessionStatus
from clausier.notify.services import Attachment, Draft, enqueue_many
from clausier.terms.zone import contract_zone

REMINDERS = (("24h", timedelta(hours=24)), ("1h", timedelta(hours=1)))
# A session is closed (held or no-show) once its room cannot be entered any more.
ROOM_CLOSES_AFTER = jaas.END_MARGIN


def join_url(session: CoachingSession) -> str:
    return settings.SITE_URL + reverse("portal:coaching_join", args=[session.pk])


def _people(session: CoachingSession) -> list[Person]:
    seats = [seat.person for seat in session.participants.select_related("person")]
    return [session.coach.person, *seats]


def _when(session: CoachingSession, person: Person) -> str:
    # The coach reads times in their own zone; participants in the contract's.
    zone = (
        ZoneInfo(session.coach.time_zone)
        if person.pk == session.coach.person_id
        else contract_zone()
    )
    return f"{session.starts_at.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"


def reply_address(session: CoachingSession) -> str:
    """Where a participant's reply goes (art. 10.1 "par e-mail", 10.3 "par mail à l'expert
    concerné"): the deployment's coaching address for the provider, piped into
    `coaching_mail_in`, or else the coach's own address."""
    address = settings.COACHING_MAIL_IN_ADDRESS
    if address:
        return address.replace("{provider}", session.provider.slug)
    return str(session.coach.person.email)


def _context(session: CoachingSession, person: Person) -> dict[str, object]:
    return {
        # The subject's `[#S-<id>]` tag finds the session when a reply lost its headers.
        "session_ref": session.pk,
        "provider": session.provider.legal_name,
        "label": session.subscription.label,
        "coach": str(session.coach),
        "starts_at": _when(session, person),
        "url": join_url(session),
    }


def send_invitation(session: CoachingSession, now: datetime, clause: str) -> int:
    calendar = Attachment(
        "invitation.ics",
        "text/calendar; method=REQUEST; charset=utf-8",
        ical.invitation(session, now, join_url(session)),
    )
    drafts = [
        Draft(
            "session_invitation",
            person.email,
            person.language,
            {**_context(session, person), "clause": clause},
            f"coaching:{session.ical_uid}:{session.ical_sequence}:request:{person.pk}",
            session.provider,
            reply_to=reply_address(session),
            attachments=(calendar,),
        )
        for person in _people(session)
    ]
    return enqueue_many(drafts, now)


def send_cancellation(
    session: CoachingSession, now: datetime, clause: str, in_time: bool | None
) -> int:
    calendar = Attachment(
        "cancel.ics", "text/calendar; method=CANCEL; charset=utf-8", ical.cancellation(session, now)
    )
    drafts = []
    for person in _people(session):
        with translation.override(person.language):
            if in_time is None:
                outcome = _("Le prestataire annule pour force majeure : la séance vous est rendue.")
            elif in_time:
                outcome = _("Annulée au moins 48 heures avant : la séance vous est rendue.")
            else:
                outcome = _(
                    "Annulée moins de 48 heures avant : la séance est comptée comme réalisée."
                )
        drafts.append(
            Draft(
                "session_cancelled",
                person.email,
                person.language,
                {**_context(session, person), "outcome": outcome, "clause": clause},
                f"coaching:{session.pk}:cancel:{person.pk}",
                session.provider,
                attachments=(calendar,),
            )
        )
    return enqueue_many(drafts, now)


def send_reminders(now: datetime) -> int:
    """The job: each booked session gets a reminder 24 hours and 1 hour before, once
    (the conditional UPDATE claims it: two schedulers never send twice)."""
    sent = 0
    for name, lead in REMINDERS:
        field = f"reminded_{name}_at"
        due = CoachingSession.objects.filter(
            Q(**{f"{field}__isnull": True}),
            status=SessionStatus.BOOKED,
            starts_at__gt=now,
            starts_at__lte=now + lead,
        )
        if name == "24h":
            # Within the last hour, the 1-hour reminder says it: one message, not two.
            due = due.filter(starts_at__gt=now + timedelta(hours=1))
        for session in due.select_related("coach__person", "provider", "subscription"):
            claimed = CoachingSession.objects.filter(
                pk=session.pk, **{f"{field}__isnull": True}
            ).update(**{field: now})
            if claimed != 1:
                continue
            drafts = [
                Draft(
                    "session_reminder",
                    person.email,
                    person.language,
                    _context(session, person),
                    f"coaching:{session.pk}:reminder:{name}:{person.pk}",
                    session.provider,
                    reply_to=reply_address(session),
                )
                for person in _people(session)
            ]
            sent += enqueue_many(drafts, now)
    return sent


# Days before the end of an annual period when the client's administrators are told
# that sessions remain (they are lost at the period's end, art. 10.1).
PERIOD_END_NOTICE = timedelta(days=30)


def send_period_end_reminders(now: datetime) -> int:
    """The job: once per period, 30 days before its end, the client's administrators
    learn how many sessions remain and until when."""
    drafts = []
    subscriptions = Subscription.objects.filter(
        status=SubscriptionStatus.ACTIVE, start_date__isnull=False, plan__session_allowance__gt=0
    ).select_related("provider", "plan", "acceptance")
    for subscription in subscriptions:
        summary = ledger.allowance(subscription, now, now)
        if summary.remaining <= 0 or summary.expires_at - now > PERIOD_END_NOTICE:
            continue
        admins = Person.objects.filter(
            memberships__client_id=subscription.client_id,
            memberships__role=Role.CLIENT_ADMIN,
            memberships__revoked_at__isnull=True,
            is_active=True,
        ).distinct()
        for person in admins:
            drafts.append(
                Draft(
                    "allowance_expiring",
                    person.email,
                    person.language,
                    {
                        "provider": subscription.provider.legal_name,
                        "label": subscription.label,
                        "remaining": summary.remaining,
                        "last_day": summary.period_end,
                        "clause": summary.clause,
                    },
                    f"coaching:{subscription.pk}:{summary.period_start}:expiring:{person.pk}",
                    subscription.provider,
                )
            )
    return enqueue_many(drafts, now)


def send_change_request_notices(request: ChangeRequest, now: datetime) -> int:
    """A change request received by e-mail (art. 10.1, 10.3): the coach is told there is
    one to decide, and the sender that it was received at `received_at` — the instant the
    48-hour notice is judged at, whoever decides and whenever. Once each (the keys)."""
    session = request.session
    # The 48-hour notice of the subscription's own terms (art. 10.1).
    clause = str(pack_of(session.subscription).clause("sessions.postponement_notice"))
    zone = contract_zone()
    received = f"{request.received_at.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"
    coach = session.coach.person
    common = {
        "session_ref": session.pk,
        "provider": session.provider.legal_name,
        "label": session.subscription.label,
        "received_at": received,
        "clause": clause,
    }
    drafts = [
        Draft(
            "change_request_to_coach",
            coach.email,
            coach.language,
            {
                **common,
                "starts_at": _when(session, coach),
                "sender": request.sender.email,
                "text": request.text[:1000],
                "url": settings.SITE_URL + reverse("portal:coaching_requests"),
            },
            f"coaching:{session.pk}:change-request:{request.pk}:coach",
            session.provider,
        ),
        Draft(
            "change_request_received",
            request.sender.email,
            request.sender.language,
            {**common, "starts_at": _when(session, request.sender), "coach": str(session.coach)},
            f"coaching:{session.pk}:change-request:{request.pk}:sender",
            session.provider,
        ),
    ]
    return enqueue_many(drafts, now)
